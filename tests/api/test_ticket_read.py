"""Reading tickets: lists with filters and cursors, one ticket, its history."""

from datetime import timedelta

import pytest

from stratadesk.core import clock
from stratadesk.tickets import services
from tests.api.conftest import field_errors, problem
from tests.fixtures import actor

TICKETS = "/api/v1/tickets"


def test_it_lists_only_the_keys_own_organisations_tickets(world, harbour, outback):
    mine = world.raise_ticket()
    theirs = world.raise_ticket(
        by=world.oscar,
        client=world.outback,
        requester=world.oscar_contact,
        title="Haul truck telemetry offline",
    )

    listed = harbour.get(TICKETS).json()["results"]
    their_list = outback.get(TICKETS).json()["results"]

    assert [item["id"] for item in listed] == [mine.number]
    assert [item["id"] for item in their_list] == [theirs.number]
    assert theirs.title not in str(listed)


def test_it_filters_by_stage_priority_and_external_ref(world, harbour):
    triaged = world.ticket_at("triage")
    world.raise_ticket(external_ref="INC-9", priority="P1")

    by_stage = harbour.get(TICKETS, {"stage": "triage"}).json()["results"]
    by_ref = harbour.get(TICKETS, {"external_ref": "INC-9"}).json()["results"]
    by_priority = harbour.get(TICKETS, {"priority": "P1"}).json()["results"]

    assert [item["id"] for item in by_stage] == [triaged.number]
    assert [item["external_ref"] for item in by_ref] == ["INC-9"]
    assert [item["priority"] for item in by_priority] == ["P1"]


def test_it_filters_by_updated_since_an_instant_with_offset(world, harbour):
    old = world.raise_ticket()
    cut = clock.now() + timedelta(seconds=1)
    old.updated_at = cut - timedelta(hours=1)
    old.save(update_fields=["updated_at"])
    fresh = world.raise_ticket()
    fresh.updated_at = cut + timedelta(minutes=1)
    fresh.save(update_fields=["updated_at"])

    listed = harbour.get(TICKETS, {"updated_since": cut.isoformat()}).json()

    assert [item["id"] for item in listed["results"]] == [fresh.number]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"stage": "done"}, "stage"),
        ({"priority": "urgent"}, "priority"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"updated_since": "2026-12-01T09:00:00"}, "updated_since"),
        ({"page_size": "0"}, "page_size"),
        ({"colour": "blue"}, "colour"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_it_refuses_bad_filters_by_name(world, harbour, params, field):
    response = harbour.get(TICKETS, params)

    assert response.status_code == 422
    assert field in field_errors(response)


def test_it_pages_with_cursors_that_walk_every_ticket_once(world, harbour):
    numbers = {world.raise_ticket().number for _ in range(5)}

    seen, url, params = [], TICKETS, {"page_size": "2"}
    while url:
        page = harbour.get(url, params).json()
        seen += [item["id"] for item in page["results"]]
        url, params = page["next"], None

    assert sorted(seen, reverse=True) == seen
    assert set(seen) == numbers
    assert len(seen) == len(numbers)


def test_it_reads_a_ticket_with_the_callers_moves_and_no_staff_fields(world, harbour):
    ticket = world.ticket_at("svr_pending")

    body = harbour.get(f"{TICKETS}/{ticket.number}").json()

    assert body["stage"] == "svr_pending"
    assert "staff" not in body
    assert [clock["kind"] for clock in body["sla"]] == ["response", "resolution"]
    assert body["assignee"] == {"name": "Sam"}


def test_it_shows_staff_their_moves_and_the_staff_fields(world, as_staff):
    ticket = world.ticket_at("triage")

    body = as_staff(world.olivia).get(f"{TICKETS}/{ticket.number}").json()

    assign = next(m for m in body["allowed_transitions"] if m["name"] == "assign")
    assert assign["to"] == "assigned"
    assert {field["name"] for field in assign["fields"]} >= {"assignee", "priority"}
    assert "staff" in body


def test_it_answers_another_organisations_ticket_exactly_like_a_missing_one(
    world, outback
):
    ticket = world.raise_ticket()

    theirs = outback.get(f"{TICKETS}/{ticket.number}")
    missing = outback.get(f"{TICKETS}/99999")

    assert theirs.status_code == missing.status_code == 404
    assert _shape(problem(theirs)) == _shape(problem(missing))


def test_it_hides_tickets_from_an_engineer_limited_to_other_clients(world, as_staff):
    world.sasha.limited_to_clients.set([world.outback])
    ticket = world.raise_ticket(title="Partner salary spreadsheet")
    sasha = as_staff(world.sasha)

    listed = sasha.get(TICKETS)
    one = sasha.get(f"{TICKETS}/{ticket.number}")

    assert "Partner salary" not in listed.content.decode()
    assert one.status_code == 404


def test_it_shows_accounts_only_closed_tickets(world, as_staff):
    open_ticket = world.raise_ticket()
    closed = world.ticket_at("closed")
    alex = as_staff(world.alex)

    listed = [item["id"] for item in alex.get(TICKETS).json()["results"]]

    assert listed == [closed.number]
    assert alex.get(f"{TICKETS}/{open_ticket.number}").status_code == 404


def test_it_gives_a_client_the_public_history_only(world, harbour, as_staff):
    ticket = world.ticket_at("in_progress")
    services.add_comment(actor(world.sam), ticket, "Client is difficult", public=False)
    services.add_comment(actor(world.sam), ticket, "On my way", public=True)

    client_events = harbour.get(f"{TICKETS}/{ticket.number}/events").json()
    staff_events = as_staff(world.olivia).get(f"{TICKETS}/{ticket.number}/events")

    types = [event["type"] for event in client_events]
    assert "ticket.created" in types
    assert types.count("ticket.commented") == 1
    assert "Client is difficult" not in str(client_events)
    assert all("actor" not in event for event in client_events)
    assert len(staff_events.json()) > len(client_events)
    assert "actor" in staff_events.json()[0]


def _shape(body):
    return {k: v for k, v in body.items() if k not in ("request_id", "instance")}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cursor": "cD1hYmM="}, "cursor"),
        ({"updated_since": "0001-01-01T00:00:00+14:00"}, "updated_since"),
        ({"updated_since": "9999-12-31T23:59:59-14:00"}, "updated_since"),
    ],
)
def test_it_refuses_cursors_and_instants_that_decode_to_nothing(
    world, harbour, params, field
):
    world.raise_ticket()

    response = harbour.get(TICKETS, params)

    assert response.status_code == 422
    assert field in field_errors(response)
