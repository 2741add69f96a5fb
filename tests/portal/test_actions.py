from django.urls import reverse

from stratadesk.clients.models import Site
from stratadesk.core.models import AuditEvent
from stratadesk.svr.models import SvrStatus
from stratadesk.tickets.models import Comment, Stage, Ticket


def _move(client, ticket, name, version=None, **fields):
    if name == "approve_svr":
        # As the page's hidden input sends it: the fingerprint of the report shown.
        pending = ticket.svrs.filter(status="pending").first()
        fields.setdefault("document_hash", pending.document_hash if pending else "")
    data = {"version": ticket.version if version is None else version}
    data.update({f"{name}-{key}": value for key, value in fields.items()})
    url = reverse("portal:ticket_transition", args=[ticket.number, name])
    return client.post(url, data, headers={"user-agent": "PortalTest/1.0"})


def _reply(client, ticket, body):
    url = reverse("portal:ticket_reply", args=[ticket.number])
    return client.post(url, {"body": body})


def _snapshot(ticket):
    ticket.refresh_from_db()
    events = AuditEvent.objects.filter(subject_id=str(ticket.pk)).count()
    return ticket.stage, ticket.version, events


def test_it_withdraws_the_requesters_own_ticket(world, login):
    ticket = world.raise_ticket()

    response = _move(login(world.harry), ticket, "withdraw", reason="Fixed itself")

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.stage, ticket.close_reason) == (Stage.CLOSED, "withdrawn")
    event = AuditEvent.objects.filter(action="ticket.transitioned").get()
    assert (event.channel, event.reason) == ("portal", "Fixed itself")


def test_it_refuses_a_withdraw_by_a_contact_who_did_not_raise_it(world, login):
    ticket = world.raise_ticket()
    before = _snapshot(ticket)

    response = _move(login(world.hannah), ticket, "withdraw")

    assert response.status_code == 409
    assert "You cannot withdraw request" in response.text
    assert _snapshot(ticket) == before


