"""Lives: start one, lock it, bring it up to now with the engine, and save it atomically."""

import secrets
from datetime import datetime, timedelta
from typing import Any, cast

from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import Player
from analytics.services import experiments
from core.errors import GameError
from game import engine, hooks
from game.models import Character, Person
from game.services import clock, notify
from game.services import content as content_service

ENGINE_ERROR_CODES = {"conflict", "forbidden", "insufficient_energy", "not_found", "bad_request"}


def as_game_error(exc: engine.EngineError) -> GameError:
    code = exc.code if exc.code in ENGINE_ERROR_CODES else "conflict"
    return GameError(code, exc.message, **exc.extra)


def start_life(*, player_id: int, now: datetime | None = None, seed: int | None = None) -> Character:
    """A new life for the player (first sign-in, or after a death); the account keeps everything else.

    `seed` fixes the life (the engine is deterministic): tests and tools pass one, players get a random one.
    """
    content = content_service.current()
    seed = secrets.randbits(62) if seed is None else seed
    for _ in range(50):
        born_at = (seed % 360) * engine.DAY
        # met at the content's start age (infancy plays itself), with the first choices waiting
        state, _ = engine.meet(engine.new_life(seed, born_at, content), content)
        if not state.dead:
            break
        seed += 1  # a rare infancy that ends in death is not a life to hand a player: the next seed
    return _begin(player_id=player_id, state=state, now=now or timezone.now())


def continue_as_child(*, player_id: int, ended: Character, child_id: str, now: datetime | None = None) -> Character:
    """After a death, the player goes on as one of the life's adult children (engine.continue_as)."""
    content = content_service.current()
    try:
        state = engine.continue_as(engine.LifeState.from_dict(ended.state), child_id, content)
    except engine.EngineError as exc:
        raise as_game_error(exc) from exc
    return _begin(player_id=player_id, state=state, now=now or timezone.now())


def player_variants(player_id: int, state: engine.LifeState) -> bool:
    """Set what the player's experiment variants change in the life (energy regained per hour); True if
    that changed anything. Read when a life begins and when the player arrives, not on every advance."""
    factor = float(experiments.effect(player_id, "energy_regeneration", "regen_factor", 1.0))
    if state.regen_factor == factor:
        return False
    state.regen_factor = factor
    return True


def _begin(*, player_id: int, state: engine.LifeState, now: datetime) -> Character:
    """Make `state` the player's current life, its clock running from now."""
    player_variants(player_id, state)
    Character.objects.filter(current_of_id=player_id).update(current_of=None)  # the life before stays as it was
    character = Character.objects.create(
        player_id=player_id,
        current_of_id=player_id,
        name=state.name,
        seed=state.seed,
        state=state.to_dict(),
        game_clock=state.clock,
        anchor_real=now,
        anchor_game=state.clock,
        active_until=now + clock.offline_span(),
        alive=True,
        age_years=state.age,
        stage=state.stage,
    )
    sync_people(character, before=[], after=character.state["people"])
    return character


def current_character(*, player_id: int, lock: bool) -> Character:
    """The player's current life (created on first need); row-locked when `lock` (one query)."""
    queryset = Character.objects.select_for_update() if lock else Character.objects
    character = queryset.filter(current_of_id=player_id).first()
    if character is None:
        if lock:
            Player.objects.select_for_update().get(pk=player_id)  # one first life, even under races
            character = queryset.filter(current_of_id=player_id).first()
        if character is None:
            return start_life(player_id=player_id)
    return character


def life_ended(summary: dict[str, Any] | None) -> GameError:
    """The one refusal for acting in a life that is over (its summary lets the client show the end)."""
    return GameError("forbidden", "This life has ended; start a new one.", summary=summary)


def living_character(*, player_id: int) -> Character:
    """The player's current life, row-locked; `forbidden` once it has ended."""
    character = current_character(player_id=player_id, lock=True)
    if not character.alive:
        raise life_ended(character.summary)
    return character


def catch_up_living(character: Character, now: datetime) -> tuple[dict[str, Any], engine.LifeState, list]:
    """Bring a locked life up to `now`: (state before, state now, events on the way); `forbidden` if it
    ended on the way (the tick saves and announces the death; the caller's charge rolls back)."""
    before = character.state
    state, events = catch_up(character, engine.LifeState.from_dict(before), now)
    if state.dead:
        raise life_ended(state.summary)
    return before, state, events


