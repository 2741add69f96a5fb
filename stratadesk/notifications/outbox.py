"""Sending EmailDelivery rows, each at most once, with retries on temporary failure.

A delivery is claimed under its row lock (status SENDING, sending_since) in a short
transaction, sent with no lock held, and its outcome recorded in another. A worker
that dies between claim and record leaves it SENDING: resume_stalled() then marks it
failed rather than sending it again, because the message may well have gone.
"""

import logging
import random
import smtplib
from datetime import timedelta
from email.message import MIMEPart

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q

from stratadesk.core import audit, clock
from stratadesk.core.errors import Conflict, PermissionDenied
from stratadesk.notifications.models import EmailDelivery, EmailStatus
from stratadesk.notifications.tasks import send_email
from stratadesk.people.permissions import Action, can

logger = logging.getLogger(__name__)

# Waits before each retry of a temporary failure; then the delivery fails for good.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
JITTER = 0.2
_random = random.SystemRandom()
# Longer than any SMTP conversation takes, so only a dead worker's claim is this old.
SENDING_LEASE = timedelta(minutes=15)
# A pending delivery this far past due has lost its task.
STALLED_AFTER = timedelta(minutes=10)
LOGO_CID = "brand-logo"
# The last error of a delivery whose worker died mid-send (resume_stalled).
STOPPED_MID_SEND = "The worker stopped while sending; it may or may not have gone."


def send(delivery_id: int) -> None:
    """Send one delivery if it is pending and due. Run by the send_email task."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return
    try:
        _message(delivery).send()
    except Exception as exc:
        _failed(delivery.pk, exc)
    else:
        _sent(delivery.pk)


def _claim(delivery_id) -> EmailDelivery | None:
    with transaction.atomic():
        delivery = (
            EmailDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        )
        now = clock.now()
        if delivery is None or delivery.status != EmailStatus.PENDING:
            return None
        if delivery.next_attempt_at and delivery.next_attempt_at > now:
            return None
        delivery.status = EmailStatus.SENDING
        delivery.sending_since = now
        delivery.attempt_count += 1
        delivery.save(update_fields=["status", "sending_since", "attempt_count"])
        return delivery


def _message(delivery) -> EmailMultiAlternatives:
    # Imported here: SVRs queue their emails through this package.
    from stratadesk.svr import links

    headers = dict(delivery.headers)
    reply_to = headers.pop("Reply-To", None)
    # An SVR decision link is minted as the email goes, never kept in the outbox.
    body_text, body_html = links.fill_in(delivery)
    message = EmailMultiAlternatives(
        subject=delivery.subject,
        body=body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.to_address],
        reply_to=[reply_to] if reply_to else None,
        headers=headers,
    )
    if body_html:
        message.attach_alternative(body_html, "text/html")
    if f"cid:{LOGO_CID}" in delivery.body_html:
        _attach_logo(message, delivery.client_id)
    if delivery.attach_svr is not None:
        attach_svr_pdf(message, delivery.attach_svr)
    if delivery.attach_invoice is not None:
        attach_ledger_pdf(message, "invoice", delivery.attach_invoice)
    if delivery.attach_adjustment_note is not None:
        attach_ledger_pdf(message, "adjustment_note", delivery.attach_adjustment_note)
    return message


def _attach_logo(message, client_id) -> None:
    from stratadesk.clients.models import PortalBranding

    branding = PortalBranding.objects.filter(client_id=client_id).first()
    if branding is None or not branding.logo:
        return
    name = branding.logo.name.lower()
    subtype = "svg+xml" if name.endswith(".svg") else name.rsplit(".", 1)[-1]
    with branding.logo.open("rb") as logo:
        data = logo.read()
    part = MIMEPart()
    part.set_content(
        data,
        maintype="image",
        subtype="jpeg" if subtype == "jpg" else subtype,
        disposition="inline",
        filename=f"logo.{subtype.split('+')[0]}",
        cid=f"<{LOGO_CID}>",
    )
    message.attach(part)


def attach_svr_pdf(message, svr_id: int) -> None:
    """Attach the SVR's PDF, rendering it here if the worker has not yet.

    The email is queued with the change that issued the SVR, before any PDF exists;
    rendering at send time keeps that promise without holding the email back.
    """
    # Imported here: the SVR package queues emails through notifications.
    from stratadesk.svr import documents
    from stratadesk.svr.models import ServiceVerificationReport

    svr = (
        ServiceVerificationReport.objects.select_related("ticket__client")
        .filter(pk=svr_id)
        .first()
    )
    if svr is None:
        return
    name, content = documents.pdf_for_email(svr)
    message.attach(name, content, "application/pdf")


def attach_ledger_pdf(message, kind: str, pk: int) -> None:
    """Attach an invoice's or adjustment note's PDF, rendering it here if need be.

    As for the SVR, the email is queued with the change that issued the document,
    before its PDF exists. `kind` is "invoice" or "adjustment_note".
    """
    # Imported here: the ledger queues emails through notifications.
    from stratadesk.ledger import documents

    found = documents.attachment(kind, pk)
    if found is not None:
        name, content = found
        message.attach(name, content, "application/pdf")


def is_temporary(exc: Exception) -> bool:
    """Worth trying again later: the server was away, busy, or said 4xx."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionError | TimeoutError):
        return True
    status = getattr(exc, "status_code", None)  # anymail's API errors carry one
    return status is not None and (status == 429 or status >= 500)


