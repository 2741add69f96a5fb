"""SLA clocks on tickets: configuration lookups and recomputing from the history.

Call `recompute(ticket)` inside the transaction of any change that can move a due
time: creation, a stage change, a priority change, the first public staff reply.
It rewrites the ticket's two TicketClock rows from the stage history (never from a
running counter) and sets each clock's `next_check_at` for the sweep.
"""

import logging
from datetime import time, timedelta
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from stratadesk.clients.models import AustralianState, Priority, validate_timezone
from stratadesk.core import audit, clock
from stratadesk.core.errors import (
    PermissionDenied,
    ValidationFailed,
    full_clean_or_fail,
)
from stratadesk.core.models import AuditEvent
from stratadesk.people.permissions import Action, can
from stratadesk.sla import calendars, timeline
from stratadesk.sla.clock import BusinessCalendar
from stratadesk.sla.models import (
    DEFAULT_WARNINGS,
    Calendar,
    CalendarSegment,
    ClockKind,
    ClockState,
    EscalationAction,
    EscalationRule,
    EscalationTrigger,
    HolidaySource,
    SlaEvent,
    SlaPolicy,
    SlaTarget,
    TicketClock,
    Weekday,
)

logger = logging.getLogger(__name__)

# Calendars built from their rows, by (id, updated_at): editing one bumps updated_at.
_built: dict[tuple[int, object], BusinessCalendar] = {}

# Used when no default policy exists yet (a fresh database): business hours in the
# MSP's zone, generous targets, so clocks always exist.
FALLBACK_MINUTES = {
    "P1": (60, 4 * 60),
    "P2": (4 * 60, 8 * 60),
    "P3": (8 * 60, 24 * 60),
    "P4": (16 * 60, 40 * 60),
}


def business_calendar(calendar: Calendar | None) -> BusinessCalendar:
    """The pure calendar for a Calendar row, built once per version of it."""
    if calendar is None:
        return fallback_calendar()
    key = (calendar.pk, calendar.updated_at)
    built = _built.get(key)
    if built is not None:
        return built

    if calendar.open_all_hours:
        built = BusinessCalendar.always_open(calendar.timezone)
    else:
        segments: dict[int, list[tuple[str, str]]] = {}
        for segment in calendar.segments.all():
            ends = segment.ends.strftime("%H:%M") if segment.ends else "24:00"
            segments.setdefault(segment.weekday, []).append(
                (segment.starts.strftime("%H:%M"), ends)
            )
        holidays = set(
            calendar.holidays.filter(is_removed=False).values_list("date", flat=True)
        )
        built = BusinessCalendar(calendar.timezone, segments, holidays)
    _built[key] = built
    return built


def policy_for(client) -> SlaPolicy | None:
    """The client's own policy, else the default one (None before any exists)."""
    policies = SlaPolicy.objects.filter(
        Q(client=client) | Q(client__isnull=True)
    ).prefetch_related("targets__calendar", "escalations")
    chosen = None
    for policy in policies:
        if policy.client_id == client.pk:
            return policy
        chosen = policy
    return chosen


def target_for(policy, priority):
    """(response, resolution, calendar row or None) for the priority under the policy.

    None stands for the fallback calendar: no policy configured yet.
    """
    if policy is not None:
        for target in policy.targets.all():
            if target.priority == priority:
                return (
                    timedelta(minutes=target.response_minutes),
                    timedelta(minutes=target.resolution_minutes),
                    target.calendar,
                )
    response, resolution = FALLBACK_MINUTES[priority]
    return timedelta(minutes=response), timedelta(minutes=resolution), None


def business_calendar_for(client) -> BusinessCalendar:
    """The client's business days, for SVR reminders and auto-approval.

    The client's own calendar when set; else the one its SLA applies to normal (P3)
    work, which is its business hours with its state's holidays; else the fallback.
    """
    if client.business_calendar_id is not None:
        return business_calendar(client.business_calendar)
    *_, calendar = target_for(policy_for(client), "P3")
    if calendar is not None:
        return business_calendar(calendar)
    # No calendar anywhere: weekday office hours, but on the client's own clock.
    return fallback_calendar(client.timezone)


def fallback_calendar(timezone: str = "") -> BusinessCalendar:
    """Monday to Friday, 09:00 to 17:00, no holidays, in `timezone` or the MSP's."""
    from django.conf import settings

    zone = timezone or settings.TIME_ZONE
    key = ("fallback", zone)
    if key not in _built:
        _built[key] = BusinessCalendar(
            zone, {day: [("09:00", "17:00")] for day in range(5)}
        )
    return _built[key]


