"""Background sends. Enqueued inside the transaction of the change that caused them."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task

logger = logging.getLogger(__name__)


@task()
def send_email(
    *,
    to: list[str],
    subject: str,
    body: str,
    event: str,
    ticket_id=None,
    attach_svr: int | None = None,
    attach_invoice: int | None = None,
):
    message = EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    )
    if attach_svr is not None:
        _attach_svr_pdf(message, attach_svr)
    if attach_invoice is not None:
        _attach_invoice_pdf(message, attach_invoice)
    message.send()
    logger.info(
        "email sent",
        extra={"event": event, "ticket_id": ticket_id, "recipients": len(to)},
    )


def _attach_svr_pdf(message, svr_id: int) -> None:
    """Attach the SVR's PDF, rendering it here if the worker has not yet.

    The email is queued with the change that issued the SVR, before any PDF exists;
    rendering at send time keeps that promise without holding the email back.
    """
    # Imported here: the SVR package queues emails through this module.
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


def _attach_invoice_pdf(message, invoice_id: int) -> None:
    """Attach the invoice's PDF, rendering it here if the worker has not yet.

    As for the SVR, the email is queued with the change that issued the invoice,
    before its PDF exists.
    """
    # Imported here: the ledger queues emails through this module.
    from stratadesk.ledger import documents
    from stratadesk.ledger.models import Invoice

    invoice = Invoice.objects.select_related("client").filter(pk=invoice_id).first()
    if invoice is None or invoice.is_draft:
        return
    name, content = documents.pdf_for_email(invoice)
    message.attach(name, content, "application/pdf")


@task()
def deliver_webhook(*, delivery_id: int) -> None:
    """One attempt at a webhook delivery; a retry is queued as a task of its own."""
    # Imported here because the webhooks module queues this very task.
    from stratadesk.notifications import webhooks

    webhooks.deliver(delivery_id)
