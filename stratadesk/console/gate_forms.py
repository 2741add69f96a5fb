"""Forms for a move's gate fields, drawn from the lifecycle table (the portal's too).

The fields carry no rules of their own. What the person typed goes to the service as
it is and `tickets.gates.clean_gate` checks it, so the console, the portal and the API
refuse the same input with the same message.
"""

from django import forms

from stratadesk.clients.models import Priority
from stratadesk.people.models import Role, User
from stratadesk.tickets.models import Category

CHOOSE = ("", "Choose…")

# Which ticket attribute pre-fills a field of each kind, so a form that re-assigns a
# ticket starts from its current values.
_INITIAL_FROM_TICKET = {
    "priority": "priority",
    "category": "category_id",
    "assignee": "assignee_id",
}


class GateForm(forms.Form):
    """The fields one move asks for, prefixed with its name so many fit on a page."""

    def __init__(self, move, ticket, data=None):
        initial = {
            spec.name: getattr(ticket, _INITIAL_FROM_TICKET[spec.kind])
            for spec in move.fields
            if spec.kind in _INITIAL_FROM_TICKET
        }
        if any(spec.kind == "document" for spec in move.fields):
            initial["document_hash"] = _pending_document_hash(ticket)
        super().__init__(data, prefix=move.name, initial=initial)
        self.move = move
        for spec in move.fields:
            self.fields[spec.name] = _field(spec)

    def raw_values(self) -> dict:
        """The submitted values, unparsed, keyed by gate field name.

        Read from the request data itself: a checkbox widget would turn any string
        into True, and the service must see exactly what was sent.
        """
        return {name: self.data.get(self.add_prefix(name)) for name in self.fields}


def attach_errors(form, exc) -> None:
    """Show a refused service call's field messages on `form`, next to the inputs.

    Messages for names the form has no input for are shown above its fields.
    """
    if not hasattr(form, "cleaned_data"):
        # add_error() needs a cleaned form; gate fields have no rules, so this only
        # prepares it.
        form.is_valid()
    for name, messages in exc.fields.items():
        form.add_error(name if name in form.fields else None, messages)


def _field(spec) -> forms.Field:
    label = spec.label
    if not spec.required and spec.kind != "bool":
        label = f"{label} (optional)"
    # The browser's own check helps people fill the form in; the service still decides.
    attrs = {"required": True} if spec.required else {}
    field_class = forms.BooleanField if spec.kind == "bool" else forms.CharField
    return field_class(
        label=label, required=False, help_text=spec.help, widget=_widget(spec, attrs)
    )


def _pending_document_hash(ticket) -> str:
    # The form carries the fingerprint of the report on the page, so approving a
    # report replaced since it was opened is refused instead of signed unseen.
    pending = ticket.svrs.filter(status="pending").values_list("document_hash")
    return next(iter(pending), ("",))[0]


def _widget(spec, attrs) -> forms.Widget:
    kind = spec.kind
    if kind == "document":
        return forms.HiddenInput()
    if kind == "longtext":
        return forms.Textarea({**attrs, "rows": 3})
    if kind == "bool":
        return forms.CheckboxInput(attrs)
    if kind == "ticket":
        return forms.TextInput(
            {**attrs, "placeholder": "T-1042", "autocomplete": "off"}
        )
    if kind == "choice":
        return forms.Select(attrs, choices=[CHOOSE, *spec.choices])
    if kind == "priority":
        return forms.Select(attrs, choices=[CHOOSE, *Priority.choices])
    if kind == "category":
        return forms.Select(attrs, choices=[CHOOSE, *_category_choices()])
    if kind == "assignee":
        return forms.Select(attrs, choices=[CHOOSE, *_assignee_choices()])
    return forms.TextInput(attrs)


def _category_choices() -> list[tuple[int, str]]:
    return list(Category.objects.filter(is_active=True).values_list("pk", "name"))


def _assignee_choices() -> list[tuple[int, str]]:
    people = User.objects.filter(
        is_active=True, role__in=[Role.SUPPORT, Role.OPERATIONS]
    ).order_by("first_name", "last_name", "username")
    return [(user.pk, _assignee_label(user)) for user in people]


def _assignee_label(user) -> str:
    return f"{user.get_full_name() or user.username} ({user.get_role_display()})"
