"""Background sends. Enqueued inside the transaction of the change that caused them."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task

logger = logging.getLogger(__name__)


@task()
def send_email(*, to: list[str], subject: str, body: str, event: str, ticket_id=None):
    message = EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    )
    message.send()
    logger.info(
        "email sent",
        extra={"event": event, "ticket_id": ticket_id, "recipients": len(to)},
    )


@task()
def deliver_webhook(*, delivery_id: int) -> None:
    """One attempt at a webhook delivery; a retry is queued as a task of its own."""
    # Imported here because the webhooks module queues this very task.
    from stratadesk.notifications import webhooks

    webhooks.deliver(delivery_id)
