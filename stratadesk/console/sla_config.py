"""Staff console: SLA calendars and policies, edited by Admins.

Pages parse a form, call one configuration service in stratadesk.sla.services and
redirect with a flash message; a refusal re-renders the page with the service's
messages next to the fields and changes nothing. Each save recomputes the open
tickets it governs (the services say how many), so the pages say so.
"""

import re
from datetime import time, timedelta
from functools import wraps
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from stratadesk.clients.models import AustralianState, ClientOrganisation, Priority
from stratadesk.core import clock
from stratadesk.core.errors import DomainError
from stratadesk.core.models import Channel
from stratadesk.people.actors import Actor
from stratadesk.people.models import User
from stratadesk.people.permissions import Action, can
from stratadesk.sla import services
from stratadesk.sla.models import (
    STAFF_ROLES,
    Calendar,
    CalendarHoliday,
    ClockKind,
    EscalationAction,
    EscalationRule,
    EscalationTrigger,
    SlaPolicy,
    Weekday,
)

from .access import staff_required
from .gate_forms import attach_errors

INVALID = 422
PREVIEW_PERIODS = 10
PREVIEW_HOLIDAYS = 6
# A sample budget for the preview: when would four business hours from now run out?
PREVIEW_BUDGET = timedelta(hours=4)
HOLIDAY_LIST_DAYS = 400

_PERIOD = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


def configure_required(view):
    """staff_required, and the matrix must let the user configure SLAs.

    Other staff get 403, as on the webhook pages; clients get the console's 404.
    """

    @staff_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can(request.user, Action.CONFIGURE):
            raise PermissionDenied("Only Admins configure SLA calendars and policies.")
        return view(request, *args, **kwargs)

    return wrapper


# Forms --------------------------------------------------------------------------------


def _parse_periods(text: str) -> list[tuple[time, time | None]]:
    """'08:00-12:00, 13:00-17:00' -> [(08:00, 12:00), (13:00, 17:00)]; 24:00 is None.

    Only the writing is checked here; the service checks order and overlaps.
    """
    periods = []
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        match = _PERIOD.match(part)
        if match is None:
            raise forms.ValidationError(
                f"Write {part!r} as 09:00-17:00; separate several with commas."
            )
        start_h, start_m, end_h, end_m = (int(group) for group in match.groups())
        if start_h > 23 or start_m > 59 or end_m > 59 or end_h > 24:
            raise forms.ValidationError(f"{part!r} is not a time of day.")
        if end_h == 24 and end_m:
            raise forms.ValidationError(f"{part!r} runs past midnight.")
        ends = None if end_h == 24 else time(end_h, end_m)
        periods.append((time(start_h, start_m), ends))
    return periods


def _show_periods(segments) -> str:
    return ", ".join(str(segment).split(" ", 1)[1] for segment in segments)


