"""Each move's gate: what must be true before the ticket may move."""

from decimal import Decimal

import pytest

from stratadesk.core.errors import (
    TransitionNotAllowed,
    ValidationFailed,
)
from stratadesk.notifications.models import EmailDelivery
from stratadesk.svr.models import ServiceVerificationReport
from stratadesk.tickets import services
from stratadesk.tickets.models import Category
from tests.fixtures import actor
from tests.tickets import expected
from tests.tickets.state import actor_for, events_since, snapshot, tasks_since

IP = "203.0.113.9"
USER_AGENT = "Mozilla/5.0 test"

GATED = [(row.name, field) for row in expected.ROWS for field in row.required]


def _move(world, ticket, name, data, persona=None, **kwargs):
    persona = persona or expected.first_taker(name)
    return services.transition(actor_for(world, persona), ticket, name, data, **kwargs)


def _refused(world, ticket, name, data, persona=None):
    """Take a move expected to fail its gate; return the error, checking no writes."""
    before = snapshot(ticket)
    with pytest.raises(ValidationFailed) as refused:
        _move(world, ticket, name, data, persona)
    assert refused.value.code == "gate_failed"
    assert snapshot(ticket) == before
    return refused.value


# Required fields ----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "field"), GATED)
def test_it_refuses_a_move_missing_a_required_field(world, name, field):
    ticket = world.ticket_at(expected.BY_NAME[name].sources[0])
    data = expected.valid_data(name, world)
    del data[field]

    refused = _refused(world, ticket, name, data)

    assert list(refused.fields) == [field]


@pytest.mark.parametrize(("name", "field"), GATED)
def test_it_refuses_a_move_whose_required_field_is_blank(world, name, field):
    ticket = world.ticket_at(expected.BY_NAME[name].sources[0])
    data = {**expected.valid_data(name, world), field: "   "}

    refused = _refused(world, ticket, name, data)

    assert list(refused.fields) == [field]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("triage", {"priority": "P1"}),
        ("start", {"reason": "Eager."}),
        (
            "resolve",
            {
                "resolution_sumary": "Replaced the fuser.",
                "not_billable": True,
                "not_billable_reason": "Warranty.",
            },
        ),
    ],
)
def test_it_refuses_gate_fields_the_move_does_not_take(world, name, data):
    ticket = world.ticket_at(expected.BY_NAME[name].sources[0])
    unknown = next(key for key in data if key not in expected.valid_data(name, world))

    refused = _refused(world, ticket, name, data)

    assert refused.fields[unknown] == [f"{name} takes no field {unknown!r}."]


# Dismissing ---------------------------------------------------------------------------


def test_it_closes_a_duplicate_naming_the_ticket_it_duplicates(world):
    original = world.raise_ticket()
    ticket = world.ticket_at("triage")

    _move(world, ticket, "dismiss", {"close_reason": "duplicate", "duplicate_of": 1001})

    ticket.refresh_from_db()
    assert (ticket.stage, ticket.close_reason) == ("closed", "duplicate")
    assert ticket.duplicate_of == original
    assert ticket.closed_at is not None


@pytest.mark.parametrize("reference", ["T-1001", "t-1001", "1001", 1001])
def test_it_reads_the_duplicate_in_the_ways_people_write_it(world, reference):
    original = world.raise_ticket()
    ticket = world.raise_ticket()

    _move(
        world,
        ticket,
        "dismiss",
        {"close_reason": "duplicate", "duplicate_of": reference},
    )

    ticket.refresh_from_db()
    assert ticket.duplicate_of == original


def test_it_refuses_a_duplicate_without_the_ticket_it_duplicates(world):
    ticket = world.ticket_at("request")

    refused = _refused(world, ticket, "dismiss", {"close_reason": "duplicate"})

    assert refused.fields == {"duplicate_of": ["Name the ticket this one duplicates."]}


def test_it_refuses_a_ticket_duplicating_itself(world):
    ticket = world.ticket_at("request")

    refused = _refused(
        world,
        ticket,
        "dismiss",
        {"close_reason": "duplicate", "duplicate_of": ticket.reference},
    )

    assert refused.fields == {"duplicate_of": ["A ticket cannot duplicate itself."]}


