"""The console's SLA setup pages: Admins edit calendars and policies; no one else may.

Every save goes through a service in stratadesk.sla.services, writes an audit event
and recomputes the open tickets it governs; bad input changes nothing.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stratadesk.core.models import AuditEvent
from stratadesk.sla.models import (
    Calendar,
    CalendarHoliday,
    CalendarSegment,
    EscalationRule,
    SlaPolicy,
    SlaTarget,
    TicketClock,
)
from tests.fixtures import make_client
from tests.sla.conftest import HOURS

MELBOURNE = ZoneInfo("Australia/Melbourne")
# Friday 6 March 2026, 16:00 in Melbourne; Monday 9 March is VIC Labour Day.
FRIDAY_4PM = datetime(2026, 3, 6, 16, 0, tzinfo=MELBOURNE)
FRIDAY_430PM = datetime(2026, 3, 6, 16, 30, tzinfo=MELBOURNE)


def _at(instant):
    return time_machine.travel(instant, tick=False)


@pytest.fixture
def melbourne(weekdays):
    with _at(FRIDAY_4PM):
        return weekdays(
            "Melbourne hours", "Australia/Melbourne", "VIC", ("08:00", "18:00")
        )


@pytest.fixture
def harbour_policy(world, melbourne, policy_for):
    return policy_for(world.harbour, melbourne, P3=(4 * HOURS, 16 * HOURS))


def _config():
    """Every SLA configuration row and the audit count, to show nothing changed."""
    return (
        list(Calendar.objects.order_by("pk").values()),
        list(CalendarSegment.objects.order_by("pk").values()),
        list(CalendarHoliday.objects.order_by("pk").values()),
        list(SlaPolicy.objects.order_by("pk").values()),
        list(SlaTarget.objects.order_by("pk").values()),
        list(EscalationRule.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


def _calendar_form(**overrides):
    data = {
        "name": "Perth office",
        "timezone": "Australia/Perth",
        "state": "WA",
        "monday": "08:30-12:00, 13:00-17:00",
        "tuesday": "08:30-17:00",
        "wednesday": "08:30-17:00",
        "thursday": "08:30-17:00",
        "friday": "08:30-16:00",
        "saturday": "",
        "sunday": "",
    }
    data.update(overrides)
    return data


def _policy_form(calendar, **overrides):
    data = {
        "name": "Harbour Legal SLA",
        "warnings": "50, 75, 90",
        "pause_on_pending_client": "on",
        "pause_on_pending_third_party": "on",
    }
    for priority, (response, resolution) in {
        "P1": (30, 240),
        "P2": (120, 480),
        "P3": (240, 960),
        "P4": (480, 2400),
    }.items():
        data[f"{priority}_response"] = str(response)
        data[f"{priority}_resolution"] = str(resolution)
        data[f"{priority}_calendar"] = str(calendar.pk)
    data.update(overrides)
    return data


def _pages(world, calendar, policy):
    holiday = calendar.holidays.first()
    rule = policy.escalations.create(trigger="breach", action="notify_contacts")
    return [
        reverse("console:sla_config_calendars"),
        reverse("console:sla_config_calendar_new"),
        reverse("console:sla_config_calendar", args=[calendar.pk]),
        reverse("console:sla_config_closure_add", args=[calendar.pk]),
        reverse("console:sla_config_holidays_load", args=[calendar.pk]),
        reverse("console:sla_config_day", args=[calendar.pk, holiday.pk]),
        reverse("console:sla_config_policies"),
        reverse("console:sla_config_default_policy"),
        reverse("console:sla_config_policy", args=[world.harbour.pk]),
        reverse("console:sla_config_escalation_add", args=[policy.pk]),
        reverse("console:sla_config_escalation_delete", args=[rule.pk]),
    ]


# Who may ------------------------------------------------------------------------------


def test_it_opens_every_page_to_the_admin(world, client, melbourne, harbour_policy):
    client.force_login(world.ada)
    pages = _pages(world, melbourne, harbour_policy)
    readable = [page for page in pages if not page.endswith(("/closures/", "/delete/"))]
    posts_only = ("/days/", "/escalations/", "/holidays/")
    readable = [p for p in readable if not any(part in p for part in posts_only)]

    statuses = {page: client.get(page).status_code for page in readable}

    assert set(statuses.values()) == {200}, statuses


@pytest.mark.parametrize(
    ("persona", "status"),
    [("olivia", 403), ("sam", 403), ("alex", 403), ("harry", 404), ("oscar", 404)],
)
def test_it_refuses_everyone_but_admins_and_changes_nothing(
    world, client, melbourne, harbour_policy, persona, status
):
    pages = _pages(world, melbourne, harbour_policy)
    client.force_login(getattr(world, persona))
    before = _config()

    for page in pages:
        assert client.get(page).status_code in {status, 405}, page
        assert client.post(page, _calendar_form(open="1")).status_code == status, page

    assert _config() == before


def test_it_shows_the_sla_setup_link_to_admins_only(world, client):
    client.force_login(world.ada)
    assert "/console/sla/calendars/" in client.get("/console/").content.decode()

    client.force_login(world.olivia)
    assert "/console/sla/calendars/" not in client.get("/console/").content.decode()


# Calendars ----------------------------------------------------------------------------


def test_it_adds_a_calendar_with_its_hours_and_state_holidays(world, client):
    client.force_login(world.ada)

    with _at(FRIDAY_4PM):
        response = client.post(
            reverse("console:sla_config_calendar_new"), _calendar_form()
        )

    calendar = Calendar.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/console/sla/calendars/{calendar.pk}/"
    assert (calendar.name, calendar.timezone, calendar.state) == (
        "Perth office",
        "Australia/Perth",
        "WA",
    )
    assert [str(s) for s in calendar.segments.filter(weekday__in=[0, 4])] == [
        "Monday 08:30-12:00",
        "Monday 13:00-17:00",
        "Friday 08:30-16:00",
    ]
    assert calendar.holidays.filter(date="2026-06-01", is_removed=False).exists()
    event = AuditEvent.objects.get(action="sla.calendar_created")
    assert (event.actor, event.subject_id) == (world.ada, str(calendar.pk))
    assert event.data["timezone"] == [None, "Australia/Perth"]


def test_it_changes_a_calendar_and_audits_what_changed(world, client, melbourne):
    client.force_login(world.ada)
    page = reverse("console:sla_config_calendar", args=[melbourne.pk])
    form = _calendar_form(
        name="Melbourne hours",
        timezone="Australia/Melbourne",
        state="VIC",
        monday="08:00-18:00",
        tuesday="08:00-18:00",
        wednesday="08:00-18:00",
        thursday="08:00-18:00",
        friday="08:00-18:00",
        saturday="09:00-12:00",
    )

    with _at(FRIDAY_4PM):
        response = client.post(page, form)

    assert response.status_code == 302
    assert [str(s) for s in melbourne.segments.filter(weekday=5)] == [
        "Saturday 09:00-12:00"
    ]
    event = AuditEvent.objects.get(action="sla.calendar_changed")
    assert list(event.data) == ["segments"]
    assert event.data["segments"][1][-1] == "Saturday 09:00-12:00"
    # The state did not change, so its holidays were left as they were.
    assert melbourne.holidays.filter(date="2026-03-09", is_removed=False).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"timezone": "Australia/Springfield"}, "is not an IANA time zone"),
        ({"tuesday": "17:00-08:30"}, "Each working period must end after it starts."),
        ({"monday": "08:00-12:30, 12:00-17:00"}, "Two working periods overlap"),
        ({"monday": "9 to 5"}, "Write &#x27;9 to 5&#x27; as 09:00-17:00"),
        (
            {d: "" for d in ("monday", "tuesday", "wednesday", "thursday", "friday")},
            "A calendar needs at least one working period, or tick 24x7.",
        ),
        ({"name": ""}, "Give the calendar a name."),
        ({"name": "Melbourne hours"}, "Another calendar has this name."),
    ],
)
def test_it_refuses_a_bad_calendar_and_changes_nothing(
    world, client, melbourne, change, message
):
    client.force_login(world.ada)
    before = _config()

    new = client.post(
        reverse("console:sla_config_calendar_new"), _calendar_form(**change)
    )
    answers = [new]
    if change != {"name": "Melbourne hours"}:  # the edited calendar's own name
        answers.append(
            client.post(
                reverse("console:sla_config_calendar", args=[melbourne.pk]),
                _calendar_form(**{"name": "Melbourne hours", **change}),
            )
        )

    for answer in answers:
        assert answer.status_code == 422
        assert message in answer.content.decode()
    assert _config() == before


def test_a_24x7_calendar_needs_no_working_periods(world, client):
    client.force_login(world.ada)
    closed_week = {d: "" for d in ("monday", "tuesday", "wednesday", "thursday")}

    response = client.post(
        reverse("console:sla_config_calendar_new"),
        _calendar_form(name="24x7", open_all_hours="on", friday="", **closed_week),
    )

    assert response.status_code == 302
    assert Calendar.objects.get().open_all_hours is True


def test_it_previews_the_periods_and_holidays_from_the_business_clock(
    world, client, melbourne
):
    client.force_login(world.ada)

    with _at(FRIDAY_4PM):
        html = client.get(
            reverse("console:sla_config_calendar", args=[melbourne.pk])
        ).content.decode()

    assert "<li>Fri 6 Mar 2026 16:00 to 18:00 AEDT</li>" in html
    # Monday is Labour Day in Victoria: the next period is Tuesday's.
    assert (
        "<li>Fri 6 Mar 2026 16:00 to 18:00 AEDT</li><li>Tue 10 Mar 2026 08:00" in html
    )
    assert "<li>Mon 9 Mar 2026: Labour Day</li>" in html
    # Worked case S1: four business hours from Friday 16:00 fall due Tuesday 10:00.
    assert (
        "4 h of business time from now runs out at Tue 10 Mar 2026 10:00 AEDT" in html
    )


def test_it_adds_a_closure_and_opens_a_holiday_after_all(world, client, melbourne):
    client.force_login(world.ada)
    closures = reverse("console:sla_config_closure_add", args=[melbourne.pk])

    with _at(FRIDAY_4PM):
        added = client.post(closures, {"date": "2026-03-13", "name": "Office move"})
        again = client.post(closures, {"date": "2026-03-13", "name": "Twice"})
        labour_day = melbourne.holidays.get(date="2026-03-09")
        opened = client.post(
            reverse("console:sla_config_day", args=[melbourne.pk, labour_day.pk]),
            {"open": "1"},
        )

    assert added.status_code == opened.status_code == 302
    assert again.status_code == 422
    assert "already in this calendar" in again.content.decode()
    closure = melbourne.holidays.get(date="2026-03-13")
    assert (closure.name, closure.source, closure.is_removed) == (
        "Office move",
        "msp",
        False,
    )
    labour_day.refresh_from_db()
    assert labour_day.is_removed is True
    assert list(
        AuditEvent.objects.filter(subject_type="calendar")
        .order_by("pk")
        .values_list("action", "data")
    ) == [
        ("sla.closure_added", {"date": "2026-03-13", "name": "Office move"}),
        ("sla.day_opened", {"date": "2026-03-09", "name": "Labour Day"}),
    ]


def test_it_loads_another_year_of_state_holidays(world, client, melbourne):
    client.force_login(world.ada)
    page = reverse("console:sla_config_holidays_load", args=[melbourne.pk])
    before = _config()

    refused = client.post(page, {"load-year": "1990"})
    assert refused.status_code == 422
    assert "Choose a year between 2000 and 2100." in refused.content.decode()
    assert _config() == before

    loaded = client.post(page, {"load-year": "2028"})

    assert loaded.status_code == 302
    assert melbourne.holidays.filter(date="2028-03-13", name="Labour Day").exists()
    event = AuditEvent.objects.get(action="sla.holidays_loaded")
    assert event.data["year"] == 2028
    assert event.data["added"] == melbourne.holidays.filter(date__year=2028).count()


def test_a_calendar_edit_recomputes_the_open_tickets_on_it(
    world, client, melbourne, harbour_policy
):
    with _at(FRIDAY_4PM):
        ticket = world.raise_ticket(priority="P3")
    response_clock = TicketClock.objects.get(ticket=ticket, kind="response")
    assert response_clock.due_at == datetime(2026, 3, 10, 10, 0, tzinfo=MELBOURNE)
    client.force_login(world.ada)
    labour_day = melbourne.holidays.get(date="2026-03-09")

    with _at(FRIDAY_430PM):
        client.post(
            reverse("console:sla_config_day", args=[melbourne.pk, labour_day.pk]),
            {"open": "1"},
        )

    response_clock.refresh_from_db()
    # Open on Labour Day after all: 2 h on Friday, the other 2 h on Monday morning.
    assert response_clock.due_at == datetime(2026, 3, 9, 10, 0, tzinfo=MELBOURNE)


# Policies -----------------------------------------------------------------------------


def test_it_gives_a_client_its_own_policy(world, client, melbourne):
    client.force_login(world.ada)
    page = reverse("console:sla_config_policy", args=[world.harbour.pk])
    assert "follows the default policy today" in client.get(page).content.decode()

    response = client.post(page, _policy_form(melbourne, warnings="60, 80"))

    policy = SlaPolicy.objects.get(client=world.harbour)
    assert response.status_code == 302
    assert response["Location"] == page
    assert policy.warning_fractions == [0.6, 0.8]
    assert list(
        policy.targets.values_list("priority", "response_minutes", "resolution_minutes")
    ) == [("P1", 30, 240), ("P2", 120, 480), ("P3", 240, 960), ("P4", 480, 2400)]
    event = AuditEvent.objects.get(action="sla.policy_created")
    assert (event.client, event.actor) == (world.harbour, world.ada)
    assert event.data["targets"][1]["P1"] == {
        "response_minutes": 30,
        "resolution_minutes": 240,
        "calendar": "Melbourne hours",
    }


def test_it_edits_the_default_policy(world, client, melbourne):
    client.force_login(world.ada)
    page = reverse("console:sla_config_default_policy")

    response = client.post(
        page, _policy_form(melbourne, name="Standard", pause_on_pending_client="")
    )

    policy = SlaPolicy.objects.get()
    assert response.status_code == 302
    assert (policy.client, policy.name, policy.pause_on_pending_client) == (
        None,
        "Standard",
        False,
    )


def test_the_page_says_running_clocks_are_recomputed(world, client, harbour_policy):
    client.force_login(world.ada)

    html = client.get(
        reverse("console:sla_config_policy", args=[world.harbour.pk])
    ).content.decode()

    assert "running tickets' due instants move now" in html


@pytest.mark.parametrize(
    ("change", "field_message"),
    [
        ({"P2_response": "-30"}, "Give a target of at least one business minute."),
        ({"P4_resolution": "0"}, "Give a target of at least one business minute."),
        ({"P1_response": ""}, "Give a target of at least one business minute."),
        ({"warnings": "50, 120"}, "above 0 and below 100"),
        ({"warnings": "100"}, "above 0 and below 100"),
        ({"warnings": "fifty"}, "is not a number"),
        ({"P3_calendar": ""}, "Choose the calendar."),
        ({"name": ""}, "Give the policy a name"),
    ],
)
def test_it_refuses_a_bad_policy_and_changes_nothing(
    world, client, melbourne, harbour_policy, change, field_message
):
    client.force_login(world.ada)
    before = _config()

    response = client.post(
        reverse("console:sla_config_policy", args=[world.harbour.pk]),
        _policy_form(melbourne, **change),
    )

    assert response.status_code == 422
    assert field_message in response.content.decode()
    assert _config() == before


def test_a_policy_change_moves_running_clocks_and_applies_to_new_tickets(
    world, client, melbourne, harbour_policy
):
    with _at(FRIDAY_4PM):
        running = world.raise_ticket(priority="P3")
    clock = TicketClock.objects.get(ticket=running, kind="response")
    assert clock.due_at == datetime(2026, 3, 10, 10, 0, tzinfo=MELBOURNE)
    client.force_login(world.ada)

    with _at(FRIDAY_430PM):
        saved = client.post(
            reverse("console:sla_config_policy", args=[world.harbour.pk]),
            _policy_form(melbourne, P3_response="120"),
        )
        later = world.raise_ticket(priority="P3")

    assert saved.status_code == 302
    clock.refresh_from_db()
    # Recomputed from the ticket's own start: 2 h from Friday 16:00 ends at 18:00,
    # the day's close, and falls due then rather than at the next opening.
    assert clock.due_at == datetime(2026, 3, 6, 18, 0, tzinfo=MELBOURNE)
    after = TicketClock.objects.get(ticket=later, kind="response")
    # Raised at 16:30: 1.5 h on Friday, Monday a holiday, the rest on Tuesday.
    assert after.due_at == datetime(2026, 3, 10, 8, 30, tzinfo=MELBOURNE)
    changed = AuditEvent.objects.get(action="sla.policy_changed")
    assert changed.data["targets"][0]["P3"]["response_minutes"] == 4 * HOURS
    assert changed.data["targets"][1]["P3"]["response_minutes"] == 120


def test_a_policy_change_leaves_a_met_clock_as_it_was(
    world, client, melbourne, harbour_policy
):
    with _at(FRIDAY_4PM):
        ticket = world.ticket_at("resolved")
    met = TicketClock.objects.get(ticket=ticket, kind="resolution")
    assert met.met_at is not None
    client.force_login(world.ada)

    with _at(FRIDAY_430PM):
        client.post(
            reverse("console:sla_config_policy", args=[world.harbour.pk]),
            _policy_form(melbourne, P2_resolution="60"),
        )

    met_after = TicketClock.objects.get(ticket=ticket, kind="resolution")
    assert (met_after.due_at, met_after.target, met_after.met_at) == (
        met.due_at,
        met.target,
        met.met_at,
    )


# Escalations --------------------------------------------------------------------------


def test_it_adds_and_deletes_an_escalation_rule(world, client, harbour_policy):
    client.force_login(world.ada)
    page = reverse("console:sla_config_policy", args=[world.harbour.pk])

    added = client.post(
        reverse("console:sla_config_escalation_add", args=[harbour_policy.pk]),
        {
            "rule-priority": "P1",
            "rule-trigger": "warning",
            "rule-fraction": "75",
            "rule-action": "notify_role",
            "rule-role": "operations",
        },
    )
    rule = EscalationRule.objects.get()
    deleted = client.post(
        reverse("console:sla_config_escalation_delete", args=[rule.pk])
    )

    assert added.status_code == deleted.status_code == 302
    assert added["Location"] == page
    assert (rule.priority, rule.fraction, rule.role, rule.after_minutes) == (
        "P1",
        0.75,
        "operations",
        None,
    )
    assert not EscalationRule.objects.exists()
    actions = AuditEvent.objects.filter(subject_type="slapolicy").values_list(
        "action", flat=True
    )
    assert list(actions.order_by("pk")) == [
        "sla.escalation_added",
        "sla.escalation_deleted",
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"rule-trigger": "warning", "rule-fraction": "60"},
            "Choose one of the policy&#x27;s warning fractions",
        ),
        ({"rule-trigger": "after_breach"}, "Say how long after breach."),
        ({"rule-action": "notify_role", "rule-role": ""}, "Choose a staff role"),
        ({"rule-action": "assign_lead", "rule-user": ""}, "Choose the person."),
    ],
)
def test_it_refuses_a_bad_escalation_rule_and_changes_nothing(
    world, client, harbour_policy, fields, message
):
    client.force_login(world.ada)
    before = _config()

    response = client.post(
        reverse("console:sla_config_escalation_add", args=[harbour_policy.pk]),
        {"rule-trigger": "breach", "rule-action": "notify_contacts", **fields},
    )

    assert response.status_code == 422
    assert message in response.content.decode()
    assert _config() == before


def test_a_warning_an_escalation_uses_cannot_be_dropped(
    world, client, melbourne, harbour_policy
):
    harbour_policy.escalations.create(
        trigger="warning", fraction=0.75, action="notify_contacts"
    )
    client.force_login(world.ada)
    before = _config()

    response = client.post(
        reverse("console:sla_config_policy", args=[world.harbour.pk]),
        _policy_form(melbourne, warnings="50, 90"),
    )

    assert response.status_code == 422
    assert "An escalation rule acts at 75 %; delete it first." in (
        response.content.decode()
    )
    assert _config() == before


@pytest.mark.parametrize("page", ["sla_config_calendars", "sla_config_policies"])
def test_the_lists_read_the_same_queries_however_many_rows(world, client, page):
    client.force_login(world.ada)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(f"console:{page}")).status_code == 200
        return len(captured)

    def add_rows(start):
        for n in range(start, start + 3):
            calendar = Calendar.objects.create(name=f"C{n}", timezone="Australia/Perth")
            calendar.segments.create(weekday=0, starts="09:00", ends="17:00")
            other = make_client(f"client-{n}", f"Client {n}")
            SlaPolicy.objects.create(client=other, name=f"Policy {n}")

    add_rows(0)
    few = queries()
    add_rows(3)

    assert queries() == few