def pausing_stages(policy) -> set[str]:
    if policy is None:
        return {"pending_client", "pending_third_party"}
    stages = set()
    if policy.pause_on_pending_client:
        stages.add("pending_client")
    if policy.pause_on_pending_third_party:
        stages.add("pending_third_party")
    return stages


def stage_history(ticket) -> list[timeline.Move]:
    rows = AuditEvent.objects.filter(
        subject_type="ticket", subject_id=str(ticket.pk), action="ticket.transitioned"
    ).values_list("occurred_at", "to_stage")
    return [timeline.Move(at, stage) for at, stage in rows]


def readings(ticket, *, now=None, policy=None, pending_move=None):
    """The ticket's clocks as of `now`: {kind: (ClockReading, Calendar)}.

    `pending_move` is (instant, stage) of a move being made whose audit event is not
    written yet.
    """
    now = now or clock.now()
    policy = policy if policy is not None else policy_for(ticket.client)
    response, resolution, calendar = target_for(policy, ticket.priority)
    cal = business_calendar(calendar)
    fractions = policy.warning_fractions if policy is not None else DEFAULT_WARNINGS
    thresholds = timeline.thresholds_for(fractions)
    moves = stage_history(ticket)
    if pending_move is not None:
        moves.append(timeline.Move(*pending_move))
    return {
        ClockKind.RESPONSE: (
            timeline.read_response(
                cal,
                response,
                ticket.created_at,
                ticket.first_response_at,
                moves,
                thresholds,
                now,
            ),
            calendar,
        ),
        ClockKind.RESOLUTION: (
            timeline.read_resolution(
                cal,
                resolution,
                ticket.created_at,
                moves,
                pausing_stages(policy),
                thresholds,
                now,
            ),
            calendar,
        ),
    }


def moments_for(reading, calendar, policy, kind, priority) -> dict[str, object]:
    """Every named moment of a clock: warnings, breach, and after-breach escalations."""
    moments = dict(reading.moments)
    if policy is None:
        return moments
    cal = business_calendar(calendar)
    for rule in policy.escalations.all():
        applies = rule.priority in ("", priority) and rule.clock_kind in ("", kind)
        if applies and rule.trigger == EscalationTrigger.AFTER_BREACH:
            moments[rule.threshold()] = cal.add(
                reading.due_at, timedelta(minutes=rule.after_minutes)
            )
    return moments


def _next_check(reading, moments, fired: set[str], ticket_open: bool, now):
    """The earliest moment still to fire, or None when nothing can fire any more."""
    if not ticket_open and reading.breached_at is None:
        return None
    pending = [
        at
        for name, at in moments.items()
        if name not in fired and timeline.can_fire(name, reading)
    ]
    if reading.state == ClockState.PAUSED:
        # Nothing new falls due while paused; only a moment already passed remains.
        pending = [at for at in pending if at <= now]
    return min(pending) if pending else None


_UNSET = object()


@transaction.atomic
def recompute(
    ticket, *, now=None, pending_move=None, policy=_UNSET, found=None
) -> dict[str, TicketClock]:
    """Rewrite the ticket's clocks from its history. Returns them by kind.

    Each clock carries its due instant before this call as `previous_due_at`, so a
    caller recording a priority change can audit old and new. A caller that has just
    read the policy (None: none applies) or the readings passes them to save a read.
    """
    now = now or clock.now()
    if policy is _UNSET:
        policy = policy_for(ticket.client)
    existing = {c.kind: c for c in TicketClock.objects.filter(ticket=ticket)}
    fired = _fired(existing.values())
    ticket_open = ticket.stage != "closed"

    clocks = {}
    if found is None:
        found = readings(ticket, now=now, policy=policy, pending_move=pending_move)
    for kind, (reading, calendar) in found.items():
        row = existing.get(kind) or TicketClock(ticket=ticket, kind=kind)
        row.previous_due_at = row.due_at if row.pk else None
        row_fired = fired.get(row.pk, set())
        if _stays_stopped(row, reading):
            # A clock that stopped keeps the figures it stopped with: a later edit
            # of the policy or calendar rewrites only clocks still running.
            row.next_check_at = None
            row.computed_at = now
            row.save(update_fields=["next_check_at", "computed_at"])
            clocks[kind] = row
            continue

        moments = moments_for(reading, calendar, policy, kind, ticket.priority)
        row.target = reading.target
        row.calendar = calendar
        row.started_at = reading.started_at
        row.due_at = reading.due_at
        row.state = reading.state
        row.used = reading.used
        row.met_at = reading.met_at
        row.breached_at = reading.breached_at
        # A breach that was announced stays a breach, whatever is recomputed later.
        if "breach" in row_fired and row.breached_at is None:
            row.breached_at = _fired_breach_due(row)
        if row.breached_at is not None:
            row.state = ClockState.BREACHED
        row.next_check_at = _next_check(reading, moments, row_fired, ticket_open, now)
        row.computed_at = now
        row.save()
        clocks[kind] = row
    return clocks