@pytest.mark.parametrize("which", ["another_client", "unknown_number", "not_a_number"])
def test_it_refuses_a_duplicate_of_a_ticket_the_client_does_not_have(world, which):
    outback_ticket = world.raise_ticket(
        by=world.oscar, client=world.outback, requester=world.oscar_contact
    )
    ticket = world.ticket_at("triage")
    reference = {
        "another_client": outback_ticket.reference,
        "unknown_number": "T-9999",
        "not_a_number": "the printer one",
    }[which]

    refused = _refused(
        world,
        ticket,
        "dismiss",
        {"close_reason": "duplicate", "duplicate_of": reference},
    )

    assert refused.fields == {
        "duplicate_of": ["Name another ticket of the same client, e.g. T-1042."]
    }


def test_it_refuses_naming_a_duplicate_for_any_other_close_reason(world):
    world.raise_ticket()
    ticket = world.ticket_at("request")

    refused = _refused(
        world, ticket, "dismiss", {"close_reason": "spam", "duplicate_of": "T-1001"}
    )

    assert refused.fields == {
        "duplicate_of": ["Only a duplicate names another ticket."]
    }


def test_it_refuses_a_close_reason_that_is_not_for_dismissing(world):
    ticket = world.ticket_at("request")

    refused = _refused(world, ticket, "dismiss", {"close_reason": "svr_approved"})

    assert list(refused.fields) == ["close_reason"]


# Resolving ----------------------------------------------------------------------------


def test_it_refuses_to_resolve_without_work_or_a_not_billable_mark(world):
    ticket = world.ticket_at("in_progress")

    refused = _refused(
        world, ticket, "resolve", {"resolution_summary": "Replaced the fuser."}
    )

    assert list(refused.fields) == ["not_billable"]


def test_it_refuses_to_resolve_as_not_billable_without_a_reason(world):
    ticket = world.ticket_at("in_progress")

    refused = _refused(
        world,
        ticket,
        "resolve",
        {"resolution_summary": "Replaced the fuser.", "not_billable": True},
    )

    assert refused.fields == {
        "not_billable_reason": ["Say why this work is not billable."]
    }


@pytest.mark.parametrize("work", ["time", "materials"])
def test_it_resolves_once_time_or_materials_are_recorded(world, work):
    ticket = world.ticket_at("in_progress")
    if work == "time":
        services.log_time(
            actor(world.sam),
            ticket,
            minutes=30,
            work_date=ticket.created_at.date(),
            work_type="business_hours",
        )
    else:
        services.add_material(
            actor(world.sam),
            ticket,
            item="Fuser unit",
            quantity=Decimal("1"),
            unit_price=Decimal("189.00"),
        )

    _move(world, ticket, "resolve", {"resolution_summary": "Replaced the fuser."})

    ticket.refresh_from_db()
    assert (ticket.stage, ticket.not_billable) == ("resolved", False)
    assert ticket.resolution_summary == "Replaced the fuser."


def test_it_resolves_work_marked_not_billable_with_a_reason(world):
    ticket = world.ticket_at("pending_third_party")

    _move(world, ticket, "resolve", expected.valid_data("resolve", world))

    ticket.refresh_from_db()
    assert (ticket.stage, ticket.not_billable) == ("resolved", True)
    assert ticket.not_billable_reason == "Covered by the printer's warranty."


# Assigning ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alex", "harry", "ada"])
def test_it_refuses_an_assignee_who_is_not_support_or_operations(world, who):
    ticket = world.ticket_at("triage")
    data = {**expected.valid_data("assign", world), "assignee": getattr(world, who).pk}

    refused = _refused(world, ticket, "assign", data)

    assert refused.fields == {
        "assignee": ["The assignee must be an active Support or Operations user."]
    }


def test_it_refuses_an_inactive_assignee(world):
    world.sasha.is_active = False
    world.sasha.save()
    ticket = world.ticket_at("triage")
    data = {**expected.valid_data("assign", world), "assignee": world.sasha.pk}

    refused = _refused(world, ticket, "assign", data)

    assert list(refused.fields) == ["assignee"]


