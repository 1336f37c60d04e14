"""Education: elementary (6-11) and high school (12-17) by age, college and graduate school by choice.

Stage changes ride on birthdays; attendance on school days; exams on each term's last day; GPA from exam scores.
"""

from __future__ import annotations

from . import questions
from .ctx import Ctx
from .people import add_person
from .timeline import YEAR, day_of_year, weekday

SCHOOL_STAGES = ("elementary", "high_school", "college", "graduate")


def enroll(ctx: Ctx, at: int, stage: str, major: str | None = None) -> None:
    s = ctx.s
    ed = s.education
    r = ctx.rng(at, f"enroll:{stage}")
    if stage == "graduate" and major is None:
        major = ed.major  # graduate school continues the college major
    ed.stage = stage
    ed.school = r.choice(ctx.c.names.schools[stage])  # type: ignore[index]
    ed.major = major if stage in ("college", "graduate") else None
    ed.enrolled_at = at
    ed.days_attended = ed.days_total = 0
    ed.exams = []
    ed.gpa = 0.0
    ed.study_points = 0
    ctx.emit("message", at, topic="enrolled", text=ctx.fmt("You started at {school}.", school=ed.school), stage=stage)
    for i in range(2):
        add_person(ctx, at, "classmate", f"classmate:{stage}:{i}")


def leave(ctx: Ctx, at: int, *, graduated: bool) -> None:
    ed = ctx.s.education
    stage = ed.stage
    if graduated and stage not in ed.graduated:
        ed.graduated.append(stage)
        ctx.milestone(
            "graduation", at, once=f"graduation:{stage}", level=stage, school=ed.school, gpa=ed.gpa, major=ed.major
        )
    elif not graduated:
        ctx.emit("message", at, topic="dropped_out", text=f"You left {ed.school} without a diploma.", stage=stage)
    ed.stage = "none"
    ed.school = None
    ed.enrolled_at = None


def on_birthday(ctx: Ctx, t: int, age: int) -> None:
    sc = ctx.c.config.school
    ed = ctx.s.education
    if age == sc.elementary_age and ed.stage == "none" and "elementary" not in ed.graduated:
        enroll(ctx, t, "elementary")
    elif age == sc.high_school_age and ed.stage == "elementary":
        leave(ctx, t, graduated=True)
        enroll(ctx, t, "high_school")
    elif age == sc.adult_age and ed.stage == "high_school":
        ok = not ed.exams or ed.gpa >= sc.high_school_min_gpa
        leave(ctx, t, graduated=ok)
        if ok:
            questions.raise_system(ctx, t, ctx.c.config.system_events.college)


def in_term(doy: int, start: int, end: int) -> bool:
    return start <= doy <= end if start <= end else (doy >= start or doy <= end)


def daily_school(ctx: Ctx, t: int) -> None:
    s = ctx.s
    ed = s.education
    if ed.stage == "none":
        return
    sc = ctx.c.config.school
    if ed.stage in ("college", "graduate") and ed.enrolled_at is not None:
        years = sc.college_years if ed.stage == "college" else sc.graduate_years
        if t >= ed.enrolled_at + years * YEAR:
            stage = ed.stage
            ok = ed.gpa >= sc.college_min_gpa
            leave(ctx, t, graduated=ok)
            if ok and stage == "college":
                questions.raise_system(ctx, t, ctx.c.config.system_events.graduate_school)
            return
    doy = day_of_year(t)
    term = next((tm for tm in sc.terms if in_term(doy, tm.start_day, tm.end_day)), None)
    if term is None:
        return
    if weekday(t) < 5:
        p = sc.attendance_base + (s.happiness - 50) / 400 + (s.health - 50) / 400
        ed.days_total += 1
        if ctx.roll(t, "attend") < p:
            ed.days_attended += 1
            s.bump("days_at_school")
    if doy == term.end_day:
        exam(ctx, t, term.name)


def exam(ctx: Ctx, t: int, term: str) -> None:
    s = ctx.s
    ed = s.education
    r = ctx.rng(t, "exam")
    score = 0.55 * s.smarts + 30 * ed.attendance + 2 * min(ed.study_points, 10) + (s.happiness - 50) / 10
    score = int(max(0, min(100, round(score + r.uniform(-12, 12)))))
    ed.study_points = 0
    ed.exams.append(score)
    ed.gpa = round(sum(ed.exams) / len(ed.exams) / 25, 2)
    passed = score >= ctx.c.config.school.pass_score
    s.bump("exams_taken")
    if passed:
        s.bump("exams_passed")
        ctx.add_stat("smarts", 1)
        ctx.add_stat("happiness", 2)
    else:
        ctx.add_stat("happiness", -3)
    ctx.emit("exam", t, stage=ed.stage, school=ed.school, term=term, score=score, passed=passed, gpa=ed.gpa)
