"""SLA configuration as data, and each ticket's clocks and the events they fired.

Configuration: business calendars (zone, weekly segments, holidays), one policy per
client (or the default policy), a target per priority, and escalation rules. Admins
edit all of it; no client has code of its own.

Per ticket: one TicketClock per kind (response, resolution), recomputed from the
ticket's stage history whenever something relevant changes, with `next_check_at`, the
next instant a warning or breach falls due, indexed so the sweep reads only clocks
whose moment has come. A SlaEvent row is written once per clock and threshold; its
unique constraint is what makes each warning and breach fire exactly once.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce

from stratadesk.clients.models import AustralianState, Priority, validate_timezone
from stratadesk.core import clock


class Calendar(models.Model):
    name = models.CharField(max_length=100, unique=True)
    timezone = models.CharField(max_length=64, validators=[validate_timezone])
    # 24x7: every elapsed second counts, holidays included; segments are ignored.
    open_all_hours = models.BooleanField("24x7", default=False)
    # Public holidays of this state are loaded from the `holidays` library.
    state = models.CharField(max_length=3, choices=AustralianState.choices, blank=True)
    updated_at = models.DateTimeField(default=clock.now)

    def __str__(self):
        return self.name


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class CalendarSegment(models.Model):
    """One working period of a weekday, local wall-clock time; several a day allowed."""

    calendar = models.ForeignKey(
        Calendar, on_delete=models.CASCADE, related_name="segments"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField()
    # Blank means midnight at the end of the day.
    ends = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["weekday", "starts"]

    def __str__(self):
        ends = self.ends.strftime("%H:%M") if self.ends else "24:00"
        return f"{self.get_weekday_display()} {self.starts:%H:%M}-{ends}"

    def clean(self):
        if self.ends is not None and self.ends <= self.starts:
            raise ValidationError({"ends": "A period must end after it starts."})


class HolidaySource(models.TextChoices):
    STATE = "state", "State public holiday"
    MSP = "msp", "Added by the MSP"


class CalendarHoliday(models.Model):
    """A closed date. A removed state holiday stays as a row so reloading skips it."""

    calendar = models.ForeignKey(
        Calendar, on_delete=models.CASCADE, related_name="holidays"
    )
    date = models.DateField()
    name = models.CharField(max_length=100)
    source = models.CharField(max_length=5, choices=HolidaySource.choices)
    is_removed = models.BooleanField(
        "removed (open on this date after all)", default=False
    )

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "date"], name="one_holiday_row_per_calendar_date"
            )
        ]

    def __str__(self):
        return f"{self.date} {self.name}"


DEFAULT_WARNINGS = [0.5, 0.75, 0.9]


class SlaPolicy(models.Model):
    """A client's promise; the one with no client is the default for the rest."""

    client = models.OneToOneField(
        "clients.ClientOrganisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sla_policy",
    )
    name = models.CharField(max_length=100)
    pause_on_pending_client = models.BooleanField(default=True)
    pause_on_pending_third_party = models.BooleanField(default=True)
    # Fractions of each target, in business time, at which a warning fires.
    warning_fractions = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        constraints = [
            # One policy with no client: the default. NULLs are distinct in a plain
            # unique index, so the index is on the client id with NULL read as 0.
            models.UniqueConstraint(
                Coalesce("client", Value(0)), name="one_default_sla_policy"
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        fractions = self.warning_fractions or []
        if not isinstance(fractions, list) or not all(
            isinstance(f, int | float) and not isinstance(f, bool) and 0 < f < 1
            for f in fractions
        ):
            raise ValidationError(
                {"warning_fractions": "A list of fractions between 0 and 1, or []."}
            )
        self.warning_fractions = sorted(set(fractions))


class SlaTarget(models.Model):
    policy = models.ForeignKey(
        SlaPolicy, on_delete=models.CASCADE, related_name="targets"
    )
    priority = models.CharField(max_length=2, choices=Priority.choices)
    response_minutes = models.PositiveIntegerField()
    resolution_minutes = models.PositiveIntegerField()
    calendar = models.ForeignKey(Calendar, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "priority"], name="one_sla_target_per_priority"
            )
        ]

    def __str__(self):
        return f"{self.policy} {self.priority}"


class ClockKind(models.TextChoices):
    RESPONSE = "response", "Response"
    RESOLUTION = "resolution", "Resolution"


class EscalationTrigger(models.TextChoices):
    WARNING = "warning", "At a warning"
    BREACH = "breach", "At breach"
    AFTER_BREACH = "after_breach", "A set business time after breach"


