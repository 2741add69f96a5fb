"""Checking the gate fields a move asks for, from any interface's raw input."""

from stratadesk.clients.models import Priority
from stratadesk.core.errors import ValidationFailed
from stratadesk.people.models import Role, User
from stratadesk.people.permissions import Action, can
from stratadesk.tickets.models import Category, CloseReason, Ticket

# Tuples, not sets: a JSON list or object must compare unequal, not fail to hash.
_TRUE = (True, "true", "on", "1", "yes")
_FALSE = (None, "", False, "false", "off", "0", "no")
MAX_TEXT = 5000


def clean_gate(move, ticket, data) -> dict:
    """Return the move's fields parsed and checked, or raise ValidationFailed.

    Unknown fields are refused rather than ignored, so a typo never silently drops a
    value the caller meant to set.
    """
    known = {f.name for f in move.fields}
    errors: dict[str, list[str]] = {}
    for name in data:
        if name not in known:
            errors[name] = [f"{move.name} takes no field {name!r}."]

    cleaned = {}
    for spec in move.fields:
        raw = data.get(spec.name)
        try:
            value = _PARSERS[spec.kind](spec, raw, ticket)
        except ValueError as exc:
            errors[spec.name] = [str(exc)]
            continue
        if spec.required and value in (None, "", False):
            errors[spec.name] = [f"{spec.label} is required."]
            continue
        cleaned[spec.name] = value

    if not errors:
        _cross_field_rules(move, ticket, cleaned, errors)
    if errors:
        raise ValidationFailed(
            f"{move.label} needs more information.", code="gate_failed", fields=errors
        )
    return cleaned


def _cross_field_rules(move, ticket, cleaned, errors) -> None:
    if move.name == "dismiss":
        duplicate = cleaned.get("duplicate_of")
        if cleaned["close_reason"] == CloseReason.DUPLICATE and duplicate is None:
            errors["duplicate_of"] = ["Name the ticket this one duplicates."]
        if cleaned["close_reason"] != CloseReason.DUPLICATE and duplicate is not None:
            errors["duplicate_of"] = ["Only a duplicate names another ticket."]

    unassigned = ticket.assignee_id is None and cleaned.get("assignee") is None
    if move.name == "reopen" and unassigned:
        errors["assignee"] = [
            "This ticket was closed without an assignee; choose who takes it."
        ]

    if move.name == "resolve":
        has_work = ticket.time_entries.exists() or ticket.material_entries.exists()
        if cleaned["not_billable"] and not cleaned.get("not_billable_reason"):
            errors["not_billable_reason"] = ["Say why this work is not billable."]
        elif not cleaned["not_billable"] and not has_work:
            errors["not_billable"] = [
                "Record time or materials, or mark the ticket not billable with a "
                "reason."
            ]


def _text(spec, raw, ticket):
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ValueError(f"{spec.label} must be text.")
    value = raw.strip()
    limit = spec.max_length or MAX_TEXT
    if len(value) > limit:
        raise ValueError(f"{spec.label} has at most {limit} characters.")
    return value


def _choice(spec, raw, ticket):
    if raw in (None, ""):
        return ""
    allowed = [code for code, _ in spec.choices]
    if raw not in allowed:
        raise ValueError(f"{spec.label} must be one of {', '.join(allowed)}.")
    return raw


def _priority(spec, raw, ticket):
    if raw in (None, ""):
        return ""
    if raw not in Priority.values:
        raise ValueError(f"Priority must be one of {', '.join(Priority.values)}.")
    return raw


def _category(spec, raw, ticket):
    if raw in (None, ""):
        return None
    if isinstance(raw, Category):
        raw = raw.pk
    active = Category.objects.filter(is_active=True)
    try:
        if isinstance(raw, str) and not raw.isdecimal():
            # The API shows categories by name, so it may send one back.
            return active.get(name__iexact=raw.strip())
        return active.get(pk=_whole_number(raw))
    except (Category.DoesNotExist, ValueError, TypeError, OverflowError):
        raise ValueError("Choose an active category.") from None


def _assignee(spec, raw, ticket):
    if raw in (None, ""):
        return None
    if isinstance(raw, User):
        raw = raw.pk
    staff = User.objects.filter(
        is_active=True, role__in=[Role.SUPPORT, Role.OPERATIONS]
    )
    try:
        if isinstance(raw, str) and not raw.isdecimal():
            user = staff.get(username=raw.strip())  # a username, from the API
        else:
            user = staff.get(pk=_whole_number(raw))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        raise ValueError(
            "The assignee must be an active Support or Operations user."
        ) from None
    if not can(user, Action.READ_TICKET, ticket):
        raise ValueError(
            f"{user.get_full_name() or user} may not work for this client."
        )
    return user


def _ticket_ref(spec, raw, ticket):
    if raw in (None, ""):
        return None
    if isinstance(raw, Ticket):
        raw = raw.number
    text = str(raw).strip().upper().removeprefix("T-")
    try:
        other = Ticket.objects.get(
            number=_whole_number(text), client_id=ticket.client_id
        )
    except (Ticket.DoesNotExist, ValueError, OverflowError):
        raise ValueError(
            "Name another ticket of the same client, e.g. T-1042."
        ) from None
    if other.pk == ticket.pk:
        raise ValueError("A ticket cannot duplicate itself.")
    return other


def _bool(spec, raw, ticket):
    # JSON bodies can carry lists or objects here; only scalars are flags.
    if not isinstance(raw, bool | int | str | None):
        raise ValueError(f"{spec.label} must be true or false.")
    if raw in _FALSE:
        return False
    if raw in _TRUE:
        return True
    raise ValueError(f"{spec.label} must be true or false.")


def _document(spec, raw, ticket):
    # A SHA-256 in hex; which one is right is the SVR service's to decide.
    value = _text(spec, raw, ticket).lower()
    if value and (len(value) != 64 or not all(c in "0123456789abcdef" for c in value)):
        raise ValueError(f"{spec.label} is a SHA-256 in hexadecimal.")
    return value


_PARSERS = {
    "document": _document,
    "text": _text,
    "longtext": _text,
    "choice": _choice,
    "priority": _priority,
    "category": _category,
    "assignee": _assignee,
    "ticket": _ticket_ref,
    "bool": _bool,
}


def _whole_number(raw) -> int:
    """An id given as a whole number or its decimal digits; anything else refused.

    1.5, true or digits of other scripts are not ids, and neither is a number
    too large for the database.
    """
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise ValueError("not an id")
    if isinstance(raw, str) and not (raw.isascii() and raw.isdecimal()):
        raise ValueError("not an id")
    value = int(raw)
    if not 0 < value < 2**63:
        raise ValueError("not an id")
    return value
