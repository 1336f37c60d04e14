"""Dating's pure side on real content: bios, compatibility, the pool and matches, every stage
transition and every refusal of the relationship actions and of a planned date."""

from __future__ import annotations

import dataclasses
import itertools
from types import MappingProxyType

import pytest

from dating.life import bios, bonds, compat, matching, pool, profiles
from dating.tests.lives import act, adult, person, until
from game import engine
from game.content_files import load_content


@pytest.fixture(scope="module")
def content() -> engine.Content:
    return load_content()


def _rel(content):
    return content.specials["relationship"]


# ---- bios -----------------------------------------------------------------------------------------------------------
def test_a_bio_is_stable_per_person_and_rarely_shared(content):
    words = _rel(content).bios
    abouts, whole = [], []
    for seed in range(40):
        s = engine.new_life(seed, 0, content)
        s.clock = 30 * engine.YEAR  # the pool of a 30-year-old (only the clock matters to it)
        for c in [c for c in pool.everyone(s, content, _rel(content).pool) if c.person.age >= 18][:60]:
            one = bios.write(s.seed, c.person, words, s.clock, "Springfield")
            assert one == bios.write(s.seed, c.person, words, s.clock, "Springfield")  # the same person, the same bio
            assert one["interests"] and one["hobbies"] and one["life_goals"] and one["about"]
            abouts.append(one["about"].replace(c.person.name.split()[0], "X"))
            whole.append(repr(sorted((k, str(v)) for k, v in one.items() if k not in ("person_id", "name", "age"))))
    assert len(abouts) == 2400
    # measured: the self-descriptions (names masked) of 2,400 people, and the whole bios
    assert 1 - len(set(abouts)) / len(abouts) < 0.02
    assert 1 - len(set(whole)) / len(whole) < 0.005


# ---- compatibility ---------------------------------------------------------------------------------------------------
def test_compatibility_is_bounded_and_symmetric(content):
    rel = _rel(content)
    s = adult(content)
    profs = [profiles.of_person(s.seed, c.person, rel.bios, s.clock) for c in pool.everyone(s, content, rel.pool)]
    profs.append(profiles.of_player(s, rel.bios))
    scores = set()
    for a, b in itertools.combinations(profs[:60], 2):
        for weights in rel.algorithms.values():
            ab, ba = compat.score(a, b, weights), compat.score(b, a, weights)
            assert ab == ba
            assert 0 <= ab.total <= 100
            scores.add(ab.total)
    assert max(scores) - min(scores) >= 30  # it tells people apart


def test_the_algorithms_rank_differently(content):
    s = adult(content)
    tops = {
        algo: [m.person.id for m in matching.rank(s, content, limit=10, algorithm=algo)[1]]
        for algo in _rel(content).algorithms
    }
    assert len({tuple(v) for v in tops.values()}) == len(tops)
    assert matching.rank(s, content, limit=3, algorithm="no such")[0] == next(iter(_rel(content).algorithms))


# ---- the pool and matches --------------------------------------------------------------------------------------------
def test_the_pool_holds_over_100_adults_made_on_demand(content):
    s = adult(content, age=30)
    everyone = pool.everyone(s, content, _rel(content).pool)
    assert len(everyone) >= 100
    assert [c.person for c in everyone] == [c.person for c in pool.everyone(s, content, _rel(content).pool)]
    _, found = matching.rank(s, content, limit=200)
    assert len(found) >= 100
    assert "people" not in str(s.to_dict()["people"])[:0]  # nothing of the pool was written into the life


def test_matches_leave_out_relatives_minors_the_married_partners_and_bad_exes(content):
    s = adult(content)
    kid = person(s, "child", age=20)
    minor = person(s, "friend", age=16)
    partner = person(s, "partner")
    bad_ex = person(s, "ex", memory=["ended_badly"])
    cheated = person(s, "ex", memory=["cheated_on"])
    good_ex = person(s, "ex")
    friend = person(s, "friend", age=30)
    _, found = matching.rank(s, content, limit=500)
    ids = {m.person.id for m in found}
    assert {friend.id, good_ex.id} <= ids
    assert not ids & {kid.id, minor.id, partner.id, bad_ex.id, cheated.id}
    assert not ids & {p.id for p in s.people if p.relation in ("parent", "sibling")}
    taken = [c.person.id for c in pool.everyone(s, content, _rel(content).pool) if c.taken]
    assert taken and not ids & set(taken)
    assert all(m.person.age >= 18 for m in found)
    assert [m.score.total for m in found] == sorted((m.score.total for m in found), reverse=True)


