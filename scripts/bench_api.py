"""`make bench`, second part: the REST API over HTTP, served by gunicorn.

Measures requests per second and p50/p95/p99 latency of
- POST /api/v1/tickets (each with a fresh Idempotency-Key), with 1 and 8 clients;
- GET /api/v1/tickets (50 per page) followed by its `next` page, for a client with
  10,000 and 100,000 tickets (BENCH_LIST_SIZES), with 1 and 8 clients;
and the queries one such request runs. It measures; it asserts nothing (a request
that fails is counted and shown, never raised).

The server is started the way scripts/run.sh starts it (gunicorn, 2 workers, 4
threads) on a free port of 127.0.0.1, with the API rate limit lifted. The list's
tickets are inserted with bulk_create, not the service function: rows valid for
every column but without audit events, emails or webhooks (raising 100,000 tickets
one by one would take longer than the bench itself).
Set DATABASE_URL to measure on PostgreSQL; the default is a fresh SQLite file.
"""

import itertools
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Our own temp dir, removed at the end: a 100,000-ticket SQLite file is not small.
OWN_VAR_DIR = "STRATADESK_VAR_DIR" not in os.environ
if OWN_VAR_DIR:
    os.environ["STRATADESK_VAR_DIR"] = tempfile.mkdtemp(prefix="sd-bench-api-")
os.environ.setdefault("STRATADESK_LOG_LEVEL", "WARNING")
# As production serves: DEBUG would also keep every query of a request in memory.
os.environ.setdefault("STRATADESK_DEBUG", "false")
# gunicorn is asked as 127.0.0.1; the in-process query count as "testserver".
os.environ.setdefault("STRATADESK_ALLOWED_HOSTS", "127.0.0.1,testserver")
# The limit would otherwise refuse the bench after 600 requests a minute.
os.environ.setdefault("STRATADESK_API_RATE_PER_MINUTE", "1000000000")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stratadesk.settings")

import django  # noqa: E402

django.setup()

import httpx  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
WARMUP_SECONDS = 1.0
CLIENTS = [int(n) for n in os.environ.get("BENCH_CLIENTS", "1,8").split(",")]
LIST_SIZES = [
    int(n) for n in os.environ.get("BENCH_LIST_SIZES", "10000,100000").split(",")
]
# scripts/run.sh serves with 4 threads per worker; BENCH_THREADS tries other counts.
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
BULK_BATCH = 2000
GUNICORN = Path(sys.executable).parent / "gunicorn"


# Data ------------------------------------------------------------------------------


def bench_client(slug):
    """A client organisation with one contact; made once, reused on a second run."""
    from stratadesk.clients.models import ClientOrganisation

    client, _ = ClientOrganisation.objects.get_or_create(
        slug=slug, defaults={"name": f"Bench {slug}", "state": "NSW"}
    )
    contact, _ = client.contacts.get_or_create(
        email=f"requester@{slug}.test", defaults={"name": "Bench Requester"}
    )
    return client, contact


def api_key(client) -> str:
    from stratadesk.api.keys import create_client_key
    from stratadesk.people.actors import Actor

    _, secret = create_client_key(
        Actor.system("bench"),
        client,
        name="bench",
        scopes=["tickets:read", "tickets:write"],
    )
    return secret


def reserve_numbers(count) -> range:
    """Take `count` ticket numbers at once, as take_next() would one by one.

    Advancing the shared sequence past them is what keeps later creates through the
    service from colliding with the bulk-inserted numbers.
    """
    from stratadesk.core.models import Sequence
    from stratadesk.tickets.services import TICKET_NUMBER_START

    with transaction.atomic():
        Sequence.objects.get_or_create(
            name="ticket", defaults={"next_value": TICKET_NUMBER_START}
        )
        row = Sequence.objects.select_for_update().get(name="ticket")
        first = row.next_value
        row.next_value = first + count
        row.save(update_fields=["next_value"])
    return range(first, first + count)


def bench_ticket(client, contact, number, now):
    from stratadesk.core.models import Channel
    from stratadesk.tickets.models import Priority, Stage, Ticket

    # Open stages only: a closed or assigned ticket would also need a close reason
    # or an assignee to be a ticket the product could have made.
    stages = [Stage.REQUEST, Stage.TRIAGE]
    return Ticket(
        number=number,
        title=f"Bench ticket {number}",
        description="Bulk-inserted by scripts/bench_api.py.",
        priority=Priority.values[number % len(Priority.values)],
        client=client,
        requester=contact,
        stage=stages[number % len(stages)],
        channel=Channel.API,
        created_at=now,
        updated_at=now,
        stage_changed_at=now,
    )