class CalendarForm(forms.Form):
    name = forms.CharField(required=False, max_length=200)
    timezone = forms.CharField(
        label="Time zone",
        required=False,
        help_text="An IANA zone, such as Australia/Sydney or Australia/Perth.",
    )
    open_all_hours = forms.BooleanField(
        label="24x7 (every second counts, holidays included)", required=False
    )
    state = forms.ChoiceField(
        label="Public holidays of",
        required=False,
        choices=[
            ("", "No state (the MSP's own closures only)"),
            *AustralianState.choices,
        ],
        help_text="Australian public holidays from the holidays library, by state.",
    )

    def __init__(self, data=None, *, calendar=None):
        initial = {"timezone": "Australia/Sydney"}
        if calendar is not None:
            initial = {
                "name": calendar.name,
                "timezone": calendar.timezone,
                "open_all_hours": calendar.open_all_hours,
                "state": calendar.state,
            }
        by_day: dict[int, list] = {}
        for segment in calendar.segments.all() if calendar else ():
            by_day.setdefault(segment.weekday, []).append(segment)
        super().__init__(data, initial=initial)
        for day in Weekday:
            field = services.WEEKDAY_FIELDS[day]
            self.fields[field] = forms.CharField(
                label=day.label,
                required=False,
                help_text="Blank: closed all day." if day == Weekday.MONDAY else "",
                widget=forms.TextInput({"placeholder": "09:00-17:00"}),
            )
            if calendar is None:
                # A new calendar starts as office hours on weekdays.
                self.initial[field] = "09:00-17:00" if day < Weekday.SATURDAY else ""
            else:
                self.initial[field] = _show_periods(by_day.get(day, []))

    def clean(self):
        data = super().clean()
        for day in Weekday:
            field = services.WEEKDAY_FIELDS[day]
            try:
                data[f"{field}_periods"] = _parse_periods(data.get(field) or "")
            except forms.ValidationError as exc:
                self.add_error(field, exc)
        return data

    def weekday_fields(self):
        return [self[services.WEEKDAY_FIELDS[day]] for day in Weekday]

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data.get("name", ""),
            "timezone": (data.get("timezone") or "").strip(),
            "open_all_hours": bool(data.get("open_all_hours")),
            "state": data.get("state", ""),
            "segments": {
                day.value: data[f"{services.WEEKDAY_FIELDS[day]}_periods"]
                for day in Weekday
            },
        }


class ClosureForm(forms.Form):
    date = forms.DateField(
        required=False, widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d")
    )
    name = forms.CharField(
        label="What it is", required=False, max_length=200, initial="Office closed"
    )

    def values(self) -> dict:
        return {"day": self.cleaned_data.get("date"), "name": self.cleaned_data["name"]}


class YearForm(forms.Form):
    year = forms.IntegerField(label="Year", required=False)

    def __init__(self, data=None):
        super().__init__(data, initial={"year": clock.now().year + 1}, prefix="load")


def _percent_list(text: str) -> list[float]:
    values = []
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        try:
            values.append(float(part.rstrip("%").strip()))
        except ValueError:
            raise forms.ValidationError(
                f"{part!r} is not a number; write percentages like 50, 75, 90."
            ) from None
    return values


class PolicyForm(forms.Form):
    name = forms.CharField(required=False, max_length=200)
    pause_on_pending_client = forms.BooleanField(
        label="Pending Client pauses the resolution clock", required=False
    )
    pause_on_pending_third_party = forms.BooleanField(
        label="Pending Third Party pauses the resolution clock", required=False
    )
    warnings = forms.CharField(
        label="Warnings (% of each target)",
        required=False,
        help_text="Percentages of the target in business time, e.g. 50, 75, 90. "
        "Blank: no warnings, only the breach.",
    )

    def __init__(self, data=None, *, initial_policy=None):
        super().__init__(data, initial=_policy_initial(initial_policy))
        calendars = Calendar.objects.order_by("name")
        for priority in Priority:
            # Drawn in a table without <label>s, so each input names itself.
            response = f"{priority.label}: response (business minutes)"
            resolution = f"{priority.label}: resolution (business minutes)"
            calendar = f"{priority.label}: calendar"
            self.fields[f"{priority}_response"] = forms.IntegerField(
                label=response,
                required=False,
                widget=forms.NumberInput({"aria-label": response, "min": 1}),
            )
            self.fields[f"{priority}_resolution"] = forms.IntegerField(
                label=resolution,
                required=False,
                widget=forms.NumberInput({"aria-label": resolution, "min": 1}),
            )
            self.fields[f"{priority}_calendar"] = forms.ModelChoiceField(
                label=calendar,
                queryset=calendars,
                required=False,
                empty_label="Choose…",
                widget=forms.Select({"aria-label": calendar}),
            )

    def clean_warnings(self):
        return _percent_list(self.cleaned_data.get("warnings") or "")

    def target_rows(self):
        return [
            (
                priority.label,
                self[f"{priority}_response"],
                self[f"{priority}_resolution"],
                self[f"{priority}_calendar"],
            )
            for priority in Priority
        ]

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data.get("name", ""),
            "pause_on_pending_client": bool(data.get("pause_on_pending_client")),
            "pause_on_pending_third_party": bool(
                data.get("pause_on_pending_third_party")
            ),
            "warning_percents": data.get("warnings") or [],
            "targets": {
                priority.value: (
                    data.get(f"{priority}_response"),
                    data.get(f"{priority}_resolution"),
                    data.get(f"{priority}_calendar"),
                )
                for priority in Priority
            },
        }


