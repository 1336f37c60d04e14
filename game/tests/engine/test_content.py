"""Content files: enough of everything, validated, immutable, and errors that name file and entry."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pydantic
import pytest
import yaml

from game.content_files import DEFAULT_PATH, load_content
from game.engine import Content, ContentError


def _raw() -> dict:
    raw = {}
    for kind in ("config", "events", "jobs", "activities", "items", "replies", "names"):
        data = yaml.safe_load((DEFAULT_PATH / f"{kind}.yaml").read_text(encoding="utf-8"))
        raw[kind] = data[kind] if isinstance(data, dict) and kind in data and kind not in ("config", "names") else data
    return raw


def test_there_is_enough_content(content):
    random_events = [e for e in content.events.values() if e.random]
    assert len(random_events) >= 60
    assert all(2 <= len(e.choices) <= 4 and e.default in {c.id for c in e.choices} for e in content.events.values())
    for stage in ("baby", "child", "teen", "young_adult", "adult", "elder"):
        assert content.random_events[stage], stage
    assert len(content.tracks) >= 6
    assert len(content.jobs) >= 30
    assert any(level.ceo for _, level in content.jobs)
    assert len(content.activities) >= 15
    required = {
        "study",
        "exercise",
        "socialize",
        "work_overtime",
        "read",
        "party",
        "meditate",
        "shop",
        "apply_job",
        "date",
        "gym",
        "volunteer",
        "play_games",
        "visit_family",
        "doctor",
        "nap",
    }
    assert required <= set(content.activities)


def test_from_dicts_builds_the_same_content(content):
    again = Content.from_dicts(**_raw())
    assert again.digest == content.digest
    assert set(again.events) == set(content.events)


def test_content_is_immutable(content):
    with pytest.raises(TypeError):
        content.events["x"] = None  # type: ignore[index]
    with pytest.raises(pydantic.ValidationError, match="frozen"):
        content.config.energy.regen_per_hour = 99  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kind", "mutate", "needle"),
    [
        ("events", lambda d: d[5].update(default="nope"), "events.yaml: entry #5 (id='baby_first_word')"),
        ("events", lambda d: d[3]["choices"][0]["effects"].update(hire="astronaut"), "unknown track 'astronaut'"),
        ("jobs", lambda d: d[0]["levels"][0].update(salary=-5), "jobs.yaml: entry #0 (id='business')"),
        ("activities", lambda d: d[1].update(energy_cost="lots"), "activities.yaml: entry #1 (id='cry')"),
        ("items", lambda d: d.append(dict(d[0])), "duplicate id"),
        ("config", lambda d: d["energy"].pop("regen_per_hour"), "config.yaml: energy.regen_per_hour"),
        ("replies", lambda d: d.pop(0), "fallback reply set"),
    ],
)
def test_invalid_content_names_file_and_entry(kind, mutate, needle):
    raw = copy.deepcopy(_raw())
    mutate(raw[kind])
    with pytest.raises(ContentError) as exc:
        Content.from_dicts(**raw)
    assert needle in str(exc.value)


def test_load_content_reports_bad_yaml(tmp_path: Path):
    for f in DEFAULT_PATH.glob("*.yaml"):
        (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "items.yaml").write_text("items: [ {id: x", encoding="utf-8")
    with pytest.raises(ContentError, match=r"^items\.yaml: invalid YAML"):
        load_content(tmp_path)


def test_amounts_of_money_in_event_texts_carry_their_currency(content):
    """A text naming the amount its outcome moves says "$50", not "50" (players read it as money)."""
    bare = []
    for event in content.events.values():
        for choice in event.choices:
            for outcome in choice.outcomes:
                amount = abs(outcome.effects.money)
                if amount < 10:
                    continue
                for text in (event.text, choice.text, outcome.text):
                    for shown in {str(amount), f"{amount:,}"}:
                        if re.search(rf"(?<![$\d,]){re.escape(shown)}(?![\d,]\d)", text):
                            bare.append(f"{event.id}: {text}")
    assert bare == []
