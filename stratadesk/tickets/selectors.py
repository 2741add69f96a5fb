"""Reading tickets for a user; every interface fetches client-owned objects here.

A ticket the user may not see is reported exactly like one that does not exist, so no
caller can tell another client's ticket numbers apart from unused ones.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from stratadesk.core.errors import NotFound
from stratadesk.people.models import Role
from stratadesk.svr.models import ServiceVerificationReport
from stratadesk.tickets.models import Comment, Stage, Ticket


def visible_tickets(user) -> QuerySet[Ticket]:
    """Tickets `user` may read."""
    tickets = Ticket.objects.all()
    if not user.is_authenticated or not user.is_active:
        return tickets.none()

    if user.role == Role.CLIENT:
        tickets = tickets.filter(client_id=user.client_id)
        if not user.client.contacts_see_all_tickets:
            # Sharing off: their own requests, plus any ticket whose SVR they were
            # asked to approve (they cannot verify work they cannot read).
            asked_to_approve = ServiceVerificationReport.objects.filter(
                ticket=OuterRef("pk"), approvers__user=user
            )
            tickets = tickets.filter(Q(requester__user=user) | Exists(asked_to_approve))
        return tickets
    if user.role == Role.ACCOUNTS:
        # Accounts bills verified work; open tickets are not theirs to read.
        return tickets.filter(stage=Stage.CLOSED)
    if user.role in (Role.OPERATIONS, Role.SUPPORT, Role.ADMIN):
        return tickets
    return tickets.none()


def ticket_for(user, number, *, for_update=False) -> Ticket:
    """The ticket with this human number if `user` may read it, else NotFound."""
    tickets = visible_tickets(user).select_related(
        "client",
        "requester",
        "assignee",
        "category",
        "site",
        "duplicate_of",
        "follow_up_of",
    )
    if for_update:
        tickets = tickets.select_for_update(of=("self",))
    try:
        return tickets.get(number=int(number))
    except (Ticket.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such ticket.") from None


def visible_comments(user, ticket) -> QuerySet[Comment]:
    comments = ticket.comments.select_related("author", "author_contact")
    if user.role == Role.CLIENT:
        comments = comments.filter(is_public=True)
    return comments


def visible_attachments(user, ticket):
    attachments = ticket.attachments.all()
    if user.role == Role.CLIENT:
        attachments = attachments.filter(is_public=True)
    return attachments
