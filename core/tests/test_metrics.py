"""`/metrics` (core/metrics.py): several real processes add up in one scrape, live gauges count only
live processes, who may scrape, and what the socket, the ledger, the tick and HTTP count."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.db import transaction
from django.test import Client
from prometheus_client import values
from prometheus_client.parser import text_string_to_metric_families

from core import metrics, perf
from game.services.tick import run_tick
from game.tests.wsclient import signed_in
from monetization.models import DiamondTransaction
from monetization.services import ledger

ROOT = Path(__file__).resolve().parents[2]
Reason = DiamondTransaction.Reason


def value(name: str, **labels: str) -> float:
    """One sample of a scrape of every process (0 when absent)."""
    body, _ = metrics.scrape()
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0


def verbs(verb: str, outcome: str) -> float:
    return value("baolife_ws_verbs_total", verb=verb, outcome=outcome)


def open_sockets() -> float:
    return value("baolife_ws_open_sockets")


def _process_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "baolife.settings.test", **extra}


def _python(script: str, *args: str, env: dict[str, str] | None = None, **popen: object) -> subprocess.Popen:
    return subprocess.Popen(  # type: ignore[call-overload]
        [sys.executable, "-c", script, *args], cwd=ROOT, env=env or _process_env(), stderr=subprocess.PIPE, **popen
    )


def _finished(process: subprocess.Popen) -> None:
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()


COUNTER = """
import sys
import django

django.setup()
from core import metrics

for _ in range(int(sys.argv[1])):
    metrics.verb_done("get_state", "ok")
"""


def test_multiprocess_mode_is_on_in_this_process():
    assert values.ValueClass._multiprocess
    assert os.environ["PROMETHEUS_MULTIPROC_DIR"] == str(metrics.DIRECTORY)


def test_directory_per_deployment_unless_configured(settings, tmp_path):
    settings.PROMETHEUS_MULTIPROC_DIR = ""
    settings.REDIS_KEY_PREFIX = "eu-1"
    assert metrics.directory().name == "baolife-metrics-eu-1"
    settings.PROMETHEUS_MULTIPROC_DIR = str(tmp_path)
    assert metrics.directory() == tmp_path


def test_two_processes_add_up_in_one_scrape_of_the_view():
    before = verbs("get_state", "ok")
    env = _process_env(PROMETHEUS_MULTIPROC_DIR=str(metrics.DIRECTORY))
    first, second = _python(COUNTER, "3", env=env), _python(COUNTER, "4", env=env)  # at the same time
    _finished(first)
    _finished(second)

    response = Client(REMOTE_ADDR="127.0.0.1").get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    families = {f.name: f for f in text_string_to_metric_families(response.content.decode())}
    wanted = {"verb": "get_state", "outcome": "ok"}
    found = [s.value for s in families["baolife_ws_verbs"].samples if s.labels == wanted]
    assert found == [before + 7]


def test_a_process_that_imported_prometheus_client_first_still_adds_up(settings):
    """The variable was not set when prometheus_client was imported: core.metrics swaps the class in."""
    late = (
        "import prometheus_client.values as v\nassert not v.ValueClass._multiprocess\n"
        + COUNTER
        + "assert v.ValueClass._multiprocess\n"
    )
    env = _process_env(REDIS_KEY_PREFIX=settings.REDIS_KEY_PREFIX)  # the same deployment's directory ...
    env.pop("PROMETHEUS_MULTIPROC_DIR")  # ... found from the prefix, as a fresh server process finds it
    before = verbs("get_state", "ok")
    _finished(_python(late, "2", env=env))
    assert verbs("get_state", "ok") == before + 2


SOCKETS = """
import sys
import django

django.setup()
from core import metrics

for _ in range(int(sys.argv[1])):
    metrics.socket_opened()
print("open", flush=True)
if sys.argv[2] == "wait":
    sys.stdin.read()
