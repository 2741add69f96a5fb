"""Two people moving one ticket at the same instant, on two real PostgreSQL connections.

Each thread loads the ticket, waits at a barrier until the other has loaded it too,
then moves it. Both hold the same version, so whichever takes the row lock second must
get a Conflict and change nothing.
"""

import threading

import pytest
from django.db import DatabaseError, connection, transaction

from stratadesk.core.errors import Conflict
from stratadesk.core.models import AuditEvent
from stratadesk.tickets import selectors, services
from stratadesk.tickets.models import Ticket
from tests.fixtures import actor

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs two PostgreSQL connections"
    ),
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 5
MOVED = "moved"


def race(ticket_pk, *attempts):
    """Run each (actor, move name, data) in its own thread at once; return outcomes.

    An outcome is MOVED or the exception the service raised.
    """
    barrier = threading.Barrier(len(attempts))
    outcomes = [None] * len(attempts)

    def attempt(index, who, name, data):
        try:
            mine = Ticket.objects.get(pk=ticket_pk)
            barrier.wait(timeout=10)
            services.transition(who, mine, name, data)
            outcomes[index] = MOVED
        except Exception as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=(index, *args))
        for index, args in enumerate(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a racer hung"
    return outcomes


def _winner_and_loser(outcomes):
    assert outcomes.count(MOVED) == 1, outcomes
    [lost] = [outcome for outcome in outcomes if outcome != MOVED]
    assert isinstance(lost, Conflict), repr(lost)
    assert lost.code == "stale_ticket"
    return outcomes.index(MOVED)


def _moves(ticket):
    return AuditEvent.objects.filter(
        action="ticket.transitioned", subject_id=str(ticket.pk)
    )


def test_it_lets_one_of_two_racing_assignments_win(world):
    for _ in range(ROUNDS):
        ticket = world.ticket_at("triage")
        data = {"priority": "P2", "category": world.category.pk}

        outcomes = race(
            ticket.pk,
            (actor(world.olivia), "assign", {**data, "assignee": world.sam.pk}),
            (actor(world.ada), "assign", {**data, "assignee": world.sasha.pk}),
        )

        winner = _winner_and_loser(outcomes)
        ticket_after = Ticket.objects.get(pk=ticket.pk)
        assert ticket_after.stage == "assigned"
        assert ticket_after.version == ticket.version + 1
        assert ticket_after.assignee == [world.sam, world.sasha][winner]
        [event] = _moves(ticket).filter(to_stage="assigned")
        assert event.actor == [world.olivia, world.ada][winner]


def test_it_lets_one_of_two_racing_triages_win(world):
    for _ in range(ROUNDS):
        ticket = world.raise_ticket()

        outcomes = race(
            ticket.pk,
            (actor(world.olivia), "triage", {}),
            (actor(world.ada), "triage", {}),
        )

        _winner_and_loser(outcomes)
        assert Ticket.objects.get(pk=ticket.pk).version == ticket.version + 1
        assert _moves(ticket).filter(to_stage="triage").count() == 1


def test_it_lets_one_of_two_different_racing_moves_win(world):
    for _ in range(ROUNDS):
        ticket = world.ticket_at("triage")
        assign = {"priority": "P2", "category": world.category.pk}

        outcomes = race(
            ticket.pk,
            (actor(world.olivia), "assign", {**assign, "assignee": world.sam.pk}),
            (actor(world.ada), "dismiss", {"close_reason": "spam"}),
        )

        winner = _winner_and_loser(outcomes)
        assert Ticket.objects.get(pk=ticket.pk).stage == ["assigned", "closed"][winner]
        assert _moves(ticket).exclude(from_stage="request").count() == 1


def test_it_refuses_raw_sql_rewriting_the_audit_trail(world, request):
    if request.config.getoption("nomigrations"):
        pytest.skip("the append-only trigger is installed by a migration")
    world.ticket_at("triage")
    count = AuditEvent.objects.count()

    for statement in (
        "UPDATE core_auditevent SET reason = 'rewritten'",
        "DELETE FROM core_auditevent",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)

    assert AuditEvent.objects.count() == count
    assert not AuditEvent.objects.filter(reason="rewritten").exists()


# A row lock over select_related() outer joins (nullable assignee, category, site) is
# refused by PostgreSQL unless it names the ticket table alone. SQLite never locks, so
# only these tests catch a regression.


def test_it_moves_a_ticket_that_has_no_assignee_yet(world):
    ticket = world.raise_ticket()

    services.transition(actor(world.olivia), ticket, "triage")

    assert Ticket.objects.get(pk=ticket.pk).stage == "triage"


def test_it_fetches_a_ticket_for_update_through_the_selector(world):
    ticket = world.raise_ticket()

    with transaction.atomic():
        locked = selectors.ticket_for(world.olivia, ticket.number, for_update=True)

    assert locked == ticket
