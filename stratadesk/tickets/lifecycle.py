"""The nine-stage lifecycle as data: every move, who may take it and its gate fields.

This module is pure: no database access. Services look transitions up here, the console
draws its buttons from it, and the README's table is generated from it.
"""

from dataclasses import dataclass

from stratadesk.tickets.models import Stage

# Conditions under which a role may take a move. The service turns the ticket and the
# actor into Facts; `permitted` compares them with these conditions.
ANY = "any"
ASSIGNEE = "assignee"  # the actor is the ticket's assignee
# The assignee, unless the ticket's client wants Operations to review SVRs first.
ASSIGNEE_UNLESS_REVIEW = "assignee_unless_review"
REQUESTER = "requester"  # a client user who is the ticket's requester
APPROVER = "approver"  # a client user named as an approver of the pending SVR

OPERATIONS = "operations"
SUPPORT = "support"
ADMIN = "admin"
CLIENT = "client"
SYSTEM = "system"

STAFF_ANY = {OPERATIONS: ANY, ADMIN: ANY}
WORKERS = {OPERATIONS: ANY, ADMIN: ANY, SUPPORT: ASSIGNEE}


@dataclass(frozen=True)
class GateField:
    name: str
    label: str
    kind: str = (
        # text, longtext, choice, priority, category, assignee, ticket, bool,
        # document (the fingerprint of the SVR the person was shown; a hidden input)
        "text"
    )
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""
    # The database column's width, for text fields stored on the ticket or SVR.
    max_length: int | None = None


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    who: dict[str, str]
    fields: tuple[GateField, ...] = ()
    effects: str = ""
    # Taken by the product itself (a client's reply, auto-approval), never a button.
    automatic: bool = False
    gate_note: str = ""

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(self.who)


@dataclass(frozen=True)
class Facts:
    """What the permission check needs to know about one actor and one ticket."""

    role: str
    is_assignee: bool = False
    is_requester: bool = False
    is_approver: bool = False
    same_client: bool = False
    svr_review_required: bool = False


DISMISS_REASONS = (
    ("duplicate", "Duplicate"),
    ("spam", "Spam"),
    ("not_service_request", "Not a service request"),
    ("withdrawn", "Withdrawn"),
)

