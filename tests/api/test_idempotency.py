"""Idempotency-Key: a retried POST gets the first answer and changes nothing more."""

import json
from datetime import timedelta

import pytest
import time_machine
from django_tasks_db.models import DBTaskResult

from stratadesk.api import idempotency
from stratadesk.api.models import IdempotencyRecord, IdempotencyState
from stratadesk.core import clock
from stratadesk.core.models import AuditEvent
from stratadesk.tickets.models import Ticket
from tests.api.conftest import NEW_TICKET, field_errors, problem
from tests.notifications.support import SEND_EMAIL

TICKETS = "/api/v1/tickets"


def test_it_replays_the_first_answer_and_creates_nothing_more(harbour):
    first = harbour.post(TICKETS, NEW_TICKET, key="create-7f3a")

    again = harbour.post(TICKETS, NEW_TICKET, key="create-7f3a")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Ticket.objects.count() == 1
    assert AuditEvent.objects.filter(action="ticket.created").count() == 1
    assert DBTaskResult.objects.filter(task_path=SEND_EMAIL).count() == 1


def test_it_sees_the_same_json_written_differently_as_the_same_request(harbour):
    harbour.post(TICKETS, NEW_TICKET, key="k-1")
    # The same fields in another order, with other spacing.
    reordered = json.dumps(dict(reversed(NEW_TICKET.items())), indent=4)

    again = harbour.post(TICKETS, raw=reordered, key="k-1")

    assert again["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1


def test_it_refuses_the_same_key_with_another_body(harbour):
    harbour.post(TICKETS, NEW_TICKET, key="k-2")

    other = harbour.post(TICKETS, {**NEW_TICKET, "title": "Other"}, key="k-2")

    assert other.status_code == 422
    assert problem(other)["code"] == "idempotency_key_reused"
    assert Ticket.objects.count() == 1


def test_it_answers_409_while_the_first_request_is_still_running(harbour, world):
    owner, fingerprint = _claim_of(harbour, NEW_TICKET)
    IdempotencyRecord.objects.create(
        owner=owner,
        key="k-3",
        fingerprint=fingerprint,
        method="POST",
        path=TICKETS,
        state=IdempotencyState.IN_FLIGHT,
        created_at=clock.now(),
        expires_at=clock.now() + idempotency.RETENTION,
    )

    response = harbour.post(TICKETS, NEW_TICKET, key="k-3")

    assert response.status_code == 409
    assert problem(response)["code"] == "idempotency_in_flight"
    assert not Ticket.objects.exists()


def test_it_takes_over_a_claim_left_by_a_crashed_process(harbour, world):
    stale = clock.now() - idempotency.IN_FLIGHT_TIMEOUT - timedelta(seconds=1)
    owner, fingerprint = _claim_of(harbour, NEW_TICKET)
    IdempotencyRecord.objects.create(
        owner=owner,
        key="k-4",
        fingerprint=fingerprint,
        method="POST",
        path=TICKETS,
        state=IdempotencyState.IN_FLIGHT,
        created_at=stale,
        expires_at=stale + idempotency.RETENTION,
    )

    response = harbour.post(TICKETS, NEW_TICKET, key="k-4")

    assert response.status_code == 201
    assert Ticket.objects.count() == 1


def test_it_keeps_each_organisations_keys_apart(harbour, outback):
    mine = harbour.post(TICKETS, NEW_TICKET, key="shared-key")
    theirs = outback.post(TICKETS, NEW_TICKET, key="shared-key")

    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs
    assert mine.json()["id"] != theirs.json()["id"]


def test_it_replays_for_a_rotated_key_of_the_same_organisation(as_key, world):
    first_key = as_key()
    second_key = as_key()

    first_key.post(TICKETS, NEW_TICKET, key="k-5")
    again = second_key.post(TICKETS, NEW_TICKET, key="k-5")

    assert again["Idempotent-Replayed"] == "true"


def test_it_replays_a_refusal_too(harbour):
    first = harbour.post(TICKETS, {**NEW_TICKET, "title": ""}, key="k-6")

    again = harbour.post(TICKETS, {**NEW_TICKET, "title": ""}, key="k-6")

    assert first.status_code == again.status_code == 422
    assert again["Idempotent-Replayed"] == "true"
    assert again["Content-Type"] == "application/problem+json"


def test_it_forgets_a_key_after_24_hours(harbour):
    harbour.post(TICKETS, NEW_TICKET, key="k-7")

    with time_machine.travel(clock.now() + timedelta(hours=24, seconds=1)):
        later = harbour.post(TICKETS, {**NEW_TICKET, "title": "Next day"}, key="k-7")

    assert later.status_code == 201
    assert Ticket.objects.count() == 2


def test_it_purges_records_past_their_retention(harbour):
    harbour.post(TICKETS, NEW_TICKET, key="k-8")

    with time_machine.travel(clock.now() + timedelta(hours=25)):
        assert idempotency.purge_expired() == 1
    assert not IdempotencyRecord.objects.exists()


def test_it_refuses_an_unusable_key_header(harbour):
    response = harbour.post(TICKETS, NEW_TICKET, key="x" * 256)

    assert response.status_code == 422
    assert "Idempotency-Key" in field_errors(response)
    assert not Ticket.objects.exists()


def test_it_runs_a_post_without_a_key_every_time(harbour):
    harbour.post(TICKETS, NEW_TICKET)
    harbour.post(TICKETS, NEW_TICKET)

    assert Ticket.objects.count() == 2


@pytest.mark.parametrize("blank", ["", "   ", "\t"])
def test_it_treats_a_blank_key_header_as_no_key(harbour, blank):
    first = harbour.post(TICKETS, NEW_TICKET, key=blank)
    second = harbour.post(TICKETS, NEW_TICKET, key=blank)

    assert first.status_code == second.status_code == 201
    assert "Idempotent-Replayed" not in second
    assert Ticket.objects.count() == 2
    assert not IdempotencyRecord.objects.exists()


def _claim_of(caller, body):
    """(owner, fingerprint) as the server computes them, from a real request."""
    caller.post(TICKETS, body, key="probe")
    record = IdempotencyRecord.objects.get(key="probe")
    Ticket.objects.all().delete()
    return record.owner, record.fingerprint


def test_it_never_replays_to_a_key_with_fewer_scopes(harbour, as_key):
    reader = as_key(scopes=["tickets:read"])
    harbour.post(TICKETS, NEW_TICKET, key="k-9")

    replay = reader.post(TICKETS, NEW_TICKET, key="k-9")

    assert replay.status_code == 403
    assert "Idempotent-Replayed" not in replay
