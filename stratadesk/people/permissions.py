"""Who may do what: the role x action matrix, written once, as data.

Each cell names a scope: the objects of that action the role reaches. A scope answers
both questions every interface asks, "may this user act on this ticket?" and "which
tickets may this user see?" (as a query filter), so lists, counts and single objects
can never disagree. Moving a ticket between stages is governed by the lifecycle table
in stratadesk/tickets/lifecycle.py; this matrix says who may touch a ticket at all.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Exists, OuterRef, Q

from stratadesk.people.models import Role


class Action(StrEnum):
    USE_CONSOLE = "console.use"
    USE_PORTAL = "portal.use"
    USE_ADMIN_SITE = "admin.use"
    READ_TICKET = "ticket.read"
    RAISE_TICKET = "ticket.raise"
    COMMENT_PUBLIC = "ticket.comment_public"
    COMMENT_INTERNAL = "ticket.comment_internal"
    READ_INTERNAL = "ticket.read_internal"
    READ_COSTS = "ticket.read_costs"
    LOG_WORK = "ticket.log_work"
    PRIORITISE = "ticket.prioritise"
    READ_SLA_REPORT = "sla.report"
    ATTACH = "ticket.attach"
    READ_SVR = "svr.read"
    DECIDE_SVR = "svr.decide"
    READ_INVOICES = "invoice.read"
    KEEP_LEDGER = "ledger.write"
    CONFIGURE = "config.write"
    MANAGE_USERS = "user.manage"
    MANAGE_API_KEYS = "apikey.manage"
    READ_AUDIT = "audit.read"
    MANAGE_WEBHOOKS = "webhook.manage"
    MANAGE_INBOUND = "inbound.manage"


ACTION_DESCRIPTIONS = {
    Action.USE_CONSOLE: "use the staff console",
    Action.USE_PORTAL: "use the client portal",
    Action.USE_ADMIN_SITE: "use the configuration admin",
    Action.READ_TICKET: "read tickets",
    Action.RAISE_TICKET: "raise tickets",
    Action.COMMENT_PUBLIC: "reply publicly",
    Action.COMMENT_INTERNAL: "write internal notes",
    Action.READ_INTERNAL: "read internal notes and staff-only fields",
    Action.READ_COSTS: "read time and material costs",
    Action.PRIORITISE: "change priority and reassign outside the lifecycle",
    Action.READ_SLA_REPORT: "read SLA reports",
    Action.LOG_WORK: "log time and materials",
    Action.ATTACH: "attach files",
    Action.READ_SVR: "read SVRs",
    Action.DECIDE_SVR: "approve or reject SVRs",
    Action.READ_INVOICES: "read invoices",
    Action.KEEP_LEDGER: "keep the ledger (invoices, payments, bills, BAS)",
    Action.CONFIGURE: "configure clients, SLAs, calendars, rules, branding",
    Action.MANAGE_USERS: "manage users",
    Action.MANAGE_API_KEYS: "manage API keys",
    Action.READ_AUDIT: "read the audit trail",
    Action.MANAGE_WEBHOOKS: "manage webhook endpoints and replay deliveries",
    Action.MANAGE_INBOUND: "accept or discard held inbound email",
}

# A client organisation's own system calling the API with a key. It is not a person:
# it acts for the whole organisation, and its key's scopes narrow what this row gives.
API_CLIENT = "api_client"

# A client contact writing by email, with or without a portal login: the sender of
# a message stratadesk/inbound has matched to the contact. It reaches what the contact
# was sent or follows, never more than a portal login of the same contact would.
EMAIL_CONTACT = "email_contact"

# The key scope an API key needs for each action; actions missing here are never open
# to a key, whatever the matrix row says.
KEY_SCOPES: dict[Action, str] = {
    Action.READ_TICKET: "tickets:read",
    Action.READ_SVR: "tickets:read",
    Action.RAISE_TICKET: "tickets:write",
    Action.COMMENT_PUBLIC: "tickets:write",
    Action.ATTACH: "tickets:write",
    Action.DECIDE_SVR: "svr:approve",
    Action.READ_INVOICES: "invoices:read",
    Action.MANAGE_WEBHOOKS: "webhooks:manage",
}
SCOPE_DESCRIPTIONS = {
    "tickets:read": "read the organisation's tickets, comments, events and SVRs",
    "tickets:write": "raise tickets, comment publicly, attach files, withdraw",
    "svr:approve": "approve or reject SVRs in a named approver's name",
    "invoices:read": "read the organisation's invoices",
    "webhooks:manage": "register webhook endpoints and replay deliveries",
}


@dataclass(frozen=True)
class Scope:
    """The reach of a role's action, as an object test and as a ticket filter."""

    name: str
    description: str

    def ticket_filter(self, user) -> Q:
        return _FILTERS[self.name](user)

    def allows_ticket(self, user, ticket) -> bool:
        return _CHECKS[self.name](user, ticket)


