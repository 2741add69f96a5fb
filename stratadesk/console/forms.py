"""Console forms: the queue's filters and the work log on the ticket page."""

import re
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone

from stratadesk.clients.models import ClientOrganisation, Priority
from stratadesk.people.models import Role, User
from stratadesk.sla import services as sla
from stratadesk.tickets.models import Stage, WorkType
from stratadesk.tickets.selectors import visible_tickets

ME = "me"
UNASSIGNED = "none"
PUBLIC = "public"
INTERNAL = "internal"

# "T-1042", "t-1042" and "1042" all name ticket 1042.
_TICKET_NUMBER = re.compile(r"^(?:T-)?(\d{1,9})$", re.IGNORECASE)


class TicketFilterForm(forms.Form):
    q = forms.CharField(label="Search title or number", required=False)
    stage = forms.ChoiceField(
        required=False, choices=[("", "Any stage"), *Stage.choices]
    )
    client = forms.ChoiceField(required=False)
    priority = forms.ChoiceField(
        required=False, choices=[("", "Any priority"), *Priority.choices]
    )
    assignee = forms.ChoiceField(required=False)
    sla = forms.ChoiceField(
        label="SLA",
        required=False,
        choices=[
            ("", "Any SLA state"),
            ("breached", "Breached"),
            ("at_risk", "At risk (warned, not yet breached)"),
        ],
    )

    def __init__(self, data, *, user):
        super().__init__(data)
        self.user = user
        # Only clients whose tickets this user may read, so a limited engineer never
        # learns of the others even by name.
        readable = visible_tickets(user).values("client_id")
        clients = (
            ClientOrganisation.objects.filter(pk__in=readable)
            .order_by("name")
            .values_list("pk", "name")
        )
        self.fields["client"].choices = [("", "Any client"), *clients]
        self.fields["assignee"].choices = [
            ("", "Anyone"),
            (ME, "Me"),
            (UNASSIGNED, "Unassigned"),
            *_staff_choices(),
        ]

    def apply(self, tickets):
        """Narrow `tickets` by the valid filters; an invalid one is left out."""
        self.is_valid()
        wanted = self.cleaned_data
        if wanted.get("stage"):
            tickets = tickets.filter(stage=wanted["stage"])
        if wanted.get("client"):
            tickets = tickets.filter(client_id=int(wanted["client"]))
        if wanted.get("priority"):
            tickets = tickets.filter(priority=wanted["priority"])
        if wanted.get("sla") == "breached":
            tickets = tickets.filter(sla.breached_filter()).distinct()
        elif wanted.get("sla") == "at_risk":
            tickets = tickets.exclude(stage="closed").filter(sla.at_risk_filter())
            tickets = tickets.distinct()
        tickets = self._by_assignee(tickets, wanted.get("assignee"))
        return _search(tickets, wanted.get("q", ""))

    def _by_assignee(self, tickets, assignee):
        if assignee == ME:
            return tickets.filter(assignee=self.user)
        if assignee == UNASSIGNED:
            return tickets.filter(assignee__isnull=True)
        if assignee:
            return tickets.filter(assignee_id=int(assignee))
        return tickets


def _staff_choices() -> list[tuple[str, str]]:
    people = User.objects.filter(role__in=[Role.SUPPORT, Role.OPERATIONS]).order_by(
        "first_name", "username"
    )
    return [(str(user.pk), user.get_full_name() or user.username) for user in people]


def _search(tickets, text: str):
    text = text.strip()
    if not text:
        return tickets
    match = _TICKET_NUMBER.match(text)
    if match:
        return tickets.filter(Q(number=int(match[1])) | Q(title__icontains=text))
    return tickets.filter(title__icontains=text)


class CommentForm(forms.Form):
    body = forms.CharField(label="Message", widget=forms.Textarea({"rows": 4}))
    # Internal is the default so a slip of the keyboard never mails the client.
    visibility = forms.ChoiceField(
        label="Who sees it",
        choices=[
            (INTERNAL, "Internal note (staff only)"),
            (PUBLIC, "Public reply (the client sees it)"),
        ],
        initial=INTERNAL,
        widget=forms.RadioSelect,
    )


class TimeEntryForm(forms.Form):
    minutes = forms.IntegerField(label="Minutes", min_value=1, max_value=24 * 60)
    work_date = forms.DateField(
        label="Date worked",
        initial=timezone.localdate,
        widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"),
    )
    work_type = forms.ChoiceField(
        label="Work type", choices=WorkType.choices, initial=WorkType.BUSINESS_HOURS
    )
    billable = forms.BooleanField(label="Billable", required=False, initial=True)
    note = forms.CharField(
        label="Note (optional; the client sees it in the SVR)",
        required=False,
        max_length=300,
    )


class MaterialForm(forms.Form):
    item = forms.CharField(label="Item", max_length=200)
    quantity = forms.DecimalField(
        label="Quantity",
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("10000"),
    )
    unit_price = forms.DecimalField(
        label="Unit price (ex GST, $)",
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("1000000"),
    )
    billable = forms.BooleanField(label="Billable", required=False, initial=True)


class AttachmentForm(forms.Form):
    file = forms.FileField(label="File")
    visibility = forms.ChoiceField(
        label="Who sees it",
        choices=[
            (INTERNAL, "Staff only"),
            (PUBLIC, "The client too"),
        ],
        initial=INTERNAL,
        widget=forms.RadioSelect,
    )
