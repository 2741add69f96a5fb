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
    ADJUSTMENT_NOTE_ISSUED = "adjustment_note.issued", "Adjustment note issued"


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
    # Staff topics, chosen on the console's notifications page.
    ASSIGNED_WORK = "assigned_work", "Tickets assigned to me, and SVR decisions"
    SLA_ALERTS = "sla_alerts", "SLA warnings, breaches and escalations"
    TICKET_ACTIVITY = (
        "ticket_activity",
        "New tickets, public replies and stage changes, where a rule emails me",
    )


CLIENT_TOPICS = (
    EmailTopic.TICKET_UPDATES,
    EmailTopic.SVR_REQUESTS,
    EmailTopic.SLA_NOTICES,
)
STAFF_TOPICS = (
    EmailTopic.ASSIGNED_WORK,
    EmailTopic.SLA_ALERTS,
    EmailTopic.TICKET_ACTIVITY,
)


# The emails each topic covers (notifications/email/<template>.*). An email not
# listed here (a sign-in code, an invoice) is always sent.
TOPIC_OF_EVENT = {
    "ticket_created": EmailTopic.TICKET_UPDATES,
    "ticket_pending_client": EmailTopic.TICKET_UPDATES,
    "ticket_resolved": EmailTopic.TICKET_UPDATES,
    "svr_issued": EmailTopic.SVR_REQUESTS,
    "svr_reminder": EmailTopic.SVR_REQUESTS,
    "sla_client_notice": EmailTopic.SLA_NOTICES,
    "ticket_update": EmailTopic.TICKET_UPDATES,
    "ticket_stage_changed": EmailTopic.TICKET_UPDATES,
    "ticket_commented": EmailTopic.TICKET_UPDATES,
    "ticket_assigned": EmailTopic.ASSIGNED_WORK,
    "svr_decided": EmailTopic.ASSIGNED_WORK,
    "sla_warning": EmailTopic.SLA_ALERTS,
    "sla_breached": EmailTopic.SLA_ALERTS,
    "sla_escalated": EmailTopic.SLA_ALERTS,
}
# The same emails as a staff member chooses them: what a client reads as news of its
# own ticket is, for the desk, activity on tickets they work. The default rules email
# staff none of these; a client's rules may.
STAFF_TOPIC_OF_EVENT = {
    "ticket_created": EmailTopic.TICKET_ACTIVITY,
    "ticket_stage_changed": EmailTopic.TICKET_ACTIVITY,
    "ticket_commented": EmailTopic.TICKET_ACTIVITY,
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


# Notification rules ------------------------------------------------------------------


class NotifyEvent(models.TextChoices):
    """What happened, as the notification rules name it."""

    TICKET_CREATED = "ticket_created", "Ticket raised"
    TICKET_ASSIGNED = "ticket_assigned", "Ticket assigned"
    STAGE_CHANGED = "stage_changed", "Ticket moved to another stage"
    PUBLIC_COMMENT = "public_comment", "Public reply on a ticket"
    SLA_WARNING = "sla_warning", "SLA target nearly due"
    SLA_BREACHED = "sla_breached", "SLA target breached"
    ESCALATION = "escalation", "SLA escalation"
    SVR_ISSUED = "svr_issued", "SVR issued for approval"
    SVR_REMINDER = "svr_reminder", "SVR approval reminder"
    SVR_DECIDED = "svr_decided", "SVR approved or rejected"
    INVOICE_ISSUED = "invoice_issued", "Invoice issued"
    ADJUSTMENT_NOTE_ISSUED = "adjustment_issued", "Adjustment note issued"


class Audience(models.TextChoices):
    """Who a rule tells. Client audiences are contacts of the event's client."""

    REQUESTER = "requester", "The ticket's requester"
    WATCHERS = "watchers", "The ticket's watchers"
    APPROVERS = "approvers", "The client's approvers (an SVR's own, when there is one)"
    BILLING = "billing", "The client's billing contacts"
    ASSIGNEE = "assignee", "The assignee"
    ASSIGNEE_OR_OPERATIONS = "assignee_or_ops", "The assignee, else Operations"
    OPERATIONS = "operations", "Operations"
    STAFF_USER = "staff_user", "A named staff member"
    SVR_ISSUER = "svr_issuer", "Whoever issued the SVR"
    ESCALATION_TARGETS = "escalation", "Whoever the SLA escalation rule names"
    WEBHOOKS = "webhooks", "The client's webhook endpoints"


CLIENT_AUDIENCES = frozenset(
    {Audience.REQUESTER, Audience.WATCHERS, Audience.APPROVERS, Audience.BILLING}
)


class NotificationRule(models.Model):
    """One line of a client's rules: on `event`, tell `audience` by these channels.

    A client with no rules at all is told by notifications.rules.DEFAULT_RULES.
    """

    client = models.ForeignKey(
        "clients.ClientOrganisation",
        on_delete=models.CASCADE,
        related_name="notification_rules",
    )
    event = models.CharField(max_length=20, choices=NotifyEvent.choices)
    # Only for "stage changed": the stage moved to; blank means any stage.
    stage = models.CharField(max_length=20, blank=True)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Only for a named staff member.",
    )
    email = models.BooleanField(default=True)
    in_app = models.BooleanField("in-app notice", default=False)

    class Meta:
        ordering = ["client", "event", "stage", "audience", "pk"]
        verbose_name = "notification rule"

    def __str__(self):
        return f"{self.client_id} {self.event} {self.stage} {self.audience}"


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class EmailDelivery(models.Model):
    """One email about one event to one address, composed when the event happened.

    Unique on (event_key, to_address): a recipient is emailed once per event however
    often the code that caused it runs. The worker claims the row before sending
    and never sends one that is sent, sending or failed.
    """

    event_key = models.CharField(max_length=120)
    event = models.CharField(max_length=20, blank=True)
    # The template it was composed from: notifications/email/<template>.*
    template = models.CharField(max_length=40)
    to_address = models.EmailField(max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact = models.ForeignKey(
        "clients.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    client = models.ForeignKey(
        "clients.ClientOrganisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # Message-ID, threading, loop and Reply-To headers, fixed when composed.
    headers = models.JSONField(default=dict)
    attach_svr = models.PositiveIntegerField(null=True, blank=True)
    attach_invoice = models.PositiveIntegerField(null=True, blank=True)
    attach_adjustment_note = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    attempt_count = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sending_since = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = "email delivery"
        verbose_name_plural = "email deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "to_address"], name="email_once_per_event"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.template} to {self.to_address} ({self.status})"


class Notice(models.Model):
    """An in-app notice: the bell in the header counts the unread ones."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    event_key = models.CharField(max_length=120)
    event = models.CharField(max_length=20, choices=NotifyEvent.choices)
    text = models.CharField(max_length=300)
    link = models.CharField(max_length=300, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(default=clock.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "user"], name="notice_once_per_event"
            )
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.text
