"""django-anymail's inbound webhooks: each provider's post, as one raw message.

anymail checks the webhook's basic-auth credentials and normalises every provider's
format to an AnymailInboundMessage (a standard library EmailMessage); its bytes go
through the same parser as mail fetched from a mailbox.
"""

import logging

from anymail.signals import inbound
from django.dispatch import receiver

from stratadesk.inbound.services import receive

logger = logging.getLogger(__name__)


@receiver(inbound, dispatch_uid="stratadesk.inbound.webhooks.received")
def received(sender, event, esp_name, **kwargs):
    message = event.message
    # The address the provider delivered to, which may be missing from the headers
    # (a Bcc, a forwarding alias).
    envelope = [message.envelope_recipient] if message.envelope_recipient else []

    # Any failure here answers the provider 500, and it delivers again later;
    # receive() is idempotent on the message id, so nothing lands twice.
    record = receive(
        message.as_bytes(), source=f"webhook:{esp_name}", recipients=envelope
    )
    logger.info(
        "inbound webhook handled",
        extra={"inbound_id": record.pk, "esp": esp_name, "event_id": event.event_id},
    )
