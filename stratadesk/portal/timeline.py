"""A ticket's history as its client sees it: public messages, stage changes, SVRs.

Stage changes show only the stages and the time. Their audit rows also carry staff
detail (who, a hand-back reason, internal data), which stays in the console. SVR
events come from the reports themselves: issued, each signature, the decision.
"""

from dataclasses import dataclass
from datetime import datetime

from stratadesk.console.timeline import stage_label, ticket_events
from stratadesk.svr.models import SvrStatus
from stratadesk.tickets.models import Comment
from stratadesk.tickets.selectors import visible_comments

_STAGE_ACTIONS = ("ticket.created", "ticket.transitioned")


@dataclass(frozen=True)
class Entry:
    at: datetime
    comment: Comment | None = None
    event: str = ""


def client_timeline(user, ticket) -> list[Entry]:
    entries = [
        Entry(at=comment.created_at, comment=comment)
        for comment in visible_comments(user, ticket)
    ]
    events = (
        ticket_events(ticket)
        .filter(action__in=_STAGE_ACTIONS)
        .only("occurred_at", "action", "from_stage", "to_stage")
    )
    entries += [Entry(at=event.occurred_at, event=_says(event)) for event in events]
    entries += _svr_entries(ticket)
    return sorted(entries, key=lambda entry: entry.at)


def _svr_entries(ticket) -> list[Entry]:
    entries = []
    for svr in ticket.svrs.prefetch_related("approvals"):
        report = f"Service Verification Report version {svr.version}"
        entries.append(Entry(at=svr.issued_at, event=f"{report} issued for approval"))
        entries += [
            Entry(
                at=approval.approved_at,
                event=f"{report} approved by {approval.typed_name}",
            )
            for approval in svr.approvals.all()
        ]
        decided = _decision(svr, report)
        if decided:
            entries.append(Entry(at=svr.decided_at, event=decided))
    return entries


def _decision(svr, report) -> str:
    if svr.status == SvrStatus.REJECTED:
        return f"{report} rejected: {svr.decision_reason}"
    if svr.status == SvrStatus.AUTO_APPROVED:
        return f"{report} approved automatically"
    if svr.status == SvrStatus.OVERRIDDEN:
        return f"{report} closed by the service desk: {svr.decision_reason}"
    return ""


def _says(event) -> str:
    if event.action == "ticket.created":
        return f"Ticket raised ({stage_label(event.to_stage)})"
    return (
        f"Stage changed from {stage_label(event.from_stage)} "
        f"to {stage_label(event.to_stage)}"
    )