def fill(client, contact, size) -> float:
    """Bulk-insert tickets until `client` has `size`; returns the seconds it took."""
    from stratadesk.core import clock
    from stratadesk.tickets.models import Ticket

    started = time.perf_counter()
    missing = size - client.tickets.count()
    if missing <= 0:
        return 0.0
    now = clock.now()
    # One transaction: an insert that fails gives its numbers back, as a create would.
    with transaction.atomic():
        for batch in itertools.batched(reserve_numbers(missing), BULK_BATCH):
            Ticket.objects.bulk_create(
                [bench_ticket(client, contact, number, now) for number in batch]
            )
    if connection.vendor == "postgresql":
        # What autovacuum does within a minute of a bulk load; without it the planner
        # still believes the table empty and sorts all of the client's tickets.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE tickets_ticket")
    return time.perf_counter() - started


# The server ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port) -> subprocess.Popen:
    """gunicorn as scripts/run.sh starts it, on this machine only."""
    env = dict(os.environ, STRATADESK_SITE_URL=f"http://127.0.0.1:{port}")
    command = [
        str(GUNICORN),
        "stratadesk.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        "--workers=2",
        f"--threads={THREADS}",
        "--error-logfile=-",
        "--log-level=warning",
    ]
    # Its own process group, so stopping it stops its workers and nothing else.
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


class Api(NamedTuple):
    """The running server and the key its clients send."""

    server: subprocess.Popen
    base: str
    secret: str


def wait_until_up(api) -> None:
    headers = {"Authorization": f"Bearer {api.secret}"}
    for _ in range(120):
        if api.server.poll() is not None:
            sys.exit(f"bench_api: gunicorn exited with status {api.server.returncode}")
        try:
            httpx.get(f"{api.base}/api/v1/tickets", headers=headers, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.25)
    sys.exit("bench_api: gunicorn did not answer within 30 s")


def stop_server(server) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


# Load ------------------------------------------------------------------------------


class Tally:
    """What the client threads saw: latencies in ms and the unexpected answers."""

    def __init__(self):
        self.latencies = []
        self.failures = Counter()
        self.lock = threading.Lock()

    def add(self, latencies, failures):
        with self.lock:
            self.latencies.extend(latencies)
            self.failures.update(failures)


def client_loop(api, step, deadline, tally) -> None:
    """One client: `step` over and over on its own keep-alive connection."""
    headers = {"Authorization": f"Bearer {api.secret}"}
    latencies, failures = [], Counter()
    with httpx.Client(base_url=api.base, headers=headers, timeout=30) as http:
        while time.perf_counter() < deadline:
            step(http, latencies, failures)
    tally.add(latencies, failures)


