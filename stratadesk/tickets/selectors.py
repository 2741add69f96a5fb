"""Reading tickets for a user; every interface fetches client-owned objects here.

A ticket the user may not see is reported exactly like one that does not exist, so no
caller can tell another client's ticket numbers apart from unused ones.
"""

from django.db.models import Q, QuerySet

from stratadesk.core.errors import NotFound
from stratadesk.core.models import AuditEvent
from stratadesk.people.permissions import Action, can, ticket_filter
from stratadesk.tickets.models import Comment, Ticket


def visible_tickets(user) -> QuerySet[Ticket]:
    """Tickets `user` may read, as the permission matrix scopes them."""
    return Ticket.objects.filter(ticket_filter(user, Action.READ_TICKET))


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
    if not can(user, Action.READ_INTERNAL, ticket):
        comments = comments.filter(is_public=True)
    return comments


def visible_attachments(user, ticket):
    attachments = ticket.attachments.all()
    if not can(user, Action.READ_INTERNAL, ticket):
        attachments = attachments.filter(is_public=True)
    return attachments


# What a caller without staff sight may see of a ticket's history: that it was raised,
# its stage changes and its public messages.
_CLIENT_EVENT_ACTIONS = ("ticket.created", "ticket.transitioned")


def visible_events(user, ticket) -> QuerySet[AuditEvent]:
    """The ticket's audit events `user` may read, oldest first."""
    events = AuditEvent.objects.filter(subject_type="ticket", subject_id=str(ticket.pk))
    if can(user, Action.READ_INTERNAL, ticket):
        return events
    public_comments = Q(action="ticket.commented", data__public=True)
    return events.filter(Q(action__in=_CLIENT_EVENT_ACTIONS) | public_comments)
