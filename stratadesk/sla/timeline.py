"""From a ticket's stage history to its SLA clocks: pure rules, no database.

A clock's pauses are the periods the ticket spent in a stage that stops it. The
response clock stops for good at the first public reply by MSP staff. The resolution
clock pauses in the client's pausing stages (Pending Client, Pending Third Party by
default) and always stops in Resolved and SVR Pending; when the ticket comes back it
resumes with the business time it had left. Closed ends it. Due instants are always
recomputed from the history, never kept as a counter that could drift.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from stratadesk.sla.clock import BusinessCalendar

STOPPING = frozenset({"resolved", "svr_pending"})
FINAL = "closed"

RUNNING, PAUSED, MET, BREACHED = "running", "paused", "met", "breached"


@dataclass(frozen=True)
class Move:
    at: datetime
    to_stage: str


@dataclass(frozen=True)
class Threshold:
    """A moment a clock can fire at: a warning fraction or the breach."""

    name: str
    fraction: float


@dataclass(frozen=True)
class ClockReading:
    target: timedelta
    started_at: datetime
    due_at: datetime
    state: str
    used: timedelta
    met_at: datetime | None
    breached_at: datetime | None
    # Threshold name -> the instant it falls due (the breach is the due instant).
    moments: dict[str, datetime]

    @property
    def left(self) -> timedelta:
        return max(self.target - self.used, timedelta(0))


def stopped_periods(
    created_at: datetime,
    moves: Sequence[Move],
    stopping: Iterable[str],
    now: datetime,
) -> tuple[list[tuple[datetime, datetime]], str, datetime | None]:
    """Periods spent in `stopping` stages; the stage now; when the current stop began.

    A period still open at `now` ends at `now` in the list and its start is returned,
    so a caller can tell a clock paused now from one that was paused once.
    """
    stopping = set(stopping)
    periods = []
    stage, since = "request", created_at
    for move in sorted(moves, key=lambda m: m.at):
        if stage in stopping and move.at > since:
            periods.append((since, move.at))
        stage, since = move.to_stage, move.at
    open_since = None
    if stage in stopping:
        open_since = since
        if now > since:
            periods.append((since, now))
    return periods, stage, open_since


def read_resolution(
    calendar: BusinessCalendar,
    target: timedelta,
    created_at: datetime,
    moves: Sequence[Move],
    pausing: Iterable[str],
    thresholds: Sequence[Threshold],
    now: datetime,
) -> ClockReading:
    stops = set(pausing) | STOPPING | {FINAL}
    periods, stage, open_since = stopped_periods(created_at, moves, stops, now)

    met_at = None
    if stage in STOPPING or stage == FINAL:
        met_at = _stopped_since(moves, STOPPING | {FINAL})
    return _reading(
        calendar, target, created_at, periods, thresholds, now, met_at, open_since
    )


def read_response(
    calendar: BusinessCalendar,
    target: timedelta,
    created_at: datetime,
    first_response_at: datetime | None,
    moves: Sequence[Move],
    thresholds: Sequence[Threshold],
    now: datetime,
) -> ClockReading:
    """Met by the first public staff reply.

    A ticket closed before any reply (withdrawn, dismissed) owes none: its clock
    stops at the close, met if the target had not run out by then.
    """
    periods, _stage, open_since = stopped_periods(created_at, moves, {FINAL}, now)
    met_at = first_response_at or open_since
    open_since = None
    return _reading(
        calendar, target, created_at, periods, thresholds, now, met_at, open_since
    )


def _stopped_since(moves, stages) -> datetime | None:
    """When the ticket last reached `stages` from outside them.

    Resolved, then SVR Pending, then Closed is one stop, met when it was resolved;
    a return to work and a second resolution starts a new one.
    """
    since = None
    for move in sorted(moves, key=lambda m: m.at):
        if move.to_stage not in stages:
            since = None
        elif since is None:
            since = move.at
    return since


def _reading(
    calendar, target, created_at, periods, thresholds, now, met_at, open_since
) -> ClockReading:
    # A stopped clock's due instant is the one that held when it stopped: the stop
    # itself (and anything after it) is no pause.
    if met_at is not None:
        periods = [(start, end) for start, end in periods if start < met_at]
    # The pauses that count are the closed ones; an open one counts up to now only.
    due_at = calendar.add(created_at, target, pauses=periods)
    end = met_at or now
    used = calendar.elapsed(created_at, end, pauses=periods)
    moments = {
        threshold.name: calendar.add(
            created_at, target * threshold.fraction, pauses=periods
        )
        for threshold in thresholds
    }

    # Done at the due instant itself is in time; a breach is only past it.
    breached_at = due_at if due_at < end else None
    if breached_at is not None:
        state = BREACHED
    elif met_at is not None:
        state = MET
    elif open_since is not None:
        state = PAUSED
    else:
        state = RUNNING
    return ClockReading(
        target=target,
        started_at=created_at,
        due_at=due_at,
        state=state,
        used=min(used, target) if state != BREACHED else used,
        met_at=met_at,
        breached_at=breached_at,
        moments=moments,
    )


def thresholds_for(fractions: Iterable[float]) -> list[Threshold]:
    """Warnings at each fraction, then the breach at the whole target."""
    warnings = [
        Threshold(f"warning:{fraction:g}", float(fraction))
        for fraction in sorted(set(fractions))
        if 0 < fraction < 1
    ]
    return [*warnings, Threshold("breach", 1.0)]


def can_fire(name: str, reading: ClockReading) -> bool:
    """May the moment `name` still fire on a clock read as `reading`?

    Warnings stop mattering once the clock is met or breached; a breach that
    happened fires even if the ticket was done later; nothing escalates after the
    work is done.
    """
    if name.startswith("warning"):
        return reading.met_at is None and reading.breached_at is None
    if name == "breach":
        return reading.breached_at is not None or reading.met_at is None
    return reading.met_at is None