@pytest.mark.parametrize("who", ["sasha", "olivia"])
def test_it_assigns_to_a_support_or_operations_user(world, who):
    ticket = world.ticket_at("triage")
    assignee = getattr(world, who)
    data = {**expected.valid_data("assign", world), "assignee": assignee}

    _move(world, ticket, "assign", data)

    ticket.refresh_from_db()
    assert (ticket.stage, ticket.assignee) == ("assigned", assignee)


def test_it_refuses_an_inactive_category_by_id(world):
    retired = Category.objects.create(name="Fax machines", is_active=False)
    ticket = world.ticket_at("triage")
    data = {**expected.valid_data("assign", world), "category": retired.pk}

    refused = _refused(world, ticket, "assign", data)

    assert refused.fields == {"category": ["Choose an active category."]}


def test_it_refuses_an_inactive_category_given_as_an_object(world):
    retired = Category.objects.create(name="Fax machines", is_active=False)
    ticket = world.ticket_at("triage")
    data = {**expected.valid_data("assign", world), "category": retired}

    refused = _refused(world, ticket, "assign", data)

    assert refused.fields == {"category": ["Choose an active category."]}


# Issuing the SVR ----------------------------------------------------------------------


def test_it_issues_the_svr_to_the_clients_approvers(world):
    ticket = world.ticket_at("resolved")
    before = snapshot(ticket)

    _move(world, ticket, "issue_svr", {"work_summary": "Replaced the fuser unit."})

    ticket.refresh_from_db()
    [svr] = ticket.svrs.all()
    assert (ticket.stage, svr.version, svr.status) == ("svr_pending", 1, "pending")
    assert (svr.issued_by, svr.work_summary) == (
        world.olivia,
        "Replaced the fuser unit.",
    )
    assert list(svr.approvers.all()) == [world.hannah_contact]
    assert svr.content["total_minutes"] == 45
    assert svr.content["resolution"] == "Replaced the fuser."
    [task] = tasks_since(before).filter(task_path__endswith="send_email")
    delivery = EmailDelivery.objects.get(pk=task.args_kwargs["kwargs"]["delivery_id"])
    assert (delivery.to_address, delivery.template) == (
        "hannah@harbour.test",
        "svr_issued",
    )
    # And the document is rendered in the worker.
    [render] = tasks_since(before).filter(task_path__endswith="render_svr_pdf")
    assert render.args_kwargs["kwargs"] == {"svr_id": svr.pk}


@pytest.mark.parametrize("approver_state", ["not_an_approver", "inactive"])
def test_it_refuses_to_issue_an_svr_when_the_client_has_no_approver(
    world, approver_state
):
    ticket = world.ticket_at("resolved")
    if approver_state == "inactive":
        world.hannah_contact.is_active = False
    else:
        world.hannah_contact.is_approver = False
    world.hannah_contact.save()
    before = snapshot(ticket)

    with pytest.raises(ValidationFailed) as refused:
        _move(world, ticket, "issue_svr", {"work_summary": "Fuser."}, "operations")

    assert refused.value.code == "no_svr_approver"
    assert snapshot(ticket) == before


def test_it_refuses_support_an_svr_for_a_client_requiring_review(world):
    ticket = world.ticket_at("resolved")
    world.harbour.svr_review_required = True
    world.harbour.save()
    before = snapshot(ticket)

    with pytest.raises(TransitionNotAllowed) as refused:
        _move(world, ticket, "issue_svr", {"work_summary": "Fuser."}, expected.ASSIGNEE)

    # The rule is in the table, so the move is not even offered.
    assert "issue_svr" not in refused.value.message.split("Allowed from")[1]
    assert snapshot(ticket) == before


@pytest.mark.parametrize("persona", [expected.OPERATIONS, expected.ADMIN])
def test_it_lets_operations_issue_an_svr_for_a_client_requiring_review(world, persona):
    ticket = world.ticket_at("resolved")
    world.harbour.svr_review_required = True
    world.harbour.save()

    _move(world, ticket, "issue_svr", {"work_summary": "Fuser."}, persona)

    ticket.refresh_from_db()
    assert ticket.stage == "svr_pending"
    assert ticket.svrs.get().status == "pending"


# Deciding the SVR ---------------------------------------------------------------------


