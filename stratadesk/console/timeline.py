"""A ticket's history for staff: comments and audit events, oldest first."""

from dataclasses import dataclass
from datetime import datetime

from stratadesk.core.models import AuditEvent, Channel
from stratadesk.people.models import Role
from stratadesk.tickets import lifecycle
from stratadesk.tickets.models import Comment, Stage, WorkType
from stratadesk.tickets.selectors import visible_comments

# The comment itself is on the timeline, so the event saying it was written is noise.
_SHOWN_AS_COMMENT = {"ticket.commented"}


@dataclass(frozen=True)
class Entry:
    at: datetime
    comment: Comment | None = None
    event: AuditEvent | None = None
    summary: str = ""

    @property
    def role_label(self) -> str:
        return _label(Role, self.event.actor_role)

    @property
    def channel_label(self) -> str:
        return _label(Channel, self.event.channel)


def ticket_events(ticket):
    """The audit events about `ticket`; the caller has already checked it may see it."""
    return AuditEvent.objects.filter(
        subject_type="ticket", subject_id=str(ticket.pk)
    ).order_by("occurred_at", "id")


def staff_timeline(user, ticket) -> list[Entry]:
    entries = [
        Entry(at=comment.created_at, comment=comment)
        for comment in visible_comments(user, ticket)
    ]
    entries += [
        Entry(at=event.occurred_at, event=event, summary=describe(event))
        for event in ticket_events(ticket)
        if event.action not in _SHOWN_AS_COMMENT
    ]
    return sorted(entries, key=lambda entry: entry.at)


def stage_label(code: str) -> str:
    return _label(Stage, code)


def describe(event) -> str:
    """One line saying what an audit event recorded, in the product's words."""
    data = event.data or {}
    if event.action == "ticket.created":
        return f"Raised in {stage_label(event.to_stage)}"
    if event.action == "ticket.transitioned":
        move = lifecycle.get(data.get("transition", ""))
        name = move.label if move else "Moved"
        return (
            f"{name}: {stage_label(event.from_stage)} → {stage_label(event.to_stage)}"
        )
    if event.action == "ticket.time_logged":
        work_type = _label(WorkType, data.get("work_type", ""))
        return f"Logged {data.get('minutes')} min ({work_type.lower()})"
    if event.action == "ticket.material_added":
        return f"Added material: {data.get('quantity')} x {data.get('item')}"
    if event.action == "ticket.attachment_added":
        return f"Attached {data.get('name')}"
    return event.action


def _label(choices, code: str) -> str:
    return choices(code).label if code in choices.values else code.title()
