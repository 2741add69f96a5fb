"""POST /api/v1/tickets: raising a ticket from a client's system or a staff script."""

from datetime import datetime

import pytest

from stratadesk.clients.models import Contact
from stratadesk.core.models import AuditEvent
from stratadesk.tickets.models import Ticket
from tests.api.conftest import NEW_TICKET, field_errors, problem
from tests.notifications.support import emails_queued

TICKETS = "/api/v1/tickets"


def test_it_creates_a_ticket_with_its_location_and_the_moves_open(world, harbour):
    response = harbour.post(TICKETS, NEW_TICKET)

    assert response.status_code == 201
    body = response.json()
    ticket = Ticket.objects.get(number=body["id"])
    assert response["Location"] == f"http://127.0.0.1:8000/api/v1/tickets/{body['id']}"
    assert body["stage"] == "request"
    assert body["client"] == "harbour-legal"
    assert body["priority"] == world.harbour.default_priority
    assert body["requester"] == {
        "name": "Harry Requester",
        "email": "harry@harbour.test",
    }
    assert [move["name"] for move in body["allowed_transitions"]] == ["withdraw"]
    assert "staff" not in body
    assert ticket.channel == "api"
    assert datetime.fromisoformat(body["created_at"]).utcoffset() is not None


def test_it_audits_the_creation_as_the_key_and_acknowledges_the_requester(
    world, harbour
):
    number = harbour.post(TICKETS, NEW_TICKET).json()["id"]

    ticket = Ticket.objects.get(number=number)
    event = AuditEvent.objects.get(action="ticket.created", subject_id=str(ticket.pk))
    assert event.channel == "api"
    assert event.actor_label.startswith("API key ITSM bridge")
    assert event.request_id
    assert [mail["to"] for mail in emails_queued("ticket_created")] == [
        ["harry@harbour.test"]
    ]


def test_it_adds_an_unknown_requester_as_a_contact_of_the_keys_organisation(
    world, harbour
):
    body = {**NEW_TICKET, "requester": "new.starter@harbour.test"}

    response = harbour.post(TICKETS, {**body, "requester_name": "Nia Starter"})

    assert response.status_code == 201
    contact = Contact.objects.get(email="new.starter@harbour.test")
    assert contact.client == world.harbour
    assert contact.name == "Nia Starter"


def test_it_never_files_a_ticket_under_another_organisations_contact(world, outback):
    # Harry is Harbour Legal's; Outback's key naming him gets Outback's own contact.
    response = outback.post(TICKETS, NEW_TICKET)

    ticket = Ticket.objects.get(number=response.json()["id"])
    assert ticket.client == world.outback
    assert ticket.requester.client == world.outback
    assert ticket.requester != world.harry_contact


def test_it_refuses_a_client_key_naming_another_client(world, outback):
    response = outback.post(TICKETS, {**NEW_TICKET, "client": "harbour-legal"})

    assert response.status_code == 422
    assert "client" in field_errors(response)
    assert not Ticket.objects.exists()


def test_it_answers_409_with_the_existing_ticket_for_a_repeated_external_ref(
    harbour,
):
    first = harbour.post(TICKETS, {**NEW_TICKET, "external_ref": "INC-4471"})

    again = harbour.post(TICKETS, {**NEW_TICKET, "external_ref": "INC-4471"})

    assert again.status_code == 409
    body = problem(again)
    assert body["code"] == "duplicate_external_ref"
    assert body["ticket_url"] == first["Location"]
    assert Ticket.objects.count() == 1


def test_it_lets_two_organisations_use_the_same_external_ref(harbour, outback):
    first = harbour.post(TICKETS, {**NEW_TICKET, "external_ref": "INC-1"})
    second = outback.post(TICKETS, {**NEW_TICKET, "external_ref": "INC-1"})

    assert first.status_code == second.status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"description": None}, "description"),
        ({"requester": "not-an-email"}, "requester"),
        ({"priority": "P9"}, "priority"),
        ({"category": "Plumbing"}, "category"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_it_refuses_bad_fields_by_name_and_changes_nothing(harbour, change, field):
    response = harbour.post(TICKETS, {**NEW_TICKET, **change})

    assert response.status_code == 422
    assert field in field_errors(response)
    assert not Ticket.objects.exists()
    assert not AuditEvent.objects.filter(action="ticket.created").exists()


def test_it_answers_malformed_json_with_400(harbour):
    response = harbour.post(TICKETS, raw='{"title": "half')

    assert response.status_code == 400
    assert problem(response)["code"] == "malformed_body"


def test_it_answers_a_form_body_with_415(harbour):
    response = harbour.post(
        TICKETS, raw="title=x", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 415
    assert problem(response)["code"] == "unsupported_media_type"


def test_it_answers_an_oversized_body_with_413_before_reading_it(harbour, settings):
    settings.API_MAX_BODY_BYTES = 2048

    response = harbour.post(TICKETS, {**NEW_TICKET, "description": "x" * 4000})

    assert response.status_code == 413
    assert problem(response)["code"] == "payload_too_large"
    assert not Ticket.objects.exists()


def test_it_refuses_a_key_without_the_write_scope(as_key):
    reader = as_key(scopes=["tickets:read"])

    response = reader.post(TICKETS, NEW_TICKET)

    assert response.status_code == 403
    assert not Ticket.objects.exists()


def test_it_lets_operations_raise_for_a_named_client(world, as_staff):
    response = as_staff(world.olivia).post(
        TICKETS, {**NEW_TICKET, "client": "harbour-legal", "priority": "P1"}
    )

    assert response.status_code == 201
    body = response.json()
    assert body["priority"] == "P1"
    assert "staff" in body


def test_it_asks_staff_to_name_the_client(world, as_staff):
    response = as_staff(world.olivia).post(TICKETS, NEW_TICKET)

    assert response.status_code == 422
    assert "client" in field_errors(response)


def test_it_refuses_accounts_raising_tickets(world, as_staff):
    response = as_staff(world.alex).post(
        TICKETS, {**NEW_TICKET, "client": "harbour-legal"}
    )

    assert response.status_code == 403
    assert not Ticket.objects.exists()
