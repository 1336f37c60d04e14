"""The GDPR's WebSocket verbs: thin, each calls one service (docs/privacy.md, docs/protocol.md)."""

from typing import Any

from pydantic import Field

from compliance import tasks
from compliance.services import deletion, exports
from core.background import run_later
from core.verbs import Context, NoParams, Params, verb


class DeletionParams(Params):
    reason: str | None = Field(default=None, max_length=500)


@verb("export_data", NoParams, during_grace=True)
def export_data(ctx: Context, params: NoParams) -> dict[str, Any]:
    """Prepared off the socket: the reply says where it stands; a `messageEvent` `export_ready` follows."""
    export, created = exports.request(player_id=ctx.player_id)
    if created:
        run_later(tasks.prepare_export, export.pk)
    return exports.describe(export)


@verb(
    "request_account_deletion",
    DeletionParams,
    during_grace=True,
    closes_after_reply="This account is scheduled for deletion; sign in again to cancel.",
)
def request_account_deletion(ctx: Context, params: DeletionParams) -> dict[str, Any]:
    done = deletion.request(player_id=ctx.player_id, reason=params.reason or "")
    return {
        "permanent_deletion_at": done.permanent_deletion_at.isoformat(),
        "requested_at": done.requested_at.isoformat(),
        "receipt_id": done.receipt_id,
    }


@verb("cancel_account_deletion", NoParams, ends_grace=True)
def cancel_account_deletion(ctx: Context, params: NoParams) -> dict[str, Any]:
    deletion.cancel(player_id=ctx.player_id)
    return {"restored": True}
