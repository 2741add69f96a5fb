"""The lifecycle table rendered for people, from the same data the code enforces."""

from stratadesk.tickets import lifecycle
from stratadesk.tickets.models import Stage

_CONDITIONS = {
    lifecycle.ANY: "",
    lifecycle.ASSIGNEE: " (if assignee)",
    lifecycle.REQUESTER: " (own ticket)",
    lifecycle.APPROVER: " (SVR approver)",
}


def _who(move) -> str:
    return ", ".join(
        f"{role.capitalize()}{_CONDITIONS.get(condition, '')}"
        for role, condition in move.who.items()
    )


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
