"""Every event through the rules: who is told, by which channel, and only once."""

from types import SimpleNamespace

import pytest
from django.core import mail

from stratadesk.notifications.dispatch import notify
from stratadesk.notifications.models import (
    EmailDelivery,
    Notice,
    NotificationRule,
    WebhookDelivery,
)
from stratadesk.notifications.rules import DEFAULT_RULES, install_defaults
from stratadesk.notifications.tasks import send_email
from stratadesk.tickets import services
from tests.fixtures import actor
from tests.notifications.support import run_worker


def _told(template=None):
    deliveries = EmailDelivery.objects.order_by("to_address")
    if template is not None:
        deliveries = deliveries.filter(template=template)
    return [delivery.to_address for delivery in deliveries]


def _noticed(event):
    return sorted(Notice.objects.filter(event=event).values_list("user__username"))


def _rule(world, event, audience, **fields):
    return NotificationRule.objects.create(
        client=world.harbour, event=event, audience=audience, **fields
    )


def test_by_default_a_new_ticket_tells_its_requester_and_operations(world):
    world.raise_ticket()

    assert _told() == ["harry@harbour.test"]
    assert _noticed("ticket_created") == [("harry",), ("olivia",)]


def test_a_rule_changed_by_an_admin_changes_who_is_told(world):
    install_defaults(world.harbour)
    NotificationRule.objects.filter(
        client=world.harbour, event="ticket_created", audience="requester"
    ).delete()
    _rule(world, "ticket_created", "approvers", in_app=True)
    _rule(world, "ticket_created", "staff_user", user=world.ada, in_app=False)

    world.raise_ticket()

    assert _told() == ["ada@example.test", "hannah@harbour.test"]
    assert _noticed("ticket_created") == [("hannah",), ("olivia",)]


def test_a_client_with_rules_of_its_own_is_not_told_by_the_defaults(world):
    _rule(world, "ticket_created", "approvers", email=False, in_app=False)

    world.raise_ticket()

    assert EmailDelivery.objects.count() == Notice.objects.count() == 0


def test_a_new_client_gets_a_copy_of_the_defaults(world):
    from stratadesk.clients.services import create_client

    client = create_client(
        actor(world.ada), name="Coral Dental", slug="coral", state="QLD"
    )

    assert client.notification_rules.count() == len(DEFAULT_RULES)


def test_a_move_to_pending_client_asks_the_requester_once(world):
    ticket = world.ticket_at("in_progress")
    assert _told("ticket_assigned") == ["sam@example.test"]

    world.move(ticket, "await_client", world.sam, message="Which tray jams?")

    [asked] = EmailDelivery.objects.filter(template="ticket_pending_client")
    assert "Which tray jams?" in asked.body_text
    assert asked.to_address == "harry@harbour.test"
    # The question went with the move: the comment is not told a second time.
    assert not EmailDelivery.objects.filter(template="ticket_commented").exists()


def test_a_public_reply_is_noticed_by_the_other_side_only(world):
    ticket = world.ticket_at("in_progress")
    Notice.objects.all().delete()

    services.add_comment(actor(world.sam), ticket, "New fuser ordered.")

    assert _noticed("public_comment") == [("harry",)]
    [notice] = Notice.objects.all()
    assert notice.link == f"/portal/tickets/{ticket.number}/"


def test_an_internal_note_reaches_no_client_by_any_channel(world):
    _rule(world, "public_comment", "requester", in_app=True)
    _rule(world, "public_comment", "watchers", in_app=True)
    _rule(world, "public_comment", "webhooks")
    ticket = world.ticket_at("in_progress")
    before = (EmailDelivery.objects.count(), Notice.objects.count())

    services.add_comment(
        actor(world.sam), ticket, "Out of warranty, costs us $80.", public=False
    )

    assert (EmailDelivery.objects.count(), Notice.objects.count()) == before
    assert not WebhookDelivery.objects.filter(event_type="ticket.commented").exists()
    everything = [d.body_text + d.body_html for d in EmailDelivery.objects.all()]
    assert not any("warranty" in text for text in everything)