REASON = GateField("reason", "Reason", "longtext")

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "triage",
        "Start triage",
        (Stage.REQUEST,),
        Stage.TRIAGE,
        STAFF_ANY,
    ),
    Transition(
        "dismiss",
        "Close without work",
        (Stage.REQUEST, Stage.TRIAGE),
        Stage.CLOSED,
        STAFF_ANY,
        fields=(
            GateField(
                "close_reason", "Close reason", "choice", choices=DISMISS_REASONS
            ),
            GateField(
                "duplicate_of",
                "Duplicate of ticket",
                "ticket",
                required=False,
                help="Required when the reason is duplicate, e.g. T-1042.",
            ),
        ),
        effects="no SVR, not billable",
        gate_note="for a duplicate, the ticket it duplicates",
    ),
    Transition(
        "withdraw",
        "Withdraw request",
        (Stage.REQUEST, Stage.TRIAGE),
        Stage.CLOSED,
        {CLIENT: REQUESTER},
        fields=(GateField("reason", "Why it is no longer needed", required=False),),
        effects="no SVR, not billable",
    ),
    Transition(
        "assign",
        "Assign",
        (Stage.TRIAGE,),
        Stage.ASSIGNED,
        STAFF_ANY,
        fields=(
            GateField("priority", "Priority", "priority"),
            GateField("category", "Category", "category"),
            GateField("assignee", "Assignee", "assignee"),
        ),
        effects="assignee notified",
    ),
    Transition(
        "start",
        "Start work",
        (Stage.ASSIGNED,),
        Stage.IN_PROGRESS,
        WORKERS,
        gate_note="actor is the assignee unless Operations or Admin",
    ),
    Transition(
        "hand_back",
        "Hand back to triage",
        (Stage.ASSIGNED, Stage.IN_PROGRESS),
        Stage.TRIAGE,
        WORKERS,
        fields=(REASON,),
        effects="assignee cleared",
    ),
    Transition(
        "await_client",
        "Ask the client",
        (Stage.IN_PROGRESS,),
        Stage.PENDING_CLIENT,
        WORKERS,
        fields=(GateField("message", "Message to the client", "longtext"),),
        effects="public message sent; SLA pauses per client policy",
    ),
    Transition(
        "await_third_party",
        "Wait on third party",
        (Stage.IN_PROGRESS,),
        Stage.PENDING_THIRD_PARTY,
        WORKERS,
        fields=(
            GateField("third_party_name", "Third party", max_length=150),
            GateField("third_party_ref", "Their reference", max_length=100),
        ),
        effects="SLA pauses per client policy",
    ),
    Transition(
        "client_replied",
        "Client replied",
        (Stage.PENDING_CLIENT,),
        Stage.IN_PROGRESS,
        {CLIENT: ANY, SYSTEM: ANY},
        automatic=True,
        effects="SLA resumes",
    ),
    Transition(
        "resume",
        "Resume work",
        (Stage.PENDING_CLIENT, Stage.PENDING_THIRD_PARTY),
        Stage.IN_PROGRESS,
        WORKERS,
        effects="SLA resumes",
    ),
    Transition(
        "resolve",
        "Resolve",
        (Stage.IN_PROGRESS, Stage.PENDING_CLIENT, Stage.PENDING_THIRD_PARTY),
        Stage.RESOLVED,
        WORKERS,
        fields=(
            GateField("resolution_summary", "Resolution summary", "longtext"),
            GateField("not_billable", "Not billable", "bool", required=False),
            GateField(
                "not_billable_reason",
                "Why not billable",
                required=False,
                max_length=300,
                help="Required when no time or materials are recorded; the client "
                "reads it in the SVR.",
            ),
        ),
        effects="resolution clock stops",
        gate_note="time or materials recorded, or marked not billable with a reason",
    ),
    Transition(
        "review_failed",
        "Reopen after review",
        (Stage.RESOLVED,),
        Stage.IN_PROGRESS,
        WORKERS,
        fields=(REASON,),
        effects="resolution clock resumes",
    ),
    Transition(
        "issue_svr",
        "Issue SVR",
        (Stage.RESOLVED,),
        Stage.SVR_PENDING,
        {OPERATIONS: ANY, ADMIN: ANY, SUPPORT: ASSIGNEE_UNLESS_REVIEW},
        fields=(GateField("work_summary", "Work summary", "longtext"),),
        effects="approvers notified",
        gate_note="SVR built from time and materials; the client has an approver",
    ),
    Transition(
        "approve_svr",
        "Approve SVR",
        (Stage.SVR_PENDING,),
        Stage.CLOSED,
        {CLIENT: APPROVER},
        fields=(
            GateField("typed_name", "Type your full name", max_length=150),
            GateField(
                "declaration",
                "I confirm the work described was completed to my satisfaction",
                "bool",
            ),
            GateField(
                "document_hash",
                "Fingerprint of the report you read",
                "document",
                required=False,
                help="The SVR's document_hash; when sent, it must be the pending one.",
            ),
        ),
        effects="SVR locked; work becomes billable",
        gate_note="approver's typed name; time, IP, user agent and document hash "
        "recorded; where the client needs every approver, the last one closes it",
    ),
    Transition(
        "auto_approve_svr",
        "Auto-approve SVR",
        (Stage.SVR_PENDING,),
        Stage.CLOSED,
        {SYSTEM: ANY},
        automatic=True,
        effects="SVR locked; work becomes billable",
    ),
    Transition(
        "override_svr",
        "Close SVR by override",
        (Stage.SVR_PENDING,),
        Stage.CLOSED,
        {ADMIN: ANY},
        fields=(
            GateField(
                "reason", "Reason", "longtext", help="The client sees this reason."
            ),
        ),
        effects="SVR locked; work becomes billable",
    ),
    Transition(
        "reject_svr",
        "Reject SVR",
        (Stage.SVR_PENDING,),
        Stage.IN_PROGRESS,
        {CLIENT: APPROVER},
        fields=(GateField("reason", "What is still wrong", "longtext"),),
        effects="resolution clock resumes; rejection counted",
    ),
    Transition(
        "reopen",
        "Reopen closed ticket",
        (Stage.CLOSED,),
        Stage.IN_PROGRESS,
        {ADMIN: ANY},
        fields=(
            REASON,
            GateField(
                "assignee",
                "Assignee",
                "assignee",
                required=False,
                help="Required when the ticket was closed without an assignee.",
            ),
        ),
        effects="audited reopen",
        gate_note="an assignee, where the ticket has none",
    ),
)

BY_NAME: dict[str, Transition] = {t.name: t for t in TRANSITIONS}

# Who may raise a new ticket (the (new) -> Request row of the table).
RAISE_WHO = {CLIENT: "own organisation", OPERATIONS: ANY, SUPPORT: ANY, ADMIN: ANY}


def get(name: str) -> Transition | None:
    return BY_NAME.get(name)


def permitted(transition: Transition, facts: Facts) -> bool:
    """True when an actor with these facts may take this move (stage aside)."""
    condition = transition.who.get(facts.role)
    if condition is None:
        return False
    if facts.role == CLIENT and not facts.same_client:
        return False
    if condition == ASSIGNEE:
        return facts.is_assignee
    if condition == ASSIGNEE_UNLESS_REVIEW:
        return facts.is_assignee and not facts.svr_review_required
    if condition == REQUESTER:
        return facts.is_requester
    if condition == APPROVER:
        return facts.is_approver
    return True


def moves_from(
    stage: str, facts: Facts, *, include_automatic=False
) -> list[Transition]:
    """The moves out of `stage` this actor may take, in table order."""
    return [
        t
        for t in TRANSITIONS
        if stage in t.sources
        and (include_automatic or not t.automatic)
        and permitted(t, facts)
    ]


def find_by_target(stage: str, target: str, facts: Facts) -> Transition | None:
    """The move from `stage` to `target` open to this actor (APIs name stages)."""
    for t in moves_from(stage, facts):
        if t.target == target:
            return t
    return None


def describe_allowed(stage: str, facts: Facts) -> str:
    moves = moves_from(stage, facts)
    if not moves:
        return f"No moves from {Stage(stage).label} are open to you."
    listed = ", ".join(f"{t.name} (to {Stage(t.target).label})" for t in moves)
    return f"Allowed from {Stage(stage).label}: {listed}."
