"""A local SMS gateway for tests: an HTTP server on an ephemeral port that checks the signature.

    with FakeSmsGateway(secret="s3cret") as gateway:
        app.config["SMS_GATEWAY_URL"] = gateway.url     # or the env of a live server
        ...
        gateway.messages          # the accepted bodies (dicts), in order
        gateway.requests          # every request: GatewayRequest(status, body, headers, signed)
        gateway.fail(500, times=1)   # the next answer(s); then 200 again
        gateway.hang(times=1)     # hold the next request until the gateway closes (a timeout)
        gateway.wait_for(2)       # block until 2 messages arrived (for a server in another process)

A request whose X-Courtyard-Signature is not the HMAC-SHA256 of "<timestamp>.<body>" under
the secret is answered 401 and not counted in `messages`. It is a plain HTTP server, so a
live app in another process can send to it (NOTIFY_CHANNELS=log,sms SMS_GATEWAY_URL=gateway.url
SMS_GATEWAY_SECRET=gateway.secret).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class GatewayRequest:
    status: int
    body: dict | None
    headers: dict[str, str]
    signed: bool


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class FakeSmsGateway:
    def __init__(self, secret: str = "gateway-secret", host: str = "127.0.0.1", path: str = "/sms"):
        self.secret, self.host, self.path = secret, host, path
        self.requests: list[GatewayRequest] = []
        self.messages: list[dict] = []
        self._answers: list[int | str] = []  # queued answers: a status, or "hang"
        self._changed = threading.Condition()
        self._released = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- control ---------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None, "start the gateway first (with FakeSmsGateway() as g)"
        return f"http://{self.host}:{self._server.server_address[1]}{self.path}"

    def fail(self, status: int, times: int = 1) -> None:
        with self._changed:
            self._answers.extend([status] * times)

    def hang(self, times: int = 1) -> None:
        with self._changed:
            self._answers.extend(["hang"] * times)

    def clear(self) -> None:
        with self._changed:
            self.requests.clear()
            self.messages.clear()
            self._answers.clear()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict]:
        """Block until `count` messages were accepted (AssertionError after `timeout` seconds)."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.messages) >= count, timeout):
                raise AssertionError(f"the gateway got {len(self.messages)} messages, not {count}")
            return list(self.messages)

    def to(self, phone: str) -> list[dict]:
        return [m for m in self.messages if m.get("to") == phone]

    # --- lifecycle -------------------------------------------------------------------------
    def start(self) -> FakeSmsGateway:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                gateway._handle(self, raw)

            def log_message(self, *args):  # quiet
                pass

        self._server = ThreadingHTTPServer((self.host, 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-sms-gateway", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        self._released.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeSmsGateway:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    # --- the server side -------------------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler, raw: bytes) -> None:
        headers = {k: v for k, v in handler.headers.items()}
        timestamp = handler.headers.get("X-Courtyard-Timestamp", "")
        given = handler.headers.get("X-Courtyard-Signature", "")
        signed = bool(timestamp) and hmac.compare_digest(given, signature(self.secret, timestamp, raw))
        try:
            body = json.loads(raw.decode("utf-8"))
        except ValueError:
            body = None
        with self._changed:
            answer = self._answers.pop(0) if self._answers else 200
        if answer == "hang":
            self._released.wait()
            return
        status = answer if signed and isinstance(body, dict) else (401 if not signed else 400)
        with self._changed:
            self.requests.append(GatewayRequest(status, body, headers, signed))
            if status == 200:
                self.messages.append(body)
            self._changed.notify_all()
        out = json.dumps({"ok": status == 200}).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(out)))
        handler.end_headers()
        handler.wfile.write(out)