"""


def test_open_sockets_count_only_running_processes():
    before = open_sockets()
    env = _process_env(PROMETHEUS_MULTIPROC_DIR=str(metrics.DIRECTORY))
    # one that stops normally: its gauge leaves with it
    _finished(_python(SOCKETS, "2", "exit", env=env, stdout=subprocess.PIPE))
    assert open_sockets() == before
    # one that is alive, then killed: counted while it runs, not once it is dead
    alive = _python(SOCKETS, "3", "wait", env=env, stdout=subprocess.PIPE, stdin=subprocess.PIPE)
    try:
        assert alive.stdout.readline() == b"open\n"
        assert open_sockets() == before + 3
    finally:
        alive.send_signal(signal.SIGKILL)  # no exit handler runs
        alive.communicate(timeout=30)
    assert open_sockets() == before


# --- who may scrape ------------------------------------------------------------------------------
def test_allowed_address_scrapes_and_any_other_gets_a_404(settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8", "2001:db8::1"]
    unknown = Client(REMOTE_ADDR="192.0.2.1").get("/no-such-page")

    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="2001:db8::1").get("/metrics").status_code == 200
    refused = Client(REMOTE_ADDR="192.0.2.1").get("/metrics")
    assert refused.status_code == 404
    assert refused["Content-Type"] == unknown["Content-Type"]  # a 404 like any unknown page
    assert Client(REMOTE_ADDR="2001:db8::2").get("/metrics").status_code == 404  # exact, not its /64
    assert Client(REMOTE_ADDR="192.0.2.1").post("/metrics").status_code == 404  # no 405 to give it away
    assert Client(REMOTE_ADDR="10.1.2.3").post("/metrics").status_code == 405


def test_loopback_by_default():
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="::1").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="10.0.0.5").get("/metrics").status_code == 404


def test_forwarded_address_counts_only_behind_a_trusted_proxy(settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    # a client writing the header itself is not believed
    assert Client(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="10.0.0.9").get("/metrics").status_code == 404
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    # behind our proxy the client is the forwarded address, not the proxy's own
    assert Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9").get("/metrics").status_code == 404
    assert Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="10.20.0.7").get("/metrics").status_code == 200
    # our proxy that does not say whose request it is: no address decides
    assert Client(REMOTE_ADDR="10.0.0.1").get("/metrics").status_code == 404


def test_a_proxy_on_the_same_host_does_not_make_the_internet_local(settings):
    """nginx on the box forwards from 127.0.0.1; TRUSTED_PROXIES left empty must not open /metrics."""
    settings.TRUSTED_PROXIES = []
    for header in ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP"):
        assert Client(REMOTE_ADDR="127.0.0.1", **{header: "203.0.113.9"}).get("/metrics").status_code == 404
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 200


def test_bearer_token_scrapes_from_anywhere_a_wrong_or_empty_one_never(settings):
    outside = "198.51.100.7"
    settings.METRICS_TOKEN = "k7Qz-metrics-token"

    def status(header: str) -> int:
        return Client(REMOTE_ADDR=outside, HTTP_AUTHORIZATION=header).get("/metrics").status_code

    assert status("Bearer k7Qz-metrics-token") == 200
    assert status("bearer k7Qz-metrics-token") == 200
    assert status("Bearer k7Qz-metrics-tokex") == 404
    assert status("Bearer k7Qz") == 404
    assert status("Basic k7Qz-metrics-token") == 404
    assert Client(REMOTE_ADDR=outside).get("/metrics").status_code == 404
    settings.METRICS_TOKEN = ""
    assert status("Bearer ") == 404
    assert status("Bearer") == 404


@pytest.mark.django_db
def test_production_answers_an_allowed_scrape_by_address_over_plain_http(settings):
    """Production's probe middleware answers an allowed scraper before host checks and the HTTPS
    redirect; anyone else meets the whole stack, as on any other path."""
    settings.MIDDLEWARE = ["core.views.probe_middleware", *settings.MIDDLEWARE]
    settings.ALLOWED_HOSTS = ["play.baolife.example"]
    settings.SECURE_SSL_REDIRECT = True
    assert Client(HTTP_HOST="10.0.3.7:8000", REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 200
    assert Client(HTTP_HOST="10.0.3.7:8000", REMOTE_ADDR="192.0.2.1").get("/metrics").status_code == 400
    assert Client(HTTP_HOST="play.baolife.example", REMOTE_ADDR="192.0.2.1").get("/metrics").status_code == 301


# --- what is counted -----------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
async def test_verbs_over_a_real_socket_show_in_a_scrape(asgi_app, make_player):
    scrape = sync_to_async(value)
    _, token = await sync_to_async(make_player)()
    before = {
        "ping": await scrape("baolife_ws_verbs_total", verb="ping", outcome="ok"),
        "auth": await scrape("baolife_ws_verbs_total", verb="auth", outcome="ok"),
        "other": await scrape("baolife_ws_verbs_total", verb="other", outcome="unknown_type"),
        "bad": await scrape("baolife_ws_verbs_total", verb="get_state", outcome="bad_request"),
        "open": await scrape("baolife_ws_open_sockets"),
    }
    timed_before = perf.snapshot().get("ws:ping")

    client = await signed_in(asgi_app, token)
    assert (await client.request("ping", rid="1"))["ok"]
    assert (await client.request("ping", rid="2"))["ok"]
    assert (await client.request("no_such_verb_x1"))["error"]["code"] == "unknown_type"
    assert (await client.request("get_state", extra=1))["error"]["code"] == "bad_request"
    assert await scrape("baolife_ws_open_sockets") == before["open"] + 1
    await client.close()

    assert await scrape("baolife_ws_verbs_total", verb="ping", outcome="ok") == before["ping"] + 2
    assert await scrape("baolife_ws_verbs_total", verb="auth", outcome="ok") == before["auth"] + 1
    assert await scrape("baolife_ws_verbs_total", verb="other", outcome="unknown_type") == before["other"] + 1
    assert await scrape("baolife_ws_verbs_total", verb="get_state", outcome="bad_request") == before["bad"] + 1
    assert await scrape("baolife_ws_verbs_total", verb="no_such_verb_x1", outcome="unknown_type") == 0
    assert await scrape("baolife_ws_open_sockets") == before["open"]
    assert perf.snapshot()["ws:ping"].count == (timed_before.count if timed_before else 0) + 2


def test_unknown_verb_text_never_becomes_a_label_or_a_key():
    before = verbs(metrics.OTHER, "unknown_type")
    for i in range(50):
        metrics.verb_done(f"junk-{i}", "unknown_type")
    assert verbs(metrics.OTHER, "unknown_type") == before + 50
    assert not [key for key in metrics._verbs if key[0].startswith("junk-")]


def ledger_counts(reason: str, direction: str) -> tuple[float, float]:
    labels = {"reason": reason, "direction": direction}
    return value("baolife_ledger_movements_total", **labels), value("baolife_ledger_diamonds_total", **labels)


@pytest.mark.django_db(transaction=True)
def test_ledger_movements_counted_once_committed(make_player):
    player, _ = make_player()
    credits, credited = ledger_counts("quest", "credit")
    debits, debited = ledger_counts("energy_refill", "debit")

    ledger.diamonds_credit(player_id=player.pk, amount=25, reason=Reason.QUEST)
    ledger.diamonds_spend(player_id=player.pk, amount=10, reason=Reason.ENERGY_REFILL)

    assert ledger_counts("quest", "credit") == (credits + 1, credited + 25)
    assert ledger_counts("energy_refill", "debit") == (debits + 1, debited + 10)


@pytest.mark.django_db(transaction=True)
def test_ledger_movement_rolled_back_is_not_counted(make_player):
    player, _ = make_player()
    before = ledger_counts("tutorial", "credit")

    with pytest.raises(RuntimeError), transaction.atomic():
        ledger.diamonds_credit(player_id=player.pk, amount=40, reason=Reason.TUTORIAL)
        raise RuntimeError("the caller's transaction fails after the credit")

    assert ledger.balance(player_id=player.pk).diamonds == 0
    assert ledger_counts("tutorial", "credit") == before


@pytest.mark.django_db
def test_ledger_counts_in_the_commit_callbacks(make_player, django_capture_on_commit_callbacks):
    player, _ = make_player()
    before = ledger_counts("daily_login", "credit")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ledger.diamonds_credit(player_id=player.pk, amount=5, reason=Reason.DAILY_LOGIN)
    assert ledger_counts("daily_login", "credit") == before  # nothing before the commit
    for callback in callbacks:
        callback()
    assert ledger_counts("daily_login", "credit") == (before[0] + 1, before[1] + 5)


@pytest.mark.django_db
def test_tick_duration_observed():
    before = value("baolife_tick_seconds_count")
    run_tick()
    assert value("baolife_tick_seconds_count") == before + 1


def test_job_runs_by_job_and_outcome():
    before_ok = value("baolife_job_runs_total", job="test-job", outcome="ok")
    before_failed = value("baolife_job_runs_total", job="test-job", outcome="failed")
    metrics.job_finished("test-job", "ok", 0.2)
    metrics.job_finished("test-job", "ok", 0.3)
    metrics.job_finished("test-job", "failed", 7.0)
    assert value("baolife_job_runs_total", job="test-job", outcome="ok") == before_ok + 2
    assert value("baolife_job_runs_total", job="test-job", outcome="failed") == before_failed + 1
    assert value("baolife_job_seconds_count", job="test-job") == before_ok + before_failed + 3
    assert value("baolife_job_seconds_bucket", job="test-job", le="0.5") == before_ok + 2


def test_analytics_buffer_depth_and_drops():
    metrics.analytics_buffer_depth(5)
    depth = value("baolife_analytics_buffer_depth")
    metrics.analytics_buffer_depth(2)
    assert value("baolife_analytics_buffer_depth") == depth - 3  # this process's latest, added to the others'
    dropped = value("baolife_analytics_dropped_total")
    metrics.analytics_dropped(4)
    metrics.analytics_dropped(1)
    assert value("baolife_analytics_dropped_total") == dropped + 5


@pytest.mark.django_db
def test_http_requests_by_route_and_status_and_timed():
    live = value("baolife_http_requests_total", route="health-live", status="200")
    unmatched = value("baolife_http_requests_total", route="unmatched", status="404")
    timed_before = perf.snapshot().get("http:health-live")

    assert Client().get("/health/live").status_code == 200
    assert Client().get("/no/such/page/4711").status_code == 404

    assert value("baolife_http_requests_total", route="health-live", status="200") == live + 1
    assert value("baolife_http_requests_total", route="unmatched", status="404") == unmatched + 1
    assert perf.snapshot()["http:health-live"].count == (timed_before.count if timed_before else 0) + 1


def test_a_refused_post_is_the_404_of_any_unknown_path_even_with_csrf_checks(settings):
    outsider = Client(REMOTE_ADDR="192.0.2.1", enforce_csrf_checks=True)
    assert outsider.post("/metrics").status_code == outsider.post("/no-such-path").status_code == 404
    assert Client(REMOTE_ADDR="127.0.0.1", enforce_csrf_checks=True).post("/metrics").status_code == 405


def test_an_empty_file_left_by_a_killed_process_does_not_fail_the_scrape():
    metrics.verb_done("get_state", "ok")
    (metrics.DIRECTORY / "counter_999999.db").write_bytes(b"")  # killed while creating its file
    (metrics.DIRECTORY / "histogram_999998.db").write_bytes(b"\x00\x01")
    body, _ = metrics.scrape()
    assert b"baolife_ws_verbs_total" in body
