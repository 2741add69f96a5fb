"""A Stratadesk webhook receiver, written the way a client's developer would.

Stratadesk signs each message the Standard Webhooks way (webhook-id,
webhook-timestamp and webhook-signature headers, HMAC-SHA256 with the endpoint's
whsec_ secret). This receiver:

- verifies every message with the standardwebhooks library and answers 400 to one
  that fails: forged, altered on the way, or more than five minutes old (the library
  refuses stale timestamps, so a captured message cannot be replayed later);
- de-duplicates by webhook-id: Stratadesk sends a message again until it gets a 2xx,
  so a message whose answer was lost arrives twice, with the same id;
- prints each event's type and ticket, and answers 204.

It listens on 127.0.0.1 only. Run it with the secret of the endpoint you registered
(see examples/README.md):

    python examples/webhook_receiver.py --port 9000 --secret whsec_...

It needs only standardwebhooks (`pip install standardwebhooks`).
"""

import argparse
import os
import sys
from collections import OrderedDict
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer

from standardwebhooks import Webhook
from standardwebhooks.webhooks import (
    EmptyWebhookSecretError,
    WebhookVerificationError,
)

HOST = "127.0.0.1"
MAX_BODY_BYTES = 1024 * 1024
# Message ids remembered, newest kept. Stratadesk retries for more than a day, so a
# production receiver keeps ids that long in its database (a unique column), where a
# restart does not forget them; memory is enough for an example.
REMEMBERED_IDS = 10_000


def describe(message: dict) -> str:
    """One line about an event: its type and the ticket it concerns."""
    data = message.get("data") or {}
    # ticket.* events carry the ticket itself; svr.* events nest it under "ticket".
    ticket = data.get("ticket", data)
    line = f"{message.get('type')}: {ticket.get('reference')} {ticket.get('title')!r}"
    if "to_stage" in data:
        line += f" {data['from_stage']} -> {data['to_stage']}"
    if "comment" in data:
        line += f", comment by {data['comment']['author']}"
    return line


def print_event(message: dict) -> None:
    print(describe(message), flush=True)


class Receiver(HTTPServer):
    """Verifies, de-duplicates and hands on each message POSTed to it.

    Single-threaded on purpose: messages are handled one at a time, so a duplicate
    cannot slip in between checking an id and remembering it.
    """

    def __init__(
        self, port: int, secret: str, handle: Callable[[dict], None] = print_event
    ):
        self.webhook = Webhook(secret)
        self.handle = handle
        self.seen: OrderedDict[str, None] = OrderedDict()
        super().__init__((HOST, port), _RequestHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/hooks"

    def receive(self, headers: dict[str, str], body: bytes) -> tuple[int, str]:
        """The answer to one message: a status and a few words saying why."""
        try:
            message = self.webhook.verify(body, headers)
        except (WebhookVerificationError, ValueError) as exc:
            # ValueError too: a mangled signature header or a body that is not JSON.
            return HTTPStatus.BAD_REQUEST, f"rejected, not from Stratadesk: {exc}"

        message_id = headers["webhook-id"]
        if message_id in self.seen:
            # Already handled; a 2xx stops Stratadesk sending it again.
            return HTTPStatus.OK, f"duplicate {message_id}, already handled"
        try:
            self.handle(message)
        except Exception as exc:
            # Not remembered, so the retry Stratadesk makes after a 5xx is handled.
            return HTTPStatus.INTERNAL_SERVER_ERROR, f"handling failed: {exc!r}"
        self._remember(message_id)
        return HTTPStatus.NO_CONTENT, f"handled {message_id}"

    def _remember(self, message_id: str) -> None:
        self.seen[message_id] = None
        if len(self.seen) > REMEMBERED_IDS:
            self.seen.popitem(last=False)


class _RequestHandler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self):
        length = self.headers.get("Content-Length", "")
        if not length.isdigit():
            return self._answer(HTTPStatus.LENGTH_REQUIRED, "send a Content-Length")
        if int(length) > MAX_BODY_BYTES:
            return self._answer(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "too large")
        body = self.rfile.read(int(length))
        headers = {name.lower(): value for name, value in self.headers.items()}
        status, reason = self.server.receive(headers, body)
        if status != HTTPStatus.NO_CONTENT:
            print(f"{int(status)} {reason}", flush=True)
        self._answer(status, reason)

    def _answer(self, status: int, reason: str) -> None:
        self.send_response(status)
        if status == HTTPStatus.NO_CONTENT:
            self.end_headers()
            return
        text = reason.encode()
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def log_message(self, format, *args):
        # Quiet: the lines printed above say what matters.
        pass


def _arguments(argv) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=9000, help="on 127.0.0.1")
    parser.add_argument(
        "--secret",
        default=os.environ.get("STRATADESK_WEBHOOK_SECRET"),
        help="the endpoint's signing secret, whsec_...; or set "
        "STRATADESK_WEBHOOK_SECRET",
    )
    args = parser.parse_args(argv)
    if not args.secret:
        parser.error("give --secret or set STRATADESK_WEBHOOK_SECRET")
    return args


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    try:
        receiver = Receiver(args.port, args.secret)
    except (ValueError, EmptyWebhookSecretError) as exc:  # not base64 after whsec_
        print(f"That is not a whsec_ secret: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"Cannot listen on {HOST}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"Listening on {receiver.url} (any path); Ctrl-C stops.", flush=True)
    with receiver:
        try:
            receiver.serve_forever()
        except KeyboardInterrupt:
            print("Stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