def _policy_initial(policy) -> dict:
    if policy is None:
        # No policy anywhere yet: start from the built-in targets clocks use today.
        initial = {
            "pause_on_pending_client": True,
            "pause_on_pending_third_party": True,
            "warnings": "50, 75, 90",
        }
        for priority, (response, resolution) in services.FALLBACK_MINUTES.items():
            initial[f"{priority}_response"] = response
            initial[f"{priority}_resolution"] = resolution
        return initial
    initial = {
        "name": policy.name,
        "pause_on_pending_client": policy.pause_on_pending_client,
        "pause_on_pending_third_party": policy.pause_on_pending_third_party,
        "warnings": _percents_text(policy.warning_fractions),
    }
    for target in policy.targets.all():
        initial[f"{target.priority}_response"] = target.response_minutes
        initial[f"{target.priority}_resolution"] = target.resolution_minutes
        initial[f"{target.priority}_calendar"] = target.calendar_id
    return initial


def _percents_text(fractions) -> str:
    return ", ".join(f"{fraction * 100:g}" for fraction in fractions or [])


class EscalationForm(forms.Form):
    priority = forms.ChoiceField(
        required=False, choices=[("", "Every priority"), *Priority.choices]
    )
    clock_kind = forms.ChoiceField(
        label="Clock", required=False, choices=[("", "Both"), *ClockKind.choices]
    )
    trigger = forms.ChoiceField(label="When", choices=EscalationTrigger.choices)
    fraction = forms.FloatField(
        label="At warning (%)",
        required=False,
        help_text="For a warning: one of the policy's warnings; blank for every one.",
    )
    after_minutes = forms.IntegerField(
        label="Business minutes after breach",
        required=False,
        help_text="For a rule a set business time after breach.",
    )
    action = forms.ChoiceField(choices=EscalationAction.choices)
    role = forms.ChoiceField(
        label="Role to notify",
        required=False,
        choices=[("", "—"), *((role, role.capitalize()) for role in STAFF_ROLES)],
    )
    user = forms.ModelChoiceField(
        label="Person",
        required=False,
        queryset=User.objects.filter(is_active=True, role__in=STAFF_ROLES).order_by(
            "first_name", "username"
        ),
        help_text="For notifying a named person or handing the ticket to a lead.",
    )

    def __init__(self, data=None):
        super().__init__(data, prefix="rule")

    def values(self) -> dict:
        data = self.cleaned_data
        fraction = data.get("fraction")
        return {
            "priority": data.get("priority", ""),
            "clock_kind": data.get("clock_kind", ""),
            "trigger": data["trigger"],
            "fraction": None if fraction is None else round(fraction / 100, 4),
            "after_minutes": data.get("after_minutes"),
            "action": data["action"],
            "role": data.get("role", ""),
            "user": data.get("user"),
        }


# Calendars ----------------------------------------------------------------------------


@configure_required
def calendar_list(request):
    rows = Calendar.objects.prefetch_related("segments").order_by("name")
    return render(request, "console/sla_calendars.html", {"calendars": rows})


@configure_required
def calendar_new(request):
    form = CalendarForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return _render_calendar(request, None, form)
    try:
        calendar, _ = services.save_calendar(_actor(request), None, **form.values())
    except DomainError as exc:
        attach_errors(form, exc)
        return _render_calendar(request, None, form, error=exc)
    messages.success(request, f"Calendar {calendar.name} added.")
    return redirect("console:sla_config_calendar", calendar_id=calendar.pk)


