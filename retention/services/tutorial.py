"""The tutorial: the first session's steps (retention/content/tutorial.yaml) tracked per player, the
completion rewarded once (a ledger dedupe key), and the funnel operators read in the admin."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from analytics.services.events import record
from core.dbretry import retry_on_deadlock
from core.errors import GameError
from monetization.models import DiamondTransaction
from monetization.services import ledger
from retention.models import LoginStreak, PlayerProgress, TutorialProgress
from retention.services.content import current
from retention.services.rows import locked_row

FIRST = {
    "questions_answered": "Answer a question first.",
    "activities_done": "Do an activity first.",
    "conversations_held": "Talk to someone first.",
    "daily_reward_claimed": "Claim your daily reward first.",
}


def _seen(player_id: int, evidence: str) -> bool:
    """Whether the server has seen the step's evidence (never the client's word: the step pays)."""
    if evidence == "daily_reward_claimed":
        return LoginStreak.objects.filter(player_id=player_id, claims__gt=0).exists()
    return PlayerProgress.objects.filter(player_id=player_id, **{f"{evidence}__gt": 0}).exists()


def _view(progress: TutorialProgress, paid: int = 0) -> dict[str, Any]:
    steps = current().tutorial
    done = set(progress.steps)
    upcoming = next((s.id for s in steps if s.id not in done), None)
    return {
        "steps": [{"id": s.id, "text": s.text, "done": s.id in done} for s in steps],
        "next_step": upcoming,
        "completed": progress.completed_at is not None,
        "completed_at": progress.completed_at.isoformat() if progress.completed_at else None,
        "reward": paid,
    }


@retry_on_deadlock
def step(*, player_id: int, step: str) -> dict[str, Any]:
    """`tutorial_step`: mark a step done (again is harmless); the last one pays the reward once."""
    content = current()
    known = [s.id for s in content.tutorial]
    if step not in known:
        raise GameError("bad_request", f"No tutorial step {step!r}; the steps are {', '.join(known)}.", fields=["step"])
    needed = next(s for s in content.tutorial if s.id == step).requires
    if needed is not None and not _seen(player_id, needed):
        raise GameError("conflict", f"{FIRST[needed]} This step counts once it has happened.", step=step)
    paid = 0
    with transaction.atomic():
        progress = locked_row(TutorialProgress, player_id)
        if step not in progress.steps:
            progress.steps = [*progress.steps, step]
            record("tutorial_step", player_id=player_id, step=step)
        if progress.completed_at is None and set(known) <= set(progress.steps):
            progress.completed_at = timezone.now()
            if content.tutorial_reward:
                row = ledger.diamonds_credit(
                    player_id=player_id,
                    amount=content.tutorial_reward,
                    reason=DiamondTransaction.Reason.TUTORIAL,
                    reference="tutorial",
                    dedupe_key=f"tutorial:{player_id}",
                )
                paid = content.tutorial_reward if row else 0
        progress.save()
    return _view(progress, paid)


def status(*, player_id: int) -> dict[str, Any]:
    progress = TutorialProgress.objects.filter(player_id=player_id).first() or TutorialProgress(player_id=player_id)
    return _view(progress)


def funnel() -> list[dict[str, Any]]:
    """Players who reached each step (and finished), for the operators' table."""
    rows = list(TutorialProgress.objects.values_list("steps", "completed_at"))
    started = len(rows)
    counts = [("started", "Opened the tutorial", started)]
    counts += [(s.id, s.text, sum(1 for steps, _ in rows if s.id in steps)) for s in current().tutorial]
    counts.append(("completed", "Finished it", sum(1 for _, done in rows if done)))
    return [
        {"step": step, "text": text, "players": n, "share": round(100 * n / started, 1) if started else 0.0}
        for step, text, n in counts
    ]
