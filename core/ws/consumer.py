"""The live socket's lifecycle: envelope, authentication, validation, limits, groups and pushes.

A lean ASGI consumer rather than `AsyncWebsocketConsumer`: the generic dispatch machinery
(per-message `asyncio.wait` over two queues, handler-name lookups) cost most of the hot path
(docs/performance.md). It still plugs into Channels' routing, auth middleware and channel layer.
It knows no verb (`core.verbs` maps each frame's `type` to an app's handler) and no app: signing in
is the `session` a subclass provides (game/consumers.py). Frames are parsed by `core/ws/frames.py`,
pushes batched by `core/ws/outbox.py`, open sockets watched by `core/ws/watch.py`. Each answered
frame is counted by verb and outcome (core.metrics), each verb call timed as `ws:<verb>` (core.perf).
"""

import asyncio
import logging
import secrets
from collections.abc import Callable
from time import monotonic, perf_counter
from typing import Any

import redis
import sentry_sdk
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.sessions import InstanceSessionWrapper
from django.conf import settings
from pydantic import ValidationError

from core import connections, metrics, outages, perf, presence
from core import redis as shared_redis
from core.clientaddr import scope_ip
from core.errors import ClosesSocket, GameError, error_payload
from core.pushes import player_group, token_group
from core.ratelimit import LocalBucket, PlayerLease
from core.reporting import report_exception
from core.verbs import Context, load_all
from core.ws import frames
from core.ws.outbox import Outbox
from core.ws.session import Session, SocketInfo
from core.ws.watch import watch

logger = logging.getLogger("baolife.ws")
CLOSE_SOCKET_LIMIT = 4008
CLOSE_SESSION_ENDED = 4003
GRACE_MESSAGE = "This account is scheduled for deletion: cancel_account_deletion to play again."


class _Instruments:
    """A declared verb's timer (`ws:<verb>`, core.perf) and `ok` counter (core.metrics), made once per
    verb: a frame pays two C calls for both, no lookup by name, no string formatting."""

    __slots__ = ("name", "record", "ok")

    def __init__(self, verb: str) -> None:
        self.name = f"ws:{verb}"
        self.record: Callable[[float], None] = perf.recorder(self.name)
        self.ok: Callable[[], object] = metrics.verb_counter(verb, "ok")


_INSTRUMENTS: dict[str, _Instruments] = {}


def _instruments(verb: str) -> _Instruments:
    found = _INSTRUMENTS.get(verb)
    if found is None:
        found = _INSTRUMENTS[verb] = _Instruments(verb)
    return found


def _server_send(send: Any) -> Any:
    """The server's own `send`, past Channels' session wrappers.

    `SessionMiddleware` wraps `send` to save the session on `http.response.start`; a socket
    never sends that, so for every frame the wrapper only costs (a lazy-object lookup and an
    `is_empty()` that raises and catches on an unloaded session). Sockets save sessions
    explicitly, as Channels documents.
    """
    owner = getattr(send, "__self__", None)
    while isinstance(owner, InstanceSessionWrapper):
        send = owner.real_send
        owner = getattr(send, "__self__", None)
    return send


def _transport_of(send: Any) -> Any:
    """The server's transport behind its `send` (uvicorn's protocol object holds it), or None: dropping a client
    that does not read cannot wait for a close frame to get through its full buffers."""
    return getattr(getattr(send, "__self__", None), "transport", None)


_KEEPING: set[asyncio.Task] = set()  # pushes of dropped sockets being kept (they outlive the socket's own tasks)


def _idle_read_timeout(exc: BaseException) -> bool:
    """redis-py 8 times a read out after 5 s, as long as the layer's own blocking pop waits: on an idle
    socket that is the normal end of a wait, not a failure (an attack run saw it logged every ~10 s).
    A Redis that is really down answers with connection errors, handled as failures."""
    return isinstance(exc, TimeoutError | redis.exceptions.TimeoutError)


def _user_agent(scope: dict) -> str:
    for name, value in scope.get("headers") or ():
        if name == b"user-agent":
            return value[:200].decode("latin-1")
    return ""


def _field_names(exc: ValidationError) -> list[str]:
    return sorted({".".join(str(p) for p in err["loc"]) or "params" for err in exc.errors()})