def _nothing(_user):
    return Q(pk__in=[])


def _client_tickets(user) -> Q:
    mine = Q(client_id=user.client_id)
    if user.client.contacts_see_all_tickets:
        return mine
    # Sharing off: their own requests, plus any ticket whose SVR they were asked to
    # approve (they cannot verify work they cannot read).
    from stratadesk.svr.models import ServiceVerificationReport

    asked = ServiceVerificationReport.objects.filter(
        ticket=OuterRef("pk"), approvers__user=user
    )
    return mine & (Q(requester__user=user) | Q(Exists(asked)))


def _approver(user) -> Q:
    from stratadesk.svr.models import ServiceVerificationReport

    asked = ServiceVerificationReport.objects.filter(
        ticket=OuterRef("pk"), approvers__user=user
    )
    return Q(client_id=user.client_id) & Q(Exists(asked))


def _contact_tickets(principal) -> Q:
    contact = principal.contact
    mine = Q(client_id=contact.client_id)
    if contact.client.contacts_see_all_tickets:
        return mine
    # Sharing off: what they requested, follow (watchers are emailed too) or were
    # asked to approve; as for a portal login, keyed by the contact, not a user.
    from stratadesk.svr.models import ServiceVerificationReport
    from stratadesk.tickets.models import Ticket

    follows = Ticket.watchers.through.objects.filter(
        ticket_id=OuterRef("pk"), contact_id=contact.pk
    )
    asked = ServiceVerificationReport.objects.filter(
        ticket=OuterRef("pk"), approvers=contact
    )
    return mine & (Q(requester_id=contact.pk) | Q(Exists(follows)) | Q(Exists(asked)))


def _allowed_clients(user) -> Q:
    limits = list(user.limited_to_clients.values_list("pk", flat=True))
    return Q(client_id__in=limits) if limits else Q()


def _assigned(user) -> Q:
    return _allowed_clients(user) & Q(assignee_id=user.pk)


_FILTERS = {
    "all": lambda user: Q(),
    "own_organisation": lambda user: Q(client_id=user.client_id),
    "own_tickets": _client_tickets,
    "allowed_clients": _allowed_clients,
    "assigned": _assigned,
    "closed": lambda user: Q(stage="closed"),
    "approver": _approver,
    "contact_tickets": _contact_tickets,
}

_CHECKS = {
    "all": lambda user, ticket: True,
    "own_organisation": lambda user, ticket: ticket.client_id == user.client_id,
    "own_tickets": lambda user, ticket: _matches(user, ticket, _client_tickets),
    "allowed_clients": lambda user, ticket: _in_allowed_clients(user, ticket),
    "assigned": lambda user, ticket: (
        ticket.assignee_id == user.pk and _in_allowed_clients(user, ticket)
    ),
    "closed": lambda user, ticket: ticket.stage == "closed",
    "approver": lambda user, ticket: _matches(user, ticket, _approver),
    "contact_tickets": lambda user, ticket: _matches(user, ticket, _contact_tickets),
}


def _in_allowed_clients(user, ticket) -> bool:
    limits = set(user.limited_to_clients.values_list("pk", flat=True))
    return not limits or ticket.client_id in limits


def _matches(user, ticket, make_filter) -> bool:
    from stratadesk.tickets.models import Ticket

    return Ticket.objects.filter(make_filter(user), pk=ticket.pk).exists()


ALL = Scope("all", "all")
OWN_ORGANISATION = Scope("own_organisation", "own organisation")
OWN_TICKETS = Scope("own_tickets", "own organisation (own tickets if sharing off)")
ALLOWED_CLIENTS = Scope("allowed_clients", "allowed clients")
ASSIGNED = Scope("assigned", "assigned to them")
CLOSED = Scope("closed", "closed tickets")
APPROVER = Scope("approver", "SVRs issued to them")
CONTACT_TICKETS = Scope(
    "contact_tickets", "own organisation (own and followed tickets if sharing off)"
)

_STAFF_EVERYWHERE = {
    Action.USE_CONSOLE: ALL,
    Action.READ_TICKET: ALL,
    Action.RAISE_TICKET: ALL,
    Action.COMMENT_PUBLIC: ALL,
    Action.COMMENT_INTERNAL: ALL,
    Action.READ_INTERNAL: ALL,
    Action.READ_COSTS: ALL,
    Action.LOG_WORK: ALL,
    Action.ATTACH: ALL,
    Action.READ_SVR: ALL,
}

