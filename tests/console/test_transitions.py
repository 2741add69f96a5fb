from django.urls import reverse

from stratadesk.core.models import AuditEvent
from stratadesk.tickets.models import Stage


def _post(client, ticket, name, version=None, **fields):
    data = {"version": ticket.version if version is None else version}
    data.update({f"{name}-{key}": value for key, value in fields.items()})
    url = reverse("console:ticket_transition", args=[ticket.number, name])
    return client.post(url, data)


def _snapshot(ticket):
    """What a refused move must leave exactly as it was."""
    ticket.refresh_from_db()
    events = AuditEvent.objects.filter(subject_id=str(ticket.pk)).count()
    return ticket.stage, ticket.version, ticket.assignee_id, events


def test_it_moves_a_ticket_with_a_button_and_flashes_success(world, login):
    ticket = world.raise_ticket()
    client = login(world.olivia)

    response = _post(client, ticket, "triage")

    assert response.status_code == 302
    assert response["Location"] == f"/console/tickets/{ticket.number}/"
    ticket.refresh_from_db()
    assert ticket.stage == Stage.TRIAGE
    page = client.get(response["Location"]).content.decode()
    assert f"{ticket.reference} moved to Triage." in page


def test_it_assigns_with_the_gate_fields_from_the_form(world, login):
    ticket = world.ticket_at("triage")

    response = _post(
        login(world.olivia),
        ticket,
        "assign",
        priority="P1",
        category=world.category.pk,
        assignee=world.sam.pk,
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.stage, ticket.priority, ticket.assignee) == (
        Stage.ASSIGNED,
        "P1",
        world.sam,
    )
    event = AuditEvent.objects.filter(action="ticket.transitioned").last()
    assert (event.actor, event.actor_role, event.channel) == (
        world.olivia,
        "operations",
        "console",
    )


def test_it_re_renders_a_missing_gate_field_and_changes_nothing(world, login):
    ticket = world.ticket_at("triage")
    before = _snapshot(ticket)

    response = _post(
        login(world.olivia), ticket, "assign", priority="P1", assignee=world.sam.pk
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "Assign needs more information." in html
    assert "Category is required." in html
    assert '<details class="move" open>' in html
    # The values already chosen are kept, so only the missing one needs filling in.
    assert '<option value="P1" selected>' in html
    assert f'<option value="{world.sam.pk}" selected>' in html
    assert _snapshot(ticket) == before


def test_it_shows_the_domain_rule_for_a_duplicate_without_its_original(world, login):
    ticket = world.raise_ticket()
    before = _snapshot(ticket)

    response = _post(login(world.olivia), ticket, "dismiss", close_reason="duplicate")

    assert response.status_code == 422
    assert "Name the ticket this one duplicates." in response.content.decode()
    assert _snapshot(ticket) == before


def test_it_refuses_a_stale_version_as_a_conflict_and_changes_nothing(world, login):
    ticket = world.ticket_at("assigned")
    seen = ticket.version
    world.move(ticket, "start", world.sam)
    before = _snapshot(ticket)

    response = _post(
        login(world.olivia), ticket, "hand_back", version=seen, reason="Wrong team"
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "was changed by someone else since you loaded it" in html
    assert "Wrong team" in html
    assert _snapshot(ticket) == before


def test_it_treats_a_missing_version_as_stale(world, login):
    ticket = world.raise_ticket()
    url = reverse("console:ticket_transition", args=[ticket.number, "triage"])

    response = login(world.olivia).post(url, {})

    assert response.status_code == 409
    ticket.refresh_from_db()
    assert ticket.stage == Stage.REQUEST


def test_it_refuses_support_acting_on_a_ticket_not_assigned_to_them(world, login):
    ticket = world.ticket_at("assigned")
    before = _snapshot(ticket)

    response = _post(login(world.sasha), ticket, "start")

    html = response.content.decode()
    assert response.status_code == 409
    assert "You cannot start work on" in html
    assert "No moves from Assigned are open to you." in html
    assert _snapshot(ticket) == before


def test_it_refuses_a_move_the_role_may_not_take(world, login):
    ticket = world.raise_ticket()
    before = _snapshot(ticket)

    response = _post(login(world.alex), ticket, "triage")

    assert response.status_code == 404  # Accounts cannot even see an open ticket.
    assert _snapshot(ticket) == before


def test_it_refuses_an_automatic_move_from_the_console(world, login):
    ticket = world.ticket_at("pending_client")
    before = _snapshot(ticket)

    response = _post(login(world.olivia), ticket, "client_replied")

    assert response.status_code == 409
    assert "is not a move you can take" in response.content.decode()
    assert _snapshot(ticket) == before


def test_it_refuses_an_unknown_move_naming_the_moves_open(world, login):
    ticket = world.raise_ticket()
    before = _snapshot(ticket)

    response = _post(login(world.olivia), ticket, "teleport")

    assert response.status_code == 409
    assert "Allowed from Request: triage" in response.content.decode()
    assert _snapshot(ticket) == before


def test_it_only_accepts_moves_by_post(world, login):
    ticket = world.raise_ticket()
    url = reverse("console:ticket_transition", args=[ticket.number, "triage"])

    assert login(world.olivia).get(url).status_code == 405
