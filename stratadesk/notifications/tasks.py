"""Background sends. Enqueued inside the transaction of the change that caused them."""

from django.tasks import task


@task()
def send_email(*, delivery_id: int) -> None:
    """Send one EmailDelivery, unless it is sent, being sent, or not yet due."""
    # Imported here because the outbox module queues this very task.
    from stratadesk.notifications import outbox

    outbox.send(delivery_id)


@task()
def deliver_webhook(*, delivery_id: int) -> None:
    """One attempt at a webhook delivery; a retry is queued as a task of its own."""
    # Imported here because the webhooks module queues this very task.
    from stratadesk.notifications import webhooks

    webhooks.deliver(delivery_id)
