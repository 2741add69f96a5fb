"""The MSP's own business profile and the append-only audit trail."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from stratadesk.core.abn import format_abn, normalise_abn, validate_abn


class BusinessProfile(models.Model):
    """The MSP itself: who issues invoices and SVRs. There is one row."""

    legal_name = models.CharField(max_length=200)
    trading_name = models.CharField(max_length=200, blank=True)
    # Room for "53 004 085 616" as typed; clean() stores the compact 11 digits.
    abn = models.CharField("ABN", max_length=20, validators=[validate_abn])
    gst_registered = models.BooleanField("registered for GST", default=True)
    address = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "business profile"

    def __str__(self):
        return self.trading_name or self.legal_name

    def clean(self):
        if self.abn:
            self.abn = normalise_abn(self.abn)

    @property
    def abn_display(self) -> str:
        return format_abn(self.abn)

    @classmethod
    def current(cls) -> "BusinessProfile | None":
        return cls.objects.order_by("pk").first()


class Channel(models.TextChoices):
    PORTAL = "portal", "Portal"
    CONSOLE = "console", "Console"
    API = "api", "API"
    EMAIL = "email", "Email"
    SYSTEM = "system", "System"


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Audit events are append-only and cannot be updated.")

    def delete(self):
        raise TypeError("Audit events are append-only and cannot be deleted.")


class AuditEvent(models.Model):
    """One business fact: who did what, to which object, through which channel.

    Rows are only ever inserted. On PostgreSQL a trigger refuses UPDATE and DELETE too,
    so not even raw SQL can rewrite history.
    """

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150)
    actor_role = models.CharField(max_length=20)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    action = models.CharField(max_length=60)
    client = models.ForeignKey(
        "clients.ClientOrganisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_type = models.CharField(max_length=40)
    subject_id = models.CharField(max_length=40)
    from_stage = models.CharField(max_length=24, blank=True)
    to_stage = models.CharField(max_length=24, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [
            models.Index(
                fields=["subject_type", "subject_id", "occurred_at"],
                name="audit_subject_idx",
            )
        ]

    def __str__(self):
        return (
            f"{self.action} {self.subject_type}:{self.subject_id} by {self.actor_label}"
        )

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Audit events are append-only and cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are append-only and cannot be deleted.")


class Sequence(models.Model):
    """A named gapless counter (ticket numbers now, invoice numbers later).

    `next_value` is taken under a row lock inside the caller's transaction, so a rolled
    back change gives its number back and no two changes share one.
    """

    name = models.CharField(max_length=40, unique=True)
    next_value = models.PositiveBigIntegerField(default=1)

    def __str__(self):
        return f"{self.name}: {self.next_value}"


class FormSubmission(models.Model):
    """A form's one-time token, claimed by the change it submitted.

    Written in the same transaction as the change, so a double click or a browser's
    resend finds the token taken and changes nothing more, while a refused attempt
    rolls the claim back and may be corrected and sent again.
    """

    token = models.UUIDField(unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return str(self.token)