def catch_up(
    character: Character, state: engine.LifeState, now: datetime, content: engine.Content | None = None
) -> tuple[engine.LifeState, list]:
    """Run the engine from the life's clock to the game moment of real `now`.

    A major decision holds the clock where it was raised. Its real-time window counts from the
    moment the life reached it; once that has passed the engine settles it with its default answer,
    the clock restarts from the end of the window and the life runs on to `now` (moves the
    character's anchors: callers save them, `apply_state`).
    """
    content = content or content_service.current()
    events: list = []
    while not state.dead:
        held = state.held_by
        if held is not None:
            window = held.window_real_hours or content.config.questions.major_window_real_hours
            ends = clock.real_time_at(character, state.clock) + timedelta(hours=window)
            if now < ends:
                break
            state, done = engine.expire_held(state, content)
            events += done
            clock.restart(character, state.clock, ends)
            continue
        target = clock.game_time_at(character, now)
        if target <= state.clock:
            break
        state, done = engine.advance(state, state.clock, target, [], content)
        events += done
        if state.held_by is None:
            break
    return state, events


def release_hold(character: Character, before: dict[str, Any], state: engine.LifeState, now: datetime) -> None:
    """A held decision was just answered: the clock goes on from where it stopped, from now."""
    was_held = any(q.get("major") for q in before.get("pending", []))
    if was_held and state.held_by is None:
        clock.restart(character, state.clock, now)


def apply_state(character: Character, state: engine.LifeState) -> list[str]:
    character.state = state.to_dict()
    character.game_clock = state.clock
    character.age_years = state.age
    character.stage = state.stage
    character.alive = not state.dead
    character.summary = state.summary
    return list(_SAVE_FIELDS)


# the anchors too: a catch-up that ends a held decision moves them
_SAVE_FIELDS = (
    "state",
    "game_clock",
    "age_years",
    "stage",
    "alive",
    "summary",
    "anchor_game",
    "anchor_real",
    "updated_at",
)


def save_many(characters: list[Character], now: datetime) -> None:
    """Write many advanced lives in one round of UPDATEs (the tick's hot path).

    `bulk_update` builds one CASE expression over every row's JSON, which MySQL parses slowly;
    an executemany of plain per-row UPDATEs costs a fraction of it (docs/performance.md).
    """
    if not characters:
        return
    fields: list[models.Field] = [
        f for f in (Character._meta.get_field(name) for name in _SAVE_FIELDS) if isinstance(f, models.Field)
    ]
    table = connection.ops.quote_name(Character._meta.db_table)
    columns = ", ".join(f"{connection.ops.quote_name(str(f.column))} = %s" for f in fields)
    rows = []
    for character in characters:
        character.updated_at = now
        rows.append([f.get_db_prep_save(getattr(character, f.attname), connection) for f in fields] + [character.pk])
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {columns} WHERE id = %s", rows)  # noqa: S608 - names from the model


def save(
    *,
    character: Character,
    before: dict[str, Any],
    state: engine.LifeState,
    events: list,
    now: datetime,
    extra_fields: tuple[str, ...] = (),
    online: bool | None = None,
    summarized: int = 0,
) -> list[dict[str, Any]]:
    """Persist an advanced life with everything that follows from it, in the caller's transaction.
    The last `summarized` events are told in the caller's reply, not pushed one by one (notify)."""
    release_hold(character, before, state, now)
    fields = apply_state(character, state)
    character.save(update_fields=fields + list(extra_fields))
    event_dicts = [ev.to_dict() for ev in events]
    after_side_effects(
        character=character, before=before, event_dicts=event_dicts, now=now, online=online, summarized=summarized
    )
    return event_dicts


