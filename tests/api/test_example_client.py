"""The examples in examples/ work as a client's developer would run them.

The client runs against a live server, through a transport that loses answers and
fails as a bad network would; its retry rules are pinned down against scripted
answers; the receiver verifies what Stratadesk really sends and refuses forgeries.
No test waits for a backoff: the waits are recorded instead of slept.
"""

import importlib.util
import json
import sys
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest
from standardwebhooks import Webhook

from stratadesk.notifications import webhooks
from stratadesk.notifications.models import DeliveryStatus, WebhookDelivery
from stratadesk.tickets.models import Comment, Ticket
from tests.fixtures import actor
from tests.notifications.support import TICKET_EVENTS, run_worker

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# Even the tests that need no data get the test database: tests/api/conftest.py
# clears the rate-limit cache, a database table, around every test, and without a
# test database set up that would be the development database.
pytestmark = pytest.mark.django_db


def _load(name):
    """Import examples/<name>.py as a client would run it: a file, not a package."""
    spec = importlib.util.spec_from_file_location(f"examples.{name}", EXAMPLES / name)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


example = _load("stratadesk_client.py")
receiving = _load("webhook_receiver.py")

REQUESTER = "harry@harbour.test"


@pytest.fixture
def key(client_key):
    """A Harbour Legal key with the scopes examples/README.md tells you to give."""
    _, secret = client_key(scopes=["tickets:read", "tickets:write"])
    return secret


def _backoff(sleeps: list) -> "example.Backoff":
    # Waits at the top of each bound, recorded rather than slept.
    return example.Backoff(sleep=sleeps.append, jitter=lambda: 1.0)


# Against a live server ---------------------------------------------------------


class FlakyNetwork(httpx.BaseTransport):
    """Passes requests to the live server, spoiling the first POSTs as planned.

    "lost": the server makes the ticket but its answer never arrives (a timeout).
    "unavailable": a 503 from the gateway in front; the server never sees it.
    """

    def __init__(self, plan):
        self.plan = list(plan)
        self.server = httpx.HTTPTransport()
        self.posts = []  # (path, Idempotency-Key, what happened)

    def handle_request(self, request):
        fate = "passed"
        if request.method == "POST":
            fate = self.plan.pop(0) if self.plan else "passed"
            self.posts.append(
                (request.url.path, request.headers["Idempotency-Key"], fate)
            )
        if fate == "unavailable":
            return httpx.Response(503, text="Service Unavailable")
        response = self.server.handle_request(request)
        response.read()
        if fate == "lost":
            raise httpx.ReadTimeout("the answer was lost", request=request)
        if fate == "passed" and request.method == "POST":
            self.posts[-1] += (response.headers.get("Idempotent-Replayed"),)
        return response


@pytest.mark.django_db(transaction=True)
def test_it_raises_reads_and_comments_on_a_ticket_when_run_as_a_script(
    live_server, key, capsys
):
    argv = ["--url", live_server.url, "--key", key, "--requester", REQUESTER]

    status = example.main([*argv, "--external-ref", "ITSM-1001"])

    assert status == 0, capsys.readouterr().err
    ticket = Ticket.objects.get()
    assert ticket.external_ref == "ITSM-1001"
    assert ticket.requester.email == REQUESTER
    assert Comment.objects.filter(ticket=ticket, is_public=True).count() == 1
    out = capsys.readouterr().out
    assert f"Raised {ticket.reference} (id {ticket.number}) for ITSM-1001" in out
    assert "ticket.created -> request" in out
    assert f"Commented on {ticket.reference}" in out


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("plan", "replayed"),
    [
        # The dangerous case: the ticket was made, the client cannot know it.
        (["lost", "unavailable"], "true"),
        (["unavailable", "unavailable"], None),
    ],
    ids=["answer-lost-then-503", "503-twice"],
)
def test_it_creates_the_ticket_exactly_once_when_the_first_attempts_fail(
    live_server, key, plan, replayed
):
    network = FlakyNetwork(plan)
    sleeps = []
    client = example.StratadeskClient(
        live_server.url, key, backoff=_backoff(sleeps), transport=network
    )

    with client:
        outcome = example.raise_and_follow(
            client, requester=REQUESTER, external_ref="ITSM-2002"
        )

    assert Ticket.objects.count() == 1
    assert outcome.created
    assert outcome.ticket["id"] == Ticket.objects.get().number
    ticket_posts = [post for post in network.posts if post[0] == "/api/v1/tickets"]
    assert [post[2] for post in ticket_posts] == [*plan, "passed"]
    # One key for the operation, the same on every retry of it.
    assert len({post[1] for post in ticket_posts}) == 1
    assert ticket_posts[-1][3] == replayed
    assert sleeps == [0.5, 1.0]
    assert Comment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_follows_the_existing_ticket_when_its_external_ref_was_raised_before(
    live_server, key
):
    with example.StratadeskClient(live_server.url, key) as client:
        first = example.raise_and_follow(
            client, requester=REQUESTER, external_ref="ITSM-3003"
        )
        # A second run: a new operation with a new Idempotency-Key, so the server
        # answers 409 duplicate_external_ref. Its ticket_url names SITE_URL (port
        # 8000), not this server; the client asks its own server for that path.
        again = example.raise_and_follow(
            client, requester=REQUESTER, external_ref="ITSM-3003"
        )

    assert first.created and not again.created
    assert again.ticket["id"] == first.ticket["id"]
    assert Ticket.objects.count() == 1
    assert Comment.objects.count() == 2


