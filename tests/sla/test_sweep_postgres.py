"""Two sweeps at once on PostgreSQL over the same due tickets fire everything once.

The tickets are written in bulk (their clocks due an hour ago) so the race, not the
set-up, is what takes the time. A sweep that dies half way (here: one that stops
after a few clocks) loses nothing: the next sweep fires the rest, once.
"""

import os
import threading
from datetime import timedelta

import pytest
from django.db import connection

from stratadesk.core import clock
from stratadesk.sla import calendars, enforcement, services
from stratadesk.sla.models import SlaEvent, SlaPolicy, SlaTarget, TicketClock
from stratadesk.tickets.models import Ticket
from tests.notifications.support import emails_queued

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]

# The figure is 10,000; the suite keeps it smaller to stay quick. Set
# STRATADESK_SLA_RACE_TICKETS=10000 to run the full size.
TICKETS = int(os.environ.get("STRATADESK_SLA_RACE_TICKETS", "600"))


def _due_tickets(world, count):
    """`count` open tickets whose response breach fell due an hour ago."""
    calendar = calendars.always_open("24x7 race", "Australia/Sydney")
    policy = SlaPolicy.objects.create(
        client=world.harbour, name="Race", warning_fractions=[]
    )
    for priority in ("P1", "P2", "P3", "P4"):
        SlaTarget.objects.create(
            policy=policy,
            priority=priority,
            response_minutes=60,
            resolution_minutes=100_000,
            calendar=calendar,
        )
    created = clock.now() - timedelta(hours=2)
    first = world.raise_ticket(priority="P3")
    Ticket.objects.bulk_create(
        Ticket(
            number=first.number + offset,
            title=f"Race {offset}",
            description="Due.",
            priority="P3",
            client=world.harbour,
            requester=world.harry_contact,
            stage="request",
            channel="api",
            created_at=created,
            updated_at=created,
            stage_changed_at=created,
        )
        for offset in range(1, count)
    )
    first.created_at = created
    first.save(update_fields=["created_at"])
    for ticket in Ticket.objects.all():
        services.recompute(ticket)
    return Ticket.objects.count()


def _sweep_in_thread(results, index, limit=None):
    try:
        results[index] = enforcement.sweep(limit=limit)
    finally:
        connection.close()


def test_two_concurrent_sweeps_fire_every_breach_exactly_once(world):
    count = _due_tickets(world, TICKETS)
    assert TicketClock.objects.filter(next_check_at__lte=clock.now()).count() == count

    results = [0, 0]
    threads = [
        threading.Thread(target=_sweep_in_thread, args=(results, i)) for i in (0, 1)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)

    assert sum(results) == count
    assert SlaEvent.objects.filter(threshold="breach").count() == count
    assert len(emails_queued("sla_breached")) == count
    assert not TicketClock.objects.filter(next_check_at__lte=clock.now()).exists()


def test_a_sweep_cut_short_leaves_the_rest_for_the_next(world):
    count = _due_tickets(world, 50)

    cut_short = enforcement.sweep(limit=10)
    rest = enforcement.sweep()
    again = enforcement.sweep()

    assert (cut_short, rest, again) == (10, count - 10, 0)
    assert SlaEvent.objects.count() == count
