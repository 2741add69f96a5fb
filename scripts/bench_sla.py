"""`make bench`, SLA part: what one SLA sweep costs over many open tickets.

Times stratadesk.sla.enforcement.sweep() over BENCH_SLA_TICKETS open tickets
(100,000) with none, 1% and 10% of them due, and over a tenth as many open tickets
with the same 1% count due: wall and CPU time, clocks handled per second and queries
per due clock. With BENCH_SLA_RACE=1, on PostgreSQL, it also times two sweeps racing
over BENCH_SLA_RACE_TICKETS due tickets (10,000) and counts that each breach fired
once. It measures and prints; it asserts nothing.

The database is thrown away: a fresh SQLite file by default, or, when DATABASE_URL
names a PostgreSQL server, a database `stratadesk_bench_sla` on it that this script
creates and drops (so what scripts/bench.py wrote there is left alone).

Tickets and clocks are written with bulk_create, as recompute() would have left them
at creation, so the set-up does not drown the sweep (no audit rows for them: the
sweep reads that table by an index). All P3 under a default policy like the demo's,
on a 24x7 calendar so the figures do not depend on the hour: response 4 h,
resolution 24 h, warnings at 50/75/90%, Operations notified at breach. A due ticket
was raised 5 h ago, so its response breach fires (a breach email, an escalation
email, two audit events); the others were raised in the last 30 minutes.
"""

import os
import shutil
import sys
import tempfile
import threading
import time
from collections import deque
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# A temporary directory made here is removed at the end: 100,000 tickets on SQLite
# leave a file of about 100 MB.
OWN_VAR_DIR = None
if "STRATADESK_VAR_DIR" not in os.environ:
    OWN_VAR_DIR = tempfile.mkdtemp(prefix="sd-bench-sla-")
    os.environ["STRATADESK_VAR_DIR"] = OWN_VAR_DIR
os.environ.setdefault("STRATADESK_LOG_LEVEL", "WARNING")
# As in production: no query log kept on every connection (it costs time).
os.environ.setdefault("STRATADESK_DEBUG", "false")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stratadesk.settings")

TICKETS = int(os.environ.get("BENCH_SLA_TICKETS", "100000"))
RACE_TICKETS = int(os.environ.get("BENCH_SLA_RACE_TICKETS", "10000"))
RACE = os.environ.get("BENCH_SLA_RACE", "0") == "1"
SCRATCH_DB = "stratadesk_bench_sla"

# A due ticket was raised this long ago: past its 4 h response target.
DUE_AGE = timedelta(hours=5)
# The others were raised up to this long ago: their first warning is 1.5 h or more
# away, so nothing of theirs falls due while the script runs.
FRESH_SPREAD_SECONDS = 30 * 60
RESPONSE, RESOLUTION = timedelta(hours=4), timedelta(hours=24)
FIRST_WARNING = 0.5
BATCH = 2000


def _postgres_scratch():
    """Point DATABASE_URL at a fresh scratch database on the same PostgreSQL server.

    Returns the psycopg conninfo of the server's `postgres` database (to drop the
    scratch one at the end), or None on SQLite.
    """
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{SCRATCH_DB}"')
        conn.execute(f'CREATE DATABASE "{SCRATCH_DB}"')
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{SCRATCH_DB}"))
    return admin


def _drop_scratch(admin):
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{SCRATCH_DB}"')


ADMIN_URL = _postgres_scratch()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from stratadesk.core import clock  # noqa: E402
from stratadesk.core.models import Sequence  # noqa: E402
from stratadesk.sla import calendars, enforcement  # noqa: E402
from stratadesk.sla.models import (  # noqa: E402
    EscalationRule,
    SlaEvent,
    SlaPolicy,
    SlaTarget,
    TicketClock,
)
from stratadesk.tickets.models import Ticket  # noqa: E402

SEND_EMAIL = "stratadesk.notifications.tasks.send_email"


# Set-up ------------------------------------------------------------------------------


def service_levels():
    """The demo's default policy on a 24x7 calendar; returns the calendar."""
    calendar = calendars.always_open("24x7 bench", "Australia/Sydney")
    policy = SlaPolicy.objects.create(
        name="Standard", client=None, warning_fractions=[0.5, 0.75, 0.9]
    )
    for priority in ("P1", "P2", "P3", "P4"):
        SlaTarget.objects.create(
            policy=policy,
            priority=priority,
            response_minutes=RESPONSE // timedelta(minutes=1),
            resolution_minutes=RESOLUTION // timedelta(minutes=1),
            calendar=calendar,
        )
    EscalationRule.objects.create(
        policy=policy, trigger="breach", action="notify_role", role="operations"
    )
    return calendar


