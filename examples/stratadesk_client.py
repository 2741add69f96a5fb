"""A Stratadesk API client, written the way a client's developer would integrate.

It raises a ticket, then follows it: reads it back, lists its history and comments on
it. Every call is safe to retry:

- each POST carries an Idempotency-Key, one fresh UUID per logical operation that is
  reused by every retry of that operation, so a retry after a lost answer gets the
  first answer back instead of creating a second ticket;
- timeouts, connection errors, 5xx and 429 are retried with exponential backoff and
  jitter, waiting at least as long as a Retry-After header asks; any other 4xx is
  final, because sending the same request again cannot change the answer;
- a 409 duplicate_external_ref (this external_ref was raised before, perhaps by an
  earlier run) is not a failure: the existing ticket is read from the problem's
  ticket_url.

Run it against `make run` (see examples/README.md for making a key):

    python examples/stratadesk_client.py --url http://127.0.0.1:8000 --key sdc_...

It needs only httpx (`pip install httpx`).
"""

import argparse
import logging
import os
import random
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

logger = logging.getLogger("stratadesk_client")

# The request may not have arrived, or its answer was lost on the way back. Retrying
# is safe either way: GETs change nothing and POSTs carry an Idempotency-Key.
RETRYABLE_ERRORS = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)
TOO_MANY_REQUESTS = 429
CONFLICT = 409
# The first attempt with this Idempotency-Key is still running on the server, for
# example after our wait for it timed out. The API says to retry shortly; giving up
# here would report a failure for a ticket that is being created.
IN_FLIGHT = "idempotency_in_flight"
DUPLICATE = "duplicate_external_ref"

_system_random = random.SystemRandom()


class ApiError(Exception):
    """An error answer worth no retry, with its RFC 9457 problem details."""

    def __init__(self, response: httpx.Response):
        self.status = response.status_code
        self.problem = _problem_of(response)
        self.code = self.problem.get("code", "")
        detail = self.problem.get("detail") or response.text[:200]
        super().__init__(f"{self.status} {self.code or 'error'}: {detail}")


class RetriesExhausted(Exception):
    """Every attempt failed in a way worth retrying; the last failure is the cause."""


