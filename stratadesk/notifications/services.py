"""Queueing notifications.

The database task backend writes the task row in the caller's transaction, so a change
that rolls back sends nothing, and a committed change always has its sends queued.
Issue 7 replaces the fixed recipients below with per-client notification rules.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string

from stratadesk.core import audit, clock
from stratadesk.notifications.models import TOPIC_OF_EVENT, EmailPreference, EmailTopic
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
    event: str,
    to: list[str],
    *,
    ticket_id=None,
    attach_svr=None,
    attach_invoice=None,
    **context,
) -> None:
    """Render notifications/email/<event>.*.txt with `context` and queue the send."""
    recipients = sorted({address for address in to if address})
    if recipients and event in TOPIC_OF_EVENT:
        recipients = _wanting(TOPIC_OF_EVENT[event], recipients)
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
        attach_invoice=attach_invoice,
    )


def _wanting(topic: str, recipients: list[str]) -> list[str]:
    """The recipients who have not turned this topic's emails off."""
    declined = EmailPreference.objects.filter(topic=topic, email=False).filter(
        Q(user__email__in=recipients) | Q(user__contact__email__in=recipients)
    )
    unwanted = set()
    for login, contact in declined.values_list("user__email", "user__contact__email"):
        unwanted.update(address.lower() for address in (login, contact) if address)
    return [address for address in recipients if address.lower() not in unwanted]


def preferences_of(user) -> dict[str, bool]:
    """{topic: wants email} for every topic; a topic never chosen is on."""
    chosen = dict(user.email_preferences.values_list("topic", "email"))
    return {topic: chosen.get(topic, True) for topic in EmailTopic.values}


@transaction.atomic
def set_preferences(actor, choices: dict[str, bool]) -> dict[str, bool]:
    """Save the acting user's own email choices; unknown topics are ignored."""
    user = actor.user
    before = preferences_of(user)
    after = {topic: bool(choices.get(topic, False)) for topic in EmailTopic.values}
    changed = {topic: wants for topic, wants in after.items() if before[topic] != wants}
    for topic, wants in changed.items():
        EmailPreference.objects.update_or_create(
            user=user, topic=topic, defaults={"email": wants, "updated_at": clock.now()}
        )
    if changed:
        audit.record(
            actor, "user.email_preferences", user, client=user.client, data=changed
        )
    return after
