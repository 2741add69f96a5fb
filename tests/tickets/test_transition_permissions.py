"""Who may take each move of the table, and that everyone else changes nothing."""

import pytest

from stratadesk.core.errors import TransitionNotAllowed
from stratadesk.tickets import services
from stratadesk.tickets.models import Stage
from tests.tickets import expected
from tests.tickets.state import actor_for, events_since, snapshot

IP = "203.0.113.9"
USER_AGENT = "Mozilla/5.0 test"

CASES = [
    (row.name, source, persona, persona in row.who)
    for row in expected.ROWS
    for source in row.sources
    for persona in expected.PERSONAS
]
ALLOWED = [
    pytest.param(name, source, persona, id=f"{name}-from-{source}-by-{persona}")
    for name, source, persona, allowed in CASES
    if allowed
]
REFUSED = [
    pytest.param(name, source, persona, id=f"{name}-from-{source}-by-{persona}")
    for name, source, persona, allowed in CASES
    if not allowed
]


def allowed_sentence(stage: str, persona: str) -> str:
    """How a refusal names the moves this persona could take instead."""
    label = Stage(stage).label
    names = expected.buttons(stage, persona)
    if not names:
        return f"No moves from {label} are open to you."
    listed = ", ".join(
        f"{name} (to {Stage(expected.BY_NAME[name].target).label})" for name in names
    )
    return f"Allowed from {label}: {listed}."


@pytest.mark.parametrize(("name", "source", "persona"), ALLOWED)
def test_it_lets_the_roles_in_the_table_take_the_move(world, name, source, persona):
    ticket = world.ticket_at(source)
    before = snapshot(ticket)
    data = expected.valid_data(name, world)

    services.transition(
        actor_for(world, persona), ticket, name, data, ip=IP, user_agent=USER_AGENT
    )

    ticket.refresh_from_db()
    assert ticket.stage == expected.BY_NAME[name].target
    assert ticket.version == before["ticket"]["version"] + 1
    moves = events_since(before).filter(action="ticket.transitioned")
    assert [(e.from_stage, e.to_stage, e.data["transition"]) for e in moves] == [
        (source, expected.BY_NAME[name].target, name)
    ]


@pytest.mark.parametrize(("name", "source", "persona"), REFUSED)
def test_it_refuses_everyone_else_and_changes_nothing(world, name, source, persona):
    ticket = world.ticket_at(source)
    before = snapshot(ticket)
    data = expected.valid_data(name, world)

    with pytest.raises(TransitionNotAllowed) as refused:
        services.transition(
            actor_for(world, persona), ticket, name, data, ip=IP, user_agent=USER_AGENT
        )

    assert refused.value.message.endswith(allowed_sentence(source, persona))
    assert snapshot(ticket) == before


@pytest.mark.parametrize("stage", expected.STAGES)
def test_it_lists_the_moves_each_persona_may_choose(world, stage):
    ticket = world.ticket_at(stage)

    listed = {
        persona: [
            move.name
            for move in services.allowed_transitions(actor_for(world, persona), ticket)
        ]
        for persona in expected.PERSONAS
    }

    assert listed == {
        persona: expected.buttons(stage, persona) for persona in expected.PERSONAS
    }


def _outcome(who, ticket, target) -> str:
    """'moved', or the refusal's message: one line of a readable outcome table."""
    try:
        services.transition_to(who, ticket, target)
    except TransitionNotAllowed as refused:
        return refused.message
    return "moved"


@pytest.mark.parametrize("source", expected.STAGES)
def test_it_refuses_every_move_that_is_not_in_the_table(world, source):
    ticket = world.ticket_at(source)
    before = snapshot(ticket)
    outside = [
        target
        for target in expected.STAGES
        if (source, target) not in expected.TABLE_PAIRS
    ]

    outcomes = {
        (target, persona): _outcome(actor_for(world, persona), ticket, target)
        for target in outside
        for persona in expected.PERSONAS
    }

    assert outcomes == {
        (target, persona): (
            f"You cannot move {ticket.reference} to {target!r}. "
            + allowed_sentence(source, persona)
        )
        for target in outside
        for persona in expected.PERSONAS
    }
    assert snapshot(ticket) == before


@pytest.mark.parametrize(
    ("name", "source"),
    [
        (row.name, source)
        for row in expected.ROWS
        if not row.automatic
        for source in row.sources
    ],
)
def test_it_finds_the_move_by_its_target_stage(world, name, source):
    row = expected.BY_NAME[name]
    ticket = world.ticket_at(source)
    before = snapshot(ticket)

    services.transition_to(
        actor_for(world, expected.first_taker(name)),
        ticket,
        row.target,
        expected.valid_data(name, world),
    )

    ticket.refresh_from_db()
    assert ticket.stage == row.target
    [event] = events_since(before).filter(action="ticket.transitioned")
    assert event.data["transition"] == name


@pytest.mark.parametrize("stage", expected.STAGES)
def test_it_refuses_a_named_move_from_a_stage_it_does_not_leave(world, stage):
    ticket = world.ticket_at(stage)
    before = snapshot(ticket)
    elsewhere = [row for row in expected.ROWS if stage not in row.sources]

    for row in elsewhere:
        persona = expected.first_taker(row.name)
        with pytest.raises(TransitionNotAllowed) as refused:
            services.transition(
                actor_for(world, persona),
                ticket,
                row.name,
                expected.valid_data(row.name, world),
            )
        assert refused.value.message.endswith(allowed_sentence(stage, persona))

    assert snapshot(ticket) == before


@pytest.mark.parametrize(
    "persona", [p for p in expected.PERSONAS if p != expected.SYSTEM]
)
@pytest.mark.parametrize(
    ("name", "stage"),
    [("client_replied", "pending_client"), ("auto_approve_svr", "svr_pending")],
)
def test_it_keeps_automatic_moves_from_people(world, name, stage, persona):
    ticket = world.ticket_at(stage)
    before = snapshot(ticket)

    with pytest.raises(TransitionNotAllowed) as refused:
        services.transition(actor_for(world, persona), ticket, name)

    assert refused.value.code == "unknown_transition"
    assert refused.value.message == (
        f"{name!r} is not a move you can take. " + allowed_sentence(stage, persona)
    )
    assert snapshot(ticket) == before


def test_it_refuses_a_move_it_has_never_heard_of(world):
    ticket = world.ticket_at("in_progress")
    before = snapshot(ticket)

    with pytest.raises(TransitionNotAllowed) as refused:
        services.transition(actor_for(world, expected.ADMIN), ticket, "teleport")

    assert refused.value.code == "unknown_transition"
    assert refused.value.message == (
        "'teleport' is not a move you can take. Allowed from In Progress: "
        "hand_back (to Triage), await_client (to Pending Client), "
        "await_third_party (to Pending Third Party), resolve (to Resolved)."
    )
    assert snapshot(ticket) == before
