"""Question events: raised at fixed hours by a keyed roll, they wait for a choice until they expire."""

from __future__ import annotations

from .content import EventTemplate
from .ctx import Ctx
from .rules import unmet
from .state import PendingQuestion, Person
from .timeline import DAY, HOUR, YEAR, hour_of_day


def fits(tpl: EventTemplate, p: Person, t: int) -> bool:
    """Whether `p` may be the subject of `tpl` at `t`: relation, bond, memory and age."""
    who = tpl.who
    if not p.alive or (p.relation != tpl.subject and p.relation not in who.relations):
        return False
    if not (who.min_affinity <= p.affinity <= who.max_affinity) or not (who.min_age <= p.age <= who.max_age):
        return False
    if who.min_years and t - p.since < who.min_years * YEAR:
        return False
    return p.remembers(*who.memory) and not any(m in p.memory for m in who.not_memory)


def _subject(ctx: Ctx, tpl: EventTemplate, t: int) -> Person | None | bool:
    """The person the event is about; False when the template needs one and the life has none."""
    if tpl.subject is None:
        return None
    cands = [p for p in ctx.s.people if fits(tpl, p, t)]
    if not cands:
        return False
    return ctx.rng(t, f"subject:{tpl.id}").choice(cands)


def eligible(ctx: Ctx, tpl: EventTemplate, t: int) -> bool:
    s = ctx.s
    if not (tpl.min_age <= s.age <= tpl.max_age):
        return False
    last = s.recent.get(tpl.id)
    if last is not None and tpl.once:
        return False
    if last is not None:
        cooldown = tpl.cooldown_days if tpl.cooldown_days is not None else ctx.c.config.questions.cooldown_days
        if t - last < cooldown * DAY:
            return False
    if any(q.template == tpl.id for q in s.pending):
        return False
    if tpl.subject and not any(fits(tpl, p, t) for p in s.people):
        return False
    return unmet(s, tpl.requires) is None


def raise_event(
    ctx: Ctx,
    t: int,
    tpl: EventTemplate,
    *,
    name: str | None = None,
    track: str | None = None,
    subject: Person | None = None,
) -> PendingQuestion | None:
    """`name` fills {name} when the event is about something other than a person (a job interview's
    job); `track` is the career track the question is about; `subject` the person it is about, when
    the caller knows (a date's question is about that date)."""
    found = _subject(ctx, tpl, t) if subject is None else subject
    if found is False:
        return None
    subject = found if isinstance(found, Person) else None
    s = ctx.s
    cfg = ctx.c.config.questions
    window = tpl.window_real_hours or (cfg.major_window_real_hours if tpl.major else cfg.window_real_hours)
    # the window in game time at the pace: a held clock does not move, so a major one never expires
    # in game time; the service ends its hold when the real window has passed (life.catch_up)
    ttl = tpl.ttl_hours * HOUR if tpl.ttl_hours else int(window * 3600 * ctx.c.config.pace)
    if name is None:
        name = subject.name if isinstance(subject, Person) else ""
    q = PendingQuestion(
        id=s.new_id("q"),
        template=tpl.id,
        created_at=t,
        expires_at=t + ttl,
        default=tpl.default,
        text=ctx.fmt(tpl.text, name=name),
        choices=[{"id": ch.id, "text": ctx.fmt(ch.text, name=name)} for ch in tpl.choices],
        person_id=subject.id if isinstance(subject, Person) else None,
        major=tpl.major,
        window_real_hours=window,
        track=track,
    )
    s.pending.append(q)
    s.recent[tpl.id] = t
    ctx.emit("question", t, **q.payload())
    return q


def raise_system(
    ctx: Ctx,
    t: int,
    template_id: str,
    *,
    name: str | None = None,
    track: str | None = None,
    subject: Person | None = None,
) -> PendingQuestion | None:
    """Engine-driven questions (college, graduate school, a date's moment) that bypass the random roll
    but not the conditions; with `subject`, about that person (who must fit the event)."""
    tpl = ctx.c.events[template_id]
    if not eligible(ctx, tpl, t) or (subject is not None and not fits(tpl, subject, t)):
        return None
    return raise_event(ctx, t, tpl, name=name, track=track, subject=subject)


def maybe_raise(ctx: Ctx, t: int) -> None:
    cfg = ctx.c.config.questions
    s = ctx.s
    if hour_of_day(t) not in cfg.hours or len(s.pending) >= cfg.max_pending:
        return
    if ctx.roll(t, "question") >= cfg.chance:
        return
    pool = [tpl for tpl in ctx.c.random_events.get(s.stage, ()) if eligible(ctx, tpl, t)]
    if not pool:
        return
    tpl = ctx.rng(t, "question_pick").choices(pool, weights=[tpl.weight for tpl in pool])[0]
    raise_event(ctx, t, tpl)
