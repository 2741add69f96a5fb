"""`stratadesk demo`: loaded once for the module, then checked from every side."""

from collections import Counter, defaultdict
from datetime import timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from stdnum.au import abn

from stratadesk.clients.models import ClientOrganisation, Contact
from stratadesk.core.models import AuditEvent, BusinessProfile
from stratadesk.demo.world import DEMO_PASSWORD
from stratadesk.people.models import Role, User
from stratadesk.svr.models import ServiceVerificationReport, SvrStatus
from stratadesk.tickets.models import (
    CloseReason,
    Comment,
    MaterialEntry,
    Stage,
    Ticket,
    TimeEntry,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """Load the demo once, in a transaction that is rolled back after the module.

    Each test's own transaction nests inside it as a savepoint, so the tests share
    the data and leave nothing behind for other modules.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def _counts():
    models = (
        Ticket,
        Comment,
        TimeEntry,
        MaterialEntry,
        ServiceVerificationReport,
        AuditEvent,
        User,
        ClientOrganisation,
        Contact,
        BusinessProfile,
    )
    return {model.__name__: model.objects.count() for model in models}


def test_it_loads_over_two_hundred_tickets_in_every_stage(demo_output):
    stages = Counter(Ticket.objects.values_list("stage", flat=True))

    assert sum(stages.values()) >= 200
    assert set(stages) == set(Stage.values)
    for stage in Stage.values:
        assert Stage(stage).label in demo_output


def test_it_closes_tickets_by_every_route(demo_output):
    closed = Ticket.objects.filter(stage=Stage.CLOSED)

    reasons = set(closed.values_list("close_reason", flat=True))
    # Auto-approval needs the per-client schedule (issue 6); the demo has none yet.
    assert reasons == set(CloseReason.values) - {CloseReason.SVR_AUTO_APPROVED}
    for duplicate in closed.filter(close_reason=CloseReason.DUPLICATE):
        assert duplicate.duplicate_of.client_id == duplicate.client_id
        assert duplicate.duplicate_of.created_at < duplicate.created_at


def test_it_closes_by_svr_only_with_a_decided_svr(demo_output):
    closed_by_svr = Ticket.objects.filter(
        close_reason__in=[CloseReason.SVR_APPROVED, CloseReason.SVR_OVERRIDDEN]
    )
    final_status = Counter()
    for ticket in closed_by_svr:
        last = ticket.svrs.order_by("-version").first()
        assert last.decided_at <= ticket.closed_at
        final_status[last.status] += 1

    assert set(final_status) <= {SvrStatus.APPROVED, SvrStatus.OVERRIDDEN}
    assert final_status[SvrStatus.APPROVED] > 3 * final_status[SvrStatus.OVERRIDDEN]


def test_it_issues_svrs_exactly_where_the_stage_implies_one(demo_output):
    for ticket in Ticket.objects.filter(stage=Stage.SVR_PENDING):
        assert ticket.svrs.filter(status=SvrStatus.PENDING).count() == 1
    never_issued = Ticket.objects.filter(
        stage__in=[Stage.REQUEST, Stage.TRIAGE, Stage.ASSIGNED]
    )
    svrs = ServiceVerificationReport.objects
    assert not svrs.filter(ticket__in=never_issued).exists()
    pending = svrs.filter(status=SvrStatus.PENDING)
    assert not pending.exclude(ticket__stage=Stage.SVR_PENDING).exists()


def test_it_tells_the_detours_a_real_desk_sees(demo_output):
    moves = Counter(
        AuditEvent.objects.filter(action="ticket.transitioned").values_list(
            "data__transition", flat=True
        )
    )
    reissued = ServiceVerificationReport.objects.filter(
        version__gt=1, ticket__svrs__status=SvrStatus.REJECTED
    )

    assert moves["reject_svr"] >= 3
    assert reissued.exists()
    assert moves["review_failed"] >= 3
    for name in ("hand_back", "await_client", "client_replied", "resume", "reopen"):
        assert moves[name] >= 1, name
    assert TimeEntry.objects.filter(work_type="after_hours").exists()
    assert TimeEntry.objects.filter(work_type="travel").exists()
    assert MaterialEntry.objects.exists()
    assert Comment.objects.filter(is_public=False).exists()
    assert Comment.objects.filter(author__role=Role.CLIENT).exists()


def test_it_creates_three_clients_in_their_own_states_and_timezones(demo_output):
    clients = ClientOrganisation.objects.all()

    assert {(c.state, c.timezone) for c in clients} == {
        ("NSW", "Australia/Sydney"),
        ("VIC", "Australia/Melbourne"),
        ("WA", "Australia/Perth"),
    }
    assert all(abn.is_valid(c.abn) and len(c.abn) == 11 for c in clients)
    assert [c.svr_review_required for c in clients].count(True) == 1
    assert [c.contacts_see_all_tickets for c in clients].count(False) == 1
    for client in clients:
        contacts = client.contacts.all()
        assert len(contacts) >= 3
        assert [c.is_billing for c in contacts].count(True) == 1
        assert any(c.is_approver for c in contacts)
        assert client.sites.count() >= 2

    profile = BusinessProfile.current()
    assert profile.abn == "53004085616"
    assert profile.gst_registered


def test_it_creates_one_login_per_role_plus_a_second_engineer(demo_output, settings):
    # The demo hashed its passwords with the production hasher, before the suite's
    # fast test hasher was switched on for this test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    staff = Counter(
        User.objects.exclude(role=Role.CLIENT).values_list("role", flat=True)
    )
    client_users = User.objects.filter(role=Role.CLIENT).select_related("contact")

    assert staff == {
        Role.ADMIN: 1,
        Role.OPERATIONS: 1,
        Role.SUPPORT: 2,
        Role.ACCOUNTS: 1,
    }
    assert len(client_users) == 3
    assert all(u.contact.is_approver for u in client_users)
    assert len({u.client_id for u in client_users}) == 3
    assert User.objects.get(username="ops").check_password(DEMO_PASSWORD)
    for username in ("admin", "ops", "support1", "support2", "accounts", "client-wa"):
        assert username in demo_output
    assert DEMO_PASSWORD in demo_output


def test_it_stamps_all_history_within_the_last_sixty_one_days(demo_output):
    now = timezone.now()
    stamped = {
        Ticket: [
            "created_at",
            "updated_at",
            "stage_changed_at",
            "first_response_at",
            "resolved_at",
            "closed_at",
        ],
        Comment: ["created_at"],
        TimeEntry: ["created_at"],
        MaterialEntry: ["created_at"],
        ServiceVerificationReport: ["issued_at", "decided_at"],
        AuditEvent: ["occurred_at"],
    }
    for model, fields in stamped.items():
        for field in fields:
            span = model.objects.aggregate(first=Min(field), last=Max(field))
            assert span["first"] >= now - timedelta(days=61), (model, field)
            assert span["last"] <= now, (model, field)
    work_dates = TimeEntry.objects.aggregate(first=Min("work_date"))
    assert work_dates["first"] >= (now - timedelta(days=62)).date()


def test_it_keeps_each_tickets_history_in_order_and_mostly_in_office_hours(
    demo_output,
):
    in_hours = 0
    tickets = Ticket.objects.select_related("client").prefetch_related("comments")
    for ticket in tickets:
        assert ticket.created_at <= ticket.stage_changed_at <= ticket.updated_at
        if ticket.closed_at:
            assert ticket.created_at < ticket.closed_at
        assert all(c.created_at > ticket.created_at for c in ticket.comments.all())

        local = ticket.created_at.astimezone(ZoneInfo(ticket.client.timezone))
        in_hours += local.weekday() < 5 and 7 <= local.hour < 18

    assert in_hours >= 0.85 * len(tickets)
    numbers = list(Ticket.objects.order_by("created_at").values_list("number"))
    assert numbers == sorted(numbers)


def test_it_audits_every_creation_and_every_move_by_the_right_actor(demo_output):
    created = Counter()
    moves = defaultdict(list)
    events = AuditEvent.objects.filter(subject_type="ticket").order_by("id")
    for event in events:
        if event.action == "ticket.created":
            created[event.subject_id] += 1
        elif event.action == "ticket.transitioned":
            moves[event.subject_id].append(event)

    for ticket in Ticket.objects.all():
        key = str(ticket.pk)
        assert created[key] == 1
        stage = Stage.REQUEST
        for move in moves[key]:
            assert move.from_stage == stage
            stage = move.to_stage
        assert stage == ticket.stage

    by_move = defaultdict(set)
    for event in events.filter(action="ticket.transitioned"):
        by_move[event.data["transition"]].add((event.actor_role, event.channel))
    assert by_move["triage"] == {(Role.OPERATIONS, "console")}
    assert by_move["assign"] == {(Role.OPERATIONS, "console")}
    assert by_move["approve_svr"] == {(Role.CLIENT, "portal")}
    assert by_move["withdraw"] == {(Role.CLIENT, "portal")}
    assert by_move["override_svr"] == {(Role.ADMIN, "console")}


def test_it_changes_nothing_when_run_again(demo_output):
    before = _counts()
    out = StringIO()

    call_command("demo", stdout=out)

    assert "demo data already loaded" in out.getvalue()
    assert _counts() == before