class EscalationAction(models.TextChoices):
    NOTIFY_ROLE = "notify_role", "Notify everyone with a role"
    NOTIFY_USER = "notify_user", "Notify a named person"
    NOTIFY_CONTACTS = "notify_contacts", "Notify the client's contacts"
    RAISE_PRIORITY = "raise_priority", "Raise the priority one step"
    ASSIGN_LEAD = "assign_lead", "Hand the ticket to an Operations lead"


# Roles an escalation may notify; clients are reached through "notify contacts".
STAFF_ROLES = ("operations", "support", "accounts", "admin")


class EscalationRule(models.Model):
    policy = models.ForeignKey(
        SlaPolicy, on_delete=models.CASCADE, related_name="escalations"
    )
    # Blank: every priority.
    priority = models.CharField(max_length=2, choices=Priority.choices, blank=True)
    # Blank: both clocks.
    clock_kind = models.CharField(max_length=10, choices=ClockKind.choices, blank=True)
    trigger = models.CharField(max_length=12, choices=EscalationTrigger.choices)
    # For a warning: which fraction (blank: every warning). After breach: minutes.
    fraction = models.FloatField(null=True, blank=True)
    after_minutes = models.PositiveIntegerField(null=True, blank=True)
    action = models.CharField(max_length=16, choices=EscalationAction.choices)
    role = models.CharField(max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["trigger", "pk"]

    def __str__(self):
        return f"{self.get_trigger_display()}: {self.get_action_display()}"

    def clean(self):
        errors = {}
        if self.trigger == EscalationTrigger.AFTER_BREACH and not self.after_minutes:
            errors["after_minutes"] = "Say how long after breach."
        if self.action == EscalationAction.NOTIFY_ROLE and self.role not in STAFF_ROLES:
            errors["role"] = f"Choose a staff role: {', '.join(STAFF_ROLES)}."
        needs_user = (EscalationAction.NOTIFY_USER, EscalationAction.ASSIGN_LEAD)
        if self.action in needs_user:
            errors.update(self._user_errors())
        if self.trigger == EscalationTrigger.WARNING and self.fraction is not None:
            fractions = self.policy.warning_fractions if self.policy_id else []
            if self.fraction not in (fractions or []):
                errors["fraction"] = (
                    "Choose one of the policy's warning fractions: "
                    f"{', '.join(f'{f:g}' for f in fractions or [])}."
                )
        if errors:
            raise ValidationError(errors)

    def _user_errors(self) -> dict:
        user = self.user
        if user is None:
            return {"user": "Choose the person."}
        if not user.is_active or user.role not in STAFF_ROLES:
            return {"user": "Choose an active member of the MSP's staff."}
        lead_roles = ("operations", "support")
        if self.action == EscalationAction.ASSIGN_LEAD and user.role not in lead_roles:
            return {"user": "Tickets are handed to Operations or Support staff."}
        client_id = self.policy.client_id if self.policy_id else None
        limits = set(user.limited_to_clients.values_list("pk", flat=True))
        if limits and (client_id is None or client_id not in limits):
            return {
                "user": "This person may not work for every client it could act on."
            }
        return {}

    def threshold(self) -> str:
        """The name of the moment this rule acts at, as SlaEvent stores it."""
        if self.trigger == EscalationTrigger.BREACH:
            return "breach"
        if self.trigger == EscalationTrigger.AFTER_BREACH:
            return f"breach+{self.after_minutes}m"
        return "warning" if self.fraction is None else f"warning:{self.fraction:g}"


class ClockState(models.TextChoices):
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    MET = "met", "Met"
    BREACHED = "breached", "Breached"


class TicketClock(models.Model):
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="sla_clocks"
    )
    kind = models.CharField(max_length=10, choices=ClockKind.choices)
    target = models.DurationField()
    # Null: no policy applied yet; the fallback business hours were used.
    calendar = models.ForeignKey(
        Calendar, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    # When the target runs out: if paused now, as if it resumed at `computed_at`.
    due_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=ClockState.choices)
    used = models.DurationField(default=timedelta)
    met_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    # The next instant a warning or breach falls due; null when nothing can (paused,
    # met, or every threshold fired).
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "kind"], name="one_sla_clock_per_ticket_and_kind"
            )
        ]

    def __str__(self):
        return f"{self.ticket} {self.kind} {self.state}"


class SlaEvent(models.Model):
    """A warning, breach or escalation that fired; at most once per clock and moment."""

    clock = models.ForeignKey(
        TicketClock, on_delete=models.CASCADE, related_name="events"
    )
    threshold = models.CharField(max_length=30)
    due_at = models.DateTimeField()
    fired_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clock", "threshold"], name="sla_event_fires_once"
            )
        ]

    def __str__(self):
        return f"{self.clock} {self.threshold}"
