"""A client answers a Pending Client email by replying; the engineer sees it."""

from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import pytest
from playwright.sync_api import expect

from stratadesk.inbound import services as inbound
from stratadesk.notifications.models import EmailDelivery
from stratadesk.tickets.models import Stage

pytestmark = pytest.mark.browser


def _reply_to(delivery) -> bytes:
    """Harry's mail client answering the notification, as RFC 5322 bytes."""
    reply = EmailMessage()
    reply["From"] = "Harry Requester <harry@harbour.test>"
    reply["To"] = delivery.headers["Reply-To"]
    reply["Subject"] = f"Re: {delivery.subject}"
    reply["Date"] = formatdate(localtime=False)
    reply["Message-ID"] = make_msgid(domain="harbour.test")
    reply["In-Reply-To"] = delivery.headers["Message-ID"]
    reply["References"] = (
        f"{delivery.headers['References']} {delivery.headers['Message-ID']}"
    )
    quoted = "\n".join(f"> {line}" for line in delivery.body_text.splitlines())
    reply.set_content(
        f"It is tray 2, on double-sided jobs only.\n\nOn Monday you wrote:\n{quoted}\n"
    )
    return bytes(reply)


def test_a_client_replies_by_email_and_the_engineer_sees_it_in_the_console(
    world, page, log_in
):
    ticket = world.ticket_at("in_progress")
    world.move(ticket, "await_client", world.sam, message="Which tray jams?")
    [asked] = EmailDelivery.objects.filter(template="ticket_pending_client")
    assert asked.to_address == "harry@harbour.test"

    received = inbound.receive(
        _reply_to(asked), source="test", recipients=[asked.headers["Reply-To"]]
    )

    assert received.outcome == "commented"
    ticket.refresh_from_db()
    assert ticket.stage == Stage.IN_PROGRESS

    log_in(world.sam)
    # The bell counts the unread notice of Harry's reply.
    expect(page.locator(".bell__count")).not_to_have_text("0")
    page.goto(f"/console/tickets/{ticket.number}/")
    expect(page.locator(".ticket-head").get_by_text("In Progress")).to_be_visible()
    reply = page.get_by_text("It is tray 2, on double-sided jobs only.")
    expect(reply.first).to_be_visible()
    expect(page.get_by_text("On Monday you wrote")).to_have_count(0)

    page.goto("/console/notices/")
    page.get_by_role("button", name=f"{ticket.reference}").first.click()
    expect(page).to_have_url(f"/console/tickets/{ticket.number}/")
