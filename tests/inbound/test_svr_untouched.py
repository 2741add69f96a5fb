"""Mail and internal notes never decide an SVR: only an approver's move does."""

from stratadesk.inbound.services import receive
from stratadesk.svr.models import SvrStatus
from stratadesk.tickets import services
from stratadesk.tickets.models import Ticket
from tests.fixtures import actor
from tests.inbound.conftest import message, state


def _svr_state(ticket):
    svr = ticket.svrs.get()
    return svr.status, svr.approvals.count(), state(ticket)["stage"]


def test_a_reply_to_a_pending_svr_is_a_comment_and_leaves_it_pending(world, notified):
    ticket = notified(world.ticket_at("svr_pending"))

    receive(message("plain_reply.eml"), source="test")

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.comments.filter(is_public=True, channel="email").exists()
    assert _svr_state(ticket) == (SvrStatus.PENDING, 0, "svr_pending")


def test_auto_replies_bounces_and_notes_change_nothing_on_a_pending_svr(
    world, notified
):
    ticket = notified(world.ticket_at("svr_pending"))
    before = state(ticket)

    receive(message("out_of_office.eml"), source="test")
    receive(message("bounce.eml"), source="test")
    assert state(ticket) == before

    services.add_comment(actor(world.sam), ticket, "Approve it?", public=False)
    assert _svr_state(ticket) == (SvrStatus.PENDING, 0, "svr_pending")
