"""Lives played on the engine alone, under a player's answer policy, to measure the game's balance
(`manage.py simulate_lives`; the table in docs/game.md). No database: content in, figures out.

Policies: `default` never answers (every question takes its default; majors after their window),
`random` answers everything pending at random at 3 check-ins a real day, `sensible` answers with the
choice whose effects look best at the same 3 check-ins, and does a few activities each time;
`explorer` plays like `sensible` and also tries what the game offers: talks to someone, dates,
shops for anything affordable (what retention's achievements and quests are tested against).
An `observe(state, events)` callback sees every step's events (retention counts them).
"""

from __future__ import annotations

import random
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from game import engine
from game.engine.content import Content, Effects

CHECKINS = (8, 13, 20)  # real hours of the day a player looks at the game
STATS = ("health", "happiness", "smarts", "looks")


@dataclass
class LifeReport:
    seed: int
    death_age: int
    cause: str
    married: bool
    children: int
    tracks: dict[str, int]  # track -> highest level index reached
    money: int
    asked: int = 0
    answered: int = 0
    templates: Counter[str] = field(default_factory=Counter)
    at_cap: Counter[str] = field(default_factory=Counter)  # check-ins with the stat at 100
    samples: int = 0
    asked_by_stage: Counter[str] = field(default_factory=Counter)
    years_by_stage: Counter[str] = field(default_factory=Counter)
    activities: int = 0


HOME = "house"  # what a sensible player buys to stop paying rent
POLICIES = ("default", "random", "sensible", "explorer")
Observer = Callable[[engine.LifeState, list[engine.Event]], None]
TALK_LINES = (
    ("I love you, you mean the world to me!", 0.9),
    ("Thanks for today, that was nice.", 0.5),
    ("How are you doing?", 0.0),
    ("You really annoyed me yesterday.", -0.5),
)


def _score(effects: Effects) -> float:
    """How good an outcome looks to a sensible player (health first, money in thousands)."""
    interview = 60 * (effects.interview or 0)  # a job is worth a good answer
    return (
        (1.5 * effects.health + effects.happiness + effects.smarts + 0.5 * effects.looks + effects.money / 1000)
        - (1000 if effects.die else 0)
        + interview
    )


def _sensible_choice(content: Content, question: engine.PendingQuestion, rng: random.Random) -> str:
    """One of the choices that look about as good as the best (people differ: a major, a partner)."""
    tpl = content.events.get(question.template)
    if tpl is None:
        return question.default

    def value(choice_id: str) -> float:
        choice = next(c for c in tpl.choices if c.id == choice_id)
        total = sum(o.weight for o in choice.outcomes)
        return sum(o.weight * _score(o.effects) for o in choice.outcomes) / total

    values = {c["id"]: value(c["id"]) for c in question.choices}
    best = max(values.values())
    return rng.choice([cid for cid, v in values.items() if v >= best - 2])


def _job_target(content: Content, state: engine.LifeState) -> str | None:
    """What a sensible player applies for on the job board: their field first, then the best pay."""
    board = [row for row in engine.job_board(state, content) if row["qualifies"]]
    major = state.education.major
    field = [row for row in board if major and major in content.tracks[row["track"]].majors]
    pick = (field or board)[:1]
    return pick[0]["track"] if pick else None


def _activities(content: Content, state: engine.LifeState, rng: random.Random) -> list[str]:
    """What a sensible player does at a check-in: a doctor when unwell, a job when without one,
    then a couple of activities that need no target."""
    plan: list[str] = []
    acts = content.activities
    if state.health < 50 and "doctor" in acts and state.stage in acts["doctor"].stages:
        plan.append("doctor")
    working_age = state.age >= 18 and not state.retired and state.education.stage == "none"
    if working_age and state.job is None and "apply_job" in acts:
        plan.append("apply_job")  # a job in the field studied, else the best paid open one (_job_target)
    home = content.items.get(HOME)
    owns_home = any(content.items[a["item"]].category == "property" for a in state.assets if a["item"] in content.items)
    if home and "shop" in acts and state.age >= 25 and not owns_home and state.money >= 1.5 * home.price:
        plan.append("shop")  # a home of one's own, once it is affordable: no more rent
    if state.job is not None and "work_overtime" in acts and rng.random() < 0.5:
        plan.append("work_overtime")  # ambitious now and then
    ok = [
        a
        for a in content.activities.values()
        if state.stage in a.stages
        and state.age >= a.min_age
        and a.special in (None, "study", "socialize", "visit_family")
        and a.energy_cost <= state.energy
        and a.effects.money >= 0
    ]
    rng.shuffle(ok)
    return plan + [a.id for a in ok[: 3 - len(plan)]]


def play_life(
    content: Content, seed: int, policy: str, max_years: int = 110, observe: Observer | None = None
) -> LifeReport:
    """One life from birth to death (or `max_years`) under `policy`; `observe` sees every step."""
    pace = content.config.pace
    real_day = int(86400 * pace)  # game seconds in a real day
    state = engine.new_life(seed, 0, content)
    rng = random.Random(seed)
    report = LifeReport(seed, 0, "", False, 0, {}, 0)
    checkpoints = [int(h * 3600 * pace) for h in CHECKINS]
    day = 0
    while not state.dead and state.age < max_years:
        for offset in checkpoints:
            target = day * real_day + offset
            if target <= state.clock:
                continue
            if policy == "default":
                state, events = engine.advance_settling(state, target, content)
            else:
                state, events = engine.advance(state, state.clock, target, [], content)
            _count(report, events, state.stage)
            if observe is not None:
                observe(state, events)
            if state.dead:
                break
            report.samples += 1
            for stat in STATS:
                if getattr(state, stat) >= 100:
                    report.at_cap[stat] += 1
            if policy != "default":
                state = _check_in(content, state, policy, rng, report, observe)
        day += 1
    return _finish(report, state)