class LiveConsumer:
    """One instance per socket; frames are handled one at a time, so replies keep request order.

    Subclasses set `session`, the apps' side of signing in (core/ws/session.py).
    """

    session: Session

    def __init__(self, scope: dict, receive: Any, send: Any) -> None:
        self.scope = scope
        self.receive = receive
        self.send = _server_send(send)
        self.verbs = load_all()
        self.ctx: Context | None = None
        self.pending_deletion = False  # set at sign-in: only verbs marked `during_grace` are served
        self.defer_close = False  # a verb that closes its own socket is running: its reply goes first
        self.close_after: tuple[int, str] | None = None  # a close that waits for that reply
        self.closed = False
        self.bucket = LocalBucket(settings.WS_RATE_SOCKET_BURST, settings.WS_RATE_SOCKET_PER_SECOND)
        # settings read once per socket, not per frame
        self.max_frame_bytes = settings.WS_MAX_FRAME_BYTES
        self.push_batch_size = settings.WS_PUSH_BATCH_SIZE
        self.push_batch_delay = settings.WS_PUSH_BATCH_DELAY_SECONDS
        self.slow_seconds = perf.slow_seconds()
        self.lease: PlayerLease | None = None
        self.layer = get_channel_layer()
        self.channel_name: str | None = None
        self.groups: list[str] = []
        self.tasks: set[asyncio.Task] = set()
        self.outbox = Outbox(
            self._send_batch,
            size=self.push_batch_size,
            delay=self.push_batch_delay,
            spawn=self._spawn,
            limit=settings.WS_OUTBOX_LIMIT,
            overflow=self._outbox_overflowed,
        )
        self.waiting_sends: dict[object, float] = {}  # sends waiting for the client to read -> monotonic start
        self.dropped = False
        self.joined_at = 0.0  # monotonic time the socket last joined its groups
        self.ended = False
        self.address = "unknown"
        self.socket = SocketInfo(key="")
        self.authenticating = False
        self.counted_unauthenticated = False

    @classmethod
    def as_asgi(cls) -> Any:
        async def app(scope: dict, receive: Any, send: Any) -> None:
            await cls(scope, receive, send).run()

        return app

    # --- lifecycle -------------------------------------------------------------------------
    async def run(self) -> None:
        message = await self.receive()
        if message["type"] != "websocket.connect":
            return
        self.address = scope_ip(self.scope)
        await self.send({"type": "websocket.accept"})
        self.socket = SocketInfo(key=secrets.token_hex(8), user_agent=_user_agent(self.scope), address=self.address)
        if not connections.unauthenticated_opened(self.address):
            reason = "Too many sockets not signed in from this address."
            await self.send({"type": "websocket.close", "code": CLOSE_SOCKET_LIMIT, "reason": reason})
            return
        self.counted_unauthenticated = True
        connections.opened()
        metrics.socket_opened()
        watch.add(self)
        with sentry_sdk.isolation_scope():
            try:
                if self.layer is not None:
                    self.channel_name = await self.layer.new_channel()
                    self._spawn(self._layer_loop())
                await self._session_sign_in()
                if self.ctx is None and not self.closed:
                    self._spawn(self._auth_deadline())
                while True:
                    message = await self.receive()
                    kind = message["type"]
                    if kind == "websocket.receive":
                        if not self.closed:
                            await self._on_frame(message.get("text"), message.get("bytes"))
                    elif kind == "websocket.disconnect":
                        break
            finally:
                await self._cleanup()

    async def _session_sign_in(self) -> None:
        """A browser's session cookie signs the socket in at once (no `auth` frame, so no reply)."""
        player_id = None
        try:
            player_id = await database_sync_to_async(self.session.session_player_id)(self.scope.get("user"))
            if player_id is not None:
                await self._authenticate(player_id, token_id=None)
        except ClosesSocket as exc:
            await self.close(exc.close_code, exc.message)
        except Exception as exc:
            if outages.is_outage(exc):
                await self.close(outages.WS_TRY_AGAIN_LATER, "A service the game needs is down; reconnect shortly.")
                return
            report_exception(exc, player_id=player_id, where="ws:session-sign-in")

    def _signed_in_or_gone(self) -> None:
        if self.counted_unauthenticated:
            self.counted_unauthenticated = False
            connections.unauthenticated_done(self.address)

    async def _cleanup(self) -> None:
        """Every step runs, whatever fails before it: a leaked task or group outlives the socket."""
        self.ended = True
        self._signed_in_or_gone()
        watch.discard(self)
        self.outbox.cancel()
        for task in list(self.tasks):
            task.cancel()
        await self._leave_groups()
        metrics.socket_closed()
        try:
            connections.closed()
            if self.ctx is not None:
                await database_sync_to_async(self.session.sign_out)(self.ctx.player_id, self.socket)
        except Exception as exc:
            report_exception(exc, player_id=self.ctx.player_id if self.ctx else None, where="ws:close")

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def close(self, code: int, reason: str = "") -> None:
        if not self.closed:
            await self._flush()
            self.closed = True
            try:
                message = {"type": "websocket.close", "code": code}
                if reason:
                    message["reason"] = reason[:120]  # ASGI: at most 123 bytes of UTF-8 in the close frame
                await self._tracked_send(message)
            except (OSError, RuntimeError):  # the client is already gone, or the server closed it meanwhile
                pass

    async def _auth_deadline(self) -> None:
        await asyncio.sleep(settings.WS_AUTH_TIMEOUT_SECONDS)
        while self.authenticating:  # an `auth` sent in time is not cut off while the life catches up
            await asyncio.sleep(0.05)
        if self.ctx is None:
            await self.close(4001)

    # --- frames ----------------------------------------------------------------------------
    async def _reply(self, payload: dict) -> None:
        if self.closed:  # a close (ban, logout, heartbeat) landed while the frame ran: nothing more goes out
            return
        try:
            await self._tracked_send({"type": "websocket.send", "text": frames.encode(payload)})
        except RuntimeError:  # the server closed it meanwhile (uvicorn's keep-alive timeout): nothing more goes out
            self.closed = True

    async def _tracked_send(self, message: dict) -> None:
        """`send`, noted while it waits for the client to read (the heartbeat drops a socket stalled too long)."""
        key = object()
        self.waiting_sends[key] = monotonic()
        try:
            await self.send(message)
        finally:
            del self.waiting_sends[key]

    async def _error(self, verb: str, rid: Any, error: dict) -> None:
        """Every refusal of a frame goes out here, counted under its code."""
        await self._reply(frames.error_frame(verb, rid, error))
        metrics.verb_done(verb, error["code"])

    def _took(self, verb: str, tools: _Instruments, started: float) -> None:
        """Time a declared verb's call; the slow log's context is built only for a slow one."""
        seconds = perf_counter() - started
        if seconds > self.slow_seconds:
            perf.record(tools.name, seconds, {"verb": verb, "player_id": self.ctx.player_id if self.ctx else None})
        else:
            tools.record(seconds)

    async def _on_frame(self, text: str | None, data: bytes | None) -> None:
        """Answer one frame. A close pushed while a verb marked `closes_after_reply` runs (the deletion it asked
        for) waits for its reply: the client learns what its request did, then the socket closes. Any other
        close (a ban mid-frame) is at once, and nothing follows it."""
        try:
            await self._answer_frame(text, data)
        finally:
            self.defer_close = False
            if self.close_after is not None:
                code, reason = self.close_after
                self.close_after = None
                await self.close(code, reason)

    async def _answer_frame(self, text: str | None, data: bytes | None) -> None:
        parsed = frames.parse(text, self.max_frame_bytes)
        if isinstance(parsed, frames.Refusal):
            await self._error(parsed.verb, parsed.rid, parsed.error)
            return
        verb_name, rid = parsed.verb, parsed.rid
        retry = self.bucket.take()
        if retry is None and self.lease is not None and shared_redis.available():
            try:
                retry = self.lease.take()
            except Exception:
                shared_redis.mark_down()  # and the event loop does not wait on a dead Redis every frame
                retry = None
        if retry is not None:
            await self._error(
                verb_name, rid, error_payload("rate_limited", "Too many requests.", retry_after=round(retry, 3))
            )
            return
        if self.ctx is None:
            if verb_name == "auth":
                await self._auth_frame(parsed)
            else:
                await self._error(verb_name, rid, error_payload("unauthenticated", "Send `auth` first."))
            return
        try:
            presence.touch(self.ctx.player_id)
        except Exception:  # noqa: S110 - the heartbeat re-marks within 30 s
            pass
        verb = self.verbs.get(verb_name)
        if verb is None:
            await self._error(verb_name, rid, error_payload("unknown_type", f"No verb {verb_name!r}."))
            return
        if self.pending_deletion and not verb.during_grace:
            # cancelled on another socket meanwhile? (a database read, only on this rare path)
            self.pending_deletion = await database_sync_to_async(self.session.deletion_pending)(self.ctx.player_id)
            if self.pending_deletion:
                await self._error(verb_name, rid, error_payload("forbidden", GRACE_MESSAGE, pending_deletion=True))
                return
        self.defer_close = bool(verb.closes_after_reply)
        tools = _INSTRUMENTS.get(verb_name) or _instruments(verb_name)
        started = perf_counter()
        try:
            if verb.blank is not None and parsed.bare:
                params = verb.blank  # a verb without parameters, sent without any: nothing to validate
            else:
                params = verb.model.model_validate(parsed.params())
            if verb.checks_session:  # it moves diamonds: a ban or logout missed by the pushes stops it here
                await database_sync_to_async(self.session.require_live_session)(
                    player_id=self.ctx.player_id, token_id=self.ctx.token_id
                )
            result = await verb.call(self.ctx, params)
        except ValidationError as exc:
            await self._error(
                verb_name, rid, error_payload("bad_request", "Invalid parameters.", fields=_field_names(exc))
            )
            return
        except Exception as exc:
            self._took(verb_name, tools, started)
            await self._answer_failure(verb_name, rid, exc, player_id=self.ctx.player_id)
            return
        self._took(verb_name, tools, started)
        if verb.ends_grace:
            self.pending_deletion = False
        await self._reply(frames.reply_frame(verb_name, rid, result))
        tools.ok()
        if verb.closes_after_reply and self.close_after is None:
            self.close_after = (CLOSE_SESSION_ENDED, verb.closes_after_reply)

    async def _answer_failure(self, verb: str, rid: Any, exc: Exception, *, player_id: int | None) -> None:
        """The one answer to a request that failed: a refusal (closing the socket when it says so),
        `unavailable` for a dependency that is down, `internal` with a report for anything else."""
        if isinstance(exc, GameError):
            await self._error(verb, rid, exc.as_error())
            if isinstance(exc, ClosesSocket):
                await self.close(exc.close_code, exc.message)
        elif outages.is_outage(exc):  # the socket stays; the client tries again after `retry_after`
            await self._error(verb, rid, outages.unavailable().as_error())
        else:
            ref = report_exception(exc, player_id=player_id, where=f"ws:{verb}")
            await self._error(verb, rid, error_payload("internal", "Server error.", ref=ref))

    async def _auth_frame(self, request: frames.Envelope) -> None:
        rid = request.rid
        try:
            params = self.verbs["auth"].model.model_validate(request.params())
        except ValidationError as exc:
            await self._error(
                "auth", rid, error_payload("bad_request", "Invalid parameters.", fields=_field_names(exc))
            )
            return
        self.authenticating = True  # from here on the sign-in deadline waits for this `auth`
        started = perf_counter()
        try:
            found = await database_sync_to_async(self.session.token_owner)(params.model_dump()["token"])
            if found is None:
                await self._error("auth", rid, error_payload("unauthenticated", "Invalid or expired token."))
                return
            if not self.closed:
                await self._authenticate(found[0], token_id=found[1], rid=rid)
        except Exception as exc:
            await self._answer_failure("auth", rid, exc, player_id=None)
        finally:
            self.authenticating = False
            self._took("auth", _instruments("auth"), started)

    async def _authenticate(self, player_id: int, *, token_id: int | None, rid: Any = None) -> None:
        """Join the player's groups, catch the life up, answer, then send what was kept offline.

        Live pushes are held from before the groups are joined until the kept ones are out, so
        nothing overtakes the `auth` reply and the order stays oldest first. If signing in fails,
        the socket is left as it was: not signed in, in no group.
        """
        self.outbox.hold()
        self.authenticating = True
        groups = [player_group(player_id)] + ([token_group(token_id)] if token_id else [])
        try:
            if self.layer is not None:
                self.groups = groups
                await self._join(groups)
            data = await database_sync_to_async(self.session.sign_in)(player_id, token_id, self.socket)
        except BaseException:
            self.outbox.release()  # nothing of it is sent: the sign-in failed
            self.authenticating = False
            await self._leave_groups()
            raise
        self.authenticating = False
        self._signed_in_or_gone()
        self.ctx = Context(player_id=player_id, token_id=token_id)
        self.pending_deletion = bool(data.get("pending_deletion"))  # the account waits for deletion
        self.lease = PlayerLease(player_id)
        sentry_sdk.get_isolation_scope().set_user({"id": str(player_id)})
        if token_id is not None:  # session-cookie sockets get no reply: they sent no `auth`
            await self._reply({"type": "auth", "id": rid, "ok": True, "data": data})
            _instruments("auth").ok()
        waiting: list[dict] = []
        kept_ids: list[int] = []
        try:
            waiting, kept_ids = await database_sync_to_async(self.session.offline_pushes)(player_id)
        except Exception as exc:
            report_exception(exc, player_id=player_id, where="ws:offline-pushes")
        # what happened while away, each with its `at`, then what came meanwhile; nothing live overtakes them
        await self.outbox.send_first(waiting)
        await self._flush()
        if kept_ids and not self.closed:  # delivered: only now do they leave the queue
            try:
                await database_sync_to_async(self.session.offline_delivered)(player_id, kept_ids)
            except Exception as exc:
                report_exception(exc, player_id=player_id, where="ws:offline-delivered")

    async def _join(self, groups: list[str]) -> None:
        """group_add each group; after a Redis restart the layer's pooled connections fail once
        each on first use, so a connection error is tried again (three times in all)."""
        self.joined_at = monotonic()  # the heartbeat joins again before the layer's group expiry
        for group in groups:
            for attempt in range(3):
                try:
                    await self.layer.group_add(group, self.channel_name)
                    break
                except Exception as exc:
                    if attempt == 2 or not outages.is_outage(exc):
                        raise
                    await asyncio.sleep(0.05 * (attempt + 1))

    async def rejoin_groups(self) -> None:
        """Join the groups again: after a Redis restart the channel layer has forgotten them."""
        if self.layer is not None and self.channel_name and not self.ended:
            await self._join(list(self.groups))

    def stalled_for(self, now: float) -> float:
        """Seconds the oldest send (a reply, a batch of pushes, the close frame) has waited for this client to read
        (0: nothing waits)."""
        waiting = self.waiting_sends
        return now - min(waiting.values()) if waiting else 0.0

    def drop(self, why: str, undelivered: list[dict] | None = None) -> None:
        """Drop a client that does not read (no close frame: its buffers are full). What it was never sent is
        handed to the session to keep, as for a player who was away (docs/protocol.md, "Close codes")."""
        if self.ended or self.dropped:
            return
        self.closed = self.dropped = True
        if undelivered is None:
            undelivered = self.outbox.undelivered()
        metrics.socket_dropped(why)
        player_id = self.ctx.player_id if self.ctx is not None else None
        logger.warning("dropped a socket of player %s: %s", player_id, why)
        if player_id is not None and undelivered:
            task = asyncio.get_running_loop().create_task(
                database_sync_to_async(self.session.keep_undelivered)(player_id, undelivered)
            )
            _KEEPING.add(task)
            task.add_done_callback(_KEEPING.discard)
        transport = _transport_of(self.send)
        if transport is not None:
            transport.abort()
        else:  # another server: ask it to close, without waiting here for a client that does not read
            self._spawn(self.send({"type": "websocket.close", "code": 1008}))

    def _outbox_overflowed(self, lost: list[dict]) -> None:
        self.drop("slow_client", lost)

    def end_session(self, code: int) -> None:
        """The heartbeat found this socket's sign-in ended (ban, logout) while a close push was lost. The close runs
        as the socket's own task: a client that does not read stalls only itself, not the heartbeat."""
        self._spawn(self.close(code, "This sign-in has ended."))

    async def _leave_groups(self) -> None:
        if self.layer is not None and self.channel_name:
            for group in self.groups:
                try:
                    await self.layer.group_discard(group, self.channel_name)
                except Exception:  # noqa: S110 - the group entry expires on its own
                    pass
        self.groups = []

    # --- pushes ----------------------------------------------------------------------------
    async def _layer_loop(self) -> None:
        failures = 0
        while True:
            try:
                if failures:  # the layer failed: once it answers again, it may have forgotten our groups
                    await self.rejoin_groups()
                message = await self.layer.receive(self.channel_name)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                task = asyncio.current_task()
                if self.ended or (task is not None and task.cancelling()):
                    raise  # the socket is closing: a cancelled receive may surface as another error
                if _idle_read_timeout(exc):
                    continue  # an idle socket's blocking read outlived the client's read timeout: no news
                failures += 1
                logger.warning("channel layer receive failed (%s); retrying", type(exc).__name__)
                await asyncio.sleep(min(5.0, 0.1 * 2**failures))
                continue
            failures = 0
            kind = message.get("type")
            if kind == "pushes":  # a transaction's pushes to this player, in order (core/pushes.py)
                for push in message["pushes"]:
                    await self._push(push)
            elif kind == "push":  # one push (as older processes send it)
                await self._push(message["push"])
            elif kind == "close":
                code, reason = int(message.get("code", 4003)), message.get("reason") or "This sign-in has ended."
                if self.defer_close:
                    self.close_after = (code, reason)
                else:
                    await self.close(code, reason)

    async def _push(self, push: dict) -> None:
        if not self.closed:
            self.outbox.push(push)

    async def _flush(self) -> None:
        if not self.closed:
            await self.outbox.flush()

    async def _send_batch(self, messages: list[dict]) -> None:
        try:
            await self._reply({"type": "batch", "messages": messages})
        except OSError:  # the client went away mid-flush (uvicorn's ClientDisconnected)
            self.closed = True
