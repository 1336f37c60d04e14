"""The time loop: fixed one-hour steps on absolute game time, so any split of a span replays identically.

A call covers the half-open span (clock, end]: it runs every step t with t % STEP == 0 inside it, in order.
Per step: energy regen for the hour that just ended, question expiry, birthdays, the daily round at midnight,
and the question roll at the configured hours. Nothing here reads a clock or depends on call boundaries.
"""

from __future__ import annotations

from . import career, people, questions, school
from .content import STAGES
from .ctx import Ctx, clamp_energy
from .death import daily_health
from .outcomes import expire_due
from .timeline import DAY, HOUR, MONTH, YEAR, age_at, day_of_year, first_step_after, in_hours


def _sleep_hours(ctx: Ctx) -> frozenset[int]:
    span = ctx.c.config.day_shape[ctx.s.stage].sleep  # type: ignore[index]
    return frozenset(h for h in range(24) if in_hours(h, span))


def run(ctx: Ctx, end: int) -> None:
    """Advance ctx.s from its clock to `end` (inclusive of a step at `end`).

    A pending major decision holds the clock: the run stops after the step that raised it (or does
    not start), and `s.clock` stays there until the decision is answered or expired by the caller.
    """
    s = ctx.s
    if end < s.clock:
        raise ValueError("end before clock")
    if s.dead:
        s.clock = end
        return
    if s.held_by is not None:
        return
    cfg = ctx.c.config
    e_max = float(cfg.energy.max)
    regen = cfg.energy.regen_per_hour * s.regen_factor
    sleep_regen = cfg.energy.sleep_regen_per_hour * s.regen_factor
    q_hours = frozenset(cfg.questions.hours)
    sleep = _sleep_hours(ctx)
    next_birthday = s.born_at + (s.age + 1) * YEAR
    t = first_step_after(s.clock)
    while t <= end:
        hour = (t // HOUR) % 24
        e = s.energy
        if e < e_max:  # only below the maximum: at it, a step costs no call
            s.energy = clamp_energy(e + (sleep_regen if (hour - 1) % 24 in sleep else regen), e_max)
        if s.pending and any(q.expires_at <= t for q in s.pending):
            expire_due(ctx, t)
        if t >= next_birthday:
            _birthdays(ctx, t)
            sleep = _sleep_hours(ctx)
            next_birthday = s.born_at + (s.age + 1) * YEAR
        if hour == 0:
            _daily(ctx, t)
        if hour in q_hours and not s.dead:
            questions.maybe_raise(ctx, t)
        if s.dead:
            break
        if s.pending and s.held_by is not None:
            s.clock = t
            return
        t += HOUR
    s.clock = end


def _birthdays(ctx: Ctx, t: int) -> None:
    s = ctx.s
    target = age_at(s.born_at, t)
    while s.age < target and not s.dead:
        s.age += 1
        age = s.age
        stage = ctx.c.stage_for_age(age)
        ctx.emit("aged", t, age=age, stage=stage)
        if age <= 18:
            ctx.add_stat("smarts", 1)
            if s.money >= 0 and any(p.alive and p.relation == "parent" for p in s.people):
                ctx.add_money(ctx.c.config.birthday_gift)
        if stage != s.stage:
            s.stage = stage
            ctx.milestone("level_up", t, once=f"stage:{stage}", stage=stage, level=STAGES.index(stage) + 1, age=age)
        school.on_birthday(ctx, t, age)
        career.on_birthday(ctx, t, age)


def _daily(ctx: Ctx, t: int) -> None:
    s = ctx.s
    cfg = ctx.c.config
    day = t // DAY
    doy = day_of_year(t)
    for h in cfg.holidays:
        if h.day == doy:
            ctx.add_stat("happiness", h.happiness)
            s.bump("holidays")
            ctx.emit("holiday", t, name=h.name)
    if s.prison_until is not None:
        career.release(ctx, t)
    school.daily_school(ctx, t)
    career.daily_work(ctx, t)
    if day % cfg.career.payday_every_days == 0:
        career.payday(ctx, t)
    if t % MONTH == 0:
        _bills(ctx, t)
        people.monthly_people(ctx, t)
        hc = cfg.health
        if s.health < hc.recovery_cap and s.age < hc.old_age_start:
            ctx.add_stat("health", min(hc.recovery_per_month, hc.recovery_cap - s.health))
        # moods fade: a tenth of the distance back toward 60 each month (integer, so replay-exact)
        ctx.add_stat("happiness", (60 - s.happiness) // 10 if s.happiness > 60 else -((s.happiness - 60) // 10))
        _drift(ctx)
        _mood(ctx, t)
        if s.prison_until is not None:
            ctx.add_stat("happiness", cfg.prison.happiness_per_month)
    if day % cfg.career.review_every_days == 0:
        career.review(ctx, t)
    people.daily_people(ctx, t)
    daily_health(ctx, t)


def _drift(ctx: Ctx) -> None:
    """What is not kept up slips: each month a stat above `drift_above` loses its drift (from its age)."""
    s, st = ctx.s, ctx.c.config.stats
    for stat, amount in st.monthly_drift.items():
        if amount and s.age >= st.drift_from_age.get(stat, 0) and getattr(s, stat) > st.drift_above:
            ctx.add_stat(stat, -amount)


def _mood(ctx: Ctx, t: int) -> None:
    """Months of low happiness become depression (`depressed` flag: events offer help), which costs
    health each month until happiness is back above `recovered_above`."""
    s, m = ctx.s, ctx.c.config.mood
    s.low_mood_months = s.low_mood_months + 1 if s.happiness < m.low_below else 0
    if "depressed" in s.flags:
        if s.happiness > m.recovered_above:
            s.flags.remove("depressed")
            ctx.emit("message", t, topic="recovered", text="The fog has lifted: you feel like yourself again.")
        else:
            ctx.add_stat("health", m.health_per_month)
    elif s.low_mood_months >= m.months_to_depression:
        s.flags.append("depressed")
        ctx.emit("message", t, topic="depressed", text="You have felt low for months. It might be depression.")


BANKRUPTCY = "@bankruptcy"  # its time in `recent` (not a question template id)


def _debt(ctx: Ctx, t: int) -> None:
    """Debt costs interest and peace of mind; deep debt brings collections, then bankruptcy."""
    s, d = ctx.s, ctx.c.config.debt
    if s.money >= 0:
        return
    interest = int(-s.money * d.monthly_interest)
    if interest:
        ctx.add_money(-interest)
    ctx.add_stat("happiness", d.happiness_per_month)
    last = s.recent.get(BANKRUPTCY)
    may_file = last is None or t - last >= d.bankruptcy_every_years * YEAR
    if s.money < d.bankruptcy_below and may_file:
        s.recent[BANKRUPTCY] = t
        written_off = -s.money
        s.money = 0
        if "bankrupt" not in s.flags:
            s.flags.append("bankrupt")
        ctx.add_stat("happiness", -20)
        ctx.emit(
            "message",
            t,
            topic="bankruptcy",
            text=f"You declared bankruptcy: ${written_off:,} of debt written off. Your credit is ruined.",
        )
    elif s.money < d.collections_below and (t // MONTH) % 3 == 0:
        ctx.add_stat("health", -2)
        ctx.emit("message", t, topic="collections", text=f"Debt collectors call about your ${-s.money:,} of debt.")


def _bills(ctx: Ctx, t: int) -> None:
    s = ctx.s
    b = ctx.c.config.bills
    if s.age < b.start_age:
        return
    kids = sum(1 for p in s.people if p.alive and p.relation == "child" and p.age < 18)
    income = s.job.salary if s.job is not None else s.pension if s.retired else 0
    studying = s.education.stage != "none"  # a dorm or the family home: student living costs, no rent
    living = b.student_living if studying else b.monthly_living
    items = {"living": living + int(b.lifestyle_share * income / 12)}
    owns_home = any(a["item"] in ctx.c.items and ctx.c.items[a["item"]].category == b.home_category for a in s.assets)
    if b.rent_per_month and not owns_home and not studying:
        items["rent"] = b.rent_per_month
    if kids:
        items["children"] = b.per_child * kids
    upkeep = sum(ctx.c.items[a["item"]].upkeep_per_month for a in s.assets if a["item"] in ctx.c.items)
    if upkeep:
        items["upkeep"] = upkeep
    tuition = b.tuition_per_month.get(s.education.stage)  # type: ignore[call-overload]
    if tuition:
        items["tuition"] = tuition
    amount = sum(items.values())
    ctx.add_money(-amount)
    ctx.emit("bill", t, amount=amount, items=items, balance=s.money)
    _debt(ctx, t)
