"""A real HTTP receiver on 127.0.0.1 that records what it is sent.

It answers with the statuses it is given, in order, then 200. Each message is
verified with the Standard Webhooks library when it arrives, against the clock of
that moment, as a client's receiver would.
"""

import json
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError


@dataclass
class Call:
    status: int
    headers: dict
    body: bytes
    verified: bool

    @property
    def message_id(self) -> str:
        return self.headers["webhook-id"]

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


class Receiver:
    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.secret = None
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/hooks"

    @property
    def accepted(self) -> list[Call]:
        return [call for call in self.calls if 200 <= call.status < 300]

    def start(self) -> "Receiver":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def answer(self, headers: dict, body: bytes) -> int:
        with self._lock:
            status = self.statuses.pop(0) if self.statuses else 200
            self.calls.append(
                Call(status, headers, body, self._verifies(headers, body))
            )
        return status

    def _verifies(self, headers, body) -> bool:
        if not self.secret:
            return False
        try:
            Webhook(self.secret).verify(body, headers)
        except (WebhookVerificationError, TypeError, ValueError):
            return False
        return True


def _handler_for(receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            status = receiver.answer(headers, body)
            reply = b'{"ok": true}' if status < 300 else b"receiver says no"
            self.send_response(status)
            self.send_header("content-length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format, *args):
            pass

    return Handler


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on: connecting is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