def _check_in(
    content: Content,
    state: engine.LifeState,
    policy: str,
    rng: random.Random,
    report: LifeReport,
    observe: Observer | None = None,
) -> engine.LifeState:
    def seen(events: list[engine.Event]) -> None:
        _count(report, events, state.stage)
        if observe is not None:
            observe(state, events)

    for question in list(state.pending):
        choice = rng.choice(question.choices)["id"] if policy == "random" else _sensible_choice(content, question, rng)
        try:
            state, events = engine.apply_choice(state, state.clock, question.id, choice, content)
        except engine.EngineError:
            continue
        seen(events)
    if policy in ("sensible", "explorer"):
        plan = _activities(content, state, rng)
        if policy == "explorer":
            plan += _explorations(content, state, rng)
        for activity, target in ((a, _target(content, state, a, rng)) for a in plan):
            try:
                at = max(state.clock, state.busy_until)  # one after the other within the check-in
                state, events = engine.apply_activity(state, at, activity, content, target=target)
            except engine.EngineError:
                continue
            report.activities += 1
            seen(events)
    if policy == "explorer":
        people = [p for p in state.people if p.alive]
        if people:
            text, sentiment = rng.choice(TALK_LINES)
            try:
                state, events, _, _ = engine.apply_talk(
                    state, max(state.clock, state.busy_until), rng.choice(people).id, text, sentiment, content
                )
            except engine.EngineError:
                return state
            seen(events)
    return state


def _target(content: Content, state: engine.LifeState, activity: str, rng: random.Random) -> str | None:
    if activity == "apply_job":
        return _job_target(content, state)
    if activity == "shop":
        home = content.items.get(HOME)
        if home and state.money >= 1.5 * home.price and not any(a["item"] == HOME for a in state.assets):
            return HOME
        affordable = [i.id for i in content.items.values() if i.price * 4 <= state.money and i.min_age <= state.age]
        return rng.choice(affordable) if affordable else None
    return None


def _explorations(content: Content, state: engine.LifeState, rng: random.Random) -> list[str]:
    """What a curious player adds to a sensible check-in: now and then a date or some shopping."""
    acts = content.activities
    extra = []
    for activity, chance in (("date", 0.3), ("shop", 0.2)):
        act = acts.get(activity)
        if act and state.stage in act.stages and state.age >= act.min_age and rng.random() < chance:
            extra.append(activity)
    return extra


def _count(report: LifeReport, events: list[engine.Event], stage: str) -> None:
    for ev in events:
        data = ev.data
        if ev.kind == "question":
            report.asked += 1
            report.asked_by_stage[stage] += 1
            report.templates[data.get("template", "")] += 1
        elif ev.kind == "question_resolved" and data.get("by") == "player":
            report.answered += 1
        elif ev.kind == "aged":
            report.years_by_stage[data.get("stage", "")] += 1
        elif ev.kind == "milestone" and data.get("milestone") in ("hired", "promotion"):
            track = str(data.get("track"))
            report.tracks[track] = max(report.tracks.get(track, 0), int(data.get("level") or 0))


def _finish(report: LifeReport, state: engine.LifeState) -> LifeReport:
    report.death_age = state.age
    report.cause = state.cause_of_death or "alive"
    report.married = any(p.relation == "spouse" for p in state.people)
    report.children = sum(1 for p in state.people if p.relation == "child")
    report.money = state.money
    return report


def summarise(reports: list[LifeReport], content: Content) -> dict[str, Any]:
    """The balance table's figures over many lives."""
    n = len(reports)
    ages = sorted(r.death_age for r in reports)
    asked = sum(r.asked for r in reports)
    templates: Counter[str] = Counter()
    for r in reports:
        templates.update(r.templates)
    lived_days = sum(max(1, r.death_age) for r in reports)  # a game year is a real day at the default pace
    top = templates.most_common(1)[0] if templates else ("", 0)
    samples = sum(r.samples for r in reports) or 1
    return {
        "lives": n,
        "death_age_median": statistics.median(ages) if ages else 0,
        "death_age_p10_p90": (ages[n // 10], ages[(9 * n) // 10]) if n >= 10 else (ages[0], ages[-1]),
        "causes": Counter(r.cause for r in reports).most_common(),
        "married_share": sum(r.married for r in reports) / n,
        "children_mean": statistics.mean(r.children for r in reports),
        "money_at_death_median": statistics.median(r.money for r in reports),
        "in_debt_at_death_share": sum(r.money < 0 for r in reports) / n,
        "questions_per_real_day": asked / lived_days,
        "answered_by_player_share": (sum(r.answered for r in reports) / asked) if asked else 0.0,
        "distinct_events_seen": len(templates),
        "events_in_content": len(content.events),
        "most_frequent_event": (top[0], top[1] / asked if asked else 0.0),
        "stat_at_cap_share": {s: sum(r.at_cap[s] for r in reports) / samples for s in STATS},
        "activities_per_life": statistics.mean(r.activities for r in reports),
        "questions_per_real_day_by_stage": {
            stage: sum(r.asked_by_stage[stage] for r in reports) / max(1, sum(r.years_by_stage[stage] for r in reports))
            for stage in ("child", "teen", "young_adult", "adult", "elder")
        },
        "tracks_held_share": {t: sum(1 for r in reports if t in r.tracks) / n for t in sorted(content.tracks)},
        "track_top_reached_share": {
            t: sum(1 for r in reports if r.tracks.get(t, -1) == len(content.tracks[t].levels) - 1) / n
            for t in sorted(content.tracks)
        },
    }
