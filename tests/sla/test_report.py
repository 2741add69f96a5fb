"""The SLA report per client and month."""

from datetime import date, timedelta

import time_machine

from stratadesk.sla import calendars, enforcement, reports
from stratadesk.tickets import services
from tests.fixtures import actor
from tests.notifications.support import MONDAY
from tests.sla.conftest import HOURS


def test_it_counts_met_and_breached_with_mean_and_90th_percentile(
    world, policy_for, client
):
    calendar = calendars.always_open("24x7 report", "Australia/Sydney")
    policy_for(world.harbour, calendar, P3=(HOURS, 8 * HOURS))
    answered_after = [10, 20, 30, 90]  # minutes; the last one is late
    for minutes in answered_after:
        with time_machine.travel(MONDAY, tick=False):
            ticket = world.raise_ticket(priority="P3")
        with time_machine.travel(MONDAY + timedelta(minutes=minutes), tick=False):
            if minutes > 60:
                enforcement.sweep()
            services.add_comment(actor(world.olivia), ticket, "Looking now.")

    response, resolution = reports.client_month(world.harbour, date(2026, 3, 1))

    assert (response.met, response.breached, response.open) == (3, 1, 0)
    assert response.compliance == 75.0
    assert response.mean == timedelta(minutes=37, seconds=30)
    assert response.p90 == timedelta(minutes=90)
    assert (resolution.met, resolution.open) == (0, 4)

    client.force_login(world.olivia)
    page = client.get(
        "/console/reports/sla/", {"client": world.harbour.pk, "month": "2026-03"}
    )
    assert b"75.0 %" in page.content
    assert b"1 h 30 min" in page.content


def test_it_keeps_the_report_to_operations_and_admins(world, client):
    for who, status in ((world.sam, 403), (world.alex, 403), (world.ada, 200)):
        client.force_login(who)

        assert client.get("/console/reports/sla/").status_code == status


def test_it_counts_tickets_closed_by_svr_but_not_closures_without_work(world):
    from stratadesk.sla.models import TicketClock

    calendar = calendars.always_open("24x7 closes", "Australia/Sydney")
    with time_machine.travel(MONDAY, tick=False):
        verified = world.ticket_at("closed")
        spam = world.raise_ticket()
        world.move(spam, "dismiss", world.olivia, close_reason="spam")
    TicketClock.objects.update(calendar=calendar)

    response, _ = reports.client_month(world.harbour, date(2026, 3, 1))

    assert verified.close_reason == "svr_approved"
    assert response.met + response.breached + response.open == 1
