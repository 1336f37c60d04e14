"""Presents from outside the life (daily login rewards): an item into a locked life's belongings."""

from datetime import datetime

from game import engine
from game.models import Character
from game.services import content as content_service
from game.services import life


def give_item(*, character: Character, item_id: str, now: datetime) -> str:
    """Give `item_id` to a locked, living life (caught up to now first); returns the item's name."""
    content = content_service.current()
    before, state, events = life.catch_up_living(character, now)
    state, more = engine.apply_gift(state, state.clock, item_id, content)
    life.save(character=character, before=before, state=state, events=events + more, now=now)
    return content.items[item_id].name
