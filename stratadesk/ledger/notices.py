"""What issuing an invoice tells the world: its PDF, the email, the webhook.

Called inside the transaction that issues the invoice, so the render, the email and
the webhook delivery are queued exactly when the invoice is issued, and not at all
when issuing is refused.
"""

from stratadesk.ledger import documents
from stratadesk.notifications import webhooks
from stratadesk.notifications.models import WebhookEvent
from stratadesk.notifications.services import queue_email


def billing_addresses(client) -> list[str]:
    contacts = client.contacts.filter(is_billing=True, is_active=True)
    return [contact.email for contact in contacts]


def invoice_issued(invoice) -> None:
    documents.queue_render(invoice)
    queue_email(
        "invoice_issued",
        billing_addresses(invoice.client),
        attach_invoice=invoice.pk,
        invoice=invoice,
        client=invoice.client,
    )
    webhooks.queue_event(
        WebhookEvent.INVOICE_ISSUED,
        client=invoice.client,
        data=webhooks.invoice_data(invoice),
    )