def retry_delay(attempts: int) -> timedelta:
    return RETRY_DELAYS[attempts - 1] * _random.uniform(1 - JITTER, 1 + JITTER)


def _sent(delivery_id) -> None:
    now = clock.now()
    EmailDelivery.objects.filter(pk=delivery_id).update(
        status=EmailStatus.SENT,
        sent_at=now,
        sending_since=None,
        next_attempt_at=None,
        last_error="",
    )
    logger.info("email sent", extra={"delivery_id": delivery_id})


def _failed(delivery_id, exc) -> None:
    with transaction.atomic():
        delivery = EmailDelivery.objects.select_for_update().get(pk=delivery_id)
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        delivery.sending_since = None
        retry = is_temporary(exc) and delivery.attempt_count <= len(RETRY_DELAYS)
        if retry:
            delivery.status = EmailStatus.PENDING
            delivery.next_attempt_at = clock.now() + retry_delay(delivery.attempt_count)
            send_email.using(run_after=delivery.next_attempt_at).enqueue(
                delivery_id=delivery.pk
            )
        else:
            delivery.status = EmailStatus.FAILED
            delivery.next_attempt_at = None
        delivery.save()
    logger.log(
        logging.WARNING if retry else logging.ERROR,
        "email failed",
        extra={
            "delivery_id": delivery_id,
            "attempts": delivery.attempt_count,
            "retry": retry,
            "error": delivery.last_error,
        },
    )


def resume_stalled() -> dict[str, int]:
    """Queue a task for each pending delivery that lost its own; fail dead claims.

    A delivery SENDING past the lease belonged to a worker that died mid-send. The
    message may have gone out, so it is marked failed for a person to look at rather
    than sent a second time.
    """
    now = clock.now()
    lost = EmailDelivery.objects.filter(
        status=EmailStatus.SENDING, sending_since__lt=now - SENDING_LEASE
    ).update(
        status=EmailStatus.FAILED,
        sending_since=None,
        last_error=STOPPED_MID_SEND,
    )
    cutoff = now - STALLED_AFTER
    # A first attempt has no next_attempt_at: it was due when it was queued.
    overdue = Q(next_attempt_at__lte=cutoff) | Q(
        next_attempt_at=None, created_at__lte=cutoff
    )
    stalled = list(
        EmailDelivery.objects.filter(overdue, status=EmailStatus.PENDING).values_list(
            "pk", flat=True
        )
    )
    with transaction.atomic():
        for delivery_id in stalled:
            send_email.enqueue(delivery_id=delivery_id)
    if lost or stalled:
        logger.warning(
            "email deliveries resumed", extra={"lost": lost, "resumed": len(stalled)}
        )
    return {"lost": lost, "resumed": len(stalled)}


def may_have_gone(delivery) -> bool:
    """Failed because its worker died mid-send: the recipient may have it already."""
    return (
        delivery.status == EmailStatus.FAILED
        and delivery.last_error == STOPPED_MID_SEND
    )


@transaction.atomic
def retry_failed(actor, delivery) -> EmailDelivery:
    """Send a failed delivery again: pending now, a fresh run of retries, a task queued.

    Only a failed delivery is sent again; one that is sent, being sent or waiting is
    refused and left as it was. A delivery that may already have gone (its worker
    died mid-send) is sent again too: the person asking was shown that it might
    arrive twice, and asked anyway.
    """
    if not (actor.is_system or can(actor.user, Action.CONFIGURE)):
        raise PermissionDenied("Only Admins send emails again.")
    locked = EmailDelivery.objects.select_for_update().get(pk=delivery.pk)
    if locked.status != EmailStatus.FAILED:
        raise Conflict(
            f"This email is {locked.get_status_display().lower()}; only a failed "
            "email can be sent again.",
            code="email_not_failed",
        )

    previous = {
        "attempts": locked.attempt_count,
        "error": locked.last_error,
        "may_have_gone": may_have_gone(locked),
    }
    locked.status = EmailStatus.PENDING
    locked.attempt_count = 0
    # Due now, so resume_stalled() counts its wait from the resend, not creation.
    locked.next_attempt_at = clock.now()
    locked.sending_since = None
    locked.last_error = ""
    locked.save(
        update_fields=[
            "status",
            "attempt_count",
            "next_attempt_at",
            "sending_since",
            "last_error",
        ]
    )
    audit.record(
        actor,
        "email.resent",
        locked,
        client=locked.client,
        data={"to": locked.to_address, "template": locked.template, **previous},
    )
    # The database task backend writes this row in our transaction: the task exists
    # exactly when the delivery is pending again.
    send_email.enqueue(delivery_id=locked.pk)
    logger.info(
        "email queued to be sent again",
        extra={"delivery_id": locked.pk, "may_have_gone": previous["may_have_gone"]},
    )
    return locked
