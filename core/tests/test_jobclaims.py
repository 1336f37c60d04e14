"""Periodic jobs run once per period: a second run of the period is skipped, a run holding the period
makes a duplicate wait (Celery retries it for that same period), a dead run's period is taken over."""

from datetime import timedelta

import pytest
from celery._state import _task_stack
from celery.exceptions import Retry
from django.contrib.auth import get_user_model
from django.utils import timezone

from baolife.celery import app
from core import jobclaims, scheduler
from core.jobs import periodic_jobs, run_once
from core.models import JobRun
from core.testing import run_concurrently

pytestmark = pytest.mark.django_db


def test_the_first_claim_runs_and_a_second_of_the_same_period_is_skipped() -> None:
    effects: list[int] = []
    assert jobclaims.run_claimed("probe", 7, 60, lambda: effects.append(7) or "did 7") == "did 7"
    assert jobclaims.run_claimed("probe", 7, 60, lambda: effects.append(7)) == jobclaims.Skipped("probe", 7)
    assert jobclaims.run_claimed("probe", 8, 60, lambda: effects.append(8)) is None  # the body's own None
    assert effects == [7, 8]
    row = JobRun.objects.get(job="probe", period=7)
    assert (row.status, row.attempts, row.result) == ("done", 1, "'did 7'")


def test_a_run_holding_the_period_makes_a_duplicate_wait_and_a_dead_one_is_taken_over() -> None:
    now = timezone.now()
    dead = jobclaims.claim("probe", 1, 60, now=now)  # a worker claimed it ... and was killed
    assert isinstance(dead, jobclaims.Claimed)
    busy = jobclaims.claim("probe", 1, 60, now=now + timedelta(seconds=20))
    assert isinstance(busy, jobclaims.Busy) and 40 < busy.retry_in <= 41
    ours = jobclaims.claim("probe", 1, 60, now=now + timedelta(seconds=61))  # the lease ran out: ours
    assert isinstance(ours, jobclaims.Claimed) and ours.holder != dead.holder
    row = JobRun.objects.get(job="probe", period=1)
    assert (row.status, row.attempts, row.worker) == ("running", 2, ours.holder)
    jobclaims.finish(dead, ok=False, result="woke up late")  # the slow first attempt ends: it does not touch ours
    assert JobRun.objects.get(job="probe", period=1).status == "running"
    jobclaims.finish(ours, ok=True, result="done")
    assert JobRun.objects.get(job="probe", period=1).status == "done"


def test_a_failed_run_is_tried_again_in_the_same_period() -> None:
    def boom() -> None:
        raise RuntimeError("store down")

    with pytest.raises(RuntimeError):
        jobclaims.run_claimed("probe", 3, 60, boom)
    assert JobRun.objects.get(job="probe", period=3).status == "failed"
    assert jobclaims.run_claimed("probe", 3, 60, lambda: "ok") == "ok"
    assert JobRun.objects.get(job="probe", period=3).status == "done"


def test_earlier_dead_runs_are_marked_abandoned_by_the_next_period() -> None:
    long_ago = timezone.now() - timedelta(hours=1)
    assert isinstance(jobclaims.claim("probe", 10, 60, now=long_ago), jobclaims.Claimed)
    assert jobclaims.run_claimed("probe", 11, 60, lambda: "caught up") == "caught up"
    assert JobRun.objects.get(job="probe", period=10).status == "abandoned"
    # the dead run's own message, redelivered later, finds its period settled: it does not run again
    assert jobclaims.run_claimed("probe", 10, 60, lambda: "again") == jobclaims.Skipped("probe", 10)


@pytest.mark.django_db(transaction=True)
def test_forty_runs_of_one_period_at_once_give_one_effect() -> None:
    effects: list[int] = []
    outcomes = run_concurrently(40, lambda i: jobclaims.run_claimed("probe", 5, 60, lambda: effects.append(i) or i))
    assert len(effects) == 1
    assert not [o for o in outcomes if isinstance(o, BaseException)], outcomes
    ran = [o for o in outcomes if isinstance(o, int)]
    assert len(ran) == 1 and all(isinstance(o, jobclaims.Skipped | jobclaims.Busy) for o in outcomes if o not in ran)
    assert JobRun.objects.filter(job="probe").count() == 1


def test_the_embedded_scheduler_and_celery_share_the_claim(monkeypatch: pytest.MonkeyPatch) -> None:
    app.loader.import_default_modules()
    app.finalize(auto=True)
    first = scheduler.run_job("purge-expired-tokens")
    assert first == 0
    again = scheduler.run_job("purge-expired-tokens")
    assert again["skipped"] == "done"
    task = app.tasks[periodic_jobs()["purge-expired-tokens"].task]
    assert task.apply().get()["skipped"] == "done"  # a second beat's message for the same period
    assert JobRun.objects.get(job="purge-expired-tokens").status == "done"


def test_a_celery_duplicate_of_a_held_period_is_retried_for_that_period(monkeypatch: pytest.MonkeyPatch) -> None:
    app.loader.import_default_modules()
    app.finalize(auto=True)
    job = periodic_jobs()["purge-expired-tokens"]
    task = app.tasks[job.task]
    period = jobclaims.period_of(job.every_seconds, timezone.now())
    held = jobclaims.claim("purge-expired-tokens", period, job.lease_seconds)  # held by another worker
    assert isinstance(held, jobclaims.Claimed)
    asked: dict = {}
    monkeypatch.setattr(task, "retry", lambda **kwargs: asked.update(kwargs) or Retry())
    task.push_request(id="duplicate", called_directly=False)  # as a worker runs a message ...
    _task_stack.push(task)  # ... with the task as `celery.current_task`
    try:
        with pytest.raises(Retry):
            task.run()
    finally:
        _task_stack.pop()
        task.pop_request()
    assert asked["kwargs"] == {"_period": period}  # the same period, not the one it runs in later
    assert 0 < asked["countdown"] <= job.lease_seconds + 1 and asked["max_retries"] >= 10
    # the embedded scheduler is told when to try again instead
    assert run_once("purge-expired-tokens", lambda: 1, (), {}, period=period)["busy"] is True


def test_operators_see_the_runs_in_the_admin(client) -> None:
    jobclaims.run_claimed("probe", 12, 60, lambda: "fine")
    admin = get_user_model().objects.create_superuser("ops", "ops@example.com", "a-long-password-1")
    client.force_login(admin)
    page = client.get("/admin/core/jobrun/")
    assert page.status_code == 200 and "probe" in page.content.decode()
    assert client.get(f"/admin/core/jobrun/{JobRun.objects.get().pk}/delete/").status_code == 403
