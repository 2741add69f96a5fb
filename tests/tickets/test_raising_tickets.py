"""The (new) -> Request row: who may raise a ticket and what it needs."""

import pytest
from django_tasks_db.models import DBTaskResult

from stratadesk.clients.models import Site
from stratadesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from stratadesk.core.models import AuditEvent
from stratadesk.tickets import services
from stratadesk.tickets.models import Ticket
from tests.tickets import expected
from tests.tickets.state import actor_for, user_for

RAISERS = [
    expected.REQUESTER,
    expected.APPROVER,
    expected.OPERATIONS,
    expected.ASSIGNEE,
    expected.OTHER_SUPPORT,
    expected.ADMIN,
    expected.SYSTEM,  # the API key acts as the system
]
ROLES = {
    expected.REQUESTER: ("client", "portal"),
    expected.APPROVER: ("client", "portal"),
    expected.OPERATIONS: ("operations", "console"),
    expected.ASSIGNEE: ("support", "console"),
    expected.OTHER_SUPPORT: ("support", "console"),
    expected.ADMIN: ("admin", "console"),
    expected.SYSTEM: ("system", "system"),
}


def _raise(world, persona, **fields):
    values = {
        "client": world.harbour,
        "title": "Printer on level 3 jams",
        "description": "Every second page jams since Monday.",
        "requester": world.harry_contact,
        **fields,
    }
    return services.create_ticket(actor_for(world, persona), **values)


def _nothing_raised():
    return (
        Ticket.objects.count(),
        AuditEvent.objects.count(),
        DBTaskResult.objects.count(),
    ) == (0, 0, 0)


@pytest.mark.parametrize("persona", RAISERS)
def test_it_lets_clients_and_msp_staff_raise_a_ticket(world, persona):
    ticket = _raise(world, persona)

    ticket.refresh_from_db()
    role, channel = ROLES[persona]
    assert (ticket.number, ticket.stage, ticket.version) == (1001, "request", 1)
    assert ticket.priority == "P3"
    assert ticket.channel == channel
    creator = None if persona == expected.SYSTEM else user_for(world, persona)
    assert ticket.created_by == creator
    [event] = AuditEvent.objects.all()
    assert (event.action, event.actor_role, event.channel) == (
        "ticket.created",
        role,
        channel,
    )
    assert (event.from_stage, event.to_stage) == ("", "request")
    assert DBTaskResult.objects.count() == 1


@pytest.mark.parametrize("persona", [expected.OUTSIDER, expected.ACCOUNTS])
def test_it_refuses_a_ticket_from_outsiders_and_accounts(world, persona):
    with pytest.raises(PermissionDenied):
        _raise(world, persona)

    assert _nothing_raised()


def test_it_lets_a_client_raise_a_ticket_for_its_own_organisation(world):
    ticket = _raise(
        world,
        expected.OUTSIDER,
        client=world.outback,
        requester=world.oscar_contact,
    )

    assert (ticket.client, ticket.requester) == (world.outback, world.oscar_contact)


def test_it_numbers_tickets_one_after_another(world):
    first = _raise(world, expected.REQUESTER)
    second = _raise(world, expected.OPERATIONS)

    assert (first.reference, second.reference) == ("T-1001", "T-1002")


def test_it_takes_the_priority_from_the_clients_settings(world):
    world.harbour.default_priority = "P1"
    world.harbour.save()

    defaulted = _raise(world, expected.REQUESTER)
    chosen = _raise(world, expected.OPERATIONS, priority="P4")

    assert (defaulted.priority, chosen.priority) == ("P1", "P4")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "   "),
        ("title", "x" * 201),
        ("description", ""),
        ("description", "  \n "),
        ("requester", None),
        ("priority", "P9"),
    ],
)
def test_it_refuses_a_ticket_missing_what_the_gate_needs(world, field, value):
    with pytest.raises(ValidationFailed) as refused:
        _raise(world, expected.OPERATIONS, **{field: value})

    assert list(refused.value.fields) == [field]
    assert _nothing_raised()


def test_it_refuses_a_requester_from_another_client(world):
    with pytest.raises(ValidationFailed) as refused:
        _raise(world, expected.OPERATIONS, requester=world.oscar_contact)

    assert list(refused.value.fields) == ["requester"]
    assert _nothing_raised()


def test_it_refuses_an_inactive_requester(world):
    world.harry_contact.is_active = False
    world.harry_contact.save()

    with pytest.raises(ValidationFailed) as refused:
        _raise(world, expected.OPERATIONS)

    assert list(refused.value.fields) == ["requester"]
    assert _nothing_raised()


def test_it_refuses_a_site_of_another_client(world):
    mine_site = Site.objects.create(client=world.outback, name="Kalgoorlie pit")

    with pytest.raises(ValidationFailed) as refused:
        _raise(world, expected.OPERATIONS, site=mine_site)

    assert list(refused.value.fields) == ["site"]
    assert _nothing_raised()


def test_it_refuses_a_second_ticket_with_the_same_external_ref(world):
    first = _raise(world, expected.SYSTEM, external_ref="CRM-88")

    with pytest.raises(Conflict) as refused:
        _raise(world, expected.SYSTEM, external_ref="CRM-88")

    assert refused.value.code == "duplicate_external_ref"
    assert refused.value.data == {"ticket_number": first.number}
    assert list(Ticket.objects.all()) == [first]


def test_it_refuses_an_external_ref_longer_than_the_column(world):
    with pytest.raises(ValidationFailed) as refused:
        _raise(world, expected.SYSTEM, external_ref="R" * 101)

    assert list(refused.value.fields) == ["external_ref"]
