"""What happens to an SVR nobody decides on: one reminder, then auto-approval.

Both fall due on the client's business days (see svr.services._schedule_follow_ups)
and fire once: each SVR is handled in a transaction of its own under the ticket's
row lock, and `reminded_at` or the SVR's status records that it fired, so a second
worker, or the next sweep after a crash, finds nothing left to do.
"""

import logging

from django.db import transaction

from stratadesk.core import audit, clock
from stratadesk.core.errors import DomainError
from stratadesk.notifications.dispatch import notify
from stratadesk.notifications.models import NotifyEvent
from stratadesk.people.actors import Actor
from stratadesk.svr import links, services
from stratadesk.svr.models import ServiceVerificationReport, SvrStatus
from stratadesk.tickets import services as tickets
from stratadesk.tickets.models import Ticket

logger = logging.getLogger(__name__)

SYSTEM = Actor.system("SVR follow-up")
BATCH = 200


def sweep(*, now=None) -> dict[str, int]:
    """Send due reminders and auto-approve due SVRs; returns how many of each."""
    now = now or clock.now()
    # A client whose access has ended is neither chased nor approved for.
    pending = ServiceVerificationReport.objects.filter(
        status=SvrStatus.PENDING, ticket__client__is_active=True
    )
    # Approvals first: an SVR closing now gets no "please approve" on its way out
    # (a worker that was down past both instants, or equal settings).
    to_approve = list(
        pending.filter(auto_approve_due_at__lte=now).values_list("pk", flat=True)[
            :BATCH
        ]
    )
    to_remind = list(
        pending.filter(reminder_due_at__lte=now, reminded_at__isnull=True)
        .exclude(auto_approve_due_at__lte=now)
        .values_list("pk", flat=True)[:BATCH]
    )
    # "Every approver" SVRs that one signature short of closing lost the approver
    # who had not signed: the signatures they have are all there are to get.
    to_complete = list(
        pending.filter(approval_rule="all", approvals__isnull=False)
        .exclude(pk__in=to_approve)
        .values_list("pk", flat=True)
        .distinct()[:BATCH]
    )

    done = {"reminded": 0, "auto_approved": 0, "completed": 0}
    for svr_id in to_approve:
        done["auto_approved"] += _safely(_auto_approve, svr_id, now)
    for svr_id in to_complete:
        done["completed"] += _safely(_complete, svr_id, now)
    for svr_id in to_remind:
        done["reminded"] += _safely(_remind, svr_id, now)
    if any(done.values()):
        logger.info("svr follow-ups fired", extra=done)
    return done


def _safely(handle, svr_id, now) -> int:
    # One SVR's failure rolls back only its own work; it stays due for the next sweep.
    try:
        return handle(svr_id, now)
    except Exception:
        logger.exception("svr follow-up failed", extra={"svr_id": svr_id})
        return 0


def _locked(svr_id):
    """The SVR and its ticket, the ticket's row locked as every ticket change is."""
    ticket_id = (
        ServiceVerificationReport.objects.filter(pk=svr_id)
        .values_list("ticket_id", flat=True)
        .first()
    )
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("client")
        .get(pk=ticket_id)
    )
    return ServiceVerificationReport.objects.get(pk=svr_id), ticket


@transaction.atomic
def _remind(svr_id, now) -> int:
    svr, ticket = _locked(svr_id)
    if svr.status != SvrStatus.PENDING or svr.reminded_at is not None:
        return 0

    svr.reminded_at = now
    svr.save(update_fields=["reminded_at"])
    waiting = list(services.awaited_approvers(svr))
    if not waiting:
        return 0
    notify(
        NotifyEvent.SVR_REMINDER,
        ticket,
        key=svr.pk,
        svr=svr,
        approvers=waiting,
        attach_svr=svr.pk,
        personal=links.email_context(svr),
    )
    audit.record(
        SYSTEM,
        "svr.reminded",
        ticket,
        client=ticket.client,
        occurred_at=now,
        # Who was waited on; each one's email preferences decide what was sent.
        data={
            "svr": svr.pk,
            "svr_version": svr.version,
            "awaiting": [contact.name for contact in waiting],
        },
    )
    logger.info("svr reminder queued", extra={"svr_id": svr.pk, "ticket_id": ticket.pk})
    return 1


@transaction.atomic
def _auto_approve(svr_id, now) -> int:
    svr, ticket = _locked(svr_id)
    if svr.status != SvrStatus.PENDING or ticket.stage != "svr_pending":
        return 0
    try:
        tickets.transition(SYSTEM, ticket, "auto_approve_svr")
    except DomainError:
        logger.exception("svr auto-approval refused", extra={"svr_id": svr.pk})
        return 0
    logger.info("svr auto-approved", extra={"svr_id": svr.pk, "ticket_id": ticket.pk})
    return 1


@transaction.atomic
def _complete(svr_id, now) -> int:
    svr, ticket = _locked(svr_id)
    if svr.status != SvrStatus.PENDING or ticket.stage != "svr_pending":
        return 0
    if services.awaited_approvers(svr).exists():
        return 0
    tickets.transition(SYSTEM, ticket, "auto_approve_svr")
    logger.info("svr approved by the signatures left", extra={"svr_id": svr.pk})
    return 1