def run_load(api, step, clients, seconds) -> tuple[Tally, float]:
    tally = Tally()
    started = time.perf_counter()
    deadline = started + seconds
    threads = [
        threading.Thread(target=client_loop, args=(api, step, deadline, tally))
        for _ in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.perf_counter() - started


def timed(http, latencies, failures, method, url, expected, **kwargs):
    """One request, timed to its last byte; None if it never got an answer."""
    started = time.perf_counter()
    try:
        response = http.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        failures[type(exc).__name__] += 1
        return None
    latencies.append((time.perf_counter() - started) * 1000)
    if response.status_code != expected:
        failures[response.status_code] += 1
    return response


def create_step(http, latencies, failures) -> None:
    body = {
        "title": "Printer on level 3 jams",
        "description": "Every second page jams since Monday.",
        "requester": "requester@bench-create.test",
    }
    # A fresh key per POST, as an integration retrying safely would send.
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    url = "/api/v1/tickets"
    timed(http, latencies, failures, "POST", url, 201, json=body, headers=headers)


def list_step(http, latencies, failures) -> None:
    first = timed(http, latencies, failures, "GET", "/api/v1/tickets", 200)
    answered = first is not None and first.status_code == 200
    following = first.json()["next"] if answered else None
    if following:
        timed(http, latencies, failures, "GET", following, 200)


def percentile(ordered, p) -> float:
    """Nearest rank: the smallest sample with at least p % of samples at or below."""
    return ordered[max(0, math.ceil(len(ordered) * p / 100) - 1)]


def server_cpu_seconds(server) -> float:
    """CPU time gunicorn's workers have used so far (Linux /proc; NaN elsewhere).

    CPU per request is what bounds throughput on 2 cores, and unlike latency it
    barely moves when other work shares the machine.
    """
    try:
        proc = Path("/proc") / str(server.pid)
        workers = (proc / "task" / str(server.pid) / "children").read_text().split()
        ticks = 0
        for pid in workers:
            # Fields after the ")" closing the name: utime and stime are 12th, 13th.
            fields = (
                (Path("/proc") / pid / "stat").read_text().rsplit(")", 1)[1].split()
            )
            ticks += int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return math.nan
    return ticks / os.sysconf("SC_CLK_TCK")


def measure(label, api, step, clients) -> None:
    run_load(api, step, clients, WARMUP_SECONDS)  # connections, caches
    cpu_before, own_before = server_cpu_seconds(api.server), time.process_time()
    tally, elapsed = run_load(api, step, clients, SECONDS)
    cpu = server_cpu_seconds(api.server) - cpu_before
    # The clients share the 2 cores with the server; their cost is shown too.
    own = time.process_time() - own_before
    ordered = sorted(tally.latencies)
    if not ordered:
        print(f"{label:<34} {clients:>2} clients  no request finished")
        return
    failed = tally.failures.total()
    note = f"  FAILED {failed}: {dict(tally.failures)}" if failed else ""
    print(
        f"{label:<34} {clients:>2} clients  n={len(ordered):<6}"
        f"{len(ordered) / elapsed:6.0f} req/s  p50 {percentile(ordered, 50):6.1f}"
        f"  p95 {percentile(ordered, 95):6.1f}  p99 {percentile(ordered, 99):6.1f} ms"
        f"  CPU/req server {cpu * 1000 / len(ordered):5.1f} ms"
        f" client {own * 1000 / len(ordered):4.1f} ms{note}"
    )


# Query counts ----------------------------------------------------------------------


def count_queries(label, secret, send) -> None:
    """The queries one request runs, in this process, through Django's test client.

    The second of two requests is counted: the first also records the key's first
    use and the rate limit's first count, which later requests do not repeat.
    """
    http = Client(headers={"Authorization": f"Bearer {secret}"})
    send(http)
    with CaptureQueriesContext(connection) as captured:
        response = send(http)
    print(
        f"{label:<34} {len(captured.captured_queries)} queries "
        f"(status {response.status_code})"
    )


def create_queries(secret) -> None:
    def send(http):
        return http.post(
            "/api/v1/tickets",
            data={
                "title": "Query count",
                "description": "One ticket, counted.",
                "requester": "requester@bench-create.test",
            },
            content_type="application/json",
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )

    count_queries("POST /api/v1/tickets", secret, send)


def list_queries(secret) -> None:
    count_queries(
        "GET /api/v1/tickets", secret, lambda http: http.get("/api/v1/tickets")
    )


# The run ---------------------------------------------------------------------------


def prepare() -> tuple[str, str, object, object]:
    call_command("migrate", verbosity=0)
    # The rate limit counts in the database cache, as in production.
    call_command("createcachetable", verbosity=0)
    create_client, _ = bench_client("bench-create")
    list_client, list_contact = bench_client("bench-list")
    return api_key(create_client), api_key(list_client), list_client, list_contact


def load() -> float:
    return os.getloadavg()[0]


LOAD_AT_START = load()


def main():
    print(
        f"\nAPI over HTTP: database {connection.vendor}, gunicorn 2 workers x "
        f"{THREADS} threads, {SECONDS:g} s per line after {WARMUP_SECONDS:g} s warm-up"
    )
    create_secret, list_secret, list_client, list_contact = prepare()
    create_queries(create_secret)
    # A server's connections and ours must not hold SQLite's lock at the same time.
    connection.close()

    port = free_port()
    server = start_server(port)
    base = f"http://127.0.0.1:{port}"
    creating, listing = Api(server, base, create_secret), Api(server, base, list_secret)
    try:
        wait_until_up(creating)
        for clients in CLIENTS:
            measure("POST /api/v1/tickets", creating, create_step, clients)
        for size in LIST_SIZES:
            seconds = fill(list_client, list_contact, size)
            print(f"(inserted tickets up to {size:,} in {seconds:.1f} s)")
            if size == LIST_SIZES[0]:
                list_queries(list_secret)
            connection.close()
            for clients in CLIENTS:
                label = f"GET list, {size:,} tickets (+next)"
                measure(label, listing, list_step, clients)
    finally:
        stop_server(server)
        # Other work on the machine skews every figure above; this says how much.
        print(f"load average: {LOAD_AT_START:.2f} at the start, {load():.2f} now")
        if OWN_VAR_DIR:
            shutil.rmtree(os.environ["STRATADESK_VAR_DIR"], ignore_errors=True)


if __name__ == "__main__":
    main()