# Retry rules, against scripted answers -------------------------------------------


def _scripted(*answers):
    """A client whose requests get `answers` in turn: responses or errors raised."""
    requests, sleeps = [], []

    def answer(request):
        requests.append(request)
        given = answers[len(requests) - 1]
        if isinstance(given, Exception):
            raise given
        return given

    client = example.StratadeskClient(
        "http://127.0.0.1:8000",
        "sdc_test",
        backoff=_backoff(sleeps),
        transport=httpx.MockTransport(answer),
    )
    return client, requests, sleeps


def _problem(status, code="some_problem", headers=None):
    body = {"status": status, "code": code, "detail": f"A {code}."}
    return httpx.Response(status, json=body, headers=headers)


CREATED = httpx.Response(201, json={"id": 7, "reference": "T-7"})


def test_it_retries_timeouts_connection_errors_and_5xx_with_one_key():
    client, requests, sleeps = _scripted(
        httpx.ConnectTimeout("slow to connect"),
        httpx.ConnectError("connection refused"),
        httpx.ReadTimeout("no answer"),
        _problem(502, "bad_gateway"),
        CREATED,
    )

    created = client.post("/api/v1/tickets", {"title": "x"})

    assert created == {"id": 7, "reference": "T-7"}
    assert len(requests) == 5
    assert len({request.headers["Idempotency-Key"] for request in requests}) == 1
    assert sleeps == [0.5, 1.0, 2.0, 4.0]


def test_it_retries_a_429_and_a_request_still_in_flight():
    client, requests, _ = _scripted(
        _problem(429, "rate_limited"),
        _problem(409, "idempotency_in_flight"),
        CREATED,
    )

    client.post("/api/v1/tickets", {"title": "x"})

    assert len(requests) == 3


@pytest.mark.parametrize(
    "refusal",
    [
        _problem(400, "malformed_body"),
        _problem(401, "invalid_key"),
        _problem(403, "scope_missing"),
        _problem(404, "not_found"),
        _problem(409, "stale_ticket"),
        _problem(413, "payload_too_large"),
        _problem(422, "validation_failed"),
    ],
    ids=lambda response: str(response.status_code),
)
def test_it_never_retries_any_other_client_error(refusal):
    client, requests, sleeps = _scripted(refusal, CREATED)

    with pytest.raises(example.ApiError) as raised:
        client.post("/api/v1/tickets", {"title": "x"})

    assert raised.value.status == refusal.status_code
    assert raised.value.code == refusal.json()["code"]
    assert len(requests) == 1
    assert sleeps == []


def _http_date_in_30_seconds():
    return format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)


@pytest.mark.parametrize(
    "retry_after",
    [lambda: "30", _http_date_in_30_seconds],
    ids=["seconds", "http-date"],
)
def test_it_waits_at_least_as_long_as_retry_after_asks(retry_after):
    # Made when the test runs, not at collection, which may be minutes earlier.
    limited = _problem(429, "rate_limited", headers={"Retry-After": retry_after()})
    client, _, sleeps = _scripted(limited, CREATED)

    client.post("/api/v1/tickets", {"title": "x"})

    # An http-date has whole seconds, so up to one may be lost in rounding.
    assert 28 <= sleeps[0] <= 30


def test_it_gives_up_after_the_last_attempt_with_the_last_failure():
    client, requests, sleeps = _scripted(*[_problem(503, "unavailable")] * 5)

    with pytest.raises(example.RetriesExhausted, match="gave up after 5") as raised:
        client.get("/api/v1/tickets/7")

    assert raised.value.__cause__.status == 503
    assert len(requests) == 5
    assert sleeps == [0.5, 1.0, 2.0, 4.0]


