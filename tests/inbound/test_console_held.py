"""The console page where Operations accept or discard held email."""

from django.urls import reverse

from stratadesk.inbound.models import InboundMessage, Outcome
from stratadesk.inbound.services import receive
from stratadesk.tickets.models import Ticket
from tests.inbound.conftest import message


def _held():
    receive(message("unknown_sender.eml"), source="test")
    return InboundMessage.objects.get(outcome=Outcome.HELD)


def test_operations_accept_held_mail_as_a_ticket_for_a_contact(world, client):
    held = _held()
    client.force_login(world.olivia)

    page = client.get(reverse("console:inbound_held"))
    accepted = client.post(
        reverse("console:inbound_accept", args=[held.pk]),
        {f"accept-{held.pk}-contact": world.harry_contact.pk},
    )

    held.refresh_from_db()
    ticket = Ticket.objects.get(pk=held.ticket_id)
    assert held.sender in page.text
    assert accepted.status_code == 302
    assert held.outcome == Outcome.ACCEPTED
    assert (ticket.client, ticket.requester) == (world.harbour, world.harry_contact)


def test_operations_discard_it_once(world, client):
    held = _held()
    client.force_login(world.olivia)
    url = reverse("console:inbound_discard", args=[held.pk])

    client.post(url, {f"discard-{held.pk}-reason": "Spam"})
    again = client.post(url, follow=True)

    held.refresh_from_db()
    assert held.outcome == Outcome.DISCARDED
    assert "already decided" in again.text


def test_support_and_accounts_may_not_see_held_mail(world, client):
    held = _held()
    for who in (world.sam, world.alex):
        client.force_login(who)
        assert client.get(reverse("console:inbound_held")).status_code == 403
        posted = client.post(reverse("console:inbound_discard", args=[held.pk]))
        assert posted.status_code == 403
    held.refresh_from_db()
    assert held.outcome == Outcome.HELD
