"""Queueing notifications.

The database task backend writes the task row in the caller's transaction, so a change
that rolls back sends nothing, and a committed change always has its sends queued.
Who is told about a client's event is decided by notifications.dispatch.notify from
the client's rules; this module composes and queues each email, one per recipient.
"""

import uuid
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from stratadesk.core import audit, clock
from stratadesk.notifications.models import (
    CLIENT_TOPICS,
    STAFF_TOPIC_OF_EVENT,
    STAFF_TOPICS,
    TOPIC_OF_EVENT,
    EmailDelivery,
    EmailPreference,
)
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


def queue_email(
    event: str, to: list[str], *, attach_svr=None, attach_invoice=None, **context
) -> int:
    """Email `to` about something that is not a client's event (a dead letter, say).

    Each address gets its own delivery, composed from notifications/email/<event>.*.
    """
    if _suppressed.get():
        return 0
    key = f"{event}:{uuid.uuid4().hex}"
    queued = 0
    for address in sorted({address for address in to if address}):
        queued += queue_delivery(
            key,
            Recipient(address=address),
            template=event,
            context=context,
            attach_svr=attach_svr,
            attach_invoice=attach_invoice,
        )
    return queued


@dataclass(frozen=True)
class Recipient:
    """One person to tell: a staff user, a client contact, or a bare address."""

    address: str
    name: str = ""
    user: object = None
    contact: object = None

    @property
    def is_client(self) -> bool:
        return self.contact is not None or getattr(self.user, "is_client_user", False)


def compose(template: str, context: dict) -> tuple[str, str, str]:
    """Subject, plain text and HTML of notifications/email/<template>."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"notifications/email/{template}.subject.txt", context)
    text = render_to_string(f"notifications/email/{template}.body.txt", context)
    html = render_to_string(
        [
            f"notifications/email/{template}.body.html",
            "notifications/email/_layout.html",
        ],
        {**context, "text": text, "subject": subject.strip()},
    )
    # A subject is one line, whatever the template's whitespace.
    return " ".join(subject.split())[:255], text, html


def queue_delivery(
    key: str,
    recipient: Recipient,
    *,
    template: str,
    context: dict,
    event: str = "",
    ticket=None,
    client=None,
    attach_svr=None,
    attach_invoice=None,
    attach_adjustment_note=None,
    personal=None,
) -> int:
    """Compose and queue one email; 0 when this recipient already has it for `key`.

    `personal(recipient)` adds context for this email alone; it is called only once
    the email is known to be new, so what it makes (a decision link) is never made
    for an email that is not sent.

    Call it inside the change's transaction: the row, its reply token and the task
    commit or roll back with the change.
    """
    address = recipient.address.strip().lower()
    if EmailDelivery.objects.filter(event_key=key, to_address=address).exists():
        return 0
    # Times in an email read in the zone of the client it is about, as its portal
    # shows them; staff read theirs in the MSP's.
    zone = client.timezone if client is not None and recipient.is_client else None
    if personal is not None:
        context = {**context, **personal(recipient)}
    with timezone.override(zone) if zone else nullcontext():
        subject, text, html = compose(template, {"recipient": recipient, **context})
    try:
        # A savepoint, so a duplicate leaves no reply token or message id behind.
        with transaction.atomic():
            delivery = EmailDelivery.objects.create(
                event_key=key,
                event=event,
                template=template,
                to_address=address,
                user=recipient.user,
                contact=recipient.contact,
                client=client,
                ticket=ticket,
                subject=subject,
                body_text=text,
                body_html=html,
                headers=_headers(ticket, recipient),
                attach_svr=attach_svr,
                attach_invoice=attach_invoice,
                attach_adjustment_note=attach_adjustment_note,
            )
    except IntegrityError:
        return 0
    send_email.enqueue(delivery_id=delivery.pk)
    return 1


def _headers(ticket, recipient) -> dict[str, str]:
    # Imported here: the inbound package reads tickets, which queue through us.
    from stratadesk.inbound import addresses

    if ticket is None:
        return {"Auto-Submitted": "auto-generated", addresses.LOOP_HEADER: "0"}
    return addresses.outbound_headers(ticket, recipient.contact)


def wanting(template: str, recipients: list[Recipient]) -> list[Recipient]:
    """The recipients who have not turned off the email topic of `template`.

    Staff and client users choose from their own topics (topics_of), so the topic
    of one template may differ between them.
    """
    topics = {
        recipient.user.pk: topic_of(template, recipient)
        for recipient in recipients
        if recipient.user is not None
    }
    if not any(topics.values()):
        return recipients
    declined = set(
        EmailPreference.objects.filter(
            topic__in={topic for topic in topics.values() if topic},
            email=False,
            user_id__in=topics,
        ).values_list("user_id", "topic")
    )
    return [
        recipient
        for recipient in recipients
        if recipient.user is None
        or (recipient.user.pk, topics[recipient.user.pk]) not in declined
    ]


def topic_of(template: str, recipient: Recipient) -> str | None:
    """The topic `recipient` turns `template` off by; None when it is always sent."""
    if not recipient.is_client and template in STAFF_TOPIC_OF_EVENT:
        return STAFF_TOPIC_OF_EVENT[template]
    return TOPIC_OF_EVENT.get(template)


def topics_of(user) -> tuple[str, ...]:
    return CLIENT_TOPICS if user.is_client_user else STAFF_TOPICS


def preferences_of(user) -> dict[str, bool]:
    """{topic: wants email} for every topic; a topic never chosen is on."""
    chosen = dict(user.email_preferences.values_list("topic", "email"))
    return {topic: chosen.get(topic, True) for topic in topics_of(user)}


@transaction.atomic
def set_preferences(actor, choices: dict[str, bool]) -> dict[str, bool]:
    """Save the acting user's own email choices; unknown topics are ignored."""
    user = actor.user
    before = preferences_of(user)
    after = {topic: bool(choices.get(topic, False)) for topic in topics_of(user)}
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
