"""The lifecycle table rendered for people, from the same data the code enforces."""

from stratadesk.tickets import lifecycle
from stratadesk.tickets.models import Stage

_CONDITIONS = {
    lifecycle.ANY: "",
    lifecycle.ASSIGNEE: " (if assignee)",
    lifecycle.ASSIGNEE_UNLESS_REVIEW: (
        " (if assignee, unless the client requires Operations review)"
    ),
    lifecycle.REQUESTER: " (own ticket)",
    lifecycle.APPROVER: " (SVR approver)",
}


def _who(move) -> str:
    return ", ".join(
        f"{role.capitalize()}{_condition(role, condition)}"
        for role, condition in move.who.items()
    )


def _condition(role, condition) -> str:
    # A client may only ever act on their own organisation's tickets.
    if role == lifecycle.CLIENT and condition == lifecycle.ANY:
        return " (own organisation)"
    return _CONDITIONS.get(condition, "")


def _gate(move) -> str:
    parts = [
        f"`{field.name}`" + ("" if field.required else " (optional)")
        for field in move.fields
    ]
    if move.gate_note:
        parts.append(move.gate_note)
    return "; ".join(parts) or "none"


def markdown_table() -> str:
    lines = [
        "| Move | From | To | Who | Gate | Effects |",
        "|---|---|---|---|---|---|",
        "| (raise) | (new) | Request | Client (own organisation), Operations, Support, "
        "Admin | `title`; `description`; client; requester contact; priority defaults "
        "from the client | acknowledgement queued to the requester |",
    ]
    for move in lifecycle.TRANSITIONS:
        sources = ", ".join(Stage(s).label for s in move.sources)
        name = f"`{move.name}`" + (" (automatic)" if move.automatic else "")
        lines.append(
            f"| {name} | {sources} | {Stage(move.target).label} | {_who(move)} "
            f"| {_gate(move)} | {move.effects} |"
        )
    return "\n".join(lines)
