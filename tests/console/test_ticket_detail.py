from decimal import Decimal

from django.urls import reverse

from stratadesk.tickets import services
from tests.fixtures import actor


def _url(ticket):
    return reverse("console:ticket_detail", args=[ticket.number])


def _page(client, ticket):
    response = client.get(_url(ticket))
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_the_ticket_fields_requester_client_and_assignee(world, login):
    ticket = world.ticket_at("in_progress")

    html = _page(login(world.olivia), ticket)

    assert f"{ticket.reference}</span> Printer on level 3 jams" in html
    assert "Every second page jams since Monday." in html
    assert "Harbour Legal" in html
    assert "Harry Requester" in html
    assert "harry@harbour.test" in html
    assert "Hardware" in html
    assert "P2 High" in html
    assert "In Progress" in html
    assert "<dt>Assignee</dt><dd>Sam</dd>" in html


def test_it_answers_a_missing_ticket_with_404(world, login):
    assert login(world.olivia).get("/console/tickets/999999/").status_code == 404


def test_it_tells_internal_notes_from_public_replies(world, login):
    ticket = world.ticket_at("in_progress")
    services.add_comment(actor(world.sam), ticket, "Fuser looks worn", public=False)
    services.add_comment(actor(world.sam), ticket, "On my way", public=True)

    html = _page(login(world.olivia), ticket)

    note = _entry_holding(html, "Fuser looks worn")
    reply = _entry_holding(html, "On my way")
    assert 'class="entry entry--internal"' in note
    assert '<span class="tag">Internal note</span>' in note
    assert 'class="entry entry--public"' in reply
    assert '<span class="tag">Public reply</span>' in reply


def _entry_holding(html, text):
    """The timeline entry (<li>...</li>) whose body holds `text`."""
    at = html.index(text)
    return html[html.rindex("<li", 0, at) : html.index("</li>", at)]


def test_it_shows_stage_changes_with_actor_role_channel_and_reason(world, login):
    ticket = world.ticket_at("assigned")
    world.move(ticket, "hand_back", world.sam, reason="Needs a printer specialist")

    html = _page(login(world.olivia), ticket)

    assert "Assign: Triage → Assigned" in html
    assert "Olivia (Operations) via Console" in html
    assert "Hand back to triage: Assigned → Triage" in html
    assert "Sam (Support) via Console" in html
    assert "Reason: Needs a printer specialist" in html
    assert "Raised in Request" in html
    assert "harry (Client) via Portal" in html


def test_it_totals_time_and_materials(world, login):
    ticket = world.ticket_at("in_progress")
    services.log_time(
        actor(world.sam),
        ticket,
        minutes=50,
        work_date=ticket.created_at.date(),
        work_type="after_hours",
        billable=False,
    )
    services.log_time(
        actor(world.sam),
        ticket,
        minutes=40,
        work_date=ticket.created_at.date(),
        work_type="business_hours",
    )
    for item, price, billable in [("Fuser unit", "1200.00", True), ("Cable", "5.5", 0)]:
        services.add_material(
            actor(world.sam),
            ticket,
            item=item,
            quantity=Decimal("2"),
            unit_price=Decimal(price),
            billable=bool(billable),
        )

    html = _page(login(world.olivia), ticket)

    assert "1 h 30 min, of which 40 min billable" in html
    assert "$2,400.00" in html
    assert "$2,411.00" in html
    assert "$2,400.00 billable" in html
    assert "After hours" in html


def test_it_lists_svr_versions(world, login):
    ticket = world.ticket_at("svr_pending")

    html = _page(login(world.olivia), ticket)

    assert "Version 1: Awaiting approval" in html
    assert "Fuser." in html


def test_it_offers_operations_the_moves_and_work_forms(world, login):
    ticket = world.ticket_at("in_progress")

    html = _page(login(world.olivia), ticket)

    for move in ["hand_back", "await_client", "await_third_party", "resolve"]:
        assert f'id="move-{move}"' in html
    assert 'id="comment-form"' in html
    assert 'id="time-form"' in html
    assert 'id="material-form"' in html


def test_it_offers_accounts_no_moves_and_no_forms(world, login):
    ticket = world.ticket_at("closed")

    html = _page(login(world.alex), ticket)

    assert 'id="move-' not in html
    assert 'id="comment-form"' not in html
    assert 'id="time-form"' not in html
    assert 'id="material-form"' not in html


def test_it_hides_open_tickets_from_accounts(world, login):
    ticket = world.ticket_at("in_progress")

    assert login(world.alex).get(_url(ticket)).status_code == 404


def test_it_offers_support_nothing_on_a_ticket_assigned_to_someone_else(world, login):
    ticket = world.ticket_at("assigned")

    html = _page(login(world.sasha), ticket)

    assert 'id="move-' not in html
    assert 'id="comment-form"' not in html
    assert "Nothing for you to do on this ticket while it is Assigned." in html


def test_it_offers_the_assignee_their_moves(world, login):
    ticket = world.ticket_at("assigned")

    html = _page(login(world.sam), ticket)

    assert 'id="move-start"' in html
    assert 'id="move-hand_back"' in html
    assert 'id="move-assign"' not in html


def test_it_puts_the_version_in_every_move_form(world, login):
    ticket = world.ticket_at("in_progress")

    html = _page(login(world.olivia), ticket)

    hidden = f'<input type="hidden" name="version" value="{ticket.version}">'
    assert html.count(hidden) == html.count('id="move-')


def test_it_hides_the_work_log_forms_once_the_svr_is_issued(world, login):
    ticket = world.ticket_at("svr_pending")

    html = _page(login(world.olivia), ticket)

    assert 'id="comment-form"' in html
    assert 'id="time-form"' not in html
    assert 'id="material-form"' not in html
