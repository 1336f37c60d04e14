"""Dating's handler of life outcomes (see game/hooks.py): the relationship history, after retention's."""

from dating.services import history
from game.hooks import on_saved_lives

on_saved_lives(order=300, name="dating.history")(history.record)
