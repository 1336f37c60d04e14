"""The economy's WebSocket verbs: thin, each calls one service."""

from typing import Any, Literal

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from pydantic import Field

from core.errors import GameError
from core.verbs import Context, Params, verb
from monetization import selectors
from monetization.services import purchases


class PurchaseDiamondsParams(Params):
    platform: Literal["apple", "google"]
    product_id: str = Field(min_length=1, max_length=200)
    signed_transaction: str | None = Field(default=None, min_length=1, max_length=32_000)
    purchase_token: str | None = Field(default=None, min_length=1, max_length=4_000)


class HistoryParams(Params):
    limit: int = Field(default=20, ge=1, le=100)
    before: int | None = Field(default=None, ge=1)


@verb("purchase_diamonds", PurchaseDiamondsParams, is_async=True, moves_diamonds=True)
async def purchase_diamonds(ctx: Context, params: PurchaseDiamondsParams) -> dict[str, Any]:
    """The store is asked on a worker thread, the grant made on the database thread."""
    needed = "signed_transaction" if params.platform == "apple" else "purchase_token"
    if not getattr(params, needed):
        raise GameError("bad_request", f"{params.platform} purchases need `{needed}`.", fields=[needed])
    purchase = await sync_to_async(purchases.verify_store_purchase, thread_sensitive=False)(
        player_id=ctx.player_id,
        platform=params.platform,
        product_id=params.product_id,
        signed_transaction=params.signed_transaction,
        purchase_token=params.purchase_token,
    )
    return await database_sync_to_async(purchases.redeem_store_purchase)(
        player_id=ctx.player_id, purchase=purchase, purchase_token=params.purchase_token or ""
    )


@verb("get_diamond_history", HistoryParams)
def get_diamond_history(ctx: Context, params: HistoryParams) -> dict[str, Any]:
    return selectors.diamond_history(player_id=ctx.player_id, limit=params.limit, before=params.before)