def test_match_filters(content):
    s = adult(content, age=30)
    _, found = matching.rank(s, content, limit=500, min_age=28, max_age=32, gender="female")
    assert found and all(28 <= m.person.age <= 32 and m.person.gender == "female" for m in found)


# ---- stages: stranger -> acquaintance -> friend -> dating -> exclusive -> engaged -> married ----------------------
def test_a_whole_courtship_through_every_stage(content):
    s = adult(content)
    _, found = matching.rank(s, content, limit=1, gender="female" if s.gender == "male" else "male")
    them = found[0].person.id
    assert s.person(them) is None
    s, eff, _ = act(s, "spend_time", them, content)
    assert eff["stage"] == "acquaintance" and s.person(them).relation == "acquaintance"
    while s.person(them).relation != "friend":
        s, eff, _ = act(s, "spend_time", them, content)
    s, eff, events = until(s, "ask_out", them, content)
    assert eff["stage"] == "dating"
    assert any(e.milestone == "new_relationship" for e in events)
    with pytest.raises(engine.NotAllowed, match="Too soon"):
        act(s, "ask_out", them, content)
    s.busy_until = s.clock + 31 * engine.DAY
    s.person(them).affinity = 10
    with pytest.raises(engine.NotAllowed, match="not ready to be exclusive"):
        act(s, "ask_out", them, content)
    s.person(them).affinity = 60
    s, eff, events = until(s, "ask_out", them, content)
    assert eff["stage"] == "exclusive" and any(e.milestone == "exclusive" for e in events)
    s, eff, _ = until(s, "move_in", them, content, key="text")
    while "living_together" not in s.person(them).memory:
        s, eff, _ = act(s, "move_in", them, content)
    s.person(them).affinity = 80
    s, eff, events = until(s, "propose", them, content)
    assert eff["stage"] == "engaged" and any(e.milestone == "engagement" for e in events)
    money = s.money
    s, eff, events = act(s, "marry", them, content)
    assert eff["stage"] == "married" and any(e.milestone == "marriage" for e in events)
    assert s.money <= money - 6000
    s, eff, events = until(s, "try_for_baby", them, content, key="child")
    assert any(e.milestone == "child_born" for e in events)


def test_divorce_splits_savings_and_assets(content):
    s = adult(content, money=100_000)
    spouse = person(s, "spouse", affinity=10)
    for item in ("house", "car", "jewelry") if "car" in content.items else ("house", "jewelry"):
        s.assets.append(
            {
                "id": s.new_id("a"),
                "item": item,
                "name": content.items[item].name,
                "bought_at": 0,
                "price": content.items[item].price,
            }
        )
        s.inventory[item] = 1
    s, eff, events = act(s, "divorce", spouse.id, content)
    assert eff["stage"] == "divorced" and s.person(spouse.id).relation == "ex" and eff["price"] == 2500
    assert any(e.milestone == "divorce" for e in events)
    assert eff["money"] == -int((100_000 - 2500) / 2)
    assert len(eff["assets_lost"]) == len(s.assets) or len(eff["assets_lost"]) + len(s.assets) >= 2
    assert all(a["name"] not in eff["assets_lost"] for a in s.assets)
    assert max(a["price"] for a in s.assets) >= 180_000  # the most valuable stays


def test_breakup_and_reconciliation(content):
    s = adult(content)
    p = person(s, "partner", affinity=30)
    s, eff, events = act(s, "break_up", p.id, content)
    assert eff["stage"] == "ex" and "dumped" in s.person(p.id).memory and any(e.milestone == "breakup" for e in events)
    s, eff, _ = until(s, "apologise", p.id, content, key="forgiven")
    s.person(p.id).affinity = 60
    with pytest.raises(engine.NotAllowed, match="needs time"):
        act(s, "ask_out", p.id, content)
    s.busy_until = s.clock + 181 * engine.DAY
    s, eff, events = until(s, "ask_out", p.id, content)
    assert eff["stage"] == "dating" and any(e.milestone == "reconciled" for e in events)


