"""Formatting shared by the console and portal templates."""

from decimal import Decimal

from django import template
from django.utils import dateformat, timezone
from django.utils.dateparse import parse_date
from django.utils.html import format_html

from stratadesk.people.permissions import Action, can
from stratadesk.tickets.models import WorkType

register = template.Library()


@register.filter
def person(user) -> str:
    """A user's full name, or their username when they gave no name."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


@register.filter
def may(user, action: str) -> bool:
    """May `user` take `action` (its code, e.g. "config.write") by the matrix?"""
    return can(user, Action(action))


@register.filter
def duration(minutes) -> str:
    """Minutes as hours and minutes, e.g. 90 -> '1 h 30 min'."""
    minutes = int(minutes or 0)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    if not rest:
        return f"{hours} h"
    return f"{hours} h {rest} min"


@register.filter
def money(amount) -> str:
    """Dollars with cents and thousands separators, e.g. '$1,234.50'."""
    return f"${Decimal(amount or 0):,.2f}"


@register.filter
def work_type(code) -> str:
    """A work type code as people say it, e.g. 'after_hours' -> 'After hours'."""
    return WorkType(code).label if code in WorkType.values else code


@register.filter
def iso_date(text):
    """ISO date text (as SVR snapshots store it) as a date for the `date` filter."""
    return parse_date(text or "") or text


@register.simple_tag
def when(moment):
    """A <time> element for an instant, in the site's time zone; a dash for none."""
    if moment is None:
        return "—"
    local = timezone.localtime(moment)
    shown = dateformat.format(local, "j M Y, H:i")
    return format_html('<time datetime="{}">{}</time>', local.isoformat(), shown)


@register.simple_tag
def submission_token():
    """A hidden one-time token, so a resent form changes nothing twice."""
    from stratadesk.core import submissions

    return format_html(
        '<input type="hidden" name="{}" value="{}">',
        submissions.FIELD,
        submissions.new_token(),
    )


@register.filter
def business_time(amount) -> str:
    """A duration of business time in hours and minutes: "3 h 30 min"."""
    minutes = int(amount.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    return f"{hours} h" if hours else f"{minutes} min"


@register.simple_tag
def in_zone(moment, zone_name):
    """An instant as the named zone's wall clock, naming the zone."""
    from zoneinfo import ZoneInfo

    local = moment.astimezone(ZoneInfo(zone_name))
    return f"{dateformat.format(local, 'D H:i T')} {zone_name}"


_SLA_SUMMARY = {
    "breached": ("breached", "Breached"),
    "running": ("running", "On track"),
    "paused": ("paused", "Paused"),
    "met": ("met", "Met"),
}


@register.filter
def sla_summary(ticket) -> tuple[str, str]:
    """(state, words) of a ticket's SLA as one badge: its worst clock.

    Reads the prefetched `sla_clocks`; a ticket with none shows an empty badge.
    """
    states = {row.state for row in ticket.sla_clocks.all()}
    for state in ("breached", "running", "paused", "met"):
        if state in states:
            return _SLA_SUMMARY[state]
    return ("", "")
