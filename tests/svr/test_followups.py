"""SVR reminders and auto-approval: on the client's business days, once each."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from stratadesk.core.models import AuditEvent
from stratadesk.notifications.tasks import send_email
from stratadesk.sla.calendars import business_hours
from stratadesk.svr import followups
from stratadesk.svr.models import ServiceVerificationReport, SvrStatus
from stratadesk.tickets.models import Stage
from tests.notifications.support import emails_queued

SYDNEY = ZoneInfo("Australia/Sydney")
# Christmas Eve, a Thursday. Then Christmas, a weekend, and Boxing Day observed on
# Monday 28 December in NSW: the first business day after is Tuesday 29.
ISSUED = datetime(2026, 12, 24, 10, 0, tzinfo=SYDNEY)
SECOND_BUSINESS_DAY = datetime(2026, 12, 30, 10, 0, tzinfo=SYDNEY)
THIRD_BUSINESS_DAY = datetime(2026, 12, 31, 10, 0, tzinfo=SYDNEY)
MINUTE = 60


@pytest.fixture
def harbour(world):
    client = world.harbour
    client.business_calendar = business_hours(
        "Harbour hours", "Australia/Sydney", "NSW"
    )
    client.svr_reminder_days = 2
    client.svr_auto_approve_days = 3
    client.save()
    return client


def _issued(world, traveller):
    traveller.move_to(ISSUED)
    ticket = world.ticket_at("svr_pending")
    return ticket, ServiceVerificationReport.objects.get(ticket=ticket)


def test_due_instants_skip_the_clients_holidays_and_weekend(world, harbour):
    with time_machine.travel(ISSUED, tick=False) as traveller:
        _, svr = _issued(world, traveller)

    assert svr.reminder_due_at == SECOND_BUSINESS_DAY
    assert svr.auto_approve_due_at == THIRD_BUSINESS_DAY


def test_the_reminder_fires_once_when_due_with_the_pdf(
    world, harbour, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(ISSUED, tick=False) as traveller:
        ticket, _ = _issued(world, traveller)

        traveller.move_to(SECOND_BUSINESS_DAY.timestamp() - MINUTE)
        early = followups.sweep()
        traveller.move_to(SECOND_BUSINESS_DAY)
        due = followups.sweep()
        again = followups.sweep()

    assert early == {"reminded": 0, "auto_approved": 0, "completed": 0}
    assert due == {"reminded": 1, "auto_approved": 0, "completed": 0}
    assert again == {"reminded": 0, "auto_approved": 0, "completed": 0}
    [reminder] = emails_queued("svr_reminder")
    assert reminder["to"] == ["hannah@harbour.test"]
    assert f"/portal/tickets/{ticket.number}/svr/1/" in reminder["body"]

    send_email.call(delivery_id=reminder["delivery_id"])
    [message] = mail.outbox
    [(name, content, kind)] = message.attachments
    assert name == f"{ticket.reference}-svr-v1.pdf"
    assert kind == "application/pdf" and content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="svr.reminded").count() == 1


def test_auto_approval_closes_the_ticket_once_and_says_so(world, harbour):
    with time_machine.travel(ISSUED, tick=False) as traveller:
        ticket, svr = _issued(world, traveller)

        traveller.move_to(THIRD_BUSINESS_DAY.timestamp() - MINUTE)
        early = followups.sweep()
        traveller.move_to(THIRD_BUSINESS_DAY)
        due = followups.sweep()
        again = followups.sweep()

    svr.refresh_from_db()
    ticket.refresh_from_db()
    # The reminder was due first and goes in the same sweep, before the approval.
    assert early == {"reminded": 1, "auto_approved": 0, "completed": 0}
    assert due == {"reminded": 0, "auto_approved": 1, "completed": 0}
    assert again == {"reminded": 0, "auto_approved": 0, "completed": 0}
    assert svr.status == SvrStatus.AUTO_APPROVED
    assert ticket.stage == Stage.CLOSED
    assert ticket.close_reason == "svr_auto_approved"
    moved = AuditEvent.objects.get(action="ticket.transitioned", to_stage="closed")
    assert moved.data["transition"] == "auto_approve_svr"
    assert moved.actor is None and moved.actor_role == "system"


def test_auto_approval_is_off_unless_the_client_turns_it_on(world):
    with time_machine.travel(ISSUED, tick=False) as traveller:
        ticket, svr = _issued(world, traveller)
        traveller.move_to(datetime(2027, 3, 1, tzinfo=SYDNEY))
        done = followups.sweep()

    ticket.refresh_from_db()
    assert svr.auto_approve_due_at is None
    assert done == {"reminded": 1, "auto_approved": 0, "completed": 0}
    assert ticket.stage == Stage.SVR_PENDING


def test_a_decided_svr_is_neither_reminded_nor_auto_approved(world, harbour):
    with time_machine.travel(ISSUED, tick=False) as traveller:
        ticket, _ = _issued(world, traveller)
        world.move(ticket, "reject_svr", world.hannah, reason="Still jams.")
        traveller.move_to(datetime(2027, 1, 20, tzinfo=SYDNEY))
        done = followups.sweep()

    assert done == {"reminded": 0, "auto_approved": 0, "completed": 0}
    assert emails_queued("svr_reminder") == []
