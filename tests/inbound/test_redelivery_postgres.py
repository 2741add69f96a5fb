"""One message delivered eight times at the same instant, on eight connections.

A provider retrying while the mailbox poller reads the same mail: exactly one copy
is processed; the others find its record and change nothing.
"""

import threading

import pytest
from django.db import connection

from stratadesk.core.models import AuditEvent
from stratadesk.inbound.models import InboundMessage
from stratadesk.inbound.services import receive
from stratadesk.tickets.models import Ticket
from tests.inbound.conftest import message

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]

COPIES = 8


def test_a_message_delivered_at_once_on_many_connections_lands_once(world):
    raw = message("new_request.eml")
    barrier = threading.Barrier(COPIES)
    records = [None] * COPIES

    def deliver(index):
        try:
            barrier.wait(timeout=10)
            records[index] = receive(raw, source=f"copy-{index}").pk
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(i,)) for i in range(COPIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(set(records)) == 1 and records[0] is not None
    assert InboundMessage.objects.count() == 1
    assert Ticket.objects.count() == 1
    assert AuditEvent.objects.filter(action="ticket.created").count() == 1
