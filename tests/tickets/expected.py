"""The lifecycle as LIFECYCLE.md states it, written out independently of the code.

The tests compare stratadesk.tickets.lifecycle and the services with these rows, so a
change to the product's table that the brief does not make shows up as a failure here.

Personas are named by how they stand to a Harbour Legal ticket raised by Harry and
assigned to Sam (see tests/fixtures.py).
"""

from dataclasses import dataclass

STAGES = (
    "request",
    "triage",
    "assigned",
    "in_progress",
    "pending_client",
    "pending_third_party",
    "resolved",
    "svr_pending",
    "closed",
)

REQUESTER = "client_requester"  # Harry, who raised the ticket
APPROVER = "client_approver"  # Hannah, Harbour Legal's SVR approver
OUTSIDER = "client_outsider"  # Oscar, an approver at another client
OPERATIONS = "operations"  # Olivia
ASSIGNEE = "support_assignee"  # Sam
OTHER_SUPPORT = "support_not_assignee"  # Sasha
ACCOUNTS = "accounts"  # Alex
ADMIN = "admin"  # Ada
SYSTEM = "system"

PERSONAS = (
    REQUESTER,
    APPROVER,
    OUTSIDER,
    OPERATIONS,
    ASSIGNEE,
    OTHER_SUPPORT,
    ACCOUNTS,
    ADMIN,
    SYSTEM,
)

STAFF = frozenset({OPERATIONS, ADMIN})
WORKERS = frozenset({ASSIGNEE, OPERATIONS, ADMIN})


@dataclass(frozen=True)
class Row:
    name: str
    sources: tuple[str, ...]
    target: str
    # Who may take the move by name through services.transition().
    who: frozenset[str]
    required: tuple[str, ...] = ()
    automatic: bool = False


ROWS = (
    Row("triage", ("request",), "triage", STAFF),
    Row(
        "dismiss",
        ("request", "triage"),
        "closed",
        STAFF,
        required=("close_reason",),
    ),
    Row("withdraw", ("request", "triage"), "closed", frozenset({REQUESTER})),
    Row(
        "assign",
        ("triage",),
        "assigned",
        STAFF,
        required=("priority", "category", "assignee"),
    ),
    Row("start", ("assigned",), "in_progress", WORKERS),
    Row(
        "hand_back",
        ("assigned", "in_progress"),
        "triage",
        WORKERS,
        required=("reason",),
    ),
    Row(
        "await_client",
        ("in_progress",),
        "pending_client",
        WORKERS,
        required=("message",),
    ),
    Row(
        "await_third_party",
        ("in_progress",),
        "pending_third_party",
        WORKERS,
        required=("third_party_name", "third_party_ref"),
    ),
    Row(
        "client_replied",
        ("pending_client",),
        "in_progress",
        frozenset({SYSTEM}),
        automatic=True,
    ),
    Row(
        "resume",
        ("pending_client", "pending_third_party"),
        "in_progress",
        WORKERS,
    ),
    Row(
        "resolve",
        ("in_progress", "pending_client", "pending_third_party"),
        "resolved",
        WORKERS,
        required=("resolution_summary",),
    ),
    Row(
        "review_failed",
        ("resolved",),
        "in_progress",
        WORKERS,
        required=("reason",),
    ),
    Row(
        "issue_svr",
        ("resolved",),
        "svr_pending",
        WORKERS,
        required=("work_summary",),
    ),
    Row(
        "approve_svr",
        ("svr_pending",),
        "closed",
        frozenset({APPROVER}),
        required=("typed_name", "declaration"),
    ),
    Row(
        "auto_approve_svr",
        ("svr_pending",),
        "closed",
        frozenset({SYSTEM}),
        automatic=True,
    ),
    Row(
        "override_svr",
        ("svr_pending",),
        "closed",
        frozenset({ADMIN}),
        required=("reason",),
    ),
    Row(
        "reject_svr",
        ("svr_pending",),
        "in_progress",
        frozenset({APPROVER}),
        required=("reason",),
    ),
    Row("reopen", ("closed",), "in_progress", frozenset({ADMIN}), required=("reason",)),
)

BY_NAME = {row.name: row for row in ROWS}

# (source, target) pairs the table allows at all, for anyone.
TABLE_PAIRS = frozenset((source, row.target) for row in ROWS for source in row.sources)


def buttons(stage: str, persona: str) -> list[str]:
    """The moves `persona` may choose from `stage`, in table order."""
    return [
        row.name
        for row in ROWS
        if stage in row.sources and persona in row.who and not row.automatic
    ]


def first_taker(name: str) -> str:
    """A persona allowed to take the move `name`, preferring staff."""
    who = BY_NAME[name].who
    for persona in (OPERATIONS, ADMIN, APPROVER, REQUESTER, SYSTEM):
        if persona in who:
            return persona
    raise AssertionError(f"nobody may take {name}")


def valid_data(name: str, world) -> dict:
    """Gate fields that satisfy the move `name` on a ticket from world.ticket_at()."""
    return {
        "dismiss": {"close_reason": "spam"},
        "withdraw": {"reason": "We sorted it out ourselves."},
        "assign": {
            "priority": "P1",
            "category": world.category.pk,
            "assignee": world.sam.pk,
        },
        "hand_back": {"reason": "Needs a network engineer."},
        "await_client": {"message": "Which tray jams?"},
        "await_third_party": {
            "third_party_name": "Ricoh",
            "third_party_ref": "RC-77",
        },
        # Tickets from world.ticket_at() have no time logged before Resolved.
        "resolve": {
            "resolution_summary": "Replaced the fuser.",
            "not_billable": True,
            "not_billable_reason": "Covered by the printer's warranty.",
        },
        "review_failed": {"reason": "Tray 2 still jams."},
        "issue_svr": {"work_summary": "Replaced the fuser unit."},
        "approve_svr": {"typed_name": "Hannah Approver", "declaration": True},
        "override_svr": {"reason": "Hannah confirmed by phone."},
        "reject_svr": {"reason": "Tray 2 still jams."},
        "reopen": {"reason": "The fault came back the next day."},
    }.get(name, {})