def _stays_stopped(row, reading) -> bool:
    """True when the stored clock had stopped and the history says it still has."""
    if row.pk is None or row.met_at is None or reading.met_at is None:
        return False
    # The same stop: a return to work and a new resolution is a different one.
    return reading.met_at == row.met_at


def _fired_breach_due(row):
    return (
        SlaEvent.objects.filter(clock=row, threshold="breach")
        .values_list("due_at", flat=True)
        .first()
    )


def _fired(clocks) -> dict[int, set[str]]:
    fired: dict[int, set[str]] = {}
    rows = SlaEvent.objects.filter(clock__in=[c.pk for c in clocks if c.pk])
    for clock_id, threshold in rows.values_list("clock_id", "threshold"):
        fired.setdefault(clock_id, set()).add(threshold)
    return fired


def recompute_open(*, policy=None, calendar=None) -> int:
    """Recompute every open ticket under a policy or on a calendar after an edit.

    Closed tickets keep their history as it was.
    """
    from stratadesk.tickets.models import Ticket

    tickets = Ticket.objects.exclude(stage="closed").select_related("client")
    if calendar is not None:
        tickets = tickets.filter(sla_clocks__calendar=calendar).distinct()
    if policy is not None:
        if policy.client_id is None:
            tickets = tickets.filter(client__sla_policy__isnull=True)
        else:
            tickets = tickets.filter(client_id=policy.client_id)
    count = 0
    for ticket in tickets.iterator():
        recompute(ticket)
        count += 1
    logger.info("sla clocks recomputed", extra={"tickets": count})
    return count


def live_clocks(ticket, *, now=None) -> list[dict]:
    """The ticket's clocks as of now, for pages and the API.

    A running or paused clock is read afresh from the history (its time left moves
    on); a stopped one, or any clock of a closed ticket, is shown as stored, so its
    history never changes under a later edit. Due instants come in the calendar's
    own zone, so they read as the client's business day.
    """
    now = now or clock.now()
    stored = {c.kind: c for c in TicketClock.objects.filter(ticket=ticket)}
    fresh = None
    shown = []
    for kind in ClockKind.values:
        row = stored.get(kind)
        if row is not None and (row.met_at is not None or ticket.stage == "closed"):
            shown.append(_stored_view(row))
            continue
        if fresh is None:
            fresh = readings(ticket, now=now)
        reading, calendar = fresh[kind]
        breached_at = (row.breached_at if row else None) or reading.breached_at
        shown.append(
            {
                "kind": kind,
                "state": ClockState.BREACHED if breached_at else reading.state,
                "target": reading.target,
                "due_at": reading.due_at,
                "used": reading.used,
                "left": reading.left,
                "met_at": reading.met_at,
                "breached_at": breached_at,
                "timezone": business_calendar(calendar).timezone,
            }
        )
    return shown


def _stored_view(row) -> dict:
    return {
        "kind": row.kind,
        "state": row.state,
        "target": row.target,
        "due_at": row.due_at,
        "used": row.used,
        "left": max(row.target - row.used, timedelta(0)),
        "met_at": row.met_at,
        "breached_at": row.breached_at,
        "timezone": business_calendar(row.calendar).timezone,
    }


def breached_filter() -> Q:
    """Tickets with a breached clock, as a filter on tickets."""
    return Q(sla_clocks__state=ClockState.BREACHED)


def at_risk_filter() -> Q:
    """Tickets warned on a clock still running, with no clock breached."""
    warned = TicketClock.objects.filter(
        state__in=[ClockState.RUNNING, ClockState.PAUSED],
        pk__in=SlaEvent.objects.filter(threshold__startswith="warning").values(
            "clock_id"
        ),
    )
    breached = TicketClock.objects.filter(state=ClockState.BREACHED)
    return Q(pk__in=warned.values("ticket_id")) & ~Q(
        pk__in=breached.values("ticket_id")
    )