def clock_rows(ticket_id, created_at, calendar):
    """Both clocks as recompute() leaves them at creation (24x7: plain arithmetic)."""
    return [
        TicketClock(
            ticket_id=ticket_id,
            kind=kind,
            target=target,
            calendar=calendar,
            started_at=created_at,
            due_at=created_at + target,
            state="running",
            used=timedelta(0),
            next_check_at=created_at + target * FIRST_WARNING,
            computed_at=created_at,
        )
        for kind, target in (("response", RESPONSE), ("resolution", RESOLUTION))
    ]


def ticket_row(number, client, requester, created_at):
    return Ticket(
        number=number,
        title=f"Bench ticket {number}",
        description="Raised in bulk for the SLA bench.",
        priority="P3",
        client=client,
        requester=requester,
        stage="request",
        channel="api",
        created_at=created_at,
        updated_at=created_at,
        stage_changed_at=created_at,
    )


@transaction.atomic
def add_tickets(world, calendar, count):
    """Add `count` fresh open tickets (both clocks, nothing due) to the database."""
    start = Ticket.objects.count() + 1001
    now = clock.now()
    pairs = [(world.harbour, world.harry_contact), (world.outback, world.oscar_contact)]
    for first in range(start, start + count, BATCH):
        numbers = range(first, min(first + BATCH, start + count))
        tickets = Ticket.objects.bulk_create(
            ticket_row(
                n, *pairs[n % 2], now - timedelta(seconds=n % FRESH_SPREAD_SECONDS)
            )
            for n in numbers
        )
        TicketClock.objects.bulk_create(
            row for t in tickets for row in clock_rows(t.pk, t.created_at, calendar)
        )
    Sequence.objects.update_or_create(
        name="ticket", defaults={"next_value": start + count}
    )


# Making tickets due and fresh again -----------------------------------------------


def _chunks(ids, size=900):
    # 900: under SQLite's oldest limit on parameters per statement.
    for first in range(0, len(ids), size):
        yield ids[first : first + size]


@transaction.atomic
def shift(ids, by, calendar):
    """Move the tickets' creation by `by` and rewrite their clocks from it.

    Deleting the clocks also deletes the SlaEvent rows a previous sweep wrote, so
    each run starts with nothing fired.
    """
    for chunk in _chunks(ids):
        Ticket.objects.filter(pk__in=chunk).update(
            created_at=F("created_at") + by,
            updated_at=F("updated_at") + by,
            stage_changed_at=F("stage_changed_at") + by,
        )
        TicketClock.objects.filter(ticket_id__in=chunk).delete()
        TicketClock.objects.bulk_create(
            row
            for pk, created_at in Ticket.objects.filter(pk__in=chunk).values_list(
                "pk", "created_at"
            )
            for row in clock_rows(pk, created_at, calendar)
        )


