"""The published worked cases S1-S6 of SLA.md, to the minute."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays

from stratadesk.sla.clock import BusinessCalendar

WEEKDAYS = range(5)


def _calendar(zone, state, *periods):
    public = holidays.country_holidays("AU", subdiv=state, years=range(2026, 2028))
    return BusinessCalendar(
        timezone=zone,
        segments={day: list(periods) for day in WEEKDAYS},
        holidays=set(public),
    )


def _at(zone, *parts):
    return datetime(*parts, tzinfo=ZoneInfo(zone))


def test_s1_melbourne_response_skips_labour_day():
    cal = _calendar("Australia/Melbourne", "VIC", ("08:00", "18:00"))

    due = cal.add(_at("Australia/Melbourne", 2026, 3, 6, 16), timedelta(hours=4))

    assert due == _at("Australia/Melbourne", 2026, 3, 10, 10)
    assert due.utcoffset() == timedelta(hours=11)


def test_s2_perth_resolution_pauses_for_the_client_and_skips_wa_day():
    zone = "Australia/Perth"
    cal = _calendar(zone, "WA", ("08:30", "17:00"))
    created = _at(zone, 2026, 5, 28, 15)
    pause = (_at(zone, 2026, 5, 29, 10), _at(zone, 2026, 6, 2, 9))

    used_before_pause = cal.elapsed(created, pause[0])
    due = cal.add(created, timedelta(hours=16), pauses=[pause])

    assert used_before_pause == timedelta(hours=3, minutes=30)
    assert due == _at(zone, 2026, 6, 3, 13)
    assert due.utcoffset() == timedelta(hours=8)


def test_s3_adelaide_response_across_daylight_saving_and_labour_day():
    zone = "Australia/Adelaide"
    cal = _calendar(zone, "SA", ("09:00", "17:00"))
    created = _at(zone, 2026, 10, 2, 16)
    assert created.utcoffset() == timedelta(hours=9, minutes=30)

    due = cal.add(created, timedelta(hours=2))

    assert due == datetime(2026, 10, 5, 23, 30, tzinfo=UTC)
    assert due.utcoffset() == timedelta(hours=10, minutes=30)
    assert (due.year, due.month, due.day, due.hour) == (2026, 10, 6, 10)


def test_s4_always_open_counts_real_seconds_across_the_end_of_daylight_saving():
    zone = "Australia/Sydney"
    cal = BusinessCalendar.always_open(zone)
    created = _at(zone, 2026, 4, 4, 23)
    assert created.utcoffset() == timedelta(hours=11)

    due = cal.add(created, timedelta(hours=4))

    # 02:00 happens twice that night. Python never finds an instant in a repeated hour
    # equal to one in another zone, so compare in UTC.
    assert due.astimezone(UTC) == datetime(2026, 4, 4, 16, 0, tzinfo=UTC)
    assert due.utcoffset() == timedelta(hours=10)
    assert (due.day, due.hour, due.fold) == (5, 2, 1)


def test_s5_brisbane_split_day_with_lunch_break():
    zone = "Australia/Brisbane"
    cal = BusinessCalendar(
        timezone=zone,
        segments={d: [("08:00", "12:00"), ("13:00", "17:00")] for d in WEEKDAYS},
    )
    created = _at(zone, 2026, 7, 15, 11, 45)

    assert cal.add(created, timedelta(hours=1)) == _at(zone, 2026, 7, 15, 13, 45)
    assert cal.add(created, timedelta(hours=6)) == _at(zone, 2026, 7, 16, 9, 45)


def test_s6_sydney_response_over_christmas_took_105_business_minutes():
    zone = "Australia/Sydney"
    cal = _calendar(zone, "NSW", ("09:00", "17:00"))

    took = cal.elapsed(_at(zone, 2026, 12, 24, 15, 30), _at(zone, 2026, 12, 29, 9, 15))

    assert date(2026, 12, 28) in cal.holidays
    assert took == timedelta(minutes=105)


def test_a_budget_ending_at_close_falls_due_at_close_not_next_opening():
    zone = "Australia/Sydney"
    cal = _calendar(zone, "NSW", ("09:00", "17:00"))

    due = cal.add(_at(zone, 2026, 8, 5, 9), timedelta(hours=8))

    assert due == _at(zone, 2026, 8, 5, 17)


def test_a_ticket_raised_out_of_hours_starts_at_the_next_opening():
    zone = "Australia/Sydney"
    cal = _calendar(zone, "NSW", ("09:00", "17:00"))

    due = cal.add(_at(zone, 2026, 8, 8, 11), timedelta(minutes=30))  # a Saturday

    assert due == _at(zone, 2026, 8, 10, 9, 30)


def test_a_business_day_is_eight_hours_on_the_day_daylight_saving_starts():
    zone = "Australia/Sydney"
    cal = BusinessCalendar(timezone=zone, segments={6: [("09:00", "17:00")]})

    # Sunday 4 October 2026: clocks go forward at 02:00.
    took = cal.elapsed(_at(zone, 2026, 10, 4, 0), _at(zone, 2026, 10, 5, 0))

    assert took == timedelta(hours=8)