def test_an_ex_you_cheated_on_remembers(content):
    s = adult(content)
    ex = person(s, "ex", affinity=60, memory=["cheated_on"], since=s.clock - 400 * engine.DAY)
    for _ in range(5):  # every roll: no
        s, eff, _ = act(s, "ask_out", ex.id, content)
        assert eff["accepted"] is False and "cheated on me" in eff["text"]


def test_an_affair_may_be_found_out(content):
    s = adult(content)
    spouse = person(s, "spouse", affinity=70)
    found = False
    for i in range(30):
        other = person(s, "friend", affinity=90, name=f"Alex Doe{i}")
        s, eff, _ = act(s, "ask_out", other.id, content)
        if eff.get("accepted") and "cheated_on" in s.person(spouse.id).memory:
            found = True
            break
    assert found and s.person(spouse.id).affinity < 70


# ---- refusals ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("relation", "age", "action", "error", "says"),
    [
        ("parent", 50, "ask_out", engine.NotAllowed, "family"),
        ("sibling", 27, "plan_date", engine.NotAllowed, "family"),
        ("child", 20, "propose", engine.NotAllowed, "family"),
        ("friend", 16, "ask_out", engine.NotAllowed, "minor"),
        ("classmate", 17, "plan_date", engine.NotAllowed, "minor"),
        ("friend", 30, "propose", engine.NotAllowed, "not dating"),
        ("partner", 30, "marry", engine.NotAllowed, "not engaged"),
        ("partner", 30, "divorce", engine.NotAllowed, "not married"),
        ("spouse", 30, "break_up", engine.NotAllowed, "divorce"),
        ("spouse", 30, "ask_out", engine.NotAllowed, "already married"),
        ("friend", 30, "try_for_baby", engine.NotAllowed, "couple"),
        ("coworker", 30, "ask_for_money", engine.NotAllowed, "well enough"),
        ("friend", 30, "give_gift", engine.BadInput, "Choose a gift"),
    ],
)
def test_refusals_change_nothing(content, relation, age, action, error, says):
    s = adult(content)
    p = person(s, relation, age=age)
    before = s.to_dict()
    options = {"venue": "park", "activity": "walk"} if action == "plan_date" else {}
    with pytest.raises(error, match=says) as exc:
        engine.apply_activity(s, s.clock, action, content, target=p.id, options=options or None)
    assert exc.value.code == ("forbidden" if error is engine.NotAllowed else "bad_request")
    assert s.to_dict() == before


def test_who_is_outside_the_life_is_not_found_and_the_married_are_forbidden(content):
    s = adult(content)
    for target in ("p9999", "m99999", "m0x", "nobody"):
        with pytest.raises(engine.PersonNotFound):
            engine.apply_activity(s, s.clock, "ask_out", content, target=target)
    taken = next(c.person.id for c in pool.everyone(s, content, _rel(content).pool) if c.taken)
    with pytest.raises(engine.NotAllowed, match="married"):
        engine.apply_activity(s, s.clock, "ask_out", content, target=taken)
    with pytest.raises(engine.BadInput):
        engine.apply_activity(s, s.clock, "ask_out", content, target=None)


def test_too_tired_is_insufficient_energy(content):
    s = adult(content)
    p = person(s, "friend")
    s.energy = 1.0
    with pytest.raises(engine.InsufficientEnergy):
        engine.apply_activity(s, s.clock, "spend_time", content, target=p.id)


def test_a_young_player_cannot_date(content):
    s = adult(content, age=14)
    p = person(s, "classmate", age=18)
    with pytest.raises(engine.NotAllowed):
        engine.apply_activity(s, s.clock, "ask_out", content, target=p.id)


# ---- dates -------------------------------------------------------------------------------------------------------
def test_a_date_tells_its_story_and_asks_a_question(content):
    s = adult(content)
    p = person(s, "partner", affinity=40)
    money, happiness = s.money, s.happiness
    s, eff, events = act(s, "plan_date", p.id, content, venue="restaurant", activity="dinner", gift="flowers")
    assert 0 <= eff["score"] <= 100 and eff["story"].count(".") >= 3
    assert eff["happiness"] == s.happiness - happiness and eff["price"] == 160  # what the player is told
    assert "Sam" in eff["story"]
    assert s.money == money - (80 + 40 + 40)
    questions = [e for e in events if e.kind == "question"]
    assert questions and eff["moment"] == questions[0].data["event_id"]
    assert s.pending[0].person_id == p.id


