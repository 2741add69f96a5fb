"""Client organisations, their contacts and sites, and per-client settings as data."""

from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

from stratadesk.core import clock
from stratadesk.core.abn import format_abn, normalise_abn, validate_abn


class AustralianState(models.TextChoices):
    NSW = "NSW", "New South Wales"
    VIC = "VIC", "Victoria"
    QLD = "QLD", "Queensland"
    SA = "SA", "South Australia"
    WA = "WA", "Western Australia"
    TAS = "TAS", "Tasmania"
    ACT = "ACT", "Australian Capital Territory"
    NT = "NT", "Northern Territory"


class Priority(models.TextChoices):
    P1 = "P1", "P1 Critical"
    P2 = "P2", "P2 High"
    P3 = "P3", "P3 Normal"
    P4 = "P4", "P4 Low"


def validate_timezone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(f"{value!r} is not an IANA timezone.", code="invalid")


class ClientOrganisation(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    # Room for "53 004 085 616" as typed; clean() stores the compact 11 digits.
    abn = models.CharField("ABN", max_length=20, blank=True, validators=[validate_abn])
    state = models.CharField(max_length=3, choices=AustralianState.choices)
    timezone = models.CharField(
        max_length=64, default="Australia/Sydney", validators=[validate_timezone]
    )
    default_priority = models.CharField(
        max_length=2, choices=Priority.choices, default=Priority.P3
    )
    contacts_see_all_tickets = models.BooleanField(
        default=True,
        help_text="Off: each contact sees only the tickets they requested.",
    )
    svr_review_required = models.BooleanField(
        "SVR needs Operations review",
        default=False,
        help_text="On: only Operations or Admin may issue an SVR to this client.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "client organisation"

    def __str__(self):
        return self.name

    def clean(self):
        if self.abn:
            self.abn = normalise_abn(self.abn)

    @property
    def abn_display(self) -> str:
        return format_abn(self.abn)


class Contact(models.Model):
    """A person at a client organisation; may or may not have a portal login."""

    client = models.ForeignKey(
        ClientOrganisation, on_delete=models.PROTECT, related_name="contacts"
    )
    name = models.CharField(max_length=150)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    is_approver = models.BooleanField(
        "SVR approver", default=False, help_text="May approve or reject SVRs."
    )
    is_billing = models.BooleanField("billing contact", default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "client", Lower("email"), name="contact_email_unique_per_client"
            )
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"

    def clean(self):
        # A login linked here acts for this contact, so it must be a client login of
        # the same organisation: never staff, never another client's.
        user = self.user
        if user is not None and (
            user.role != "client" or user.client_id != self.client_id
        ):
            raise ValidationError(
                {"user": "Link only a client login of this same organisation."}
            )


class Site(models.Model):
    client = models.ForeignKey(
        ClientOrganisation, on_delete=models.PROTECT, related_name="sites"
    )
    name = models.CharField(max_length=150)
    address = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["client", "name"], name="site_unique_name")
        ]

    def __str__(self):
        return self.name
