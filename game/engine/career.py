"""Careers: tracks of levels with salaries; hiring, daily performance, paydays, monthly reviews, retirement."""

from __future__ import annotations

from pydantic import Field

from .content import EDU_RANK, JobLevel, Track
from .ctx import Ctx
from .people import add_person
from .questions import raise_system
from .rules import unmet
from .special_registry import Params
from .state import Job, PendingQuestion
from .timeline import DAY, YEAR, weekday


class HiringParams(Params):
    """The odds of being hired (config.yaml `specials.apply_job`)."""

    base_chance: float = Field(ge=0, le=1)  # at 50 smarts, 50 looks and no schooling
    smarts_divisor: float = Field(gt=0)  # the chance rises 1/divisor per point of smarts above 50
    looks_divisor: float = Field(gt=0)
    per_education_rank: float = Field(ge=0)  # added per rank of the highest school finished


def hire_chance(ctx: Ctx, params: HiringParams) -> float:
    s = ctx.s
    chance = params.base_chance + (s.smarts - 50) / params.smarts_divisor + (s.looks - 50) / params.looks_divisor
    return chance + params.per_education_rank * EDU_RANK[s.education.highest]


def interviewing_for(ctx: Ctx) -> str | None:
    """The track of a job interview still waiting for the player's answer."""
    return next((q.track for q in ctx.s.pending if q.track), None)


def _employer(ctx: Ctx, at: int, track: Track) -> str:
    """Who is hiring for `track` at `at` (a keyed roll: the same moment always names the same one)."""
    return ctx.rng(at, f"employer:{track.id}").choice(track.employers)


def invite_to_interview(ctx: Ctx, at: int, track_id: str) -> str | None:
    """Raise the job interview question for `track_id`; its id, or None when content has no interview."""
    event = ctx.c.config.career.interview_event
    if event is None or event not in ctx.c.events:
        return None
    track = ctx.c.tracks[track_id]
    name = f"{track.levels[0].title} at {_employer(ctx, at, track)}"
    q = raise_system(ctx, at, event, name=name, track=track_id)
    return q.id if q else None


def decide_interview(ctx: Ctx, at: int, interview: PendingQuestion, answer: float) -> bool:
    """The employer's decision after the interview: the hiring odds plus what the answer was worth. The
    employer is the one who interviewed (named by the moment the interview was raised)."""
    track = ctx.c.tracks.get(interview.track or "")
    params = ctx.c.specials.get("apply_job")
    if track is None or not isinstance(params, HiringParams) or ctx.s.dead:
        return False
    if not qualifies(ctx, track, track.levels[0]):
        ctx.emit("message", at, topic="rejected", text=f"{track.name}: you no longer qualify for the job.")
        return False
    if ctx.rng(at, f"interview:{track.id}").random() < hire_chance(ctx, params) + answer:
        return hire(ctx, at, track.id, employer=_employer(ctx, interview.created_at, track))
    ctx.emit("message", at, topic="rejected", text=f"{track.name}: after the interview they went with someone else.")
    return False


def qualifies(ctx: Ctx, track: Track, level: JobLevel) -> bool:
    s = ctx.s
    if s.age < max(track.min_age, ctx.c.config.career.min_work_age) or s.retired:
        return False
    if EDU_RANK[s.education.highest] < EDU_RANK[level.education]:
        return False
    if unmet(s, track.requires) is not None:
        return False
    if track.majors and EDU_RANK[level.education] >= EDU_RANK["college"]:
        return s.education.major in track.majors
    return True


def open_tracks(ctx: Ctx) -> list[Track]:
    return [t for t in ctx.c.tracks.values() if qualifies(ctx, t, t.levels[0])]


def hire(ctx: Ctx, at: int, track_id: str, employer: str | None = None) -> bool:
    """Start at the track's entry level. Returns False (and says why) if the character does not qualify."""
    s = ctx.s
    track = ctx.c.tracks[track_id]
    if not qualifies(ctx, track, track.levels[0]):
        ctx.emit("message", at, topic="not_qualified", text=f"You do not qualify for {track.name} yet.")
        return False
    if s.job is not None:
        quit_job(ctx, at)
    level = track.levels[0]
    employer = employer or _employer(ctx, at, track)
    s.job = Job(
        track=track.id,
        level=0,
        title=level.title,
        salary=level.salary,
        performance=50.0,
        hired_at=at,
        level_since=at,
        employer=employer,
    )
    s.bump("jobs_held")
    ctx.milestone("hired", at, track=track.id, title=level.title, salary=level.salary, employer=employer)
    for i in range(2):
        add_person(ctx, at, "coworker", f"coworker:{track_id}:{i}")
    return True


def quit_job(ctx: Ctx, at: int) -> None:
    s = ctx.s
    if s.job:
        ctx.emit("message", at, topic="quit", text=f"You left your job as {s.job.title}.", title=s.job.title)
        s.job = None


