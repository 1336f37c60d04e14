"""Dating's records on the database: scores kept and recomputed only when a side changes, bios kept
once shown (an operator's edit wins), the history written at each moment's stage."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.verbs import Context
from dating import handlers
from dating.models import Compatibility, NpcBio, RelationshipEvent
from game import engine
from game.models import Character

pytestmark = pytest.mark.django_db(transaction=True)


def _matches(player_id: int, **params) -> dict:
    return handlers.get_matches(Context(player_id=player_id), handlers.MatchesParams(**params))


def _action(player_id: int, person_id: str, action: str) -> dict:
    character = Character.objects.get(current_of_id=player_id)
    character.state = {**character.state, "busy_until": 0, "energy": 100, "pending": []}
    character.save(update_fields=["state"])
    params = handlers.RelationshipActionParams(person_id=person_id, action=action)
    return handlers.relationship_action(Context(player_id=player_id), params)


def test_scores_are_kept_and_recomputed_only_when_a_side_changes(grown):
    player = grown(age=25)
    first = _matches(player.pk, limit=5)
    ids = [m["person_id"] for m in first["matches"]]
    rows = {c.person_id: c for c in Compatibility.objects.filter(person_id__in=ids)}
    assert set(rows) == set(ids) and all(rows[m["person_id"]].score == m["compatibility"] for m in first["matches"])
    with CaptureQueriesContext(connection) as asked_again:
        assert _matches(player.pk, limit=5) == first
    assert not [q for q in asked_again.captured_queries if "dating_compatibility" in q["sql"]]

    # the player's side changes (a job adds an interest): the shown scores are computed again
    character = Character.objects.get(current_of_id=player.pk)
    job = engine.Job("medicine", 0, "Orderly", 30_000, 50.0, 0, 0, "St. Mary's").to_dict()
    character.state = {**character.state, "job": job}
    character.save(update_fields=["state"])
    _matches(player.pk, limit=5)
    after = {c.person_id: c for c in Compatibility.objects.filter(person_id__in=ids)}
    assert any(after[i].fingerprint != rows[i].fingerprint for i in ids)


def test_a_bio_is_kept_once_shown_and_an_operators_edit_wins(grown):
    player = grown(age=25)
    them = _matches(player.pk, limit=1)["matches"][0]["person_id"]
    bio = handlers.get_bio(Context(player_id=player.pk), handlers.BioParams(person_id=them))["bio"]
    row = NpcBio.objects.get(person_id=them)
    assert row.bio["about"] == bio["about"]
    row.bio = {**row.bio, "about": "Edited by support."}
    row.edited = True
    row.save()
    again = handlers.get_bio(Context(player_id=player.pk), handlers.BioParams(person_id=them))["bio"]
    assert again["about"] == "Edited by support."


def test_the_history_keeps_each_moments_stage(grown):
    player = grown(age=25)
    them = _matches(player.pk, limit=1)["matches"][0]["person_id"]
    for _ in range(40):
        character = Character.objects.get(current_of_id=player.pk)  # each try a fresh bond: a new roll
        people = [{**p, "affinity": 40.0} if p["id"] == them else p for p in character.state["people"]]
        character.state = {**character.state, "people": people}
        character.save(update_fields=["state"])
        reply = _action(player.pk, them, "ask_out")
        if reply["effects"].get("accepted"):
            break
    else:
        raise AssertionError("never accepted")
    rows = list(RelationshipEvent.objects.filter(person_id=them).values_list("kind", "stage"))
    assert rows.index(("met", "acquaintance")) < rows.index(("stage", "dating"))  # not the stage at the end
    assert ("action", "dating") in rows  # the ask that was accepted, with the stage it led to


def test_a_weak_bond_says_what_the_action_needs(grown):
    player = grown(age=25)
    character = Character.objects.get(current_of_id=player.pk)
    state = engine.LifeState.from_dict(character.state)
    p = engine.Person(
        id=state.new_id("p"),
        name="Robin Park",
        relation="partner",
        gender="male",
        born_at=state.clock - 26 * engine.YEAR,
        age=26,
        traits={},
        affinity=5.0,
    )
    state.people.append(p)
    character.state = state.to_dict()
    character.save(update_fields=["state"])
    with pytest.raises(Exception, match="does not love you enough") as exc:
        _action(player.pk, p.id, "propose")
    assert getattr(exc.value, "code", None) == "forbidden"