MATRIX: dict[str, dict[Action, Scope]] = {
    Role.CLIENT: {
        Action.USE_PORTAL: ALL,
        Action.READ_TICKET: OWN_TICKETS,
        Action.RAISE_TICKET: OWN_ORGANISATION,
        Action.COMMENT_PUBLIC: OWN_TICKETS,
        Action.ATTACH: OWN_TICKETS,
        Action.READ_SVR: OWN_TICKETS,
        Action.DECIDE_SVR: APPROVER,
        Action.READ_INVOICES: OWN_ORGANISATION,
    },
    Role.SUPPORT: {
        Action.USE_CONSOLE: ALL,
        Action.READ_TICKET: ALLOWED_CLIENTS,
        Action.RAISE_TICKET: ALLOWED_CLIENTS,
        Action.COMMENT_PUBLIC: ASSIGNED,
        Action.COMMENT_INTERNAL: ASSIGNED,
        Action.READ_INTERNAL: ALLOWED_CLIENTS,
        Action.READ_COSTS: ALLOWED_CLIENTS,
        Action.LOG_WORK: ASSIGNED,
        Action.ATTACH: ASSIGNED,
        Action.READ_SVR: ALLOWED_CLIENTS,
    },
    Role.OPERATIONS: {
        **_STAFF_EVERYWHERE,
        Action.PRIORITISE: ALL,
        Action.READ_SLA_REPORT: ALL,
        Action.MANAGE_INBOUND: ALL,
    },
    Role.ACCOUNTS: {
        Action.USE_CONSOLE: ALL,
        Action.READ_TICKET: CLOSED,
        Action.READ_INTERNAL: CLOSED,
        Action.READ_COSTS: CLOSED,
        Action.READ_SVR: CLOSED,
        Action.READ_INVOICES: ALL,
        Action.KEEP_LEDGER: ALL,
    },
    Role.ADMIN: {
        **_STAFF_EVERYWHERE,
        Action.PRIORITISE: ALL,
        Action.READ_SLA_REPORT: ALL,
        Action.USE_ADMIN_SITE: ALL,
        Action.READ_INVOICES: ALL,
        Action.KEEP_LEDGER: ALL,
        Action.CONFIGURE: ALL,
        Action.MANAGE_USERS: ALL,
        Action.MANAGE_API_KEYS: ALL,
        Action.READ_AUDIT: ALL,
        Action.MANAGE_WEBHOOKS: ALL,
        Action.MANAGE_INBOUND: ALL,
    },
    API_CLIENT: {
        Action.READ_TICKET: OWN_ORGANISATION,
        Action.RAISE_TICKET: OWN_ORGANISATION,
        Action.COMMENT_PUBLIC: OWN_ORGANISATION,
        Action.ATTACH: OWN_ORGANISATION,
        Action.READ_SVR: OWN_ORGANISATION,
        Action.DECIDE_SVR: OWN_ORGANISATION,
        Action.READ_INVOICES: OWN_ORGANISATION,
        Action.MANAGE_WEBHOOKS: OWN_ORGANISATION,
    },
    EMAIL_CONTACT: {
        Action.READ_TICKET: CONTACT_TICKETS,
        Action.RAISE_TICKET: OWN_ORGANISATION,
        Action.COMMENT_PUBLIC: CONTACT_TICKETS,
        Action.ATTACH: CONTACT_TICKETS,
    },
}


def scope_for(user, action: Action) -> Scope | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    scopes = getattr(user, "key_scopes", None)
    if scopes is not None and KEY_SCOPES.get(action) not in scopes:
        return None
    return MATRIX.get(user.role, {}).get(action)


def can(user, action: Action, ticket=None) -> bool:
    """May `user` take `action`, on `ticket` when one is given?"""
    scope = scope_for(user, action)
    if scope is None:
        return False
    if ticket is None:
        return True
    return scope.allows_ticket(user, ticket)


def ticket_filter(user, action: Action) -> Q:
    """The tickets `user` may take `action` on, as a filter; none when not allowed."""
    scope = scope_for(user, action)
    if scope is None:
        return _nothing(user)
    return scope.ticket_filter(user)


def may_raise_for(user, client) -> bool:
    """May `user` raise a ticket for the client organisation `client`?"""
    scope = scope_for(user, Action.RAISE_TICKET)
    if scope is None:
        return False
    if scope is OWN_ORGANISATION:
        return user.client_id == client.pk
    if scope is ALLOWED_CLIENTS:
        limits = set(user.limited_to_clients.values_list("pk", flat=True))
        return not limits or client.pk in limits
    return True


def markdown_table() -> str:
    """The matrix for people: one row per action, one column per role."""
    roles = [Role.CLIENT, Role.OPERATIONS, Role.SUPPORT, Role.ACCOUNTS, Role.ADMIN]
    labels = [role.label for role in roles] + ["API key (scope)", "Email sender"]
    roles += [API_CLIENT, EMAIL_CONTACT]
    lines = [
        "| Action | " + " | ".join(labels) + " |",
        "|---" * (len(roles) + 1) + "|",
    ]
    for action in Action:
        cells = []
        for role in roles:
            scope = MATRIX[role].get(action)
            cell = "—" if scope is None else scope.description
            if role == API_CLIENT and scope is not None:
                cell = f"{cell} (`{KEY_SCOPES[action]}`)"
            cells.append(cell)
        lines.append(f"| {ACTION_DESCRIPTIONS[action]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
