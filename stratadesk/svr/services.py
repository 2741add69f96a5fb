"""Building, issuing and deciding SVRs, inside the lifecycle's transaction."""

import hashlib
import json
from decimal import Decimal

from django.db.models import Max

from stratadesk.core import clock
from stratadesk.core.errors import ValidationFailed
from stratadesk.notifications import webhooks
from stratadesk.notifications.models import WebhookEvent
from stratadesk.svr import documents
from stratadesk.svr.models import ServiceVerificationReport, SvrStatus

# The decisions a client's system hears of. An Admin's override is not an approval,
# so it is told only as the ticket's move to Closed.
_DECISION_EVENTS = {
    SvrStatus.APPROVED: WebhookEvent.SVR_APPROVED,
    SvrStatus.AUTO_APPROVED: WebhookEvent.SVR_APPROVED,
    SvrStatus.REJECTED: WebhookEvent.SVR_REJECTED,
}


def build_content(ticket, work_summary: str) -> dict:
    """The frozen snapshot of the work the client is asked to verify."""
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
    }


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

    content = build_content(ticket, work_summary)
    last = ticket.svrs.aggregate(last=Max("version"))["last"] or 0
    svr = ServiceVerificationReport.objects.create(
        ticket=ticket,
        version=last + 1,
        work_summary=work_summary,
        content=content,
        content_hash=content_hash(content),
        issued_by=actor.user,
        issued_at=clock.now(),
    )
    svr.approvers.set(approvers)
    _queue_webhook(WebhookEvent.SVR_ISSUED, svr)
    documents.queue_render(svr)
    return svr


def _queue_webhook(event_type, svr) -> None:
    webhooks.queue_event(
        event_type,
        client=svr.ticket.client,
        data=webhooks.svr_data(svr),
        ticket=svr.ticket,
    )


def pending_for(ticket) -> ServiceVerificationReport:
    svr = ticket.svrs.filter(status=SvrStatus.PENDING).first()
    if svr is None:
        raise ValidationFailed("This ticket has no SVR awaiting a decision.")
    return svr


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
    if status in _DECISION_EVENTS:
        _queue_webhook(_DECISION_EVENTS[status], svr)
    # Rendered again: the document carries the decision record.
    documents.queue_render(svr)
    return svr