class DueSet:
    """Which tickets are due now; makes a new set due after undoing the last one."""

    def __init__(self, calendar):
        self.calendar = calendar
        self.ids: list[int] = []

    def make_due(self, count):
        # Undo the previous run: its tickets fresh again, their clocks rewritten,
        # its SlaEvent rows gone (with the clocks) and the queued tasks deleted.
        # The audit events it wrote stay: the audit table is append-only.
        shift(self.ids, DUE_AGE, self.calendar)
        DBTaskResult.objects.all().delete()
        every = list(Ticket.objects.order_by("pk").values_list("pk", flat=True))
        step = max(1, len(every) // count) if count else 1
        self.ids = every[::step][:count]
        shift(self.ids, -DUE_AGE, self.calendar)


# Measuring ---------------------------------------------------------------------------


def emails_queued(event):
    return DBTaskResult.objects.filter(
        task_path=SEND_EMAIL, args_kwargs__kwargs__event=event
    ).count()


def header():
    print(
        f"{'open':>8} {'due':>7} {'fired':>7} {'wall s':>8} {'cpu s':>7}"
        f" {'clocks/s':>9} {'queries':>8} {'q/clock':>8}  note"
    )


@contextmanager
def all_queries_captured():
    """CaptureQueriesContext, keeping every query rather than the last 9,000.

    Django keeps the log in a bounded deque; a 10,000-clock sweep runs ~300,000
    queries (~150 MB of SQL text here, dropped as soon as they are counted).
    """
    connection.queries_log = deque(maxlen=None)
    try:
        with CaptureQueriesContext(connection) as captured:
            yield captured
    finally:
        connection.queries_log = deque(maxlen=connection.queries_limit)


def _due_now() -> int:
    """Clocks whose next moment has come: what the sweep will look at."""
    return TicketClock.objects.filter(next_check_at__lte=clock.now()).count()


def measure(open_count, note):
    """One sweep over whatever is due now, timed and with its queries counted.

    cpu s is this process only (Python and the ORM; on SQLite the database too).
    """
    due = _due_now()
    with all_queries_captured() as captured:
        started, cpu = time.perf_counter(), time.process_time()
        fired = enforcement.sweep()
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        queries = len(captured.captured_queries)
    rate = f"{due / wall:9.0f}" if due else f"{'-':>9}"
    per = f"{queries / due:8.1f}" if due else f"{'-':>8}"
    if not due:
        note = f"{note}, {wall * 1000:.1f} ms"
    print(
        f"{open_count:>8,} {due:>7,} {fired:>7,} {wall:>8.2f} {cpu:>7.2f}"
        f" {rate} {queries:>8,} {per}  {note}"
    )
    left = _due_now()
    if left:
        print(f"{'':>8} note: {left:,} clocks still due after the sweep")


def _sweep_in_thread(results, index):
    try:
        results[index] = enforcement.sweep()
    finally:
        connection.close()


def race(due_set, count):
    """Two sweeps at once, each on its own connection, over `count` due tickets."""
    due_set.make_due(count)
    due = _due_now()
    results = [0, 0]
    threads = [
        threading.Thread(target=_sweep_in_thread, args=(results, i)) for i in (0, 1)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    events = SlaEvent.objects.count()
    breaches = SlaEvent.objects.filter(threshold="breach").count()
    emails = emails_queued("sla_breached")
    once = "each once" if events == breaches == emails == due else "MISMATCH"
    print(
        f"race: 2 sweeps, {due:,} due clocks: {wall:.2f} s, {due / wall:.0f} clocks/s;"
        f" fired {results[0]:,} + {results[1]:,}"
    )
    print(
        f"      SlaEvent rows {events:,} (breach {breaches:,}),"
        f" sla_breached emails {emails:,}: {once}"
    )


def grow_to(world, calendar, count):
    started = time.perf_counter()
    add = count - Ticket.objects.count()
    add_tickets(world, calendar, add)
    print(f"set-up: {add:,} tickets added in {time.perf_counter() - started:.1f} s")


def run(world, calendar):
    """1%'s count due among a tenth as many open tickets, then 0%, 1% and 10%.

    If the cost follows the due clocks, clocks/s is the same in every due row and
    the empty sweeps take the same few milliseconds at both sizes.
    """
    due_set = DueSet(calendar)
    small = max(TICKETS // 10, 100)
    grow_to(world, calendar, small)
    header()
    measure(small, "nothing due")
    due_set.make_due(TICKETS // 100)
    measure(small, "as many due as 1% below")
    grow_to(world, calendar, TICKETS)
    header()
    for percent in (0, 1, 10):
        due_set.make_due(TICKETS * percent // 100)
        measure(TICKETS, f"{percent}% due" if percent else "nothing due")
    return due_set


def main():
    from tests.fixtures import World

    print(f"database: {connection.vendor}  open tickets: {TICKETS:,}, 2 clocks each")
    print("each run with some due first undoes the last: its tickets fresh again,")
    print("their clocks rewritten, SlaEvent rows and queued tasks deleted")
    call_command("migrate", verbosity=0)
    calendar = service_levels()
    due_set = run(World(), calendar)
    if connection.vendor == "postgresql" and RACE:
        race(due_set, min(RACE_TICKETS, TICKETS))


def clean_up():
    from django.db import connections

    connections.close_all()
    if ADMIN_URL:
        _drop_scratch(ADMIN_URL)
    if OWN_VAR_DIR:
        shutil.rmtree(OWN_VAR_DIR, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    finally:
        clean_up()
