"""Tickets and what hangs off them: comments, attachments, time and materials."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from stratadesk.clients.models import Priority
from stratadesk.core.models import Channel


class Stage(models.TextChoices):
    """The nine stages. The codes are the same in the database, the API and URLs."""

    REQUEST = "request", "Request"
    TRIAGE = "triage", "Triage"
    ASSIGNED = "assigned", "Assigned"
    IN_PROGRESS = "in_progress", "In Progress"
    PENDING_CLIENT = "pending_client", "Pending Client"
    PENDING_THIRD_PARTY = "pending_third_party", "Pending Third Party"
    RESOLVED = "resolved", "Resolved"
    SVR_PENDING = "svr_pending", "SVR Pending"
    CLOSED = "closed", "Closed"


class CloseReason(models.TextChoices):
    DUPLICATE = "duplicate", "Duplicate"
    SPAM = "spam", "Spam"
    NOT_SERVICE_REQUEST = "not_service_request", "Not a service request"
    WITHDRAWN = "withdrawn", "Withdrawn"
    SVR_APPROVED = "svr_approved", "SVR approved"
    SVR_AUTO_APPROVED = "svr_auto_approved", "SVR auto-approved"
    SVR_OVERRIDDEN = "svr_overridden", "SVR closed by Admin override"


class Category(models.Model):
    name = models.CharField(max_length=80, unique=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


class Ticket(models.Model):
    number = models.PositiveIntegerField(unique=True, editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField()
    priority = models.CharField(max_length=2, choices=Priority.choices)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(
        "clients.ClientOrganisation", on_delete=models.PROTECT, related_name="tickets"
    )
    site = models.ForeignKey(
        "clients.Site",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requester = models.ForeignKey(
        "clients.Contact", on_delete=models.PROTECT, related_name="requested_tickets"
    )
    # Contacts of the same client who follow the ticket besides its requester.
    watchers = models.ManyToManyField(
        "clients.Contact", blank=True, related_name="watched_tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tickets",
    )
    stage = models.CharField(
        max_length=24, choices=Stage.choices, default=Stage.REQUEST, db_index=True
    )
    # Bumped by every change, so a move made on a stale view is refused as a conflict.
    version = models.PositiveIntegerField(default=1)
    external_ref = models.CharField(max_length=100, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    close_reason = models.CharField(
        max_length=24, choices=CloseReason.choices, blank=True
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    follow_up_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    third_party_name = models.CharField(max_length=150, blank=True)
    third_party_ref = models.CharField(max_length=100, blank=True)
    resolution_summary = models.TextField(blank=True)
    not_billable = models.BooleanField(default=False)
    not_billable_reason = models.CharField(max_length=300, blank=True)

    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    stage_changed_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "external_ref"],
                condition=~Q(external_ref=""),
                name="ticket_external_ref_unique_per_client",
            ),
            models.CheckConstraint(
                name="ticket_stage_valid", condition=Q(stage__in=Stage.values)
            ),
            models.CheckConstraint(
                name="ticket_priority_valid", condition=Q(priority__in=Priority.values)
            ),
        ]
        indexes = [
            models.Index(fields=["client", "stage"], name="ticket_client_stage_idx"),
            # A client's newest tickets first: the API list and the portal read
            # pages in this order, and without it every page sorts all of them.
            models.Index(fields=["client", "-number"], name="ticket_client_number_idx"),
            models.Index(
                fields=["assignee", "stage"], name="ticket_assignee_stage_idx"
            ),
            models.Index(fields=["updated_at"], name="ticket_updated_idx"),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"T-{self.number}"

    @property
    def stage_label(self) -> str:
        return Stage(self.stage).label


class Comment(models.Model):
    """A public message (seen by the client) or an internal note (staff only)."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    author_contact = models.ForeignKey(
        "clients.Contact",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    author_label = models.CharField(max_length=150)
    body = models.TextField()
    is_public = models.BooleanField(default=True)
    # System messages (acknowledgements, stage notices) never count as a staff reply.
    is_system = models.BooleanField(default=False)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        kind = "public" if self.is_public else "internal"
        return f"{kind} comment on {self.ticket_id} by {self.author_label}"


def attachment_path(instance, filename):
    return f"attachments/{instance.ticket.client_id}/{instance.ticket_id}/{filename}"


class Attachment(models.Model):
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="attachments"
    )
    comment = models.ForeignKey(
        Comment,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    is_public = models.BooleanField(default=True)
    # Chosen by staff to go into the SVR as evidence of the work; public files only.
    is_evidence = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField()

    def __str__(self):
        return self.original_name


class WorkType(models.TextChoices):
    BUSINESS_HOURS = "business_hours", "Business hours"
    AFTER_HOURS = "after_hours", "After hours"
    TRAVEL = "travel", "Travel"


class TimeEntry(models.Model):
    ticket = models.ForeignKey(
        Ticket, on_delete=models.PROTECT, related_name="time_entries"
    )
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    work_date = models.DateField()
    # One entry covers at most a day; longer work is logged per day.
    minutes = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    work_type = models.CharField(
        max_length=20, choices=WorkType.choices, default=WorkType.BUSINESS_HOURS
    )
    billable = models.BooleanField(default=True)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["work_date", "id"]
        verbose_name_plural = "time entries"
        constraints = [
            models.CheckConstraint(
                name="time_entry_minutes_positive", condition=Q(minutes__gt=0)
            )
        ]

    def __str__(self):
        return f"{self.minutes} min on {self.work_date}"


class MaterialEntry(models.Model):
    ticket = models.ForeignKey(
        Ticket, on_delete=models.PROTECT, related_name="material_entries"
    )
    item = models.CharField(max_length=200)
    quantity = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0.01")),
            MaxValueValidator(Decimal("10000")),
        ],
    )
    unit_price = models.DecimalField(
        "unit price (ex GST)",
        max_digits=12,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0")),
            MaxValueValidator(Decimal("1000000")),
        ],
    )
    billable = models.BooleanField(default=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "material entries"
        constraints = [
            models.CheckConstraint(
                name="material_quantity_positive", condition=Q(quantity__gt=0)
            ),
            models.CheckConstraint(
                name="material_price_not_negative", condition=Q(unit_price__gte=0)
            ),
        ]

    def __str__(self):
        return f"{self.quantity} x {self.item}"

    @property
    def line_total(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"))