@configure_required
def calendar_edit(request, calendar_id):
    calendar = _calendar(calendar_id)
    form = CalendarForm(request.POST or None, calendar=calendar)
    if request.method != "POST" or not form.is_valid():
        return _render_calendar(request, calendar, form)
    try:
        _, recomputed = services.save_calendar(
            _actor(request), calendar, **form.values()
        )
    except DomainError as exc:
        attach_errors(form, exc)
        return _render_calendar(request, calendar, form, error=exc)
    messages.success(request, f"Calendar saved. {_recomputed(recomputed)}")
    return redirect("console:sla_config_calendar", calendar_id=calendar.pk)


@configure_required
@require_POST
def closure_add(request, calendar_id):
    calendar = _calendar(calendar_id)
    form = ClosureForm(request.POST)
    if not form.is_valid():
        return _render_calendar(request, calendar, closure_form=form)
    try:
        holiday, recomputed = services.add_closure(
            _actor(request), calendar, **form.values()
        )
    except DomainError as exc:
        attach_errors(form, exc)
        return _render_calendar(request, calendar, closure_form=form, error=exc)
    messages.success(
        request, f"Closed on {holiday.date:%d %b %Y}. {_recomputed(recomputed)}"
    )
    return redirect("console:sla_config_calendar", calendar_id=calendar.pk)


@configure_required
@require_POST
def day_toggle(request, calendar_id, holiday_id):
    calendar = _calendar(calendar_id)
    holiday = get_object_or_404(CalendarHoliday, pk=holiday_id, calendar=calendar)
    is_open = request.POST.get("open") == "1"
    try:
        recomputed = services.set_day_open(_actor(request), holiday, is_open=is_open)
    except DomainError as exc:
        return _render_calendar(request, calendar, error=exc)
    done = "Open" if is_open else "Closed"
    messages.success(
        request, f"{done} on {holiday.date:%d %b %Y}. {_recomputed(recomputed)}"
    )
    return redirect("console:sla_config_calendar", calendar_id=calendar.pk)


@configure_required
@require_POST
def holidays_load(request, calendar_id):
    calendar = _calendar(calendar_id)
    form = YearForm(request.POST)
    form.is_valid()
    try:
        added, recomputed = services.load_state_year(
            _actor(request), calendar, form.cleaned_data.get("year")
        )
    except DomainError as exc:
        attach_errors(form, exc)
        return _render_calendar(request, calendar, year_form=form, error=exc)
    year = form.cleaned_data["year"]
    messages.success(
        request,
        f"{added} public holiday{'s' if added != 1 else ''} of {year} added. "
        + _recomputed(recomputed),
    )
    return redirect("console:sla_config_calendar", calendar_id=calendar.pk)


def _calendar(calendar_id) -> Calendar:
    return get_object_or_404(Calendar, pk=calendar_id)


def _render_calendar(
    request, calendar, form=None, *, closure_form=None, year_form=None, error=None
):
    context = {
        "calendar": calendar,
        "form": form or CalendarForm(calendar=calendar),
        "closure_form": closure_form or ClosureForm(),
        "year_form": year_form or YearForm(),
        "error": error,
    }
    if calendar is not None:
        context.update(_preview(calendar))
    failed = request.method == "POST"
    status = (error.status if error else INVALID) if failed else 200
    return render(request, "console/sla_calendar.html", context, status=status)


def _preview(calendar) -> dict:
    """What the saved calendar yields from now, read from the business clock itself."""
    built = services.business_calendar(calendar)
    now = clock.now()
    today = now.astimezone(ZoneInfo(calendar.timezone)).date()
    rows = calendar.holidays.filter(
        date__gte=today, date__lt=today + timedelta(days=HOLIDAY_LIST_DAYS)
    )
    try:
        sample_due = built.add(now, PREVIEW_BUDGET)
    except ValueError:
        # Only a calendar saved elsewhere with no working period at all gets here.
        sample_due = None
    return {
        "periods": built.open_periods(now, PREVIEW_PERIODS),
        "sample_due": sample_due,
        "sample_budget": PREVIEW_BUDGET,
        "next_holidays": [row for row in rows if not row.is_removed][:PREVIEW_HOLIDAYS],
        "holiday_rows": rows,
    }