def test_it_approves_an_svr_recording_name_ip_and_browser(world, login):
    ticket = world.ticket_at("svr_pending")

    response = _move(
        login(world.hannah),
        ticket,
        "approve_svr",
        typed_name="Hannah Approver",
        declaration="on",
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    svr = ticket.svrs.get()
    assert ticket.stage == Stage.CLOSED
    assert (svr.status, svr.typed_name, svr.decided_by) == (
        SvrStatus.APPROVED,
        "Hannah Approver",
        world.hannah,
    )
    assert (svr.decision_ip, svr.decision_user_agent) == ("127.0.0.1", "PortalTest/1.0")


def test_it_refuses_an_approval_that_names_no_report(world, login):
    ticket = world.ticket_at("svr_pending")
    before = _snapshot(ticket)

    response = _move(
        login(world.hannah),
        ticket,
        "approve_svr",
        typed_name="Hannah Approver",
        declaration="on",
        document_hash="",
    )

    assert response.status_code == 422
    assert "Open the report and approve it from its page." in response.text
    assert _snapshot(ticket) == before


def test_it_re_renders_an_approval_without_the_declaration(world, login):
    ticket = world.ticket_at("svr_pending")
    before = _snapshot(ticket)

    response = _move(
        login(world.hannah), ticket, "approve_svr", typed_name="Hannah Approver"
    )

    assert response.status_code == 422
    assert "I confirm the work described was completed" in response.text
    assert "is required." in response.text
    assert 'value="Hannah Approver"' in response.text
    assert _snapshot(ticket) == before
    assert ticket.svrs.get().status == SvrStatus.PENDING


def test_it_rejects_an_svr_with_a_reason(world, login):
    ticket = world.ticket_at("svr_pending")

    response = _move(
        login(world.hannah), ticket, "reject_svr", reason="Tray 2 still jams"
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    svr = ticket.svrs.get()
    assert ticket.stage == Stage.IN_PROGRESS
    assert (svr.status, svr.decision_reason, svr.decision_ip) == (
        SvrStatus.REJECTED,
        "Tray 2 still jams",
        "127.0.0.1",
    )


def test_it_refuses_a_stale_approval_as_a_conflict(world, login):
    ticket = world.ticket_at("svr_pending")
    before = _snapshot(ticket)

    response = _move(
        login(world.hannah),
        ticket,
        "approve_svr",
        version=ticket.version - 1,
        typed_name="Hannah Approver",
        declaration="on",
    )

    assert response.status_code == 409
    assert "was changed by someone else" in response.text
    assert _snapshot(ticket) == before


def test_it_refuses_a_move_on_another_organisations_ticket_with_404(world, login):
    theirs = world.raise_ticket(
        by=world.oscar, client=world.outback, requester=world.oscar_contact
    )
    before = _snapshot(theirs)

    response = _move(login(world.harry), theirs, "withdraw")

    assert response.status_code == 404
    assert _snapshot(theirs) == before


def test_it_posts_a_public_reply(world, login):
    ticket = world.ticket_at("in_progress")
    client = login(world.harry)

    response = _reply(client, ticket, "It jams on tray 2")

    comment = Comment.objects.get(ticket=ticket)
    assert (comment.is_public, comment.channel, comment.author) == (
        True,
        "portal",
        world.harry,
    )
    assert "Your reply has been sent." in client.get(response["Location"]).text


def test_it_moves_a_ticket_waiting_on_the_client_back_to_work_on_reply(world, login):
    ticket = world.ticket_at("pending_client")

    _reply(login(world.harry), ticket, "Tray 2")

    ticket.refresh_from_db()
    assert ticket.stage == Stage.IN_PROGRESS


def test_it_opens_a_follow_up_when_replying_to_a_closed_ticket(world, login):
    ticket = world.ticket_at("closed")

    response = _reply(login(world.harry), ticket, "It is jamming again")

    follow_up = Ticket.objects.get(follow_up_of=ticket)
    assert response["Location"] == f"/portal/tickets/{follow_up.number}/"
    ticket.refresh_from_db()
    assert ticket.stage == Stage.CLOSED


def test_it_re_renders_an_empty_reply(world, login):
    ticket = world.ticket_at("in_progress")

    response = _reply(login(world.harry), ticket, "   ")

    assert response.status_code == 422
    assert not Comment.objects.filter(ticket=ticket).exists()


def test_it_raises_a_ticket_for_the_users_own_organisation(world, login):
    site = Site.objects.create(client=world.harbour, name="Level 3")

    response = login(world.harry).post(
        reverse("portal:ticket_create"),
        {"title": "Projector dead", "description": "No power.", "site": site.pk},
    )

    ticket = Ticket.objects.get(title="Projector dead")
    assert response["Location"] == f"/portal/tickets/{ticket.number}/"
    assert (ticket.client, ticket.requester, ticket.site, ticket.channel) == (
        world.harbour,
        world.harry_contact,
        site,
        "portal",
    )
    assert ticket.stage == Stage.REQUEST


def test_it_offers_only_the_organisations_own_sites(world, login):
    Site.objects.create(client=world.harbour, name="Level 3")
    theirs = Site.objects.create(client=world.outback, name="Pit 7")
    client = login(world.harry)

    form = client.get(reverse("portal:ticket_create")).text
    response = client.post(
        reverse("portal:ticket_create"),
        {"title": "Projector dead", "description": "No power.", "site": theirs.pk},
    )

    assert "Level 3" in form
    assert "Pit 7" not in form
    assert response.status_code == 422
    assert not Ticket.objects.exists()


def test_it_re_renders_a_ticket_without_a_title(world, login):
    response = login(world.harry).post(
        reverse("portal:ticket_create"), {"title": "", "description": "No power."}
    )

    assert response.status_code == 422
    assert "This field is required." in response.text
    assert "No power." in response.text
    assert not Ticket.objects.exists()


def test_it_explains_when_a_login_has_no_contact(world, login):
    world.harry_contact.user = None
    world.harry_contact.save()

    response = login(world.harry).post(
        reverse("portal:ticket_create"), {"title": "Help", "description": "Please."}
    )

    assert response.status_code == 422
    assert "Your login is not linked to a contact" in response.text
    assert not Ticket.objects.exists()


def test_it_refuses_a_declaration_that_is_not_a_tick(world, login):
    ticket = world.ticket_at("svr_pending")
    url = reverse("portal:ticket_transition", args=[ticket.number, "approve_svr"])

    response = login(world.hannah).post(
        url,
        {
            "version": ticket.version,
            "approve_svr-typed_name": "Hannah Approver",
            "approve_svr-declaration": "maybe",
        },
    )

    assert response.status_code == 422
    assert Ticket.objects.get(pk=ticket.pk).stage == "svr_pending"
