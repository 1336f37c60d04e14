"""Sentences a player reads: one for each engine event, and a grouped account of a span of life
(a time skip, a return after a while away). Names and amounts, never ids or game seconds."""

from collections import Counter
from typing import Any

from game.engine.timeline import DAY as DAY_SECONDS
from game.engine.timeline import YEAR as YEAR_SECONDS

STAGE_NAMES = {
    "baby": "a baby",
    "child": "a child",
    "teen": "a teenager",
    "young_adult": "a young adult",
    "adult": "an adult",
    "elder": "an elder",
}
SCHOOL_LEVELS = {
    "elementary": "elementary school",
    "high_school": "high school",
    "college": "college",
    "graduate": "graduate school",
}


def money(amount: int) -> str:
    """`$1,250` / `-$300`: the game's money as a player reads it."""
    return f"-${-amount:,}" if amount < 0 else f"${amount:,}"


def signed_money(amount: int) -> str:
    """A change of money: `+$170` / `-$300`."""
    return f"+{money(amount)}" if amount > 0 else money(amount)


def _first_name(person: dict[str, Any] | None) -> str:
    return str((person or {}).get("name") or "someone").split()[0]


def milestone(data: dict[str, Any]) -> str:
    """The sentence of a milestone (engine `milestone` events)."""
    name = data.get("milestone", "")
    if name == "graduation":
        level = SCHOOL_LEVELS.get(str(data.get("level")), "school")
        return f"You graduated from {level}" + (f" with a {data['gpa']:.1f} GPA." if data.get("gpa") else ".")
    if name == "hired":
        salary = money(int(data.get("salary", 0)))
        return f"You were hired as {data.get('title')} at {data.get('employer')} ({salary} a year)."
    if name == "raise":
        return (
            f"A raise at {data.get('employer')}: +{money(int(data.get('amount', 0)))}, "
            f"now {money(int(data.get('salary', 0)))} a year."
        )
    if name == "promotion":
        return f"Promoted to {data.get('title')}: {money(int(data.get('salary', 0)))} a year."
    if name == "became_ceo":
        return f"You made it to the top: {data.get('title')}!"
    if name == "fired":
        return f"You were let go from your job as {data.get('title')} at {data.get('employer')}."
    if name == "retired":
        pension = int(data.get("pension") or 0)
        return "You retired" + (f" on a pension of {money(pension)} a year." if pension else ".")
    if name == "marriage":
        return f"You married {_first_name(data.get('person'))}!"
    if name == "engagement":
        return f"You are engaged to {_first_name(data.get('person'))}!"
    if name == "new_relationship":
        return f"You are dating {_first_name(data.get('person'))}."
    if name == "exclusive":
        return f"You and {_first_name(data.get('person'))} are exclusive now."
    if name == "breakup":
        return f"You and {_first_name(data.get('person'))} broke up."
    if name == "divorce":
        return f"You and {_first_name(data.get('person'))} are divorced."
    if name == "reconciled":
        return f"You and {_first_name(data.get('person'))} got back together."
    if name == "child_born":
        return f"Your child {_first_name(data.get('person'))} was born."
    if name == "level_up":
        return f"You are {STAGE_NAMES.get(str(data.get('stage')), 'older')} now."
    if name == "death":
        summary = data.get("summary") or {}
        return str(summary.get("obituary") or f"You died of {data.get('cause') or 'unknown causes'}.")
    return name.replace("_", " ").capitalize() + "."


def event(ev: dict[str, Any]) -> str:
    """One engine event as a sentence (what a `messageEvent` says)."""
    kind, data = ev["kind"], ev.get("data", {})
    if kind == "milestone":
        return milestone(data)
    if data.get("text"):
        return str(data["text"])
    if kind == "activity":
        return f"{data.get('name') or 'Activity'}: {effects(data.get('effects') or {})}"
    if kind == "payday":
        source = "pension" if data.get("source") == "pension" else "pay"
        return f"Your {source} came in: {money(int(data.get('amount', 0)))}."
    if kind == "bill":
        return f"You paid {money(int(data.get('amount', 0)))} in bills; you have {money(int(data.get('balance', 0)))}."
    if kind == "holiday":
        return f"Happy {data.get('name')}!"
    if kind == "aged":
        return f"Happy birthday! You are {data.get('age')}."
    if kind == "exam":
        verdict = "passed" if data.get("passed") else "failed"
        return f"You {verdict} your {data.get('term', '')} exams at {data.get('school')} with {data.get('score')}."
    if kind == "conversation":
        return str(data.get("reply") or "")
    return kind.replace("_", " ").capitalize() + "."


