"""Reading SVRs for a user, always through the tickets they may read."""

from django.db.models import Exists, OuterRef, QuerySet

from stratadesk.core.errors import NotFound
from stratadesk.people.permissions import Action, can
from stratadesk.svr.models import ServiceVerificationReport, SvrApproval, SvrStatus
from stratadesk.tickets.selectors import visible_tickets


def visible_svrs(user) -> QuerySet[ServiceVerificationReport]:
    """Every SVR version of the tickets `user` may read, newest first."""
    return (
        ServiceVerificationReport.objects.filter(ticket__in=visible_tickets(user))
        .select_related("ticket")
        .order_by("-issued_at", "-pk")
    )


def svr_for(user, ticket, version) -> ServiceVerificationReport:
    """One version of a ticket's SVR, or NotFound as for a missing one."""
    if not can(user, Action.READ_SVR, ticket):
        raise NotFound("No such SVR.")
    try:
        return (
            ticket.svrs.prefetch_related("approvers", "approvals")
            .select_related("issued_by", "decided_by")
            .get(version=int(version))
        )
    except (ServiceVerificationReport.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such SVR.") from None


def awaiting_decision(user) -> QuerySet[ServiceVerificationReport]:
    """Pending SVRs waiting for this client user's own decision, oldest first."""
    contact = getattr(user, "contact", None)
    if contact is None or not contact.is_active:
        return ServiceVerificationReport.objects.none()
    signed = SvrApproval.objects.filter(svr=OuterRef("pk"), contact=contact)
    return (
        visible_svrs(user)
        .filter(status=SvrStatus.PENDING, approvers=contact)
        .exclude(Exists(signed))
        .order_by("issued_at", "pk")
    )
