"""The permission matrix, and an engineer an Admin limits to some clients."""

import pytest
from django.urls import reverse

from stratadesk.core.errors import PermissionDenied, ValidationFailed
from stratadesk.people.models import Role
from stratadesk.people.permissions import (
    API_CLIENT,
    EMAIL_CONTACT,
    MATRIX,
    Action,
    can,
)
from stratadesk.tickets import selectors, services
from tests.fixtures import actor


def test_it_gives_every_role_and_client_api_keys_a_row_of_known_actions():
    assert set(MATRIX) == {*Role.values, API_CLIENT, EMAIL_CONTACT}
    for actions in MATRIX.values():
        assert set(actions) <= set(Action)


def test_it_lets_only_clients_decide_svrs_and_only_admins_configure():
    deciders = {role for role, acts in MATRIX.items() if Action.DECIDE_SVR in acts}
    configurers = {role for role, acts in MATRIX.items() if Action.CONFIGURE in acts}

    # A client's system decides only in the name of a contact the SVR was issued to.
    assert deciders == {Role.CLIENT, API_CLIENT}
    assert configurers == {Role.ADMIN}


def test_it_refuses_everything_to_an_inactive_user(world):
    world.olivia.is_active = False

    assert not any(can(world.olivia, action) for action in Action)


@pytest.fixture
def limited(world):
    """Sasha works only for Outback Mining; Harbour Legal is none of her business."""
    world.sasha.limited_to_clients.set([world.outback])
    secret = world.raise_ticket(title="Partner salary spreadsheet corrupted")
    theirs = world.raise_ticket(
        by=world.oscar,
        client=world.outback,
        requester=world.oscar_contact,
        title="Conveyor sensor offline",
    )
    return secret, theirs


def test_it_hides_other_clients_tickets_from_a_limited_engineer(world, limited):
    _secret, theirs = limited

    assert list(selectors.visible_tickets(world.sasha)) == [theirs]
    assert selectors.visible_tickets(world.sam).count() == 2


def test_it_shows_a_limited_engineer_neither_subject_nor_count(world, limited, client):
    secret, _theirs = limited
    client.force_login(world.sasha)

    listing = client.get(reverse("console:ticket_list"))
    search = client.get(reverse("console:ticket_list"), {"q": "salary"})
    detail = client.get(reverse("console:ticket_detail", args=[secret.number]))

    assert "Partner salary" not in listing.text
    assert "Harbour Legal" not in listing.text
    assert "1 ticket" in listing.text
    assert "Partner salary" not in search.text
    assert detail.status_code == 404


def test_it_will_not_assign_a_limited_engineer_to_another_clients_ticket(
    world, limited
):
    secret, _ = limited
    ticket = world.move(secret, "triage", world.olivia)

    with pytest.raises(ValidationFailed) as error:
        world.move(
            ticket,
            "assign",
            world.olivia,
            priority="P3",
            category=world.category.pk,
            assignee=world.sasha.pk,
        )

    assert "may not work for this client" in error.value.fields["assignee"][0]


def test_it_stops_an_engineer_working_a_ticket_after_being_limited(world):
    ticket = world.ticket_at("in_progress")  # assigned to Sam
    world.sam.limited_to_clients.set([world.outback])

    with pytest.raises(PermissionDenied):
        services.add_comment(actor(world.sam), ticket, "Still on it", public=False)
    assert services.allowed_transitions(actor(world.sam), ticket) == []


def test_it_lets_a_limited_engineer_raise_tickets_only_for_allowed_clients(world):
    world.sasha.limited_to_clients.set([world.outback])

    with pytest.raises(PermissionDenied):
        world.raise_ticket(by=world.sasha)
    ticket = world.raise_ticket(
        by=world.sasha, client=world.outback, requester=world.oscar_contact
    )

    assert ticket.client == world.outback


def test_it_refuses_another_organisations_contact_as_watcher_or_requester(world):
    from stratadesk.tickets.models import Ticket

    ticket = world.raise_ticket()

    with pytest.raises(ValidationFailed) as watcher:
        services.add_watcher(actor(world.olivia), ticket, world.oscar_contact)
    with pytest.raises(ValidationFailed) as requester:
        world.raise_ticket(by=world.olivia, requester=world.oscar_contact)

    assert watcher.value.status == requester.value.status == 422
    assert not ticket.watchers.exists()
    assert Ticket.objects.count() == 1


def test_it_lets_a_colleague_follow_a_ticket(world):
    ticket = world.raise_ticket()

    services.add_watcher(actor(world.harry), ticket, world.hannah_contact)

    assert list(ticket.watchers.all()) == [world.hannah_contact]
