"""POST /api/v1/tickets/{id}/transitions: moving a ticket under the same rules."""

from stratadesk.core.models import AuditEvent
from stratadesk.tickets.models import Ticket
from tests.api.conftest import field_errors, problem


def _url(ticket):
    return f"/api/v1/tickets/{ticket.number}/transitions"


def test_it_moves_a_ticket_and_audits_it_as_the_tokens_user(world, as_staff):
    ticket = world.raise_ticket()

    response = as_staff(world.olivia).post(_url(ticket), {"to": "triage"})

    assert response.status_code == 200
    assert response.json()["stage"] == "triage"
    event = AuditEvent.objects.get(action="ticket.transitioned")
    assert (event.actor_id, event.channel, event.to_stage) == (
        world.olivia.pk,
        "api",
        "triage",
    )


def test_it_takes_the_gate_fields_beside_to(world, as_staff):
    ticket = world.ticket_at("triage")

    response = as_staff(world.olivia).post(
        _url(ticket),
        {
            "to": "assigned",
            "priority": "P2",
            "category": world.category.pk,
            "assignee": world.sam.pk,
        },
    )

    assert response.status_code == 200
    ticket.refresh_from_db()
    assert (ticket.stage, ticket.assignee) == ("assigned", world.sam)


def test_it_names_each_missing_gate_field_and_changes_nothing(world, as_staff):
    ticket = world.ticket_at("triage")

    response = as_staff(world.olivia).post(_url(ticket), {"to": "assigned"})

    assert response.status_code == 422
    assert {"priority", "category", "assignee"} <= set(field_errors(response))
    ticket.refresh_from_db()
    assert ticket.stage == "triage"


def test_it_refuses_an_unknown_gate_field(world, as_staff):
    ticket = world.raise_ticket()

    response = as_staff(world.olivia).post(
        _url(ticket), {"to": "triage", "colour": "red"}
    )

    assert response.status_code == 422
    assert "colour" in field_errors(response)


def test_it_refuses_a_move_not_in_the_table_naming_the_allowed_ones(world, as_staff):
    ticket = world.raise_ticket()

    response = as_staff(world.olivia).post(_url(ticket), {"to": "resolved"})

    assert response.status_code == 409
    body = problem(response)
    assert body["code"] == "transition_not_allowed"
    assert "triage" in body["detail"].lower()
    assert Ticket.objects.get(pk=ticket.pk).stage == "request"


def test_it_refuses_a_stale_version_as_a_conflict(world, as_staff):
    ticket = world.raise_ticket()
    olivia = as_staff(world.olivia)

    response = olivia.post(
        _url(ticket), {"to": "triage", "version": ticket.version - 1}
    )

    assert response.status_code == 409
    assert problem(response)["code"] == "stale_ticket"
    assert Ticket.objects.get(pk=ticket.pk).stage == "request"


def test_it_lets_a_client_system_withdraw_its_ticket(world, harbour):
    ticket = world.raise_ticket()

    response = harbour.post(_url(ticket), {"to": "closed", "reason": "Fixed itself"})

    assert response.status_code == 200
    assert response.json()["stage"] == "closed"


def test_it_refuses_a_client_system_staff_moves(world, harbour):
    ticket = world.raise_ticket()

    response = harbour.post(_url(ticket), {"to": "triage"})

    assert response.status_code == 409
    assert Ticket.objects.get(pk=ticket.pk).stage == "request"


def test_it_refuses_support_moving_a_ticket_assigned_to_someone_else(world, as_staff):
    ticket = world.ticket_at("assigned")

    response = as_staff(world.sasha).post(_url(ticket), {"to": "in_progress"})

    assert response.status_code in (403, 409)
    assert Ticket.objects.get(pk=ticket.pk).stage == "assigned"


def test_it_answers_404_for_another_organisations_ticket(world, outback):
    ticket = world.raise_ticket()

    response = outback.post(_url(ticket), {"to": "closed", "reason": "x"})

    assert response.status_code == 404
    assert Ticket.objects.get(pk=ticket.pk).stage == "request"


def test_it_refuses_a_body_that_is_not_an_object(world, as_staff):
    ticket = world.raise_ticket()

    response = as_staff(world.olivia).post(_url(ticket), raw='["triage"]')

    assert response.status_code == 422
