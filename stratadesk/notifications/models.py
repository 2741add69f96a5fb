"""Outbound webhooks: the endpoints clients register and every delivery made to them.

A delivery is one message (one event for one endpoint); each try at sending it is an
attempt. Deliveries that fail for good stay as the dead letter, for an Admin to read
and replay.
"""

from django.conf import settings
from django.db import models

from stratadesk.core import clock


class WebhookEvent(models.TextChoices):
    TICKET_CREATED = "ticket.created", "Ticket raised"
    TICKET_STAGE_CHANGED = "ticket.stage_changed", "Ticket moved to another stage"
    TICKET_COMMENTED = "ticket.commented", "Public reply on a ticket"
    SLA_WARNING = "sla.warning", "SLA target nearly due"
    SLA_BREACHED = "sla.breached", "SLA target breached"
    SVR_ISSUED = "svr.issued", "SVR issued for approval"
    SVR_APPROVED = "svr.approved", "SVR approved"
    SVR_REJECTED = "svr.rejected", "SVR rejected"
    INVOICE_ISSUED = "invoice.issued", "Invoice issued"


class WebhookEndpoint(models.Model):
    """A URL of a client's system that wants some of the organisation's events."""

    client = models.ForeignKey(
        "clients.ClientOrganisation",
        on_delete=models.PROTECT,
        related_name="webhook_endpoints",
    )
    url = models.CharField("URL", max_length=500)
    description = models.CharField(max_length=200, blank=True)
    # Event names from WebhookEvent, in the enum's order.
    events = models.JSONField(default=list)
    # The Standard Webhooks secret, "whsec_" and base64. It is shown to the
    # endpoint's owner, who needs it to verify signatures, so it is not hashed.
    secret = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["client", "pk"]
        verbose_name = "webhook endpoint"

    def __str__(self):
        return self.url

    def wants(self, event_type: str) -> bool:
        return self.is_active and event_type in self.events


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Delivered"
    # The dead letter: retries ran out, or the receiver refused it for good.
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """One message to one endpoint, retried until it is delivered or given up on."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_type = models.CharField(max_length=40, choices=WebhookEvent.choices)
    message_id = models.CharField(max_length=40)
    payload = models.JSONField()
    # Deliveries about one ticket go to an endpoint one at a time, oldest first.
    ticket = models.ForeignKey(
        "tickets.Ticket",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    # Attempts in the current sequence; a replay starts a new one from zero.
    attempt_count = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Set while a worker is sending it, so a second worker leaves it alone.
    sending_since = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    replay_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=clock.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "message_id"], name="webhook_message_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["endpoint", "ticket", "status"], name="webhook_ticket_queue_idx"
            )
        ]

    def __str__(self):
        return f"{self.event_type} {self.message_id}"


class WebhookAttempt(models.Model):
    """One HTTP request made for a delivery, and what came back."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempts"
    )
    # Counts every attempt of the delivery, across replays.
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "number"], name="webhook_attempt_unique"
            )
        ]

    def __str__(self):
        return f"{self.delivery.message_id} #{self.number}"


class EmailTopic(models.TextChoices):
    """What a client user may choose to be emailed about, event by event family."""

    TICKET_UPDATES = "ticket_updates", "Updates on my tickets"
    SVR_REQUESTS = "svr_requests", "Reports waiting for my approval, and reminders"
    SLA_NOTICES = "sla_notices", "Service level notices"


# The emails each topic covers (notifications/email/<event>.*.txt). An email not
# listed here (a sign-in code, say) is always sent.
TOPIC_OF_EVENT = {
    "ticket_created": EmailTopic.TICKET_UPDATES,
    "ticket_pending_client": EmailTopic.TICKET_UPDATES,
    "ticket_resolved": EmailTopic.TICKET_UPDATES,
    "svr_issued": EmailTopic.SVR_REQUESTS,
    "svr_reminder": EmailTopic.SVR_REQUESTS,
    "sla_client_notice": EmailTopic.SLA_NOTICES,
}


class EmailPreference(models.Model):
    """One person's choice to be emailed, or not, about one topic. Default: yes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="email_preferences",
    )
    topic = models.CharField(max_length=20, choices=EmailTopic.choices)
    email = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "topic"], name="one_email_preference_per_topic"
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.topic} {'on' if self.email else 'off'}"
