"""Reading a life for dating: its state as saved, the people in it or in its pool, their bios (kept in
`npc_bios` once shown) and compatibility (kept in `dating_compatibility`, recomputed when either side
changes), and their history with the player (`relationship_events`)."""

import threading
from collections import OrderedDict
from hashlib import blake2b
from typing import Any

from django.db import transaction

from analytics.services import experiments
from core.errors import GameError
from dating.life import bios, bonds, compat, matching, pool, profiles
from dating.life.rules import RelationshipParams, Weights
from dating.models import Compatibility, NpcBio, RelationshipEvent
from game import engine, wire
from game.models import Character
from game.services import content as content_service
from game.services import life

HISTORY = 10  # events of a person's history in a reply


def read_life(player_id: int) -> tuple[Character, engine.LifeState, engine.Content]:
    """The current life as saved (the tick keeps it current, as `get_state` reads it); a read, no lock."""
    character = life.current_character(player_id=player_id, lock=False)
    if not character.alive:
        raise life.life_ended(character.summary)
    return character, engine.LifeState.from_dict(character.state), content_service.current()


def relationship_params(content: engine.Content) -> RelationshipParams:
    """Dating's numbers in the content in force; `unavailable` while the database copy predates dating
    (a release's `manage.py load_content` adds them), never a crash."""
    prm = content.specials.get("relationship")
    if prm is None:
        raise GameError("unavailable", "Dating is being set up; try again shortly.", retry_after=60)
    return prm  # type: ignore[return-value]


def person_in_reach(state: engine.LifeState, content: engine.Content, person_id: str) -> engine.Person:
    """A person of the life, or a stranger of its dating pool; `not_found` for anyone else."""
    p = state.person(person_id)
    if p is not None:
        if not p.alive:
            raise GameError("forbidden", f"{p.name} has died.", person_id=person_id)
        return p
    cfg = relationship_params(content).pool
    index = pool.index_of(person_id, cfg)
    if index is None or person_id in state.forgotten:
        raise GameError("not_found", "That person is not in your life.", person_id=person_id)
    cand = pool.candidate(state, index, content, cfg)
    if cand.taken:
        raise GameError("forbidden", f"{cand.person.name} is married.", person_id=person_id)
    return cand.person


def person_reply(p: engine.Person) -> dict[str, Any]:
    """The personObject and the relationship stage (and what has happened, in memory)."""
    return {**wire.person_object(p.to_dict()), "stage": bonds.stage_of(p), "memory": list(p.memory)}


_STORED_SIZE = 100_000  # (life, person, algorithm) -> the fingerprint this process knows is stored
_stored: OrderedDict[tuple[Any, ...], str] = OrderedDict()
_stored_lock = threading.Lock()


def store_scores(character: Character, rows: list[tuple[str, compat.Score, str, str]]) -> None:
    """Keep the scores shown: (person id, score, algorithm, fingerprint); rows whose fingerprint has not
    moved are left alone (one read, and writes only for what changed). What this process stored or read
    is remembered, so asking again for the same matches costs no query."""
    life_key = (character.pk, character.created_at)  # a restored or recreated row is another life
    with _stored_lock:
        rows = [r for r in rows if _stored.get((*life_key, r[0], r[2])) != r[3]]
    if not rows:
        return
    algos = {r[2] for r in rows}
    existing = {
        (c.person_id, c.algorithm): c
        for c in Compatibility.objects.filter(
            character=character, person_id__in=[r[0] for r in rows], algorithm__in=algos
        )
    }
    new, changed = [], []
    for person_id, score, algo, fp in rows:
        row = existing.get((person_id, algo))
        if row is None:
            new.append(
                Compatibility(
                    character=character,
                    person_id=person_id,
                    score=score.total,
                    parts=score.to_dict(),
                    algorithm=algo,
                    fingerprint=fp,
                )
            )
        elif row.fingerprint != fp:
            row.score, row.parts, row.fingerprint = score.total, score.to_dict(), fp
            changed.append(row)
    if new:
        Compatibility.objects.bulk_create(new, ignore_conflicts=True)  # a concurrent read may have stored it
    if changed:
        Compatibility.objects.bulk_update(changed, ["score", "parts", "fingerprint", "updated_at"])
    transaction.on_commit(lambda: _remember(life_key, rows))