def after_side_effects(
    *,
    character: Character,
    before: dict[str, Any],
    event_dicts: list[dict[str, Any]],
    now: datetime,
    online: bool | None = None,
    outbox: list | None = None,
    offline_outbox: list | None = None,
    people_outbox: list | None = None,
    summarized: int = 0,
    notices: list[dict[str, Any]] | None = None,
) -> None:
    """People mirror, the life hooks (milestone diamonds ...), pushes or offline queue: all in the
    caller's transaction. With `people_outbox` the people mirror is left to the caller's one
    `sync_people_many` for a whole chunk (the tick); with `notices` the hooks were already run for
    the chunk (`hooks.dispatch_many`) and these are what they said."""
    people = (character, before.get("people", []), character.state["people"])
    if people_outbox is None:
        sync_people_many([people])
    else:
        people_outbox.append(people)
    if notices is None:
        notices = hooks.dispatch(character=character, events=event_dicts)
    notify.deliver(
        player_id=character.player_id,
        character=character,
        before=before,
        after=character.state,
        events=event_dicts,
        now=now,
        online=online,
        outbox=outbox,
        offline_outbox=offline_outbox,
        summarized=summarized,
        notices=notices,
    )


def sync_people(character: Character, *, before: list[dict], after: list[dict]) -> None:
    """Mirror the people who changed into Person rows (for the admin), one bulk write each way."""
    sync_people_many([(character, before, after)])


def sync_people_many(lives: list[tuple[Character, list[dict], list[dict]]]) -> None:
    """`sync_people` for many lives at once (the tick's chunk): one read, one insert, one update."""
    changed: list[tuple[Character, dict]] = []
    for character, before, after in lives:
        old = {p["id"]: p for p in before}
        changed.extend((character, p) for p in after if old.get(p["id"]) != p)
    if not changed:
        return
    wanted = {(c.pk, p["id"]) for c, p in changed}
    existing = {
        (row.character_id, row.person_id): row
        for row in Person.objects.filter(
            character_id__in={c.pk for c, _ in changed}, person_id__in={p["id"] for _, p in changed}
        )
        if (row.character_id, row.person_id) in wanted
    }
    create: list[Person] = []
    update: list[Person] = []
    for character, p in changed:
        row = existing.get((character.pk, p["id"])) or Person(character=character, person_id=p["id"])
        row.name, row.relation, row.age_years = p["name"], p["relation"], p.get("age", 0)
        row.affinity, row.alive, row.data = p.get("affinity", 0), p.get("alive", True), p
        (update if row.pk else create).append(row)
    Person.objects.bulk_create(create)
    _update_people(update)


_PERSON_COLUMNS = ("name", "relation", "age_years", "affinity", "alive", "data")


def _update_people(rows: list[Person]) -> None:
    """One prepared UPDATE run for every row. `bulk_update` builds a CASE expression per field and
    row, and a skip's seven years change everyone (each one ages): it cost ~20 ms of CPU per skip."""
    if not rows:
        return
    fields = [cast(models.Field, Person._meta.get_field(name)) for name in _PERSON_COLUMNS]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)
    # names quoted by the backend, every value a parameter
    sql = f"UPDATE {quote(Person._meta.db_table)} SET {sets} WHERE {quote('id')} = %s"  # noqa: S608
    params = [[f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] + [row.pk] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def arrive(*, player_id: int, now: datetime | None = None) -> Character:
    """The player signed in: catch the life up, restart a paused clock, save."""
    now = now or timezone.now()
    with transaction.atomic():
        character = current_character(player_id=player_id, lock=True)
        before = character.state
        state, events = catch_up(character, engine.LifeState.from_dict(before), now)
        extra = clock.resume(character, now)
        varied = player_variants(player_id, state)  # from here on: the time before ran at the old rate
        if state.clock == character.game_clock and not events and not varied:
            character.save(update_fields=extra)  # the tick kept it current: only the clock's anchor moves
        else:
            save(
                character=character,
                before=before,
                state=state,
                events=events,
                now=now,
                extra_fields=tuple(extra),
                online=False,
            )
        Player.objects.filter(pk=player_id).update(last_seen_at=now)
    return character


def pause(*, player_id: int, now: datetime) -> None:
    """The account waits for deletion: its life stops now (the tick passes it by); `arrive` resumes it."""
    Character.objects.filter(current_of_id=player_id, active_until__gt=now).update(active_until=now)


def leave(*, player_id: int, now: datetime | None = None) -> None:
    """The player's last socket closed: the life goes on for GAME_OFFLINE_LIFE_DAYS from now."""
    now = now or timezone.now()
    Player.objects.filter(pk=player_id).update(last_seen_at=now)
    Character.objects.filter(current_of_id=player_id, active_until__lt=now + clock.offline_span()).update(
        active_until=now + clock.offline_span()
    )
