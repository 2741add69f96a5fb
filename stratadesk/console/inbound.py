"""Staff console: email held for Operations, to accept as a ticket or discard.

Mail from an unknown sender, or a reply the routing could not safely post (a token
used by someone else, a sender at several clients), waits here. Views parse a form,
call stratadesk.inbound.services and redirect with a flash message.
"""

from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from stratadesk.clients.models import Contact
from stratadesk.core.errors import DomainError
from stratadesk.core.models import Channel
from stratadesk.inbound import services
from stratadesk.inbound.models import InboundMessage, Outcome
from stratadesk.inbound.parsing import parse
from stratadesk.people.actors import Actor
from stratadesk.people.permissions import Action, can

from .access import staff_required

PER_PAGE = 25
PREVIEW_CHARS = 2000


def inbound_required(view):
    """staff_required, and the matrix must let the user decide on held email."""

    @staff_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can(request.user, Action.MANAGE_INBOUND):
            raise PermissionDenied("Only Operations and Admins decide on held email.")
        return view(request, *args, **kwargs)

    return wrapper


class AcceptForm(forms.Form):
    contact = forms.ModelChoiceField(
        label="Requester",
        queryset=Contact.objects.none(),
        help_text="The ticket is raised for this contact's organisation.",
    )
    title = forms.CharField(label="Title (optional)", max_length=200, required=False)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["contact"].queryset = (
            Contact.objects.filter(is_active=True, client__is_active=True)
            .select_related("client")
            .order_by("client__name", "name")
        )
        self.fields["contact"].label_from_instance = lambda contact: (
            f"{contact.name} <{contact.email}>, {contact.client.name}"
        )


class DiscardForm(forms.Form):
    reason = forms.CharField(label="Why (optional)", max_length=300, required=False)


@inbound_required
def inbound_held(request):
    held = (
        InboundMessage.objects.filter(outcome=Outcome.HELD)
        .select_related("ticket__client")
        .order_by("received_at")
    )
    page = Paginator(held, PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "message": message,
            "preview": _preview(message),
            "accept": AcceptForm(prefix=f"accept-{message.pk}"),
            "discard": DiscardForm(prefix=f"discard-{message.pk}"),
        }
        for message in page
    ]
    return render(request, "console/inbound_held.html", {"page": page, "rows": rows})


@inbound_required
@require_POST
def inbound_accept(request, message_id):
    message = _held(message_id)
    form = AcceptForm(request.POST, prefix=f"accept-{message.pk}")
    if not form.is_valid():
        messages.error(request, "Choose the requester to raise the ticket for.")
        return redirect("console:inbound_held")
    contact = form.cleaned_data["contact"]
    try:
        ticket = services.accept_held(
            _actor(request),
            message,
            client=contact.client,
            contact=contact,
            title=form.cleaned_data["title"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("console:inbound_held")
    message.refresh_from_db(fields=["comment"])
    done = "replied on" if message.comment_id else "raised as"
    messages.success(request, f"{message.sender}'s email {done} {ticket.reference}.")
    return redirect("console:ticket_detail", number=ticket.number)


@inbound_required
@require_POST
def inbound_discard(request, message_id):
    message = _held(message_id)
    form = DiscardForm(request.POST, prefix=f"discard-{message.pk}")
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.discard_held(_actor(request), message, reason=reason)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"The message from {message.sender} is discarded.")
    return redirect("console:inbound_held")


def _held(message_id) -> InboundMessage:
    message = InboundMessage.objects.filter(pk=message_id).first()
    if message is None:
        raise Http404("No such message.")
    return message


def _actor(request) -> Actor:
    return Actor.from_request(request, Channel.CONSOLE)


def _preview(message) -> str:
    # The raw message is kept only while held; its text is read for the page.
    if not message.raw:
        return ""
    return parse(bytes(message.raw)).text[:PREVIEW_CHARS]