# Policies -----------------------------------------------------------------------------


@configure_required
def policy_list(request):
    default = SlaPolicy.objects.filter(client__isnull=True).first()
    clients = ClientOrganisation.objects.select_related("sla_policy").order_by("name")
    context = {"default": default, "clients": clients}
    return render(request, "console/sla_policies.html", context)


@configure_required
def default_policy(request):
    return _policy_page(request, None)


@configure_required
def client_policy(request, client_id):
    return _policy_page(request, get_object_or_404(ClientOrganisation, pk=client_id))


def _policy_page(request, client):
    own = _own_policy(client)
    applies = own or (None if client is None else services.policy_for(client))
    form = PolicyForm(request.POST or None, initial_policy=applies)
    if request.method != "POST" or not form.is_valid():
        return _render_policy(request, client, own, form)
    try:
        _, recomputed = services.save_policy(_actor(request), client, **form.values())
    except DomainError as exc:
        attach_errors(form, exc)
        return _render_policy(request, client, own, form, error=exc)
    messages.success(request, f"Policy saved. {_recomputed(recomputed)}")
    return redirect(_policy_url_name(client), **_policy_url_args(client))


@configure_required
@require_POST
def escalation_add(request, policy_id):
    policy = get_object_or_404(SlaPolicy.objects.select_related("client"), pk=policy_id)
    form = EscalationForm(request.POST)
    if not form.is_valid():
        return _render_policy(request, policy.client, policy, escalation_form=form)
    try:
        _, recomputed = services.add_escalation(
            _actor(request), policy, **form.values()
        )
    except DomainError as exc:
        attach_errors(form, exc)
        return _render_policy(
            request, policy.client, policy, escalation_form=form, error=exc
        )
    messages.success(request, f"Escalation rule added. {_recomputed(recomputed)}")
    return redirect(_policy_url_name(policy.client), **_policy_url_args(policy.client))


@configure_required
@require_POST
def escalation_delete(request, rule_id):
    rule = get_object_or_404(
        EscalationRule.objects.select_related("policy__client"), pk=rule_id
    )
    client = rule.policy.client
    try:
        recomputed = services.delete_escalation(_actor(request), rule)
    except DomainError as exc:
        return _render_policy(request, client, rule.policy, error=exc)
    messages.success(request, f"Escalation rule deleted. {_recomputed(recomputed)}")
    return redirect(_policy_url_name(client), **_policy_url_args(client))


def _own_policy(client) -> SlaPolicy | None:
    return (
        SlaPolicy.objects.filter(client=client)
        .prefetch_related("targets__calendar", "escalations__user")
        .first()
    )


def _policy_url_name(client) -> str:
    if client is None:
        return "console:sla_config_default_policy"
    return "console:sla_config_policy"


def _policy_url_args(client) -> dict:
    return {} if client is None else {"client_id": client.pk}


def _render_policy(
    request, client, own, form=None, *, escalation_form=None, error=None
):
    applies = own or (None if client is None else services.policy_for(client))
    context = {
        "client": client,
        "policy": own,
        "follows_default": client is not None and own is None,
        "default_exists": applies is not None,
        "form": form or PolicyForm(initial_policy=applies),
        "escalation_form": escalation_form or EscalationForm(),
        "rules": own.escalations.all() if own else [],
        "error": error,
        "policy_url": reverse(
            _policy_url_name(client), kwargs=_policy_url_args(client)
        ),
    }
    failed = request.method == "POST"
    status = (error.status if error else INVALID) if failed else 200
    return render(request, "console/sla_policy.html", context, status=status)


# Helpers ------------------------------------------------------------------------------


def _actor(request) -> Actor:
    return Actor.from_request(request, Channel.CONSOLE)


def _recomputed(count: int) -> str:
    if count == 0:
        return "No open ticket's clocks needed recomputing."
    plural = "ticket's clocks were" if count == 1 else "tickets' clocks were"
    return f"The {count} open {plural} recomputed with it."