def test_the_venue_and_the_gift_matter(content):
    rel = _rel(content)
    s = adult(content)
    scores = {}
    for venue, activity, gift in (("fancy_dinner", "tasting_menu", "jewelry"), ("arcade", "arcade_battle", None)):
        total = 0
        for i in range(20):
            t = adult(content)
            p = person(t, "partner", affinity=40, name=f"Kim Lee{i}")
            opts = {"venue": venue, "activity": activity} | ({"gift": gift} if gift else {})
            t.busy_until = t.clock + i * engine.DAY
            _, eff, _ = act(t, "plan_date", p.id, content, **opts)
            total += eff["score"]
        scores[venue] = total / 20
    assert scores["fancy_dinner"] > scores["arcade"]
    assert rel.gifts["jewelry"].price > 0 and s


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"venue": "moon", "activity": "dinner"}, "venue"),
        ({"venue": "park", "activity": "moonwalk"}, "activity"),
        ({"venue": "park", "activity": "dinner"}, "activity"),
        ({"venue": "park", "activity": "walk", "gift": "a pony"}, "gift"),
    ],
)
def test_a_date_with_bad_options_is_a_bad_request(content, options, field):
    s = adult(content)
    p = person(s, "partner")
    with pytest.raises(engine.BadInput) as exc:
        engine.apply_activity(s, s.clock, "plan_date", content, target=p.id, options=options)
    assert exc.value.extra["fields"] == [field]


def test_a_stranger_met_on_a_date_joins_the_life(content):
    s = adult(content)
    _, found = matching.rank(s, content, limit=1)
    them = found[0].person.id
    s, eff, _ = act(s, "plan_date", them, content, venue="park", activity="picnic")
    assert s.person(them) is not None and bonds.stage_of(s.person(them)) == "acquaintance"


# ---- mends after the review and the attack ------------------------------------------------------------------------
def _pool_id(s, content, pred):
    return next(c.person.id for c in pool.everyone(s, content, _rel(content).pool) if pred(c))


def test_the_pool_minors_cannot_be_met_by_an_adult_and_a_teen_courts_only_peers(content):
    s = adult(content, age=25)
    minor = _pool_id(s, content, lambda c: c.person.age < 18)
    for action in ("spend_time", "compliment", "ask_out"):
        with pytest.raises(engine.NotAllowed, match="minor"):
            engine.apply_activity(s, s.clock, action, content, target=minor)
    assert s.person(minor) is None
    teen = adult(content, age=16)
    _, found = matching.rank(teen, content, limit=500)
    assert found and all(abs(m.person.age - 16) <= 2 and m.person.age >= 16 for m in found)
    older = _pool_id(teen, content, lambda c: c.person.age >= 22 and not c.taken)
    with pytest.raises(engine.NotAllowed, match="too old"):
        engine.apply_activity(teen, teen.clock, "ask_out", content, target=older)
    assert not any(c.taken and c.person.age < 18 for c in pool.everyone(s, content, _rel(content).pool))


@pytest.mark.parametrize("target", ["m²", "m①", "m01", "m-1", "m120", "M1", " m1"])
def test_odd_pool_ids_are_not_found(content, target):
    s = adult(content)
    with pytest.raises(engine.PersonNotFound):
        engine.apply_activity(s, s.clock, "spend_time", content, target=target)


def test_someone_forgotten_to_make_room_never_comes_back_as_a_stranger(content):
    s = adult(content)
    _, found = matching.rank(s, content, limit=1)
    them = found[0].person.id
    s, _, _ = act(s, "spend_time", them, content)
    ex = s.person(them)
    ex.relation, ex.affinity, ex.memory = "ex", -90.0, ["cheated_on", "ended_badly"]
    while len(s.people) < content.config.max_people:
        person(s, "coworker", affinity=40, name=f"Filler Person{len(s.people)}")
    stranger = next(m.person.id for m in matching.rank(s, content, limit=50)[1] if not m.known)
    s, _, _ = act(s, "spend_time", stranger, content)
    assert s.person(them) is None and them in s.forgotten
    assert them not in {m.person.id for m in matching.rank(s, content, limit=500)[1]}
    with pytest.raises(engine.PersonNotFound):
        engine.apply_activity(s, max(s.clock, s.busy_until), "ask_out", content, target=them)


