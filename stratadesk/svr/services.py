"""Building, issuing and deciding SVRs, inside the lifecycle's transaction."""

import hashlib
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Max

from stratadesk.core import clock
from stratadesk.core.errors import Conflict, ValidationFailed
from stratadesk.ledger import billing
from stratadesk.notifications import webhooks
from stratadesk.notifications.dispatch import notify
from stratadesk.notifications.models import NotifyEvent, WebhookEvent
from stratadesk.sla import services as sla
from stratadesk.svr import documents, links
from stratadesk.svr.models import ServiceVerificationReport, SvrApproval, SvrStatus

# The decisions a client's system hears of. An Admin's override is not an approval,
# so it is told only as the ticket's move to Closed.
_DECISION_EVENTS = {
    SvrStatus.APPROVED: WebhookEvent.SVR_APPROVED,
    SvrStatus.AUTO_APPROVED: WebhookEvent.SVR_APPROVED,
    SvrStatus.REJECTED: WebhookEvent.SVR_REJECTED,
}

_CLOCK_LABELS = {"response": "First response", "resolution": "Resolution"}
_SHOWN = "%-d %b %Y, %H:%M %Z"


def build_content(ticket, work_summary: str, *, issued_at) -> dict:
    """The frozen snapshot of the work the client is asked to verify.

    Everything the document shows is in here, formatted, so the document rendered
    from it reads the same whenever and wherever it is rendered.
    """
    zone = ZoneInfo(ticket.client.timezone)
    time_entries = [
        {
            "date": entry.work_date.isoformat(),
            "engineer": entry.engineer.get_full_name() or entry.engineer.username,
            "minutes": entry.minutes,
            "work_type": entry.work_type,
            "billable": entry.billable,
            "note": entry.note,
        }
        for entry in ticket.time_entries.select_related("engineer")
    ]
    materials = [
        {
            "item": entry.item,
            "quantity": str(entry.quantity),
            "unit_price": str(entry.unit_price),
            "line_total": str(entry.line_total),
            "billable": entry.billable,
        }
        for entry in ticket.material_entries.all()
    ]
    materials_total = sum(
        (Decimal(m["line_total"]) for m in materials if m["billable"]), Decimal("0")
    )
    return {
        "ticket": ticket.reference,
        "title": ticket.title,
        "client": ticket.client.name,
        "issued_at_display": issued_at.astimezone(zone).strftime(_SHOWN),
        "problem": ticket.description,
        "resolution": ticket.resolution_summary,
        "work_summary": work_summary,
        "time_entries": time_entries,
        "total_minutes": sum(e["minutes"] for e in time_entries),
        "billable_minutes": sum(e["minutes"] for e in time_entries if e["billable"]),
        "materials": materials,
        "billable_materials_total": str(materials_total),
        "not_billable": ticket.not_billable,
        "not_billable_reason": ticket.not_billable_reason,
        "sla": _sla_outcome(ticket),
        "evidence": _evidence(ticket),
    }


def _sla_outcome(ticket) -> list[dict]:
    """Each clock met or breached, with its due and stop instants, as shown."""
    outcome = []
    for row in sla.live_clocks(ticket):
        zone = ZoneInfo(row["timezone"])

        def shown(moment, zone=zone):
            return moment.astimezone(zone).strftime(_SHOWN) if moment else ""

        outcome.append(
            {
                "kind": row["kind"],
                "label": _CLOCK_LABELS.get(row["kind"], row["kind"]),
                "outcome": _outcome(row),
                "due": shown(row["due_at"]),
                "met": shown(row["met_at"]),
                "breached": shown(row["breached_at"]),
            }
        )
    return outcome


def _outcome(row) -> str:
    # A target breached and then met was still breached.
    if row["breached_at"]:
        return "breached"
    if row["met_at"]:
        return "met"
    return {"running": "not yet met", "paused": "paused"}.get(row["state"], "met")


def _evidence(ticket) -> list[dict]:
    # Only public files: an internal one never reaches the client in any form.
    files = ticket.attachments.filter(is_public=True, is_evidence=True).order_by("pk")
    return [
        {
            "id": file.pk,
            "name": file.original_name,
            "size": file.size,
            "content_type": file.content_type,
        }
        for file in files
    ]


