"""The performance monitor (core/perf.py): its figures, its slow log, its bound, and the report that
merges what several processes measured."""

import asyncio
import json
import logging
import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from core import perf
from core.tasks import perf_report

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _quiet_and_fresh(settings, tmp_path):
    """Nothing slow unless a test says so; this process's figures and snapshots start from nothing."""
    settings.PERF_SLOW_SECONDS = 1000.0
    settings.PERF_REPORT_DIR = str(tmp_path / "perf")
    perf.reset()
    yield
    perf.reset()


@perf.timed_fn()
def add(a: int, b: int) -> int:
    return a + b


@perf.timed_fn("test:halve")
async def halve(x: int) -> float:
    await asyncio.sleep(0)
    return x / 2


def test_figures_of_one_to_a_hundred():
    samples = list(range(1, 101))
    random.Random(7).shuffle(samples)
    for seconds in samples:
        perf.record("test:known", float(seconds))

    stats = perf.snapshot()["test:known"]

    assert stats.count == 100
    assert (stats.min, stats.max, stats.mean) == (1.0, 100.0, 50.5)
    assert stats.median == 50.5  # linear interpolation between the closest ranks
    assert stats.p95 == pytest.approx(95.05)
    assert stats.p99 == pytest.approx(99.01)


def test_one_sample_is_every_figure():
    perf.record("test:once", 0.25)
    assert perf.snapshot()["test:once"] == perf.OpStats(
        count=1, min=0.25, max=0.25, mean=0.25, median=0.25, p95=0.25, p99=0.25
    )


def test_decorator_times_a_sync_function_under_its_dotted_name():
    assert add(2, 3) == 5
    assert add(4, 5) == 9

    assert add.__name__ == "add"  # functools.wraps: still looks like itself
    assert perf.snapshot()["core.tests.test_perf.add"].count == 2


async def test_decorator_times_an_async_function_under_the_given_name():
    assert asyncio.iscoroutinefunction(halve)
    assert await halve(8) == 4
    assert perf.snapshot()["test:halve"].count == 1


def test_timed_block_counts_also_when_it_raises():
    with pytest.raises(ValueError), perf.timed("test:raises", player_id=1):
        raise ValueError("boom")
    with perf.timed("test:raises"):
        time.sleep(0.01)

    stats = perf.snapshot()["test:raises"]
    assert stats.count == 2
    assert stats.max >= 0.01


def test_slow_operation_logged_with_its_context_and_fast_one_not(settings, caplog):
    settings.PERF_SLOW_SECONDS = 0.05  # the monitor sees the change at once
    caplog.set_level(logging.WARNING, logger="baolife.perf")

    with perf.timed("test:slow", player_id=42, verb="get_state"):
        time.sleep(0.06)
    with perf.timed("test:fast", player_id=43, verb="ping"):
        pass
    perf.record("test:recorded", 0.5, {"player_id": 44})

    slow = [(r.operation, r.context, r.levelname, r.name) for r in caplog.records]
    assert slow == [
        ("test:slow", {"player_id": 42, "verb": "get_state"}, "WARNING", "baolife.perf"),
        ("test:recorded", {"player_id": 44}, "WARNING", "baolife.perf"),
    ]
    assert caplog.records[0].seconds >= 0.06
    assert "test:slow" in caplog.records[0].getMessage() and "'player_id': 42" in caplog.records[0].getMessage()
    assert perf.snapshot()["test:fast"].count == 1  # counted, not logged


def test_memory_stays_bounded():
    for i in range(100_000):
        perf.record("test:many", i / 1_000_000)

    stats = perf.snapshot()["test:many"]
    assert len(perf._ops["test:many"].samples) == perf.RESERVOIR
    assert stats.count == 100_000  # exact, as are min, max and mean
    assert (stats.min, stats.max) == (0.0, 0.099999)
    assert stats.mean == pytest.approx(0.0499995)
    assert stats.median == pytest.approx((100_000 - 1 - 1023.5) / 1_000_000)  # over the latest 2,048
    published = json.loads(perf.publish().read_text())
    assert len(perf._decode(published["ops"]["test:many"]["samples"])) == perf.RESERVOIR


