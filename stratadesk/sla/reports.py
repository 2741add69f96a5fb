"""The SLA report: per client and month, how many clocks were met or breached.

A ticket belongs to the month it was raised in, in the client's own zone. For each
clock: met and breached counts, the compliance percentage (met of those decided),
and the mean and 90th percentile of the business time it took, over the clocks that
have stopped (a ticket still open and already breached counts as breached, but has no
final time yet). Business time is what the clock counted: working hours only, pauses
left out.
"""

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from stratadesk.sla.models import ClockKind, ClockState, TicketClock
from stratadesk.tickets.models import CloseReason

# Closes that end a ticket without any work: it owed no service.
NO_WORK_CLOSES = [
    CloseReason.DUPLICATE,
    CloseReason.SPAM,
    CloseReason.NOT_SERVICE_REQUEST,
    CloseReason.WITHDRAWN,
]


@dataclass(frozen=True)
class ClockFigures:
    kind: str
    met: int
    breached: int
    open: int
    mean: timedelta | None
    p90: timedelta | None

    @property
    def decided(self) -> int:
        return self.met + self.breached

    @property
    def compliance(self) -> float | None:
        return round(100 * self.met / self.decided, 1) if self.decided else None


def month_bounds(month: date, zone: str) -> tuple[datetime, datetime]:
    """The first instant of the month and of the next, in `zone`."""
    tz = ZoneInfo(zone)
    start = datetime(month.year, month.month, 1, tzinfo=tz)
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return start, datetime(following.year, following.month, 1, tzinfo=tz)


def percentile(values: list[timedelta], fraction: float) -> timedelta | None:
    """Nearest-rank percentile: the smallest value with `fraction` at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def client_month(client, month: date) -> list[ClockFigures]:
    start, end = month_bounds(month, client.timezone)
    # Tickets closed without work (spam, duplicates, withdrawn) owed no service.
    clocks = (
        TicketClock.objects.filter(
            ticket__client=client, started_at__gte=start, started_at__lt=end
        )
        .exclude(ticket__close_reason__in=NO_WORK_CLOSES)
        .values_list("kind", "state", "used", "met_at")
    )
    by_kind: dict[str, list] = {kind: [] for kind in ClockKind.values}
    for kind, state, used, met_at in clocks:
        by_kind[kind].append((state, used, met_at))
    return [_figures(kind, rows) for kind, rows in by_kind.items()]


def _figures(kind, rows) -> ClockFigures:
    met = sum(1 for state, _, _ in rows if state == ClockState.MET)
    breached = sum(1 for state, _, _ in rows if state == ClockState.BREACHED)
    taken = [used for _, used, met_at in rows if met_at is not None]
    mean = sum(taken, timedelta(0)) / len(taken) if taken else None
    return ClockFigures(
        kind=kind,
        met=met,
        breached=breached,
        open=len(rows) - met - breached,
        mean=mean,
        p90=percentile(taken, 0.9),
    )
