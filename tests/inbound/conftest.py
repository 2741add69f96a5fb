"""Inbound mail as it arrives: real messages kept as files, and the notification
each reply answers.

The messages in messages/ reply to a notification about Harry's printer ticket that
was sent with Reply-To support+HARRY_TOKEN@stratadesk.test and Message-ID
NOTIFICATION_ID; `notified` records that notification as the outbound side will.
"""

from pathlib import Path

import pytest

from stratadesk.core.models import AuditEvent
from stratadesk.inbound import addresses
from stratadesk.inbound.models import ReplyToken
from stratadesk.tickets.models import Attachment, Comment, Ticket

MESSAGES = Path(__file__).parent / "messages"
SUPPORT = "support@stratadesk.test"
HARRY_TOKEN = "harrytokenharrytokenharrytoken22"
NOTIFICATION_ID = "<ticket-1001.5e1f0c2a9b7d4e3f8a6b1c0d@stratadesk.test>"


@pytest.fixture(autouse=True)
def _mail_settings(settings, tmp_path):
    settings.INBOUND_ADDRESS = SUPPORT
    settings.MEDIA_ROOT = tmp_path


def message(name: str) -> bytes:
    return (MESSAGES / name).read_bytes()


@pytest.fixture
def notified(world):
    """Record that Harry was notified about `ticket`, by token and Message-ID."""

    def notify(ticket, contact=None):
        contact = contact or world.harry_contact
        ReplyToken.objects.create(
            digest=addresses.digest(HARRY_TOKEN), ticket=ticket, contact=contact
        )
        addresses.record_outbound(NOTIFICATION_ID, ticket, contact)
        return ticket

    return notify


def state(ticket) -> dict:
    """What a message may change about a ticket, and about tickets at all."""
    ticket = Ticket.objects.get(pk=ticket.pk)
    return {
        "stage": ticket.stage,
        "version": ticket.version,
        "comments": Comment.objects.filter(ticket=ticket).count(),
        "attachments": Attachment.objects.filter(ticket=ticket).count(),
        "tickets": Ticket.objects.count(),
        "ticket_audit": AuditEvent.objects.filter(subject_type="ticket").count(),
    }