def effects(changed: dict[str, Any]) -> str:
    """What an action changed, as a player reads it ("smarts +1, money -$40.")."""
    parts = [
        f"{stat} {int(changed[stat]):+d}" for stat in ("health", "happiness", "smarts", "looks") if changed.get(stat)
    ]
    if changed.get("energy"):
        parts.append(f"energy {round(float(changed['energy'])):+d}")
    affinity = changed.get("affinity")
    if isinstance(affinity, int | float) and round(affinity):
        parts.append(f"affinity {round(affinity):+d}")
    if changed.get("money"):
        parts.append(f"money {money(int(changed['money']))}")
    if changed.get("price"):
        parts.append(f"spent {money(int(changed['price']))}")
    if changed.get("item"):
        parts.append(f"bought {str(changed['item']).replace('_', ' ')}")
    if changed.get("hired") is True:
        parts.append("hired!")
    if changed.get("met"):
        parts.append("you met someone new")
    return (", ".join(parts) + ".") if parts else "done."


def duration(game_seconds: int) -> str:
    """A span of life as a person says it: "7 years", "1 year and 2 months", "3 weeks", "5 days"."""
    days = max(0, game_seconds) // DAY_SECONDS
    years, rest = divmod(days, 360)
    months, days = divmod(rest, 30)

    def unit(n: int, word: str) -> str:
        return f"{n} {word}{'s' if n != 1 else ''}"

    if years:
        return unit(years, "year") + (f" and {unit(months, 'month')}" if months else "")
    if months:
        return unit(months, "month")
    if days >= 7:
        return unit(days // 7, "week")
    if days:
        return unit(days, "day")
    return unit(max(1, game_seconds // 3600), "hour")


def _asked(before: dict[str, Any], events: list[dict[str, Any]]) -> dict[str, str]:
    """Question id -> its text, for the questions raised in the span or waiting at its start."""
    asked = {str(q.get("id")): str(q.get("text", "")) for q in before.get("pending", [])}
    for ev in events:
        if ev["kind"] == "question":
            asked[str(ev["data"].get("event_id"))] = str(ev["data"].get("text", ""))
    return asked


def _story_line(ev: dict[str, Any], asked: dict[str, str]) -> str | None:
    """The sentence an event adds to a span's story, or None when the totals tell it."""
    kind, data = ev["kind"], ev.get("data", {})
    if kind == "milestone" and data.get("milestone") not in ("level_up",):
        return milestone(data)
    if kind == "message" and data.get("text"):
        return str(data["text"])
    if kind == "question_resolved" and data.get("by") == "expiry":
        question = asked.get(str(data.get("event_id")), "").rstrip()
        outcome = str(data.get("text") or "").strip()
        if question and outcome:
            return f"Left to chance: {question} {outcome}"
        return f"Left to chance: {outcome or question or 'a question settled itself.'}"
    if kind == "person_changed" and data.get("reason") == "died":
        return f"{(data.get('person') or {}).get('name', 'Someone')} died."
    return None


def span(before: dict[str, Any], after: dict[str, Any], events: list[dict[str, Any]]) -> list[str]:
    """A readable account of a span of life, for a person: how long it was, then what happened year by
    year in order (each question left to chance beside its outcome), then the totals (pay and bills,
    exams, stats, money) and what waits for the player now."""
    length = int(after.get("clock", 0)) - int(before.get("clock", 0))
    lines = [f"{duration(length)} went by: you are {after.get('age', before.get('age'))} now."]
    born = int(before.get("born_at", 0))
    asked = _asked(before, events)
    by_age: dict[int, dict[str, str]] = {}  # in order; a notice that repeats (collections) told once a year
    for index, ev in enumerate(events):
        line = _story_line(ev, asked)
        if line:
            topic = ev["data"].get("topic") if ev["kind"] == "message" else None
            said = by_age.setdefault((int(ev["at"]) - born) // YEAR_SECONDS, {})
            key = f"topic:{topic}" if topic else str(index)
            said.pop(key, None)  # the latest of a repeated notice, where it last happened
            said[key] = line
    lines += [f"At {age}: " + " ".join(said.values()) for age, said in sorted(by_age.items())]
    pay = sum(int(ev["data"].get("amount", 0)) for ev in events if ev["kind"] == "payday")
    bills = sum(int(ev["data"].get("amount", 0)) for ev in events if ev["kind"] == "bill")
    if pay or bills:
        parts = ([f"earned {money(pay)}"] if pay else []) + ([f"paid {money(bills)} in bills"] if bills else [])
        lines.append(f"You {' and '.join(parts)}.")
    exams = [ev for ev in events if ev["kind"] == "exam"]
    if exams:
        passed = sum(1 for ev in exams if ev["data"].get("passed"))
        lines.append(f"Exams: {passed} of {len(exams)} passed.")
    moved = Counter(
        {stat: after.get(stat, 0) - before.get(stat, 0) for stat in ("health", "happiness", "smarts", "looks")}
    )
    changes = [f"{stat.capitalize()} {delta:+d}" for stat, delta in moved.items() if delta]
    if changes:
        lines.append(", ".join(changes) + ".")
    if after.get("money", 0) != before.get("money", 0):
        lines.append(
            f"Money: {money(int(after.get('money', 0)))} ({signed_money(int(after['money']) - int(before['money']))})."
        )
    waiting = len(after.get("pending", []))
    if waiting:
        lines.append(f"{waiting} question{'s are' if waiting > 1 else ' is'} waiting for you.")
    if len(lines) == 1:
        lines.append("Time passed quietly.")
    return lines
