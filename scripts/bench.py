"""`make bench`: figures for the hot paths, on a throw-away database.

Prints how long the main service calls and pages take and how many queries they run.
It measures; it asserts nothing (timings belong here, never in the test suite).
Set DATABASE_URL to measure on PostgreSQL; the default is a fresh SQLite file.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("STRATADESK_VAR_DIR", tempfile.mkdtemp(prefix="sd-bench-"))
os.environ.setdefault("STRATADESK_LOG_LEVEL", "WARNING")
# Django's test client calls itself "testserver".
os.environ.setdefault("STRATADESK_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stratadesk.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

TICKETS = int(os.environ.get("BENCH_TICKETS", "300"))


def timed(label, fn, repeat):
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    print(
        f"{label:<44} n={repeat:<4} median {statistics.median(samples):7.2f} ms"
        f"   p95 {p95:7.2f} ms"
    )


def queries(label, fn):
    with CaptureQueriesContext(connection) as captured:
        fn()
    print(f"{label:<44} {len(captured.captured_queries)} queries")


def main():
    from stratadesk.tickets import services
    from tests.fixtures import World, actor

    print(f"database: {connection.vendor}  tickets: {TICKETS}")
    call_command("migrate", verbosity=0)
    world = World()

    def raise_one():
        world.raise_ticket()

    timed("create_ticket (service)", raise_one, TICKETS)

    tickets = iter(list(world.harbour.tickets.filter(stage="request")))

    def triage_one():
        services.transition(actor(world.olivia), next(tickets), "triage")

    timed("transition triage (service)", triage_one, min(100, TICKETS))

    ops = Client()
    # force_login: the sign-in lockout needs the request Client.login never passes.
    ops.force_login(world.olivia)
    portal = Client()
    portal.force_login(world.harry)
    number = world.harbour.tickets.first().number
    reset_queries()

    timed("GET /console/ (50 per page)", lambda: ops.get("/console/"), 30)
    queries("GET /console/", lambda: ops.get("/console/"))
    detail = f"/console/tickets/{number}/"
    timed("GET console ticket page", lambda: ops.get(detail), 30)
    queries("GET console ticket page", lambda: ops.get(detail))
    timed("GET /portal/", lambda: portal.get("/portal/"), 30)
    queries("GET /portal/", lambda: portal.get("/portal/"))


if __name__ == "__main__":
    main()
