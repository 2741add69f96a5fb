"""Twenty copies of one POST at the same instant, on twenty PostgreSQL connections.

Exactly one creates the ticket; every other copy either replays its answer or is told
the first is still running. Nothing is created, audited or emailed twice.
"""

import json
import threading

import pytest
from django.db import connection
from django.test import Client
from django_tasks_db.models import DBTaskResult

from stratadesk.api.models import IdempotencyRecord
from stratadesk.core.models import AuditEvent
from stratadesk.sla.models import TicketClock
from stratadesk.tickets.models import Ticket
from tests.api.conftest import NEW_TICKET
from tests.notifications.support import SEND_EMAIL

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]

COPIES = 20


def _post_together(secret, bodies):
    """POST each body at once from its own thread; returns (status, replayed)."""
    barrier = threading.Barrier(len(bodies))
    answers = [None] * len(bodies)

    def send(index, body):
        try:
            barrier.wait(timeout=10)
            response = Client().post(
                "/api/v1/tickets",
                json.dumps(body),
                content_type="application/json",
                headers={
                    "Authorization": f"Bearer {secret}",
                    "Idempotency-Key": "itsm-create-5521",
                },
            )
            answers[index] = (
                response.status_code,
                response.get("Idempotent-Replayed") == "true",
                response.json(),
            )
        finally:
            connection.close()

    threads = [
        threading.Thread(target=send, args=(index, body))
        for index, body in enumerate(bodies)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    return answers


def test_it_creates_exactly_one_ticket_from_twenty_concurrent_copies(world, client_key):
    _, secret = client_key()

    answers = _post_together(secret, [NEW_TICKET] * COPIES)

    fresh = [a for a in answers if a[0] == 201 and not a[1]]
    replayed = [a for a in answers if a[0] == 201 and a[1]]
    running = [a for a in answers if a[0] == 409]
    assert len(fresh) == 1, [a[:2] for a in answers]
    assert len(fresh) + len(replayed) + len(running) == COPIES
    assert all(a[2] == fresh[0][2] for a in replayed)
    assert all(a[2]["code"] == "idempotency_in_flight" for a in running)

    assert Ticket.objects.count() == 1
    assert AuditEvent.objects.filter(action="ticket.created").count() == 1
    assert DBTaskResult.objects.filter(task_path=SEND_EMAIL).count() == 1
    assert IdempotencyRecord.objects.count() == 1
    # One ticket's SLA record: its response and resolution clocks.
    assert TicketClock.objects.count() == 2


def test_it_refuses_a_concurrent_copy_with_another_body(world, client_key):
    _, secret = client_key()
    other = {**NEW_TICKET, "title": "Something else entirely"}

    answers = _post_together(secret, [NEW_TICKET] * 5 + [other])

    statuses = [a[0] for a in answers]
    assert Ticket.objects.count() == 1
    created = Ticket.objects.get()
    if created.title == other["title"]:
        # The odd one out won the race; then the five copies are the mismatch.
        assert statuses[:5] == [422] * 5
    else:
        assert statuses[5] == 422
        assert answers[5][2]["code"] == "idempotency_key_reused"