def test_table_lists_every_operation_most_time_first():
    for _ in range(3):
        perf.record("test:cheap", 0.001)
    perf.record("test:costly", 0.5)

    lines = perf.report_table().splitlines()

    assert lines[0].split() == ["operation", "count", "mean", "median", "p95", "p99", "min", "max", "(ms)"]
    assert lines[1].split() == ["test:costly", "1"] + ["500.000"] * 6
    assert lines[2].split() == ["test:cheap", "3"] + ["1.000"] * 6
    assert perf.report_table({}) == "no operation recorded\n"


RECORDER = """
import sys
import django

django.setup()
from core import perf

for seconds in sys.argv[1:]:
    perf.record("test:merged", float(seconds))
# no explicit publish: the exit's does it, as when a server process stops
"""


def _run_recorders(report_dir: Path, *samples: list[str]) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "baolife.settings.test", "PERF_REPORT_DIR": str(report_dir)}
    processes = [
        subprocess.Popen([sys.executable, "-c", RECORDER, *values], cwd=ROOT, env=env, stderr=subprocess.PIPE)
        for values in samples
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()


def test_report_command_merges_the_processes_that_published(settings):
    report_dir = Path(settings.PERF_REPORT_DIR)
    _run_recorders(report_dir, ["0.001", "0.002", "0.003"], ["0.004", "0.005", "0.006", "0.010"])
    assert len(list((report_dir / "processes").glob("*.json"))) == 2

    out = StringIO()
    call_command("perf_report", stdout=out)

    row = next(line.split() for line in out.getvalue().splitlines() if line.startswith("test:merged "))
    # count, mean, median, p95, p99, min, max (ms): every sample of both processes
    assert row[1:] == ["7", "4.429", "4.000", "8.800", "9.760", "1.000", "10.000"]
    merged = perf.merged()["test:merged"]
    assert (merged.count, merged.min, merged.max) == (7, 0.001, 0.010)


def test_report_leaves_out_processes_not_seen_recently(settings):
    report_dir = Path(settings.PERF_REPORT_DIR)
    _run_recorders(report_dir, ["0.001"], ["0.002", "0.003"])
    snapshots = (report_dir / "processes").glob("*.json")
    old, recent = sorted(snapshots, key=lambda p: json.loads(p.read_text())["ops"]["test:merged"]["count"])
    hours_ago = time.time() - 7 * 3600
    os.utime(old, (hours_ago, hours_ago))

    out = StringIO()
    call_command("perf_report", stdout=out)
    assert perf.merged()["test:merged"].count == 2  # the six-hour window: the old one is left out
    assert perf.merged(max_age=8 * 3600)["test:merged"].count == 3

    week_ago = time.time() - 8 * 86400
    os.utime(old, (week_ago, week_ago))
    perf.merged()
    assert not old.exists() and recent.exists()  # a week old: deleted by the report that found it


@pytest.mark.django_db  # the job runner claims the period in the database (core/jobclaims.py)
def test_six_hourly_job_writes_the_table_under_the_utc_time_and_logs_it(settings, caplog):
    caplog.set_level(logging.INFO, logger="baolife.perf")
    perf.record("test:job", 0.002)  # this process's own figures go in too

    path = Path(perf_report())

    assert path.parent == Path(settings.PERF_REPORT_DIR)
    assert path.name.startswith("perf-") and path.name.endswith("Z.txt")
    stamp = datetime.strptime(path.name, "perf-%Y%m%dT%H%M%SZ.txt").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - stamp).total_seconds()) < 60
    table = path.read_text()
    assert next(line for line in table.splitlines() if line.startswith("test:job ")).split()[1] == "1"
    assert any(str(path) in r.getMessage() and table in r.getMessage() for r in caplog.records)


def test_report_named_by_the_given_time():
    path = perf.write_report(now=datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC))
    assert path.name == "perf-20260304T050607Z.txt"


def test_a_snapshot_of_another_shape_is_skipped_not_fatal(settings):
    folder = Path(settings.PERF_REPORT_DIR) / "processes"
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(["[]", '{"ops": {"ws:x": 5}}', '{"ops": {"ws:x": {"count": "x"}}}', '{"ops": []}']):
        (folder / f"bad-{i}.json").write_text(text)
    perf.record("ws:ok", 0.01)
    perf.publish()
    assert perf.merged()["ws:ok"].count == 1
