"""Retention's handler of life outcomes (see game/hooks.py): after the game's own (milestone diamonds)."""

from game.hooks import on_saved_lives
from retention.services import progress

on_saved_lives(order=200, name="retention.progress")(progress.on_saved_lives)
