"""Queueing notifications.

The database task backend writes the task row in the caller's transaction, so a change
that rolls back sends nothing, and a committed change always has its sends queued.
Issue 7 replaces the fixed recipients below with per-client notification rules.
"""

from django.conf import settings
from django.template.loader import render_to_string

from stratadesk.notifications.tasks import send_email


def queue_ticket_email(event: str, ticket, to: list[str], **context) -> None:
    recipients = sorted({address for address in to if address})
    if not recipients:
        return

    context = {
        "ticket": ticket,
        "site_url": settings.SITE_URL,
        **context,
    }
    subject = render_to_string(
        f"notifications/email/{event}.subject.txt", context
    ).strip()
    body = render_to_string(f"notifications/email/{event}.body.txt", context)
    send_email.enqueue(
        to=recipients, subject=subject, body=body, event=event, ticket_id=ticket.pk
    )