def test_it_records_the_approval_and_locks_the_svr(world):
    ticket = world.ticket_at("svr_pending")

    _move(
        world,
        ticket,
        "approve_svr",
        {"typed_name": "  Hannah Approver ", "declaration": "on"},
        ip=IP,
        user_agent=USER_AGENT,
    )

    ticket.refresh_from_db()
    svr = ticket.svrs.get()
    assert (ticket.stage, ticket.close_reason) == ("closed", "svr_approved")
    assert ticket.closed_at is not None
    assert (svr.status, svr.is_locked) == ("approved", True)
    assert (svr.typed_name, svr.decided_by) == ("Hannah Approver", world.hannah)
    assert (svr.decision_ip, svr.decision_user_agent) == (IP, USER_AGENT)
    assert svr.decided_at is not None


@pytest.mark.parametrize("declaration", [False, "false", "off", "0", 0])
def test_it_refuses_an_approval_without_the_declaration(world, declaration):
    ticket = world.ticket_at("svr_pending")
    data = {"typed_name": "Hannah Approver", "declaration": declaration}

    refused = _refused(world, ticket, "approve_svr", data)

    assert list(refused.fields) == ["declaration"]


@pytest.mark.parametrize("declaration", [["true"], {"value": True}])
def test_it_refuses_a_declaration_that_is_not_a_flag(world, declaration):
    ticket = world.ticket_at("svr_pending")
    data = {"typed_name": "Hannah Approver", "declaration": declaration}

    refused = _refused(world, ticket, "approve_svr", data)

    assert list(refused.fields) == ["declaration"]


def test_it_returns_a_rejected_svr_to_work_and_issues_version_two(world):
    ticket = world.ticket_at("svr_pending")
    first = ticket.svrs.get()

    ticket = _move(world, ticket, "reject_svr", {"reason": "Tray 2 still jams."})
    ticket.refresh_from_db()
    assert (ticket.stage, ticket.resolved_at) == ("in_progress", None)

    ticket = _move(world, ticket, "resolve", {"resolution_summary": "New tray 2."})
    ticket = _move(world, ticket, "issue_svr", {"work_summary": "Replaced tray 2."})

    ticket.refresh_from_db()
    assert ticket.stage == "svr_pending"
    old, new = ServiceVerificationReport.objects.filter(ticket=ticket)
    assert (old.pk, old.version, old.status) == (first.pk, 1, "rejected")
    assert (old.decision_reason, old.decided_by) == ("Tray 2 still jams.", world.hannah)
    assert (old.work_summary, old.content) == (first.work_summary, first.content)
    assert old.content_hash == first.content_hash
    assert (new.version, new.status, new.work_summary) == (
        2,
        "pending",
        "Replaced tray 2.",
    )
    assert new.content["resolution"] == "New tray 2."


def test_it_counts_each_rejection_as_its_own_svr_version(world):
    ticket = world.ticket_at("svr_pending")

    for attempt in range(2):
        ticket = _move(world, ticket, "reject_svr", {"reason": f"No ({attempt})."})
        ticket = _move(world, ticket, "resolve", {"resolution_summary": "Again."})
        ticket = _move(world, ticket, "issue_svr", {"work_summary": "Again."})

    statuses = list(ticket.svrs.values_list("version", "status"))
    assert statuses == [(1, "rejected"), (2, "rejected"), (3, "pending")]


# Field lengths ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "field", "limit"),
    [
        ("await_third_party", "third_party_name", 150),
        ("await_third_party", "third_party_ref", 100),
        ("resolve", "not_billable_reason", 300),
        ("approve_svr", "typed_name", 150),
    ],
)
def test_it_refuses_text_longer_than_its_column(world, name, field, limit):
    ticket = world.ticket_at(expected.BY_NAME[name].sources[0])
    data = {**expected.valid_data(name, world), field: "x" * (limit + 1)}

    refused = _refused(world, ticket, name, data)

    assert list(refused.fields) == [field]


def test_it_writes_no_audit_event_for_a_refused_gate(world):
    ticket = world.ticket_at("triage")
    before = snapshot(ticket)

    with pytest.raises(ValidationFailed):
        _move(world, ticket, "assign", {"priority": "P2"})

    assert list(events_since(before)) == []
