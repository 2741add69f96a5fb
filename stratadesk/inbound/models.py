"""Reply tokens and message ids tying email to tickets; every message received."""

from django.conf import settings
from django.db import models

from stratadesk.core import clock


class ReplyToken(models.Model):
    """The secret in a reply address, support+<token>@domain, for one recipient.

    Only a SHA-256 digest is kept: the address itself travels in every copy of the
    notification, but someone who reads the database cannot write as a contact.
    """

    digest = models.CharField(max_length=64, unique=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="+"
    )
    contact = models.ForeignKey(
        "clients.Contact", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"reply token for {self.ticket_id} to {self.contact_id}"


class OutboundMessage(models.Model):
    """A notification sent about a ticket, so a reply's threading headers find it."""

    message_id = models.CharField(max_length=255, unique=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="+"
    )
    contact = models.ForeignKey(
        "clients.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=clock.now)

    def __str__(self):
        return self.message_id


class MessageKind(models.TextChoices):
    REPLY = "reply", "Reply to a ticket"
    NEW = "new", "New request"
    AUTO_REPLY = "auto_reply", "Auto-reply"
    BOUNCE = "bounce", "Bounce"
    LOOP = "loop", "Mail loop"


class Outcome(models.TextChoices):
    COMMENTED = "commented", "Comment added"
    RAISED = "raised", "Ticket raised"
    HELD = "held", "Held for Operations"
    ACCEPTED = "accepted", "Accepted by Operations"
    DISCARDED = "discarded", "Discarded by Operations"
    IGNORED = "ignored", "Ignored"


class InboundMessage(models.Model):
    """One email received, by webhook or mailbox, and what became of it.

    `message_id` is unique, so a message delivered twice (a provider's retry, a
    mailbox read again) is processed once.
    """

    message_id = models.CharField(max_length=255, unique=True)
    source = models.CharField(max_length=40)
    received_at = models.DateTimeField(default=clock.now, db_index=True)
    sender = models.CharField(max_length=254)
    sender_name = models.CharField(max_length=150, blank=True)
    subject = models.CharField(max_length=255, blank=True)
    kind = models.CharField(max_length=12, choices=MessageKind.choices)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, db_index=True)
    # Why it was held or ignored, for Operations and for the logs.
    reason = models.CharField(max_length=200, blank=True)
    contact = models.ForeignKey(
        "clients.Contact",
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
    comment = models.ForeignKey(
        "tickets.Comment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The message as received, kept only while it is held: accepting it raises the
    # ticket from it, with its files. A decision clears it.
    raw = models.BinaryField(blank=True, default=b"")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return f"{self.message_id} from {self.sender} ({self.outcome})"
