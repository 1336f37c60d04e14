"""A player's data as one JSON document (GDPR access and portability), prepared off the socket.

`export_data` asks; a task (a thread in the embedded default) reads every declared table in one REPEATABLE READ
snapshot, stores the document compressed and tells the player (a `messageEvent` `export_ready` with the link);
`GET /api/export/<id>` with the player's token downloads it until the link expires. At most one export per
player per EXPORT_EVERY_SECONDS: asking again within it answers the same export.
"""

import gzip
import json
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.utils import timezone

from accounts.models import Player
from compliance.models import DataExport
from compliance.services import datamap
from core.errors import GameError
from core.isolation import repeatable_read
from core.reporting import report_exception
from game.services import notify

STUCK = timedelta(minutes=2)  # preparing for longer: its task was lost (a worker killed), the sweep sends it again
KEEP_ROWS = timedelta(days=30)  # an expired export's row (no content) stays this long, for the 1/hour rule's trail


def download_path(export: DataExport) -> str:
    return f"/api/export/{export.public_id}"


def describe(export: DataExport) -> dict[str, Any]:
    """The export as the player is told about it."""
    return {
        "export_id": str(export.public_id),
        "status": export.status,
        "requested_at": export.requested_at.isoformat(),
        "ready_at": export.ready_at.isoformat() if export.ready_at else None,
        "expires_at": export.expires_at.isoformat() if export.expires_at else None,
        "url": download_path(export) if export.status == DataExport.Status.READY else None,
        "size_bytes": export.size_bytes or None,
        "next_export_at": (export.requested_at + timedelta(seconds=settings.EXPORT_EVERY_SECONDS)).isoformat(),
    }


def request(*, player_id: int, now: datetime | None = None) -> tuple[DataExport, bool]:
    """The player's export of this period: (the export, whether it was created now: the caller has it prepared).
    The player's row is locked, so requests at once on several sockets make one."""
    now = now or timezone.now()
    with transaction.atomic():
        Player.objects.select_for_update().filter(pk=player_id).values_list("pk", flat=True).get()
        recent = (
            DataExport.objects.filter(
                player_id=player_id, requested_at__gt=now - timedelta(seconds=settings.EXPORT_EVERY_SECONDS)
            )
            .exclude(status=DataExport.Status.FAILED)
            .order_by("-requested_at")
            .first()
        )
        if recent is not None:
            return recent, False
        export = DataExport.objects.create(player_id=player_id, requested_at=now)
    return export, True


def build(*, player_id: int, now: datetime | None = None) -> dict[str, Any]:
    """Every record the server holds about the player, read in one snapshot (docs/export.schema.json)."""
    now = now or timezone.now()
    data: dict[str, list[dict[str, Any]]] = {}
    with repeatable_read():
        subject = datamap.subject_of(player_id)
        for policy in datamap.ordered():
            if not policy.export:
                continue
            fields = datamap.exported_fields(policy)
            rows = policy.rows(subject).order_by("pk").iterator(chunk_size=1000)
            data[policy.section] = [datamap.row_of(policy, row, fields) for row in rows]
    return {
        "format": "baolife-export",
        "version": 1,
        "generated_at": now.isoformat(),
        "player_id": player_id,
        "data": data,
    }


def encode(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=False).encode()


def prepare(*, export_id: int, now: datetime | None = None) -> str:
    """Build and store one export, then tell the player. Idempotent: a ready or expired export is left alone."""
    now = now or timezone.now()
    export = DataExport.objects.filter(pk=export_id).first()
    if export is None or export.status != DataExport.Status.PREPARING:
        return "nothing to do"
    try:
        body = encode(build(player_id=export.player_id, now=now))
    except Player.DoesNotExist:
        return "erased"
    except Exception as exc:  # failed: the player may ask again at once (a failed export does not count)
        report_exception(exc, player_id=export.player_id, where="export")
        DataExport.objects.filter(pk=export_id, status=DataExport.Status.PREPARING).update(
            status=DataExport.Status.FAILED
        )
        return "failed"
    expires = now + timedelta(hours=settings.EXPORT_LINK_HOURS)
    with transaction.atomic():
        done = DataExport.objects.filter(pk=export_id, status=DataExport.Status.PREPARING).update(
            status=DataExport.Status.READY,
            content=gzip.compress(body, compresslevel=6),
            size_bytes=len(body),
            ready_at=now,
            expires_at=expires,
        )
        if not done:  # another run finished it first
            return "nothing to do"
    export.refresh_from_db()
    try:  # after the commit: Redis down loses the push, never the export (`export_data` answers its url)
        notify.tell(
            player_id=export.player_id,
            kind="export_ready",
            text="Your data export is ready to download.",
            data=describe(export),
            now=now,
        )
    except Exception as exc:
        report_exception(exc, player_id=export.player_id, where="export-ready push")
    return "ready"


def for_operator(*, player_id: int, operator_id: int) -> dict[str, Any]:
    """The document at once, for an operator answering a verified request made by email; the admin log says who
    took it."""
    document = build(player_id=player_id)
    LogEntry.objects.log_actions(
        user_id=operator_id,
        queryset=Player.objects.filter(pk=player_id),
        action_flag=CHANGE,
        change_message="Exported the player's data (GDPR request).",
        single_object=True,
    )
    return document


def download(*, public_id: str, player_id: int, now: datetime | None = None) -> bytes:
    """The export's JSON, for its own player only, until it expires (`not_found` otherwise: nothing is told about
    another player's exports)."""
    now = now or timezone.now()
    export = DataExport.objects.filter(public_id=public_id, player_id=player_id).first()
    if export is None:
        raise GameError("not_found", "No such export.", http_status=404)
    if export.status == DataExport.Status.PREPARING:
        raise GameError("conflict", "This export is still being prepared.", http_status=409)
    if export.status != DataExport.Status.READY or (export.expires_at and export.expires_at <= now):
        raise GameError("not_found", "This export has expired; ask for a new one.", http_status=404)
    return gzip.decompress(bytes(export.content or b""))


def sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Send lost preparations again, empty expired exports, delete old rows (the periodic `exports-sweep`)."""
    now = now or timezone.now()
    stuck = list(
        DataExport.objects.filter(status=DataExport.Status.PREPARING, requested_at__lt=now - STUCK).values_list(
            "pk", flat=True
        )[:100]
    )
    for export_id in stuck:
        prepare(export_id=export_id, now=now)
    expired = DataExport.objects.filter(status=DataExport.Status.READY, expires_at__lte=now).update(
        status=DataExport.Status.EXPIRED, content=None
    )
    deleted, _ = DataExport.objects.filter(requested_at__lt=now - KEEP_ROWS).delete()
    return {"prepared": len(stuck), "expired": expired, "deleted": deleted}