def test_a_staff_email_pointed_at_a_client_becomes_a_plain_update(world):
    ticket = world.ticket_at("in_progress")
    _rule(world, "sla_breached", "requester")

    notify("sla_breached", ticket, key="x", kind="Resolution", due_at=None, moment="m")

    [delivery] = EmailDelivery.objects.filter(event="sla_breached")
    assert (delivery.to_address, delivery.template) == (
        "harry@harbour.test",
        "ticket_update",
    )
    assert "target" not in delivery.body_text and "console" not in delivery.body_text


def test_an_svr_is_issued_to_its_approvers_and_decided_to_the_engineer(world):
    ticket = world.ticket_at("svr_pending")
    assert _told("svr_issued") == ["hannah@harbour.test"]

    world.move(ticket, "reject_svr", world.hannah, reason="Tray 2 still jams.")

    assert _told("svr_decided") == ["sam@example.test"]
    assert _noticed("svr_decided") == [("sam",)]


def test_an_invoice_is_told_to_the_billing_contacts(world):
    world.harry_contact.is_billing = True
    world.harry_contact.save()
    invoice = SimpleNamespace(
        pk=7,
        reference_number="INV-0007",
        document_title="Tax invoice",
        tax_invoice=True,
        total=110,
        gst_total=10,
        issue_date=None,
        due_date=None,
    )

    notify("invoice_issued", client=world.harbour, key=invoice.pk, invoice=invoice)

    [delivery] = EmailDelivery.objects.all()
    assert delivery.to_address == "harry@harbour.test"
    assert delivery.subject.startswith("Tax invoice INV-0007: $110.00")
    assert delivery.headers["Auto-Submitted"] == "auto-generated"


def test_an_event_told_twice_reaches_each_recipient_once(world):
    ticket = world.raise_ticket()
    first = EmailDelivery.objects.count(), Notice.objects.count()

    again = notify("ticket_created", ticket, key=ticket.pk)

    assert again["emails"] == again["notices"] == 0
    assert (EmailDelivery.objects.count(), Notice.objects.count()) == first


def test_the_client_email_carries_threading_and_its_own_reply_address(world):
    ticket = world.ticket_at("pending_client")

    [delivery] = EmailDelivery.objects.filter(template="ticket_pending_client")
    headers = delivery.headers
    assert headers["Message-ID"].startswith(f"<ticket-{ticket.number}.")
    assert headers["In-Reply-To"] == headers["References"]
    assert headers["X-Stratadesk-Loop"] == str(ticket.number)
    assert headers["Reply-To"].startswith("support+")

    send_email.call(delivery_id=delivery.pk)

    [message] = mail.outbox
    assert message.extra_headers["Message-ID"] == headers["Message-ID"]
    assert message.reply_to == [headers["Reply-To"]]
    [(html, kind)] = message.alternatives
    assert kind == "text/html"
    assert "<p>" in html and ticket.reference in html
    assert ticket.reference in message.subject


def test_a_branded_client_gets_its_portal_name_and_colour_in_the_html(world):
    from stratadesk.clients.models import PortalBranding

    PortalBranding.objects.create(
        client=world.harbour,
        portal_name="Harbour Legal IT",
        brand_colour="#0b5394",
        footer_text="Level 9, 1 Macquarie Place",
    )

    world.raise_ticket()

    [delivery] = EmailDelivery.objects.all()
    assert "Harbour Legal IT" in delivery.body_html
    assert "#0b5394" in delivery.body_html
    assert "Level 9, 1 Macquarie Place" in delivery.body_html
    assert "Harbour Legal IT" in delivery.body_text


@pytest.mark.django_db(transaction=True)
def test_a_rerun_of_the_worker_sends_nothing_twice(world):
    world.ticket_at("pending_client")

    run_worker()
    sent = len(mail.outbox)
    for delivery in EmailDelivery.objects.all():
        send_email.call(delivery_id=delivery.pk)
    run_worker()

    assert len(mail.outbox) == sent == EmailDelivery.objects.count()
    assert set(EmailDelivery.objects.values_list("status", flat=True)) == {"sent"}
