"""Time and materials over the API: staff only, the assignee logs, costs stay in."""

from decimal import Decimal

from stratadesk.tickets.models import MaterialEntry, TimeEntry
from tests.api.conftest import field_errors


def _time(ticket):
    return f"/api/v1/tickets/{ticket.number}/time-entries"


def _materials(ticket):
    return f"/api/v1/tickets/{ticket.number}/materials"


def test_it_lets_the_assignee_log_time_and_materials(world, as_staff):
    ticket = world.ticket_at("in_progress")
    sam = as_staff(world.sam)

    logged = sam.post(
        _time(ticket),
        {
            "minutes": 45,
            "work_date": ticket.created_at.date().isoformat(),
            "work_type": "business_hours",
        },
    )
    added = sam.post(
        _materials(ticket),
        {"item": "Fuser unit", "quantity": "1", "unit_price": "89.50"},
    )

    assert logged.status_code == 201
    assert logged.json()["minutes"] == 45
    assert added.status_code == 201
    assert MaterialEntry.objects.get().unit_price == Decimal("89.50")
    assert [e["minutes"] for e in sam.get(_time(ticket)).json()] == [45]


def test_it_refuses_an_engineer_not_assigned_and_changes_nothing(world, as_staff):
    ticket = world.ticket_at("in_progress")

    response = as_staff(world.sasha).post(
        _time(ticket),
        {
            "minutes": 30,
            "work_date": ticket.created_at.date().isoformat(),
            "work_type": "business_hours",
        },
    )

    assert response.status_code == 403
    assert not TimeEntry.objects.exists()


def test_it_never_shows_a_client_key_the_work_log(world, harbour):
    ticket = world.ticket_at("resolved")

    assert harbour.get(_time(ticket)).status_code == 404
    assert harbour.get(_materials(ticket)).status_code == 404
    assert harbour.post(_materials(ticket), {"item": "x"}).status_code in (
        403,
        404,
        422,
    )


def test_it_names_bad_work_fields(world, as_staff):
    ticket = world.ticket_at("in_progress")

    response = as_staff(world.sam).post(
        _time(ticket), {"minutes": 0, "work_type": "holiday", "colour": "red"}
    )

    assert response.status_code == 422
    assert {"minutes", "work_type", "work_date", "colour"} <= set(
        field_errors(response)
    )
