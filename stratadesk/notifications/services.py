"""Queueing notifications.

The database task backend writes the task row in the caller's transaction, so a change
that rolls back sends nothing, and a committed change always has its sends queued.
Issue 7 replaces the fixed recipients below with per-client notification rules.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.template.loader import render_to_string

from stratadesk.notifications.tasks import send_email

_suppressed: ContextVar[bool] = ContextVar("notifications_suppressed", default=False)


@contextmanager
def suppressed():
    """Queue nothing inside the block.

    For replaying history (the demo loader): the events happened in the story's past,
    and nobody should be emailed about them now.
    """
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def is_suppressed() -> bool:
    """True inside a suppressed() block, where nothing may be queued."""
    return _suppressed.get()


def queue_ticket_email(event: str, ticket, to: list[str], **context) -> None:
    queue_email(event, to, ticket=ticket, ticket_id=ticket.pk, **context)


def queue_email(
    event: str, to: list[str], *, ticket_id=None, attach_svr=None, **context
) -> None:
    """Render notifications/email/<event>.*.txt with `context` and queue the send."""
    recipients = sorted({address for address in to if address})
    if not recipients or _suppressed.get():
        return

    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(
        f"notifications/email/{event}.subject.txt", context
    ).strip()
    body = render_to_string(f"notifications/email/{event}.body.txt", context)
    send_email.enqueue(
        to=recipients,
        subject=subject,
        body=body,
        event=event,
        ticket_id=ticket_id,
        attach_svr=attach_svr,
    )
