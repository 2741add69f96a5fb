"""A ticket's history as its client sees it: public messages and stage changes.

Stage changes show only the stages and the time. Their audit rows also carry staff
detail (who, a hand-back reason, internal data), which stays in the console.
"""

from dataclasses import dataclass
from datetime import datetime

from stratadesk.console.timeline import stage_label, ticket_events
from stratadesk.tickets.models import Comment
from stratadesk.tickets.selectors import visible_comments

_STAGE_ACTIONS = ("ticket.created", "ticket.transitioned")


@dataclass(frozen=True)
class Entry:
    at: datetime
    comment: Comment | None = None
    stage_change: str = ""


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
    entries += [
        Entry(at=event.occurred_at, stage_change=_says(event)) for event in events
    ]
    return sorted(entries, key=lambda entry: entry.at)


def _says(event) -> str:
    if event.action == "ticket.created":
        return f"Ticket raised ({stage_label(event.to_stage)})"
    return (
        f"Stage changed from {stage_label(event.from_stage)} "
        f"to {stage_label(event.to_stage)}"
    )
