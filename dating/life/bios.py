"""A person's dating bio in their own voice, from their profile: the same person always reads the
same (keyed on the life's seed and the person), and two people rarely share one (the opener, middle
and closer templates, two interests, a hobby, a goal and a trait word multiply)."""

from __future__ import annotations

from typing import Any

from game.engine import rng
from game.engine.ctx import SafeFormat
from game.engine.state import Person
from game.engine.timeline import age_at

from .profiles import Profile, of_person
from .rules import BioWords


def _voice(profile: Profile) -> str:
    """The trait the opener speaks in: the strongest one, when it is marked enough."""
    trait, value = max(profile.traits.items(), key=lambda kv: abs(kv[1] - 0.5), default=("any", 0.5))
    return trait if abs(value - 0.5) >= 0.25 and value > 0.5 else "any"


def write(seed: int, person: Person, words: BioWords, at: int, city: str) -> dict[str, Any]:
    """The bio: interests, hobbies, trait words, life goals, what they look for and a self-description."""
    profile = of_person(seed, person, words, at)
    r = rng.rng(seed, 0, f"bio:{person.id}")
    first = person.name.split()[0]
    interests = list(profile.interests)
    values = SafeFormat(
        first=first,
        age=age_at(person.born_at, at),
        city=city,
        interest=interests[0],
        interest2=interests[1] if len(interests) > 1 else interests[0],
        hobby=profile.hobbies[0],
        goal=profile.goals[0].text if profile.goals else "a quiet, kind life",
        trait=profile.trait_words[0] if profile.trait_words else "nice",
    )
    by_voice = words.openers
    openers = by_voice.get(_voice(profile)) or words.openers["any"]
    about = " ".join(
        (
            r.choice(list(openers) + list(words.openers["any"])).format_map(values),
            r.choice(words.middles).format_map(values),
            r.choice(words.closers).format_map(values),
        )
    )
    return {
        "person_id": person.id,
        "name": person.name,
        "age": age_at(person.born_at, at),
        "gender": person.gender,
        "interests": interests,
        "hobbies": list(profile.hobbies),
        "traits": list(profile.trait_words),
        "life_goals": [g.text for g in profile.goals],
        "looking_for": r.choice(words.looking_for),
        "about": about,
    }