# Configuration: calendars, policies and escalations -----------------------------------
#
# Every edit an Admin makes from the console goes through one of these. Due instants
# are not fixed when a clock starts: each edit recomputes the clocks of the open
# tickets it governs, in its own transaction, so the pages show the new due times at
# once. A clock already stopped (met) and every closed ticket keep their figures, and
# a breach already announced stays a breach.

WEEKDAY_FIELDS = [day.label.lower() for day in Weekday]


def _require_configure(actor) -> None:
    if actor.is_system:
        return
    if actor.user is None or not can(actor.user, Action.CONFIGURE):
        raise PermissionDenied("Only Admins configure SLA calendars and policies.")


def _calendar_snapshot(calendar) -> dict:
    return {
        "name": calendar.name,
        "timezone": calendar.timezone,
        "open_all_hours": calendar.open_all_hours,
        "state": calendar.state,
        "segments": [str(segment) for segment in calendar.segments.all()],
    }


def _changes(before: dict, after: dict) -> dict:
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def _check_segments(segments: dict, open_all_hours: bool) -> dict[str, list[str]]:
    """Field errors for weekly periods: each must end after it starts, none overlap.

    `segments` maps weekday to [(starts, ends or None for midnight)].
    """
    errors: dict[str, list[str]] = {}
    for weekday, periods in segments.items():
        field = WEEKDAY_FIELDS[weekday]
        spans = sorted((starts, ends or time.max) for starts, ends in periods)
        if any(ends <= starts for starts, ends in spans):
            errors[field] = ["Each working period must end after it starts."]
        elif any(b_start < a_end for (_, a_end), (b_start, _) in pairwise(spans)):
            errors[field] = ["Two working periods overlap; join them into one."]
    has_hours = any(periods for periods in segments.values())
    if not errors and not has_hours and not open_all_hours:
        errors["segments"] = [
            "A calendar needs at least one working period, or tick 24x7."
        ]
    return errors


def _check_calendar(calendar, name, timezone, state) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Give the calendar a name."]
    elif len(name) > 100:
        errors["name"] = ["A name has at most 100 characters."]
    elif Calendar.objects.filter(name=name).exclude(pk=calendar.pk).exists():
        errors["name"] = ["Another calendar has this name."]
    try:
        validate_timezone(timezone)
    except ValidationError:
        errors["timezone"] = [
            f"{timezone!r} is not an IANA time zone; try Australia/Sydney."
        ]
    if state not in ("", *AustralianState.values):
        errors["state"] = ["Choose an Australian state or territory, or none."]
    return errors


@transaction.atomic
def save_calendar(
    actor,
    calendar: Calendar | None = None,
    *,
    name: str,
    timezone: str,
    open_all_hours: bool,
    state: str,
    segments: dict,
) -> tuple[Calendar, int]:
    """Create a calendar (None) or change one; returns it and the tickets recomputed.

    `segments` maps weekday (0 = Monday) to [(starts, ends)], local `time`s, ends None
    for midnight; a missing or empty weekday is closed. The weekly periods are
    replaced as given. A new or changed state brings its public holidays for last
    year to next year; the old state's are dropped, the MSP's own closures kept.
    """
    _require_configure(actor)
    name = (name or "").strip()
    segments = {day: list(periods) for day, periods in segments.items() if periods}
    creating = calendar is None
    calendar = Calendar() if creating else _lock_calendar(calendar.pk)
    errors = _check_calendar(calendar, name, timezone, state)
    errors.update(_check_segments(segments, open_all_hours))
    if errors:
        raise ValidationFailed("The calendar was not saved.", fields=errors)

    before = {} if creating else _calendar_snapshot(calendar)
    state_changed = creating or calendar.state != state
    calendar.name, calendar.timezone, calendar.state = name, timezone, state
    calendar.open_all_hours = open_all_hours
    calendar.save()
    calendar.segments.all().delete()
    CalendarSegment.objects.bulk_create(
        CalendarSegment(calendar=calendar, weekday=day, starts=starts, ends=ends)
        for day, periods in sorted(segments.items())
        for starts, ends in sorted(periods)
    )
    if state_changed:
        calendar.holidays.filter(source=HolidaySource.STATE).delete()
        year = clock.now().year
        calendars.load_holidays(calendar, range(year - 1, year + 2))
    calendars.touch(calendar)

    changes = _changes(before, _calendar_snapshot(calendar))
    if not changes:
        return calendar, 0
    verb = "created" if creating else "changed"
    audit.record(actor, f"sla.calendar_{verb}", calendar, data=changes)
    recomputed = 0 if creating else recompute_open(calendar=calendar)
    return calendar, recomputed