def test_a_full_family_refuses_a_baby_or_an_adoption_and_charges_nothing(content):
    s = adult(content)
    spouse = person(s, "spouse", affinity=80, memory=["living_together"])
    for i in range(content.config.max_children):
        person(s, "child", age=3, name=f"Kid Doe{i}")
    before = s.to_dict()
    for action in ("adopt", "try_for_baby"):
        with pytest.raises(engine.NotAllowed, match="complete"):
            engine.apply_activity(s, s.clock, action, content, target=spouse.id)
    assert s.to_dict() == before


def test_two_men_adopt_rather_than_try_for_a_baby(content):
    s = adult(content)
    s.gender = "male"
    husband = person(s, "spouse", gender="male", affinity=80, memory=["living_together"])
    with pytest.raises(engine.NotAllowed, match="adopt"):
        engine.apply_activity(s, s.clock, "try_for_baby", content, target=husband.id)
    s, eff, events = act(s, "adopt", husband.id, content)
    child = s.person(eff["child"])
    assert "adopted" in child.memory and 1 <= child.age <= 8
    assert next(e for e in events if e.milestone == "child_born").data["adopted"] is True


def test_no_proposal_while_engaged_to_someone_else(content):
    s = adult(content)
    person(s, "fiance", affinity=80, name="Ana Silva")
    other = person(s, "partner", affinity=80)
    with pytest.raises(engine.NotAllowed, match="engaged to Ana Silva"):
        engine.apply_activity(s, s.clock, "propose", content, target=other.id)


def test_an_apology_does_not_undo_their_refusal(content):
    s = adult(content)
    p = person(s, "partner", affinity=60, memory=["proposal_refused"])
    s, eff, _ = act(s, "apologise", p.id, content)
    assert "proposal_refused" in s.person(p.id).memory and "For what" in eff["text"]


def test_a_removed_date_moment_does_not_break_dates(content):
    prm = content.specials["plan_date"]
    broken = dataclasses.replace(
        content,
        specials=MappingProxyType(
            {**content.specials, "plan_date": prm.model_copy(update={"moments": ("gone", *prm.moments)})}
        ),
    )
    s = adult(content)
    p = person(s, "partner")
    s, events = engine.apply_activity(
        s, s.clock, "plan_date", broken, target=p.id, options={"venue": "park", "activity": "walk"}
    )
    assert any(e.kind == "question" for e in events)


def test_the_old_blind_date_respects_the_bonds(content):
    s = adult(content)
    ex = person(s, "ex", affinity=95, memory=["cheated_on"])
    for _ in range(15):
        s, _, _ = act(s, "date", ex.id, content)
    assert s.person(ex.id).relation == "ex"
    friend = person(s, "friend", affinity=95)
    for _ in range(30):
        s, _, events = act(s, "date", friend.id, content)
        if s.person(friend.id).relation == "partner":
            assert any(e.milestone == "new_relationship" for e in events)
            assert s.person(friend.id).since == events[0].at
            break
    else:
        raise AssertionError("a close friend never became a partner on dates")


def test_a_life_saved_before_since_takes_when_they_met(content):
    d = person(adult(content), "spouse").to_dict()
    d.pop("since")
    d["met_at"] = 12345
    assert engine.Person.from_dict(d).since == 12345


def test_a_breakup_clears_what_belonged_to_the_couple(content):
    s = adult(content)
    p = person(s, "fiance", affinity=10, memory=["living_together", "wedding_planned", "separated"])
    s, _, _ = act(s, "break_up", p.id, content)
    assert not {"living_together", "wedding_planned", "separated"} & set(s.person(p.id).memory)


def test_a_date_asks_what_fits_the_place_and_does_not_repeat_itself(content):
    venues = content.specials["plan_date"].venues
    s = adult(content)
    p = person(s, "partner", affinity=40)
    asked = []
    for _ in range(8):
        s.pending = []
        s, eff, events = act(s, "plan_date", p.id, content, venue="park", activity="walk")
        asked.append(
            next(e.data["template"] for e in events if e.kind == "question" and e.data["event_id"] == eff["moment"])
        )
        s.busy_until = s.clock + 3 * engine.DAY
    assert set(asked) <= set(venues["park"].moments)
    assert "date_moment_bill_arrives" not in asked
    assert all(a != b for a, b in itertools.pairwise(asked))  # the least recent first