def content_hash(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def issue(actor, ticket, work_summary: str) -> ServiceVerificationReport:
    approvers = list(ticket.client.contacts.filter(is_approver=True, is_active=True))
    if not approvers:
        raise ValidationFailed(
            f"{ticket.client.name} has no active SVR approver; add one before issuing.",
            code="no_svr_approver",
        )

    now = clock.now()
    content = build_content(ticket, work_summary, issued_at=now)
    last = ticket.svrs.aggregate(last=Max("version"))["last"] or 0
    svr = ServiceVerificationReport(
        ticket=ticket,
        version=last + 1,
        work_summary=work_summary,
        content=content,
        content_hash=content_hash(content),
        issued_by=actor.user,
        issued_at=now,
    )
    svr.approval_rule = ticket.client.svr_approval_rule
    documents.freeze(svr)
    _schedule_follow_ups(svr, ticket.client, now)
    svr.save()
    svr.approvers.set(approvers)

    notify(
        NotifyEvent.SVR_ISSUED,
        ticket,
        key=svr.pk,
        svr=svr,
        attach_svr=svr.pk,
        webhook=(WebhookEvent.SVR_ISSUED, webhooks.svr_data(svr)),
        # Approvers without a portal login get a link to decide by instead.
        personal=links.email_context(svr),
    )
    documents.queue_render(svr)
    return svr


def _schedule_follow_ups(svr, client, issued_at) -> None:
    """When the reminder and the auto-approval fall due, in the client's business days.

    Fixed when issued, so changing a client's settings later leaves the SVRs already
    out with the terms they were issued under.
    """
    calendar = sla.business_calendar_for(client)
    if client.svr_reminder_days:
        svr.reminder_due_at = calendar.add_business_days(
            issued_at, client.svr_reminder_days
        )
    if client.svr_auto_approve_days:
        svr.auto_approve_due_at = calendar.add_business_days(
            issued_at, client.svr_auto_approve_days
        )


def pending_for(ticket) -> ServiceVerificationReport:
    svr = ticket.svrs.filter(status=SvrStatus.PENDING).first()
    if svr is None:
        raise ValidationFailed("This ticket has no SVR awaiting a decision.")
    return svr


# Approving ---------------------------------------------------------------------------


def awaited_approvers(svr):
    """The contacts whose approval the SVR still waits for (active approvers only)."""
    signed = svr.approvals.values_list("contact_id", flat=True)
    return svr.approvers.filter(is_active=True).exclude(pk__in=signed)


def sign(actor, ticket, contact, *, typed_name, document_hash="", ip=None, ua=""):
    """Record one approver's signature; True when the SVR now has all it needs.

    The caller holds the ticket's row lock. A client that needs any one approver is
    satisfied by the first signature; one that needs all, by the last.
    """
    svr = pending_for(ticket)
    # The document kept when it was issued is the one shown and the one signed.
    signed_hash = svr.document_hash
    if document_hash and document_hash != signed_hash:
        raise Conflict(
            "The report changed since you opened it; reload it and read it again "
            "before approving.",
            code="svr_document_changed",
        )

    SvrApproval.objects.create(
        svr=svr,
        contact=contact,
        user=actor.user,
        typed_name=typed_name,
        approved_at=clock.now(),
        ip=ip,
        user_agent=(ua or "")[:500],
        document_hash=signed_hash,
        channel=actor.channel,
    )
    if svr.approval_rule == "all" and awaited_approvers(svr).exists():
        # The document shows each signature, so the others get it as it now stands.
        documents.queue_render(svr)
        return False
    return True


def decide(actor, ticket, status: str, *, typed_name="", reason="", ip=None, ua=""):
    svr = pending_for(ticket)
    svr.status = status
    svr.decided_at = clock.now()
    svr.decided_by = actor.user
    svr.typed_name = typed_name
    svr.decision_reason = reason
    svr.decision_ip = ip
    svr.decision_user_agent = ua[:500]
    svr.save()
    if status != SvrStatus.REJECTED:
        # Closing the SVR makes its billable work unbilled charges, in this same
        # transaction, so approved work is never lost between desk and ledger.
        billing.record_unbilled_charges(svr)
    # By the default rules the engineer and whoever issued it hear of every
    # decision, override included; whoever decided is not told of their own.
    webhook = None
    if status in _DECISION_EVENTS:
        webhook = (_DECISION_EVENTS[status], webhooks.svr_data(svr))
    notify(
        NotifyEvent.SVR_DECIDED,
        ticket,
        key=svr.pk,
        svr=svr,
        exclude=[actor.user],
        webhook=webhook,
    )
    # Rendered again: the document carries the decision record.
    documents.queue_render(svr)
    return svr
