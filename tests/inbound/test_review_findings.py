"""Inbound and notification cases a review found wrong once, pinned here."""

from email.message import EmailMessage

import pytest

from stratadesk.inbound.models import InboundMessage, Outcome
from stratadesk.inbound.services import receive
from stratadesk.notifications.models import EmailDelivery, NotificationRule
from stratadesk.tickets import services
from stratadesk.tickets.models import Comment, Ticket
from tests.fixtures import actor
from tests.inbound.conftest import HARRY_TOKEN, SUPPORT


def _mail(subject, body="Please help.", to=SUPPORT, **headers):
    message = EmailMessage()
    message["From"] = "Harry Requester <harry@harbour.test>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{abs(hash((subject, body, to)))}@harbour.test>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


@pytest.mark.parametrize(
    "subject",
    [
        "Out of office message needs setting up for Jane",
        "On leave from Monday - please disable my account",
        "Auto-reply not working in Outlook",
    ],
)
def test_a_request_about_out_of_office_is_a_request(world, subject):
    receive(_mail(subject), source="test")

    record = InboundMessage.objects.get()
    assert record.outcome == Outcome.RAISED
    assert Ticket.objects.filter(title=subject).exists()


@pytest.mark.parametrize(
    "subject", ["Automatische Antwort: Drucker", "Réponse automatique : Drucker"]
)
def test_foreign_auto_reply_subjects_are_known(world, subject):
    receive(_mail(subject), source="test")

    assert InboundMessage.objects.get().outcome == Outcome.IGNORED
    assert not Ticket.objects.exists()


def test_only_quoted_history_with_a_file_posts_the_file_not_the_quote(world, notified):
    ticket = notified(world.ticket_at("in_progress"))
    message = EmailMessage()
    message["From"] = "Harry Requester <harry@harbour.test>"
    message["To"] = SUPPORT.replace("@", f"+{HARRY_TOKEN}@")
    message["Subject"] = f"Re: [{ticket.reference}] {ticket.title}"
    message["Message-ID"] = "<quoted-only@harbour.test>"
    message.set_content(
        "On Mon, 2 Mar 2026, Desk <desk@x.test> wrote:\n> Which tray?\n"
    )
    message.add_attachment(b"tray", maintype="text", subtype="plain", filename="t.txt")

    receive(message.as_bytes(), source="test")

    comment = Comment.objects.filter(ticket=ticket).latest("pk")
    assert comment.body == "(Sent 1 file by email.)"


def test_with_sharing_off_a_rule_never_mails_another_contacts_ticket(world):
    world.harbour.contacts_see_all_tickets = False
    world.harbour.save()
    NotificationRule.objects.create(
        client=world.harbour, event="public_comment", audience="approvers", email=True
    )
    ticket = world.ticket_at("in_progress")

    services.add_comment(actor(world.sam), ticket, "Payroll password reset done.")

    told = EmailDelivery.objects.filter(event="public_comment")
    assert "hannah@harbour.test" not in {d.to_address for d in told}


def test_a_contact_writing_by_email_is_not_mailed_their_own_reply(world):
    from stratadesk.people.actors import Actor
    from tests.fixtures import make_contact

    nina = make_contact(world.harbour, "Nina Nologin", "nina@harbour.test")
    NotificationRule.objects.create(
        client=world.harbour, event="public_comment", audience="requester", email=True
    )
    ticket = world.raise_ticket(requester=nina, by=world.olivia)

    services.add_comment(Actor.for_contact(nina), ticket, "Here is the serial.")

    told = EmailDelivery.objects.filter(event="public_comment")
    assert "nina@harbour.test" not in {d.to_address for d in told}
