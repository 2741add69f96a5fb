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


class ApprovalRule(models.TextChoices):
    ANY = "any", "Any one approver"
    ALL = "all", "Every approver"


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
    svr_approval_rule = models.CharField(
        "SVR approved by",
        max_length=3,
        choices=ApprovalRule.choices,
        default=ApprovalRule.ANY,
        help_text="Every approver: the ticket closes once each one has approved.",
    )
    svr_reminder_days = models.PositiveSmallIntegerField(
        "SVR reminder after (business days)",
        default=2,
        help_text="Approvers are reminded once after this many business days; "
        "0 sends no reminder.",
    )
    svr_auto_approve_days = models.PositiveSmallIntegerField(
        "SVR auto-approval after (business days)",
        null=True,
        blank=True,
        help_text="Blank (the default): an SVR is never approved automatically.",
    )
    # Business days for SVR reminders and auto-approval. Blank: the calendar of the
    # client's SLA target for P3, else Monday to Friday 09:00-17:00.
    business_calendar = models.ForeignKey(
        "sla.Calendar",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The client's working days, for SVR reminders and auto-approval.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "client organisation"
        constraints = [
            models.CheckConstraint(
                name="client_auto_approve_days_positive",
                condition=models.Q(svr_auto_approve_days__isnull=True)
                | models.Q(svr_auto_approve_days__gt=0),
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.abn:
            self.abn = normalise_abn(self.abn)
        reminder, auto = self.svr_reminder_days, self.svr_auto_approve_days
        if reminder and auto and reminder >= auto:
            raise ValidationError(
                {
                    "svr_reminder_days": "A reminder comes before auto-approval: "
                    f"make it fewer than {auto} business days, or 0 for none."
                }
            )

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


def _hex_colour(value: str) -> None:
    if not (len(value) == 7 and value.startswith("#")) or not all(
        ch in "0123456789abcdefABCDEF" for ch in value[1:]
    ):
        raise ValidationError("A colour like #0b4f8a.", code="invalid")


def _luminance(hex_colour: str) -> float:
    """WCAG relative luminance of an sRGB colour."""
    channels = []
    for index in (1, 3, 5):
        value = int(hex_colour[index : index + 2], 16) / 255
        channels.append(
            value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
        )
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two colours, 1 to 21."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# WCAG 2.2 AA for normal text.
MIN_CONTRAST = 4.5
# The portal's page background (--wash in app.css), behind links in the brand colour.
PAGE_BACKGROUND = "#f3f4f6"


class PortalBranding(models.Model):
    """How a client's portal, emails and documents look: data, edited by Admins.

    The brand colour carries white text (buttons, the header), so it must keep
    WCAG AA contrast with white; the saved form refuses one that does not.
    """

    client = models.OneToOneField(
        ClientOrganisation, on_delete=models.CASCADE, related_name="branding"
    )
    portal_name = models.CharField(max_length=100)
    logo = models.FileField(upload_to="branding/", blank=True)
    brand_colour = models.CharField(
        max_length=7, default="#0b4f8a", validators=[_hex_colour]
    )
    support_phone = models.CharField(max_length=40, blank=True)
    support_email = models.EmailField(blank=True)
    footer_text = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name_plural = "portal branding"

    def __str__(self):
        return self.portal_name

    def clean(self):
        errors = {}
        colour = self.brand_colour or ""
        try:
            _hex_colour(colour)
        except ValidationError:
            return  # the field's own validator reports it
        # White text sits on the colour (buttons, header); the colour sits on the
        # page's grey as link text. Both must read.
        worst = min(contrast(colour, "#ffffff"), contrast(colour, PAGE_BACKGROUND))
        if worst < MIN_CONTRAST:
            errors["brand_colour"] = (
                f"{colour} has contrast {worst:.1f}:1 with white text or the page "
                f"background; choose a darker colour (at least {MIN_CONTRAST}:1)."
            )
        name = (self.logo.name or "").lower()
        if name and not name.endswith((".png", ".svg", ".jpg", ".jpeg")):
            errors["logo"] = "A PNG, SVG or JPEG image."
        if errors:
            raise ValidationError(errors)

    @property
    def brand_dark(self) -> str:
        """The brand colour a fifth darker, for hover and borders."""
        parts = [int(self.brand_colour[i : i + 2], 16) for i in (1, 3, 5)]
        return "#" + "".join(f"{int(part * 0.8):02x}" for part in parts)