def _remember(life_key: tuple[Any, ...], rows: list[tuple[str, compat.Score, str, str]]) -> None:
    with _stored_lock:  # verbs run on several threads
        for person_id, _, algo, fp in rows:
            _stored[(*life_key, person_id, algo)] = fp
            _stored.move_to_end((*life_key, person_id, algo))
        while len(_stored) > _STORED_SIZE:
            _stored.popitem(last=False)


def fingerprint(me: profiles.Profile, them: profiles.Profile, weights: Weights) -> str:
    """Both sides' inputs and the algorithm's weights: a change in any gives a new score."""
    algo = f"{weights.interests},{weights.personality},{weights.goals}"
    return blake2b(f"{me.fingerprint}#{them.fingerprint}#{algo}".encode(), digest_size=16).hexdigest()


def matches(
    *,
    player_id: int,
    limit: int,
    min_age: int | None,
    max_age: int | None,
    gender: str | None,
    algorithm: str | None = None,
) -> dict[str, Any]:
    character, state, content = read_life(player_id)
    relationship_params(content)
    if state.age < bonds.MIN_AGE:
        raise GameError("forbidden", f"Dating opens at {bonds.MIN_AGE}.", age=state.age)
    if algorithm is None:  # the player's `dating_match_algorithm` variant: its names are the content's algorithms
        algorithm = experiments.variant(player_id, "dating_match_algorithm") or None
    me = profiles.of_player(state, relationship_params(content).bios)
    algo, found = matching.rank(
        state, content, limit=limit, min_age=min_age, max_age=max_age, gender=gender, algorithm=algorithm, me=me
    )
    weights = relationship_params(content).algorithms[algo]
    store_scores(character, [(m.person.id, m.score, algo, fingerprint(me, m.profile, weights)) for m in found])
    return {
        "algorithm": algo,
        "matches": [
            {
                "person_id": m.person.id,
                "name": m.person.name,
                "age": m.person.age,
                "gender": m.person.gender,
                "compatibility": m.score.total,
                "interests": list(m.profile.interests),
                "known": m.known,
                "stage": bonds.stage_of(m.person),
            }
            for m in found
        ],
    }


def bio(*, player_id: int, person_id: str) -> dict[str, Any]:
    """A person's bio (kept once shown; an operator's edit wins), compatibility, stage and history."""
    character, state, content = read_life(player_id)
    prm = relationship_params(content)
    p = person_in_reach(state, content, person_id)
    if p.relation in bonds.RELATIVES:
        raise GameError("forbidden", f"{p.name} is family: no dating bio.", person_id=person_id)
    if state.age < bonds.MIN_AGE:
        raise GameError("forbidden", f"Dating opens at {bonds.MIN_AGE}.", age=state.age)
    if not bonds.may_court(state.age, p.age, prm.pool.adult_age):
        why = "a minor" if p.age < prm.pool.adult_age else "not someone you may date"
        raise GameError("forbidden", f"{p.name} is {why}: no dating bio.", person_id=person_id)
    row = NpcBio.objects.filter(character=character, person_id=p.id).first()
    if row is None:
        written = bios.write(state.seed, p, prm.bios, state.clock, state.location)
        row, _ = NpcBio.objects.get_or_create(
            character=character, person_id=p.id, defaults={"name": p.name, "bio": written}
        )
    shown = {**row.bio, "age": p.age}
    me = profiles.of_player(state, prm.bios)
    them = profiles.of_person(state.seed, p, prm.bios, state.clock)
    algo = matching.algorithm_of(prm, None)
    score = compat.score(me, them, prm.algorithms[algo])
    store_scores(character, [(p.id, score, algo, fingerprint(me, them, prm.algorithms[algo]))])
    history = list(
        RelationshipEvent.objects.filter(character=character, person_id=p.id)
        .order_by("-game_time", "-id")
        .values("kind", "stage", "text", "game_time")[:HISTORY]
    )
    return {
        "bio": shown,
        "compatibility": score.to_dict(),
        "person": person_reply(p) if state.person(p.id) else None,
        "stage": bonds.stage_of(p),
        "history": history,
    }
