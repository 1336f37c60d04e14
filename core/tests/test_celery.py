"""Periodic jobs: Celery beat schedules every job of core.jobs, the embedded scheduler runs the same bodies."""

import pickle
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from baolife.celery import app
from core import scheduler
from core.jobs import PeriodSchedule, periodic_jobs


@pytest.fixture(scope="module")
def celery_app():
    app.loader.import_default_modules()  # what `celery -A baolife worker|beat` does: autodiscover tasks.py
    app.finalize(auto=True)
    return app


def test_beat_schedule_has_every_periodic_job(celery_app) -> None:
    schedule = celery_app.conf.beat_schedule
    assert set(schedule) == set(periodic_jobs())
    for name, job in periodic_jobs().items():
        assert schedule[name]["task"] == job.task
        assert isinstance(schedule[name]["schedule"], PeriodSchedule)
        assert schedule[name]["schedule"].run_every.total_seconds() == job.every_seconds


def test_beat_sends_each_job_at_the_start_of_its_periods_whenever_it_started() -> None:
    """A beat (re)started at 03:00 sends the daily job at the next midnight UTC, not 24 h later."""
    daily = PeriodSchedule(24 * 3600)
    started = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
    daily.nowfun = lambda: started
    due, wait = daily.is_due(started)
    assert not due and wait == 21 * 3600
    daily.nowfun = lambda: datetime(2026, 12, 1, 0, 0, 1, tzinfo=UTC)
    assert daily.is_due(started).is_due
    assert not daily.is_due(datetime(2026, 12, 1, 0, 0, 1, tzinfo=UTC)).is_due  # sent: not again this period


def test_a_daily_job_with_an_offset_runs_at_its_hour_and_survives_beats_pickling() -> None:
    """The hard deletion runs at 02:00 UTC: beat started at 01:00 waits one hour, at 03:00 it waits 23."""
    at_two = PeriodSchedule(24 * 3600, 2 * 3600)
    started = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    at_two.nowfun = lambda: started
    assert at_two.is_due(started) == (False, 3600)
    at_two.nowfun = lambda: datetime(2026, 11, 30, 2, 0, 1, tzinfo=UTC)
    assert at_two.is_due(started).is_due
    assert not at_two.is_due(datetime(2026, 11, 30, 2, 0, 1, tzinfo=UTC)).is_due
    copy = pickle.loads(pickle.dumps(PeriodSchedule(24 * 3600, 2 * 3600)))  # noqa: S301 - beat keeps it in a shelve
    assert (copy.run_every.total_seconds(), copy.offset_seconds) == (86400, 7200)
    assert periodic_jobs()["hard-delete-accounts"].offset_seconds == 7200


def test_the_embedded_scheduler_waits_for_the_hour_of_a_daily_job(monkeypatch) -> None:
    one_am = datetime(2026, 11, 30, 1, 0, tzinfo=UTC).timestamp()
    monkeypatch.setattr(scheduler.time, "time", lambda: one_am)
    assert scheduler._until_next_period(24 * 3600, 2 * 3600) == 3600
    assert scheduler._until_next_period(10, 0) == 10


def test_each_app_declares_its_jobs_next_to_its_tasks() -> None:
    assert {name: job.task for name, job in periodic_jobs().items()} == {
        "game-tick": "game.tasks.game_tick",
        "purge-expired-tokens": "accounts.tasks.purge_expired_tokens",
        "purge-offline-events": "game.tasks.purge_offline_events",
        "reconcile-diamonds": "monetization.tasks.reconcile_balances",
        "purge-idempotency-records": "monetization.tasks.purge_idempotency_records",
        "poll-google-voided": "monetization.tasks.poll_google_voided_purchases",
        "retry-google-acknowledgements": "monetization.tasks.retry_unacknowledged_google_purchases",
        "daily-quests-reset": "retention.tasks.daily_quests_reset",
        "analytics-flush": "analytics.tasks.flush_analytics",
        "analytics-rollup": "analytics.tasks.roll_up_analytics",
        "perf-report": "core.tasks.perf_report",
        "purge-job-runs": "core.tasks.purge_job_runs",
        "hard-delete-accounts": "compliance.tasks.hard_delete_accounts",
        "exports-sweep": "compliance.tasks.exports_sweep",
        "purge-web-sessions": "compliance.tasks.purge_web_sessions",
    }


def test_every_scheduled_task_is_registered(celery_app) -> None:
    for job in periodic_jobs().values():
        assert job.task in celery_app.tasks, job.task
        assert job.every_seconds > 0


def test_broker_is_redis_or_in_memory(celery_app, settings) -> None:
    expected = settings.REDIS_URL or "memory://"
    assert celery_app.conf.broker_url == expected
    assert celery_app.conf.task_acks_late is True
    assert celery_app.conf.timezone == "UTC"


@pytest.mark.parametrize("name", sorted(periodic_jobs()))
def test_run_job_runs_the_celery_task_body(celery_app, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    task = celery_app.tasks[periodic_jobs()[name].task]
    calls = []
    monkeypatch.setattr(task, "run", lambda *args, **kwargs: calls.append((args, kwargs)))
    scheduler.run_job(name)
    assert calls == [((), {})]


@pytest.mark.django_db
def test_purge_expired_tokens_embedded_and_by_celery_alike(celery_app, make_player) -> None:
    from accounts.models import AuthToken

    player, _ = make_player()
    long_ago = timezone.now() - timedelta(days=2)
    live = AuthToken.objects.get(player=player)
    expired = AuthToken.objects.create(player=player, key_hash="e" * 64, expires_at=long_ago)
    revoked = AuthToken.objects.create(
        player=player, key_hash="r" * 64, expires_at=timezone.now() + timedelta(days=1), revoked_at=long_ago
    )

    scheduler.run_job("purge-expired-tokens")

    assert list(AuthToken.objects.values_list("pk", flat=True)) == [live.pk]
    assert {expired.pk, revoked.pk}.isdisjoint(AuthToken.objects.values_list("pk", flat=True))
    # The same period through Celery (executed in this process): claimed already, not run again ...
    task = celery_app.tasks[periodic_jobs()["purge-expired-tokens"].task]
    result = task.apply()
    assert result.successful() and result.get()["skipped"] == "done"
    # ... and the next period runs the same body: idempotent, nothing left to purge.
    result = task.apply(kwargs={"_period": result.get()["period"] + 1})
    assert result.successful() and result.get() == 0
    assert list(AuthToken.objects.values_list("pk", flat=True)) == [live.pk]
