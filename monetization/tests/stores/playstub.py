"""A local Google OAuth + Play Developer API stub on real sockets (http.server in a thread).

The token endpoint really verifies the RS256 JWT assertion against the test service account's public
key, and the API endpoints only answer to bearer tokens it issued, so the client's auth path is exercised.
"""

from __future__ import annotations

import base64
import functools
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

API_PREFIX = "/androidpublisher/v3"
SCOPE = "https://www.googleapis.com/auth/androidpublisher"


def _unb64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


@functools.cache
def _shared_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def make_service_account(
    token_uri: str, email: str = "baolife-iap@baolife.iam.gserviceaccount.com", *, fresh_key: bool = False
) -> dict:
    """Service-account JSON like Google's; the RSA key is shared across tests unless ``fresh_key`` (keygen is slow)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048) if fresh_key else _shared_key()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return {
        "type": "service_account",
        "project_id": "baolife",
        "private_key_id": "test-key-1",
        "private_key": pem,
        "client_email": email,
        "client_id": "1234567890",
        "token_uri": token_uri,
    }


@dataclass
class PlayStub:
    """State shared with the handler: canned purchases and a log of what the client did."""

    public_key: rsa.RSAPublicKey | None = None
    client_email: str = ""
    purchases: dict[tuple[str, str, str], tuple[int, Any]] = field(default_factory=dict)
    voided_pages: list[dict] = field(default_factory=list)
    issued_tokens: set[str] = field(default_factory=set)
    token_requests: int = 0
    expires_in: int = 3599
    rejected_assertions: int = 0
    acknowledged: list[tuple[str, str, str, bytes]] = field(default_factory=list)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def root(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        return self.root + API_PREFIX

    @property
    def token_uri(self) -> str:
        return self.root + "/token"

    def trust(self, service_account: dict) -> None:
        key = serialization.load_pem_private_key(service_account["private_key"].encode(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        self.public_key = key.public_key()
        self.client_email = service_account["client_email"]

    def start(self) -> PlayStub:
        stub = self

        class Handler(_Handler):
            state = stub

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    # --- assertion check (what Google's token endpoint does) ---------------------------------------

    def check_assertion(self, assertion: str) -> bool:
        try:
            header_b64, claims_b64, sig_b64 = assertion.split(".")
            header = json.loads(_unb64(header_b64))
            claims = json.loads(_unb64(claims_b64))
            if header.get("alg") != "RS256" or self.public_key is None:
                return False
            self.public_key.verify(
                _unb64(sig_b64), f"{header_b64}.{claims_b64}".encode(), padding.PKCS1v15(), hashes.SHA256()
            )
        except (ValueError, InvalidSignature):
            return False
        now = time.time()
        return (
            claims.get("iss") == self.client_email
            and claims.get("aud") == self.token_uri
            and claims.get("scope") == SCOPE
            and claims.get("iat", now + 1000) <= now + 60
            and claims.get("exp", 0) > now
            and claims["exp"] - claims["iat"] <= 3600
        )


class _Handler(BaseHTTPRequestHandler):
    state: PlayStub

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, status: int, body: Any = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if data:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _authorized(self) -> bool:
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[len("Bearer ") :] not in self.state.issued_tokens:
            self._reply(401, {"error": {"code": 401, "message": "Request had invalid authentication credentials."}})
            return False
        return True

    def _route(self) -> tuple[list[str], dict[str, list[str]]]:
        parts = urllib.parse.urlsplit(self.path)
        self.state.requests.append((self.command, parts.path, dict(self.headers)))
        if not parts.path.startswith(API_PREFIX + "/applications/"):
            return [], {}
        # Keep segments encoded until after splitting so an encoded "/" or ":" in a token stays data.
        return parts.path[len(API_PREFIX) + 1 :].split("/"), urllib.parse.parse_qs(parts.query)

    def do_POST(self) -> None:
        if self.path == "/token":
            self._token()
            return
        segments, _ = self._route()
        body = self._body()
        if not self._authorized():
            return
        # applications/{pkg}/purchases/products/{pid}/tokens/{tok}:acknowledge
        if len(segments) == 7 and segments[2:4] == ["purchases", "products"] and segments[6].endswith(":acknowledge"):
            pkg, pid = (urllib.parse.unquote(s) for s in (segments[1], segments[4]))
            tok = urllib.parse.unquote(segments[6][: -len(":acknowledge")])
            status, _ = self.state.purchases.get((pkg, pid, tok), (404, None))
            if status != 200:
                self._reply(status, {"error": {"code": status, "message": "not found"}})
                return
            self.state.acknowledged.append((pkg, pid, tok, body))
            self._reply(204)
            return
        self._reply(404, {"error": {"code": 404, "message": "no such route"}})

    def do_GET(self) -> None:
        segments, query = self._route()
        if not self._authorized():
            return
        if len(segments) == 7 and segments[2:4] == ["purchases", "products"] and segments[5] == "tokens":
            pkg, pid, tok = (urllib.parse.unquote(s) for s in (segments[1], segments[4], segments[6]))
            status, body = self.state.purchases.get((pkg, pid, tok), (404, None))
            if status == 302:
                self.send_response(302)
                self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if body is None:
                body = {"error": {"code": status, "message": "The purchase token was not found."}}
            self._reply(status, body)
            return
        if len(segments) == 4 and segments[2:4] == ["purchases", "voidedpurchases"]:
            page = int(query.get("token", ["0"])[0])
            payload = dict(self.state.voided_pages[page])
            payload["_startTime"] = query.get("startTime", [""])[0]
            if page + 1 < len(self.state.voided_pages):
                payload["tokenPagination"] = {"nextPageToken": str(page + 1)}
            self._reply(200, payload)
            return
        self._reply(404, {"error": {"code": 404, "message": "no such route"}})

    def _token(self) -> None:
        self.state.token_requests += 1
        form = urllib.parse.parse_qs(self._body().decode())
        grant = form.get("grant_type", [""])[0]
        assertion = form.get("assertion", [""])[0]
        if grant != "urn:ietf:params:oauth:grant-type:jwt-bearer" or not self.state.check_assertion(assertion):
            self.state.rejected_assertions += 1
            self._reply(400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
            return
        token = f"ya29.stub-{self.state.token_requests}"
        self.state.issued_tokens.add(token)
        self._reply(200, {"access_token": token, "expires_in": self.state.expires_in, "token_type": "Bearer"})
