"""The game's verbs as a test calls them: through their handlers, so a reply is the wire object the
player gets (services return domain results; the handlers shape them)."""

from typing import Any

from core.verbs import Context
from game import handlers


def get_state(player_id: int) -> dict[str, Any]:
    return handlers.get_state(Context(player_id=player_id), handlers.NoParams())


def do_activity(*, player_id: int, activity: str, target: str | None = None) -> dict[str, Any]:
    return handlers.do_activity(Context(player_id=player_id), handlers.ActivityParams(activity=activity, target=target))


def choose(*, player_id: int, event_id: str, choice: str) -> dict[str, Any]:
    return handlers.choose(Context(player_id=player_id), handlers.ChooseParams(event_id=event_id, choice=choice))


def talk(*, player_id: int, person_id: str, text: str) -> dict[str, Any]:
    return handlers.talk(Context(player_id=player_id), handlers.TalkParams(person_id=person_id, text=text))


def start_new_life(*, player_id: int, as_child: str | None = None) -> dict[str, Any]:
    params = handlers.StartNewLifeParams(as_child=as_child)
    return handlers.start_new_life(Context(player_id=player_id), params)


def purchase_time_skip(*, player_id: int, skip_type: str, idempotency_key: str | None = None) -> dict[str, Any]:
    params = handlers.TimeSkipParams(skip_type=skip_type, idempotency_key=idempotency_key)  # validated as the verb does
    return handlers.time_skip_reply(player_id, params.skip_type, params.idempotency_key)


def sign_in(player_id: int, token_id: int | None = None) -> dict[str, Any]:
    return handlers.sign_in_reply(player_id, token_id)


def job_board(player_id: int) -> dict[str, Any]:
    return handlers.get_job_board(Context(player_id=player_id), handlers.NoParams())


def apply_for_job(*, player_id: int, track: str, leave_current: bool = False) -> dict[str, Any]:
    params = handlers.ApplyForJobParams(track=track, leave_current=leave_current)
    return handlers.apply_for_job(Context(player_id=player_id), params)