@transaction.atomic
def add_closure(actor, calendar: Calendar, *, day, name: str) -> tuple[object, int]:
    """Close the calendar on `day` (the MSP's own closure); returns it and the count."""
    _require_configure(actor)
    calendar = _lock_calendar(calendar.pk)
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if day is None:
        errors["date"] = ["Give the date."]
    elif calendar.holidays.filter(date=day).exists():
        errors["date"] = [
            f"{day.day} {day:%b %Y} is already in this calendar's list; close it there."
        ]
    if not name:
        errors["name"] = ["Say what the closure is, e.g. Office move."]
    elif len(name) > 100:
        errors["name"] = ["A name has at most 100 characters."]
    if errors:
        raise ValidationFailed("The closure was not added.", fields=errors)

    holiday = calendar.holidays.create(date=day, name=name, source=HolidaySource.MSP)
    calendars.touch(calendar)
    audit.record(
        actor,
        "sla.closure_added",
        calendar,
        data={"date": day.isoformat(), "name": name},
    )
    return holiday, recompute_open(calendar=calendar)


@transaction.atomic
def set_day_open(actor, holiday, *, is_open: bool) -> int:
    """Open the calendar on a holiday's date after all, or close it again.

    The row stays either way, so loading the state's year again keeps the choice.
    Returns how many open tickets were recomputed.
    """
    _require_configure(actor)
    calendar = _lock_calendar(holiday.calendar_id)
    holiday = calendar.holidays.get(pk=holiday.pk)
    if holiday.is_removed == is_open:
        return 0
    holiday.is_removed = is_open
    holiday.save(update_fields=["is_removed"])
    calendars.touch(calendar)
    audit.record(
        actor,
        "sla.day_opened" if is_open else "sla.day_closed",
        calendar,
        data={"date": holiday.date.isoformat(), "name": holiday.name},
    )
    return recompute_open(calendar=calendar)


@transaction.atomic
def load_state_year(actor, calendar: Calendar, year) -> tuple[int, int]:
    """Add the calendar's state holidays for `year`; returns (added, recomputed).

    Days already in the list, a removed one included, are left as they are.
    """
    _require_configure(actor)
    calendar = _lock_calendar(calendar.pk)
    if not calendar.state or calendar.open_all_hours:
        raise ValidationFailed(
            "This calendar takes no state holidays: choose a state first (a 24x7 "
            "calendar has none).",
            fields={"year": ["No state to load holidays from."]},
        )
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationFailed(
            "The holidays were not loaded.",
            fields={"year": ["Choose a year between 2000 and 2100."]},
        )
    added = calendars.load_holidays(calendar, [year])
    audit.record(
        actor, "sla.holidays_loaded", calendar, data={"year": year, "added": added}
    )
    return added, recompute_open(calendar=calendar) if added else 0


def _lock_calendar(pk) -> Calendar:
    return Calendar.objects.select_for_update().get(pk=pk)


def _policy_snapshot(policy) -> dict:
    if policy is None or policy.pk is None:
        return {}
    return {
        "name": policy.name,
        "pause_on_pending_client": policy.pause_on_pending_client,
        "pause_on_pending_third_party": policy.pause_on_pending_third_party,
        "warning_fractions": list(policy.warning_fractions or []),
        "targets": {
            target.priority: {
                "response_minutes": target.response_minutes,
                "resolution_minutes": target.resolution_minutes,
                "calendar": target.calendar.name,
            }
            for target in policy.targets.select_related("calendar")
        },
    }


def _warning_fractions(percents, policy) -> tuple[list[float], list[str]]:
    """The percentages as sorted fractions, and what is wrong with them."""
    if any(not 0 < percent < 100 for percent in percents):
        return [], ["Each warning is a percentage of the target above 0 and below 100."]
    fractions = sorted({round(percent / 100, 4) for percent in percents})
    if policy.pk is None:
        return fractions, []
    used = {
        rule.fraction
        for rule in policy.escalations.filter(trigger=EscalationTrigger.WARNING)
        if rule.fraction is not None
    }
    dropped = sorted(used - set(fractions))
    if dropped:
        shown = ", ".join(f"{fraction * 100:g} %" for fraction in dropped)
        return [], [f"An escalation rule acts at {shown}; delete it first."]
    return fractions, []