@dataclass
class Backoff:
    """How many attempts to make and how long to wait between them.

    The wait before retry n is random between 0 and base * 2**(n-1), capped: "full
    jitter", so clients that failed together do not all come back at the same moment.
    Tests pass a `sleep` that records instead of waiting, and a fixed `jitter`.
    """

    attempts: int = 5
    base: float = 0.5
    cap: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = _system_random.random  # uniform in [0, 1)

    def delay(self, retry: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number `retry` (1 is the first retry)."""
        wait = min(self.cap, self.base * 2 ** (retry - 1)) * self.jitter()
        if retry_after is not None:
            # The server said when it will take us again; coming back sooner only
            # earns another 429.
            wait = max(wait, min(retry_after, self.cap))
        return wait


class StratadeskClient:
    """The API calls this integration makes, each retried as described above."""

    def __init__(
        self,
        base_url: str,
        key: str,
        *,
        backoff: Backoff | None = None,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ):
        self.backoff = backoff or Backoff()
        self.http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {key}", "Accept": "application/json"},
            timeout=timeout,
            transport=transport,
        )

    def __enter__(self) -> "StratadeskClient":
        return self

    def __exit__(self, *exc_info) -> None:
        self.http.close()

    def create_ticket(self, **fields) -> tuple[dict, bool]:
        """Raise a ticket; returns it, and whether this call is what created it."""
        try:
            return self.post("/api/v1/tickets", fields), True
        except ApiError as exc:
            if exc.code != DUPLICATE or "ticket_url" not in exc.problem:
                raise
            return self.get(exc.problem["ticket_url"]), False

    def ticket(self, number: int) -> dict:
        return self.get(f"/api/v1/tickets/{number}")

    def events(self, number: int) -> list[dict]:
        return self.get(f"/api/v1/tickets/{number}/events")

    def comment(self, number: int, body: str) -> dict:
        return self.post(f"/api/v1/tickets/{number}/comments", {"body": body})

    def get(self, url: str):
        return self.send("GET", _path_of(url)).json()

    def post(self, path: str, body: dict) -> dict:
        # Made once per logical operation, here, and reused by every retry inside
        # send(): that is how the server tells a retry from a new request.
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        return self.send("POST", path, json=body, headers=headers).json()

    def send(self, method: str, path: str, **request) -> httpx.Response:
        """Send until a 2xx answer; raise ApiError or RetriesExhausted otherwise."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._attempt(method, path, request)
            except _TryAgain as failure:
                if attempt >= self.backoff.attempts:
                    raise RetriesExhausted(
                        f"{method} {path}: gave up after {attempt} attempts, the "
                        f"last: {failure}"
                    ) from failure.reason
                wait = self.backoff.delay(attempt, failure.retry_after)
                logger.warning(
                    "%s %s: %s; retrying in %.2f s", method, path, failure, wait
                )
                self.backoff.sleep(wait)

    def _attempt(self, method, path, request) -> httpx.Response:
        """One try: a 2xx answer, ApiError for a final one, _TryAgain otherwise."""
        try:
            response = self.http.request(method, path, **request)
        except RETRYABLE_ERRORS as exc:
            raise _TryAgain(exc) from exc
        if response.is_success:
            return response
        error = ApiError(response)
        if _is_retryable(error):
            raise _TryAgain(error, _retry_after(response))
        raise error


class _TryAgain(Exception):
    """One attempt failed in a way the next one may not."""

    def __init__(self, reason: Exception, retry_after: float | None = None):
        super().__init__(f"{type(reason).__name__}: {reason}")
        self.reason = reason
        self.retry_after = retry_after


def _is_retryable(error: ApiError) -> bool:
    if error.status >= 500 or error.status == TOO_MANY_REQUESTS:
        return True
    return error.status == CONFLICT and error.code == IN_FLIGHT


def _retry_after(response: httpx.Response) -> float | None:
    """Retry-After in seconds; the header holds either seconds or an HTTP date."""
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # HTTP dates are GMT even when they do not say so
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _problem_of(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:  # a proxy's HTML error page, say
        return {}
    return body if isinstance(body, dict) else {}


def _path_of(url: str) -> str:
    """The path (and query) of a URL the API handed us, to ask our own server for.

    The key is sent only to the server we were configured with, never to a host a
    response names; and the server's idea of its own address (ticket_url is built
    from it) may not be the address we reach it by.
    """
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# The script ---------------------------------------------------------------------


@dataclass
class Outcome:
    """What one run found and did, for callers that want more than the printout."""

    ticket: dict
    created: bool
    events: list[dict]
    comment: dict


def raise_and_follow(
    client: StratadeskClient,
    *,
    requester: str,
    external_ref: str,
    title: str = "Printer on level 12 jams on every job",
    description: str = "Raised by our ITSM tool through the Stratadesk API.",
) -> Outcome:
    """Raise (or find) the ticket for `external_ref`, read it, list events, comment."""
    ticket, created = client.create_ticket(
        title=title,
        description=description,
        requester=requester,
        external_ref=external_ref,
    )
    number = ticket["id"]
    verb = "Raised" if created else "Already raised (409 duplicate), followed"
    print(f"{verb} {ticket['reference']} (id {number}) for {external_ref}")

    ticket = client.ticket(number)
    moves = ", ".join(move["name"] for move in ticket["allowed_transitions"])
    print(
        f"{ticket['reference']}: {ticket['title']!r}, stage {ticket['stage']}, "
        f"priority {ticket['priority']}; we may: {moves or 'nothing'}"
    )

    events = client.events(number)
    print(f"History: {len(events)} event{'' if len(events) == 1 else 's'}")
    for event in events:
        stage = f" -> {event['to_stage']}" if event["to_stage"] else ""
        print(f"  {event['occurred_at']}  {event['type']}{stage}")

    comment = client.comment(number, f"Still happening ({external_ref}).")
    print(f"Commented on {ticket['reference']} (comment {comment['id']})")
    return Outcome(ticket, created, events, comment)


def _arguments(argv) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the server")
    parser.add_argument(
        "--key",
        default=os.environ.get("STRATADESK_KEY"),
        help="a client key, sdc_...; or set STRATADESK_KEY, which keeps it out of "
        "the process list",
    )
    parser.add_argument(
        "--requester",
        default="tom.gallagher@kestrellane.example",
        help="a contact's email at the key's client (added if new)",
    )
    parser.add_argument(
        "--external-ref",
        default=f"ITSM-{uuid.uuid4().hex[:8]}",
        help="our own id for the ticket; give the same one twice to see the 409",
    )
    args = parser.parse_args(argv)
    if not args.key:
        parser.error("give --key or set STRATADESK_KEY")
    return args


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    try:
        with StratadeskClient(args.url, args.key) as client:
            raise_and_follow(
                client, requester=args.requester, external_ref=args.external_ref
            )
    except (ApiError, RetriesExhausted, httpx.HTTPError) as exc:
        print(f"Failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    # Retries are logged as warnings; show them as plain lines.
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    sys.exit(main())
