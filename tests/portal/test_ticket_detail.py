from django.urls import reverse

from stratadesk.tickets import services
from tests.fixtures import actor


def _url(ticket):
    return reverse("portal:ticket_detail", args=[ticket.number])


def _page(client, ticket):
    response = client.get(_url(ticket))
    assert response.status_code == 200
    return response.content.decode()


def test_it_never_shows_internal_notes(world, login):
    ticket = world.ticket_at("in_progress")
    services.add_comment(
        actor(world.sam), ticket, "Client is on an old contract", public=False
    )
    services.add_comment(actor(world.sam), ticket, "Ordered a new fuser", public=True)

    html = _page(login(world.harry), ticket)

    assert "Ordered a new fuser" in html
    assert "Client is on an old contract" not in html
    assert "Internal note" not in html


def test_it_shows_stage_changes_without_staff_detail(world, login):
    ticket = world.ticket_at("in_progress")
    world.move(ticket, "hand_back", world.sam, reason="Sam is out of his depth")

    html = _page(login(world.harry), ticket)

    assert "Ticket raised (Request)" in html
    assert "Stage changed from Assigned to In Progress" in html
    assert "Stage changed from In Progress to Triage" in html
    assert "out of his depth" not in html
    assert "Hand back" not in html
    assert "olivia" not in html


def test_it_leaves_out_time_costs_and_staff_only_fields(world, login):
    ticket = world.ticket_at("in_progress")
    world.move(
        ticket,
        "await_third_party",
        world.sam,
        third_party_name="Ricoh",
        third_party_ref="RC-77",
    )
    services.add_material(
        actor(world.sam), ticket, item="Fuser kit", quantity=1, unit_price=420
    )
    services.log_time(
        actor(world.sam),
        ticket,
        minutes=45,
        work_date=ticket.created_at.date(),
        work_type="after_hours",
    )

    html = _page(login(world.harry), ticket)

    assert "Ricoh" not in html
    assert "Fuser kit" not in html
    assert "After hours" not in html
    assert "RC-77" not in html
    assert "Hardware" not in html
    assert "$420.00" not in html
    assert "45 min" not in html


def test_it_shows_the_pending_svr_content(world, login):
    ticket = world.ticket_at("svr_pending")

    html = _page(login(world.hannah), ticket)

    assert "Please verify the work (report version 1)" in html
    assert "Fuser." in html
    assert "Replaced the fuser." in html
    assert "Total time" in html
    assert "45 min" in html
    assert "Business hours" in html
    assert 'id="move-approve_svr"' in html
    assert 'id="move-reject_svr"' in html


def test_it_offers_the_requester_a_withdraw_button(world, login):
    ticket = world.raise_ticket()

    assert 'id="move-withdraw"' in _page(login(world.harry), ticket)


def test_it_offers_a_contact_who_did_not_raise_it_no_withdraw(world, login):
    ticket = world.raise_ticket()

    html = _page(login(world.hannah), ticket)

    assert 'id="move-' not in html
    assert 'id="reply-form"' in html


def test_it_offers_no_approval_to_a_contact_who_is_not_an_approver(world, login):
    ticket = world.ticket_at("svr_pending")

    html = _page(login(world.harry), ticket)

    assert 'id="move-approve_svr"' not in html
    assert "Please verify the work" in html