def fire(ctx: Ctx, at: int) -> None:
    s = ctx.s
    job = s.job
    if job is None:
        return
    s.job = None
    s.bump("times_fired")
    ctx.add_stat("happiness", -10)
    ctx.milestone("fired", at, track=job.track, title=job.title, employer=job.employer, performance=job.performance)


def imprison(ctx: Ctx, at: int, years: int) -> None:
    """A sentence: the job is lost, school left, the life goes on behind bars until release."""
    s = ctx.s
    if s.job is not None:
        ctx.emit("message", at, topic="lost_job", text=f"You lost your job as {s.job.title}.")
        s.job = None
    s.prison_until = max(s.prison_until or 0, at + years * YEAR)
    for flag in ("in_prison", "criminal_record"):
        if flag not in s.flags:
            s.flags.append(flag)
    ctx.emit(
        "message", at, topic="prison", text=f"You were sentenced to {years} year{'s' if years > 1 else ''} in prison."
    )


def release(ctx: Ctx, t: int) -> None:
    s = ctx.s
    if s.prison_until is not None and t >= s.prison_until:
        s.prison_until = None
        if "in_prison" in s.flags:
            s.flags.remove("in_prison")
        ctx.emit("message", t, topic="released", text="You walked out of prison, free again.")


def retire(ctx: Ctx, at: int) -> None:
    s = ctx.s
    if s.retired:
        return
    cfg = ctx.c.config.career
    last = s.job
    s.pension = int((last.salary if last else 0) * cfg.pension_ratio)
    s.job = None
    s.retired = True
    career = s.counters.get("jobs_held", 0) > 0  # a retirement without ever working is no milestone to reward
    ctx.milestone("retired", at, once="retired", title=last.title if last else None, pension=s.pension, career=career)


def daily_work(ctx: Ctx, t: int) -> None:
    s = ctx.s
    job = s.job
    if job is None or weekday(t) >= 5:
        return
    drift = ctx.c.config.career.performance_daily_drift
    push = (s.smarts - 50) / 50 + (s.happiness - 50) / 100 + (s.energy - 50) / 100 + (s.health - 50) / 200
    noise = ctx.roll(t, "work") * 3 - 1.5
    job.performance = round(max(0.0, min(100.0, job.performance + drift * push + noise)), 2)
    s.bump("days_worked")


def payday(ctx: Ctx, t: int) -> None:
    s = ctx.s
    days = ctx.c.config.career.payday_every_days
    if s.job is not None:
        amount = s.job.salary * days // 360
        source = s.job.employer
    elif s.retired and s.pension:
        amount = s.pension * days // 360
        source = "pension"
    else:
        return
    ctx.add_money(amount)
    ctx.emit("payday", t, amount=amount, source=source, balance=s.money)


def _yearly_raise(ctx: Ctx, t: int) -> None:
    """On each anniversary of the job (the first review after it), a raise by performance."""
    job = ctx.s.job
    cfg = ctx.c.config.career
    assert job is not None
    years = (t - job.hired_at) // YEAR
    if years < 1 or (t - cfg.review_every_days * DAY - job.hired_at) // YEAR >= years:
        return
    rule = next((r for r in cfg.raises if job.performance >= r.from_performance), None)
    if rule is None or rule.percent <= 0:
        return
    amount = int(job.salary * rule.percent / 100)
    job.salary += amount
    ctx.milestone("raise", t, title=job.title, employer=job.employer, amount=amount, salary=job.salary, years=years)


def review(ctx: Ctx, t: int) -> None:
    """Monthly: promote when performance, years in level and education allow; fire on poor performance;
    a raise on each anniversary of the job."""
    s = ctx.s
    job = s.job
    if job is None:
        return
    if job.performance < ctx.c.config.career.fire_below:
        fire(ctx, t)
        return
    _yearly_raise(ctx, t)
    track = ctx.c.tracks.get(job.track)
    if track is None or job.level + 1 >= len(track.levels):
        return
    here = track.levels[job.level]
    nxt = track.levels[job.level + 1]
    if (
        job.performance >= here.promotion_performance
        and t - job.level_since >= here.years_for_promotion * YEAR
        and qualifies(ctx, track, nxt)
    ):
        job.level += 1
        job.title = nxt.title
        job.salary = max(nxt.salary, job.salary)  # raises already above the new level's pay are kept
        job.level_since = t
        job.performance = round(max(40.0, job.performance - 20), 2)
        s.bump("promotions")
        ctx.add_stat("happiness", 8)
        ctx.milestone("promotion", t, track=track.id, title=nxt.title, salary=nxt.salary, level=job.level)
        if nxt.ceo:
            ctx.milestone("became_ceo", t, once=f"became_ceo:{track.id}", track=track.id, title=nxt.title)


def on_birthday(ctx: Ctx, t: int, age: int) -> None:
    if age >= ctx.c.config.career.mandatory_retirement_age and ctx.s.job is not None and not ctx.s.retired:
        retire(ctx, t)
