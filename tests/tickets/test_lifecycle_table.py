"""The lifecycle module on its own: the table as data, no database."""

import pytest

from stratadesk.tickets import lifecycle
from stratadesk.tickets.models import Stage
from tests.tickets import expected

FACTS = {
    expected.REQUESTER: lifecycle.Facts("client", is_requester=True, same_client=True),
    expected.APPROVER: lifecycle.Facts("client", is_approver=True, same_client=True),
    # An approver and requester at another client: neither counts here.
    expected.OUTSIDER: lifecycle.Facts(
        "client", is_requester=True, is_approver=True, same_client=False
    ),
    expected.OPERATIONS: lifecycle.Facts("operations"),
    expected.ASSIGNEE: lifecycle.Facts("support", is_assignee=True),
    expected.OTHER_SUPPORT: lifecycle.Facts("support"),
    expected.ACCOUNTS: lifecycle.Facts("accounts"),
    expected.ADMIN: lifecycle.Facts("admin"),
    expected.SYSTEM: lifecycle.Facts("system"),
}


def _names(moves):
    return [move.name for move in moves]


def test_it_has_the_nine_stages_in_lifecycle_order():
    assert tuple(Stage.values) == expected.STAGES


def test_it_lists_the_rows_of_the_table_in_order():
    rows = [
        (t.name, tuple(t.sources), t.target, t.automatic) for t in lifecycle.TRANSITIONS
    ]

    assert rows == [
        (row.name, row.sources, row.target, row.automatic) for row in expected.ROWS
    ]


def test_it_leaves_every_stage_and_enters_every_stage_but_request():
    sources = {source for t in lifecycle.TRANSITIONS for source in t.sources}
    targets = {t.target for t in lifecycle.TRANSITIONS}

    assert sources == set(expected.STAGES)
    assert targets == set(expected.STAGES) - {"request"}


def test_it_names_every_move_once():
    names = [t.name for t in lifecycle.TRANSITIONS]

    assert len(names) == len(set(names)) == 18
    assert list(lifecycle.BY_NAME) == names


@pytest.mark.parametrize("name", list(expected.BY_NAME))
def test_it_asks_each_move_for_the_fields_in_its_gate(name):
    required = tuple(f.name for f in lifecycle.get(name).fields if f.required)

    assert required == expected.BY_NAME[name].required


def test_it_knows_no_move_by_an_unknown_name():
    assert lifecycle.get("teleport") is None


@pytest.mark.parametrize("persona", expected.PERSONAS)
def test_it_permits_each_move_to_the_roles_in_the_table(persona):
    permitted = {
        t.name for t in lifecycle.TRANSITIONS if lifecycle.permitted(t, FACTS[persona])
    }

    by_name = {row.name for row in expected.ROWS if persona in row.who}
    # Any reply from the ticket's organisation moves it on from Pending Client.
    if persona in (expected.REQUESTER, expected.APPROVER):
        by_name.add("client_replied")
    assert permitted == by_name


def test_it_refuses_a_client_move_to_another_clients_user():
    approve = lifecycle.BY_NAME["approve_svr"]
    withdraw = lifecycle.BY_NAME["withdraw"]

    assert lifecycle.permitted(approve, FACTS[expected.APPROVER])
    assert not lifecycle.permitted(approve, FACTS[expected.OUTSIDER])
    assert not lifecycle.permitted(withdraw, FACTS[expected.OUTSIDER])
    assert not lifecycle.permitted(approve, FACTS[expected.REQUESTER])


@pytest.mark.parametrize("persona", expected.PERSONAS)
@pytest.mark.parametrize("stage", expected.STAGES)
def test_it_lists_the_moves_open_from_each_stage(stage, persona):
    moves = lifecycle.moves_from(stage, FACTS[persona])

    assert _names(moves) == expected.buttons(stage, persona)


def test_it_lists_automatic_moves_only_when_asked():
    system = FACTS[expected.SYSTEM]

    assert lifecycle.moves_from("svr_pending", system) == []
    assert _names(
        lifecycle.moves_from("svr_pending", system, include_automatic=True)
    ) == ["auto_approve_svr"]
    assert _names(
        lifecycle.moves_from("pending_client", system, include_automatic=True)
    ) == ["client_replied"]


@pytest.mark.parametrize(
    ("stage", "target", "persona", "name"),
    [
        ("request", "closed", expected.OPERATIONS, "dismiss"),
        ("request", "closed", expected.REQUESTER, "withdraw"),
        ("svr_pending", "closed", expected.APPROVER, "approve_svr"),
        ("svr_pending", "closed", expected.ADMIN, "override_svr"),
        ("svr_pending", "in_progress", expected.APPROVER, "reject_svr"),
        ("pending_client", "in_progress", expected.ASSIGNEE, "resume"),
        ("closed", "in_progress", expected.ADMIN, "reopen"),
    ],
)
def test_it_finds_the_move_to_a_target_stage_for_this_actor(
    stage, target, persona, name
):
    move = lifecycle.find_by_target(stage, target, FACTS[persona])

    assert move is lifecycle.BY_NAME[name]


@pytest.mark.parametrize(
    ("stage", "target", "persona"),
    [
        ("request", "assigned", expected.ADMIN),
        ("svr_pending", "in_progress", expected.ADMIN),
        ("svr_pending", "closed", expected.SYSTEM),
        ("pending_client", "in_progress", expected.REQUESTER),
        ("closed", "in_progress", expected.OPERATIONS),
        ("in_progress", "in_progress", expected.ADMIN),
        ("triage", "nowhere", expected.ADMIN),
    ],
)
def test_it_finds_no_move_to_a_target_the_actor_cannot_reach(stage, target, persona):
    assert lifecycle.find_by_target(stage, target, FACTS[persona]) is None


def test_it_describes_the_moves_open_to_the_actor():
    assert lifecycle.describe_allowed("request", FACTS[expected.OPERATIONS]) == (
        "Allowed from Request: triage (to Triage), dismiss (to Closed)."
    )
    assert lifecycle.describe_allowed("svr_pending", FACTS[expected.APPROVER]) == (
        "Allowed from SVR Pending: approve_svr (to Closed), "
        "reject_svr (to In Progress)."
    )
    assert lifecycle.describe_allowed("closed", FACTS[expected.ACCOUNTS]) == (
        "No moves from Closed are open to you."
    )


def test_it_lets_everyone_but_accounts_raise_a_ticket():
    assert set(lifecycle.RAISE_WHO) == {"client", "operations", "support", "admin"}
