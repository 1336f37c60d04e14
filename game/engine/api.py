"""The engine's public functions. Each copies the given state once, works on the copy and returns it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from . import actions, jobboard, sim
from .content import Content
from .ctx import Ctx
from .errors import BadInput, CharacterDead, EngineError, InvalidTime
from .outcomes import gift, resolve
from .questions import raise_system
from .state import Event, Input, LifeState
from .timeline import YEAR


def _check_time(state: LifeState, at: int) -> None:
    if at < state.clock:
        raise InvalidTime(f"time {at} is before the state's clock {state.clock}", clock=state.clock, at=at)


def advance(
    state: LifeState, start: int, end: int, inputs: Sequence[Input], content: Content
) -> tuple[LifeState, list[Event]]:
    """Run the life over (start, end]; `start` must be the state's clock.

    `inputs` are applied at their own times (after the step at the same time); a refused input becomes an
    `input_refused` event instead of failing the whole span.
    """
    if start != state.clock:
        raise InvalidTime(f"start {start} is not the state's clock {state.clock}", clock=state.clock, at=start)
    if end < start:
        raise InvalidTime(f"end {end} is before start {start}", clock=state.clock, at=end)
    last = start
    for inp in inputs:
        if not (last <= inp.at <= end):
            raise InvalidTime("inputs must be in time order inside [start, end]", at=inp.at)
        last = inp.at
    ctx = Ctx(state.clone(), content)
    for inp in inputs:
        sim.run(ctx, inp.at)
        try:
            _apply_input(ctx, inp)
        except EngineError as exc:
            ctx.emit("input_refused", inp.at, input=inp.kind, params=dict(inp.params), error=exc.to_dict())
    sim.run(ctx, end)
    return ctx.s, ctx.events


def _apply_input(ctx: Ctx, inp: Input) -> None:
    p = inp.params
    missing = {"activity": ("activity",), "choice": ("event_id", "choice"), "talk": ("person_id", "sentiment")}
    for name in missing.get(inp.kind, ()):
        if name not in p:
            raise BadInput(f"{inp.kind} input lacks {name!r}", field=name)
    if inp.kind == "activity":
        actions.do_activity(ctx, inp.at, p["activity"], p.get("target"), options=p.get("options"))
    elif inp.kind == "choice":
        actions.do_choice(ctx, ctx.s.clock, p["event_id"], p["choice"])  # a held clock: answered where it stopped
    elif inp.kind == "talk":
        actions.do_talk(ctx, inp.at, p["person_id"], p.get("text", ""), p["sentiment"])
    else:
        raise BadInput(f"unknown input kind {inp.kind!r}", kind=inp.kind)


def apply_activity(
    state: LifeState,
    at: int,
    activity_id: str,
    content: Content,
    *,
    target: str | None = None,
    unlimited_energy: bool = False,
    options: Mapping[str, Any] | None = None,
) -> tuple[LifeState, list[Event]]:
    """Do an activity at `at` (the state is first advanced to `at`). Raises an EngineError on refusal.
    `unlimited_energy`: the player bought it; the activity costs no energy and is never refused for it.
    `options`: what the activity's special reads beyond the target (a planned date's venue and gift)."""
    _check_time(state, at)
    ctx = Ctx(state.clone(), content)
    sim.run(ctx, at)
    actions.do_activity(ctx, at, activity_id, target, unlimited_energy=unlimited_energy, options=options)
    return ctx.s, ctx.events


def apply_energy(state: LifeState, at: int, amount: float, content: Content) -> tuple[LifeState, list[Event]]:
    """Add `amount` energy at `at` (a refill), within the content's maximum: the engine's one clamp."""
    _check_time(state, at)
    ctx = Ctx(state.clone(), content)
    sim.run(ctx, at)
    if ctx.s.dead:
        raise CharacterDead("this life has ended")
    ctx.add_energy(amount)
    return ctx.s, ctx.events


def apply_gift(state: LifeState, at: int, item_id: str, content: Content) -> tuple[LifeState, list[Event]]:
    """A present from outside the life (a daily login reward): the item into the belongings, its
    effects applied once, as if bought; nothing is paid. Raises BadInput for an unknown item."""
    _check_time(state, at)
    item = content.items.get(item_id)
    if item is None:
        raise BadInput(f"no item {item_id!r}")
    ctx = Ctx(state.clone(), content)
    sim.run(ctx, at)
    if ctx.s.dead:
        raise CharacterDead("this life has ended")
    gift(ctx, ctx.s.clock, item)
    return ctx.s, ctx.events


def apply_choice(
    state: LifeState, at: int, event_id: str, choice_id: str, content: Content
) -> tuple[LifeState, list[Event]]:
    """Answer a pending question. Raises EventNotFound if it is unknown, answered or expired by `at`.

    While a major decision holds the clock, the answer is given at the held moment (the life did not
    move on), so the outcome is the same however late in real time the player answers."""
    _check_time(state, at)
    ctx = Ctx(state.clone(), content)
    sim.run(ctx, at)
    actions.do_choice(ctx, ctx.s.clock, event_id, choice_id)
    return ctx.s, ctx.events


def meet(state: LifeState, content: Content) -> tuple[LifeState, list[Event]]:
    """A new life as the player first meets it: infancy played by itself up to `config.start_age`
    (a player is not a baby for three real days), then the first questions of `config.first_questions`
    raised at once, so the first minutes have choices to make."""
    cfg = content.config
    state, events = advance_settling(state, state.born_at + cfg.start_age * YEAR, content)
    ctx = Ctx(state.clone(), content)
    for q in list(ctx.s.pending):  # what infancy asked, it settled by itself
        resolve(ctx, ctx.s.clock, q, q.default, by="expiry")
    if cfg.first_questions and not ctx.s.dead:
        raise_system(ctx, ctx.s.clock, cfg.first_questions)
    return ctx.s, events + ctx.events


def job_board(state: LifeState, content: Content) -> list[dict[str, Any]]:
    """Every career track's entry job for this life: qualifies or what it lacks (read-only)."""
    return jobboard.board(Ctx(state, content))


def advance_settling(state: LifeState, end: int, content: Content) -> tuple[LifeState, list[Event]]:
    """`advance` to `end` as if nobody answered anything: each major decision that holds the clock is
    settled with its default answer where it was raised (simulations, tests, tools)."""
    events: list[Event] = []
    while True:
        state, done = advance(state, state.clock, max(end, state.clock), [], content)
        events += done
        if state.held_by is None or state.dead:
            return state, events
        state, done = expire_held(state, content)
        events += done


def expire_held(state: LifeState, content: Content) -> tuple[LifeState, list[Event]]:
    """The real-time window of the major decisions holding the clock has passed (the caller knows real
    time): each is settled with its default answer at the held moment, and the clock may move again."""
    ctx = Ctx(state.clone(), content)
    for q in [q for q in ctx.s.pending if q.major]:
        resolve(ctx, ctx.s.clock, q, q.default, by="expiry")
    return ctx.s, ctx.events


def apply_talk(
    state: LifeState,
    at: int,
    person_id: str,
    text: str,
    sentiment: float,
    content: Content,
    *,
    unlimited_energy: bool = False,
) -> tuple[LifeState, list[Event], str, float]:
    """Talk to someone. `sentiment` (-1..1) is scored by the caller (VADER) so the engine stays pure."""
    _check_time(state, at)
    ctx = Ctx(state.clone(), content)
    sim.run(ctx, at)
    reply, change = actions.do_talk(ctx, at, person_id, text, sentiment, unlimited_energy=unlimited_energy)
    return ctx.s, ctx.events, reply, change