def test_it_spreads_waits_at_random_under_a_doubling_capped_bound():
    lowest = example.Backoff(jitter=lambda: 0.0)
    highest = example.Backoff(jitter=lambda: 0.999, cap=5.0)

    assert [lowest.delay(n) for n in (1, 2, 3)] == [0.0, 0.0, 0.0]
    assert [round(highest.delay(n), 2) for n in (1, 2, 3, 4, 5)] == [
        0.5,
        1.0,
        2.0,
        4.0,
        5.0,
    ]
    assert lowest.delay(1, retry_after=3) == 3
    assert highest.delay(1, retry_after=600) == 5.0


def test_it_uses_a_fresh_idempotency_key_for_each_operation():
    client, requests, _ = _scripted(CREATED, CREATED)

    client.post("/api/v1/tickets", {"title": "one"})
    client.post("/api/v1/tickets", {"title": "two"})

    first, second = (request.headers["Idempotency-Key"] for request in requests)
    assert first != second


# The webhook receiver ---------------------------------------------------------


@pytest.fixture
def start_receiver():
    """start_receiver(secret) -> the example receiver, serving on 127.0.0.1."""
    running = []

    def start(secret):
        receiver = receiving.Receiver(0, secret)
        thread = threading.Thread(
            target=receiver.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        thread.start()
        running.append((receiver, thread))
        return receiver

    yield start
    for receiver, thread in running:
        receiver.shutdown()
        receiver.server_close()
        thread.join(timeout=5)


MESSAGE = {
    "type": "ticket.created",
    "timestamp": "2026-12-04T03:00:00+00:00",
    "data": {"id": 7, "reference": "T-7", "title": "No signal", "stage": "request"},
}


def _signed(secret, *, message_id="msg_1", sent_at=None, payload=MESSAGE):
    """A message's body and headers, signed as Stratadesk signs them."""
    body = json.dumps(payload)
    sent_at = sent_at or datetime.now(UTC)
    headers = {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, sent_at, body),
    }
    return body.encode(), headers


def _events_printed(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("ticket.")]


def test_it_accepts_a_correctly_signed_message_and_prints_its_event(
    start_receiver, capsys
):
    secret = webhooks.new_secret()
    receiver = start_receiver(secret)
    body, headers = _signed(secret)

    response = httpx.post(receiver.url, content=body, headers=headers)

    assert response.status_code == 204
    assert _events_printed(capsys.readouterr().out) == [
        "ticket.created: T-7 'No signal'"
    ]


def _forged(secret):
    body, headers = _signed(webhooks.new_secret())
    return body, headers


def _altered(secret):
    body, headers = _signed(secret)
    return body.replace(b"No signal", b"Pay invoice 99"), headers


def _unsigned(secret):
    body, headers = _signed(secret)
    del headers["webhook-signature"]
    return body, headers


def _stale(secret):
    # Captured and sent again later: the signature is right, the moment is not.
    return _signed(secret, sent_at=datetime.now(UTC) - timedelta(minutes=10))


def _garbled(secret):
    body, headers = _signed(secret)
    return body, {**headers, "webhook-signature": "v1,not base64 at all!"}


@pytest.mark.parametrize("forge", [_forged, _altered, _unsigned, _stale, _garbled])
def test_it_rejects_a_message_it_cannot_verify_with_400(start_receiver, capsys, forge):
    secret = webhooks.new_secret()
    receiver = start_receiver(secret)
    body, headers = forge(secret)

    response = httpx.post(receiver.url, content=body, headers=headers)

    assert response.status_code == 400
    assert _events_printed(capsys.readouterr().out) == []


def test_it_handles_a_message_that_arrives_twice_once(start_receiver, capsys):
    secret = webhooks.new_secret()
    receiver = start_receiver(secret)
    body, headers = _signed(secret, message_id="msg_twice")

    first = httpx.post(receiver.url, content=body, headers=headers)
    second = httpx.post(receiver.url, content=body, headers=headers)

    assert (first.status_code, second.status_code) == (204, 200)
    assert len(_events_printed(capsys.readouterr().out)) == 1


@pytest.mark.django_db(transaction=True)  # the worker commits, as in production
def test_it_verifies_what_stratadesk_sends_and_ignores_a_replayed_delivery(
    world, start_receiver, capsys
):
    # Registered first, as with the console: the secret comes with the endpoint.
    admin = actor(world.ada)
    endpoint = webhooks.create_endpoint(
        admin, world.harbour, url="http://127.0.0.1:9/hooks", events=TICKET_EVENTS
    )
    receiver = start_receiver(endpoint.secret)
    webhooks.update_endpoint(admin, endpoint, url=receiver.url)

    ticket = world.raise_ticket()
    run_worker()
    delivery = WebhookDelivery.objects.get()
    webhooks.replay_delivery(admin, delivery)
    run_worker()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert [a.status_code for a in delivery.attempts.order_by("pk")] == [204, 200]
    assert _events_printed(capsys.readouterr().out) == [
        f"ticket.created: {ticket.reference} {ticket.title!r}"
    ]