def _target_errors(targets: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for priority in Priority.values:
        response, resolution, calendar = targets.get(priority, (None, None, None))
        for kind, minutes in (("response", response), ("resolution", resolution)):
            if minutes is None or minutes < 1:
                errors[f"{priority}_{kind}"] = [
                    "Give a target of at least one business minute."
                ]
        if not isinstance(calendar, Calendar):
            errors[f"{priority}_calendar"] = ["Choose the calendar."]
    return errors


@transaction.atomic
def save_policy(
    actor,
    client,
    *,
    name: str,
    pause_on_pending_client: bool,
    pause_on_pending_third_party: bool,
    warning_percents: list,
    targets: dict,
) -> tuple[SlaPolicy, int]:
    """Create or change the client's policy (None: the default one).

    `targets` maps each priority to (response minutes, resolution minutes, Calendar);
    every priority needs one. Returns the policy and how many open tickets under it
    were recomputed.
    """
    _require_configure(actor)
    name = (name or "").strip()
    policy = SlaPolicy.objects.select_for_update().filter(
        client=client
    ).first() or SlaPolicy(client=client)
    creating = policy.pk is None
    fractions, warning_errors = _warning_fractions(warning_percents, policy)
    errors = _target_errors(targets)
    if warning_errors:
        errors["warnings"] = warning_errors
    if not name or len(name) > 100:
        errors["name"] = ["Give the policy a name of at most 100 characters."]
    if errors:
        raise ValidationFailed("The policy was not saved.", fields=errors)

    before = _policy_snapshot(policy)
    policy.name = name
    policy.pause_on_pending_client = pause_on_pending_client
    policy.pause_on_pending_third_party = pause_on_pending_third_party
    policy.warning_fractions = fractions
    policy.updated_at = clock.now()
    policy.save()
    for priority, (response, resolution, calendar) in targets.items():
        SlaTarget.objects.update_or_create(
            policy=policy,
            priority=priority,
            defaults={
                "response_minutes": response,
                "resolution_minutes": resolution,
                "calendar": calendar,
            },
        )

    changes = _changes(before, _policy_snapshot(policy))
    if not changes:
        return policy, 0
    verb = "created" if creating else "changed"
    audit.record(actor, f"sla.policy_{verb}", policy, client=client, data=changes)
    return policy, recompute_open(policy=policy)


@transaction.atomic
def add_escalation(actor, policy: SlaPolicy, **fields) -> tuple[EscalationRule, int]:
    """Add an escalation rule; fields are EscalationRule's, irrelevant ones dropped.

    A fraction belongs only to a warning, minutes only to after-breach, a role only
    to notifying a role, a person only to notifying or handing to one.
    """
    _require_configure(actor)
    policy = SlaPolicy.objects.select_for_update().get(pk=policy.pk)
    rule = EscalationRule(policy=policy, **fields)
    if rule.trigger != EscalationTrigger.WARNING:
        rule.fraction = None
    if rule.trigger != EscalationTrigger.AFTER_BREACH:
        rule.after_minutes = None
    if rule.action != EscalationAction.NOTIFY_ROLE:
        rule.role = ""
    if rule.action not in (EscalationAction.NOTIFY_USER, EscalationAction.ASSIGN_LEAD):
        rule.user = None
    full_clean_or_fail(rule)
    rule.save()

    policy.updated_at = clock.now()
    policy.save(update_fields=["updated_at"])
    audit.record(
        actor,
        "sla.escalation_added",
        policy,
        client=policy.client,
        data=_rule_data(rule),
    )
    return rule, recompute_open(policy=policy)


@transaction.atomic
def delete_escalation(actor, rule: EscalationRule) -> int:
    """Delete an escalation rule; moments it already fired stay in the history."""
    _require_configure(actor)
    policy = SlaPolicy.objects.select_for_update().get(pk=rule.policy_id)
    data = _rule_data(rule)
    rule.delete()

    policy.updated_at = clock.now()
    policy.save(update_fields=["updated_at"])
    audit.record(
        actor, "sla.escalation_deleted", policy, client=policy.client, data=data
    )
    return recompute_open(policy=policy)


def _rule_data(rule) -> dict:
    return {
        "rule_id": rule.pk,
        "priority": rule.priority,
        "clock_kind": rule.clock_kind,
        "trigger": rule.trigger,
        "fraction": rule.fraction,
        "after_minutes": rule.after_minutes,
        "action": rule.action,
        "role": rule.role,
        "user_id": rule.user_id,
    }
