from decimal import Decimal

from django.urls import reverse

from stratadesk.tickets.models import Comment, MaterialEntry, Stage, TimeEntry


def _post(client, ticket, what, prefix, **fields):
    url = reverse(f"console:ticket_{what}", args=[ticket.number])
    return client.post(url, {f"{prefix}-{k}": v for k, v in fields.items()})


def test_it_adds_an_internal_note(world, login):
    ticket = world.ticket_at("in_progress")

    response = _post(
        login(world.sam),
        ticket,
        "comment",
        "comment",
        body="Check the fuser",
        visibility="internal",
    )

    assert response.status_code == 302
    comment = Comment.objects.get(ticket=ticket)
    assert (comment.body, comment.is_public, comment.channel) == (
        "Check the fuser",
        False,
        "console",
    )


def test_it_sends_a_public_reply(world, login):
    ticket = world.ticket_at("in_progress")
    client = login(world.olivia)

    response = _post(
        client, ticket, "comment", "comment", body="On my way", visibility="public"
    )

    assert Comment.objects.get(ticket=ticket).is_public is True
    assert "Reply sent to the client." in client.get(response["Location"]).text


def test_it_re_renders_an_empty_comment_and_writes_nothing(world, login):
    ticket = world.ticket_at("in_progress")

    response = _post(
        login(world.sam), ticket, "comment", "comment", body="", visibility="public"
    )

    assert response.status_code == 422
    assert "This field is required." in response.text
    assert not Comment.objects.filter(ticket=ticket).exists()


def test_it_refuses_a_comment_from_support_not_assigned(world, login):
    ticket = world.ticket_at("in_progress")

    response = _post(
        login(world.sasha),
        ticket,
        "comment",
        "comment",
        body="Let me look",
        visibility="internal",
    )

    assert response.status_code == 403
    assert "Only the assignee, Operations or Admin may comment" in response.text
    assert not Comment.objects.filter(ticket=ticket).exists()


def test_it_logs_time(world, login):
    ticket = world.ticket_at("in_progress")

    response = _post(
        login(world.sam),
        ticket,
        "time",
        "time",
        minutes="35",
        work_date=ticket.created_at.date().isoformat(),
        work_type="travel",
        billable="on",
        note="Drove to site",
    )

    assert response.status_code == 302
    entry = TimeEntry.objects.get(ticket=ticket)
    assert (entry.minutes, entry.work_date, entry.work_type, entry.billable) == (
        35,
        ticket.created_at.date(),
        "travel",
        True,
    )
    assert entry.engineer == world.sam


def test_it_re_renders_zero_minutes_and_logs_nothing(world, login):
    ticket = world.ticket_at("in_progress")

    response = _post(
        login(world.sam),
        ticket,
        "time",
        "time",
        minutes="0",
        work_date=ticket.created_at.date().isoformat(),
        work_type="travel",
    )

    assert response.status_code == 422
    assert "greater than or equal to 1" in response.text
    assert not TimeEntry.objects.filter(ticket=ticket).exists()


def test_it_adds_a_material(world, login):
    ticket = world.ticket_at("in_progress")

    response = _post(
        login(world.olivia),
        ticket,
        "material",
        "material",
        item="Toner",
        quantity="2",
        unit_price="89.95",
    )

    assert response.status_code == 302
    entry = MaterialEntry.objects.get(ticket=ticket)
    assert (entry.item, entry.quantity, entry.unit_price, entry.billable) == (
        "Toner",
        Decimal("2.00"),
        Decimal("89.95"),
        False,
    )


def test_it_shows_the_service_refusal_for_work_on_a_frozen_ticket(world, login):
    ticket = world.ticket_at("svr_pending")

    response = _post(
        login(world.olivia),
        ticket,
        "time",
        "time",
        minutes="10",
        work_date=ticket.created_at.date().isoformat(),
        work_type="travel",
    )

    assert response.status_code == 422
    assert f"Time cannot be logged while {ticket.reference} is SVR Pending." in (
        response.text
    )
    assert TimeEntry.objects.filter(ticket=ticket).count() == 1
    ticket.refresh_from_db()
    assert ticket.stage == Stage.SVR_PENDING
