"""Staff console: the ticket queue and the ticket page.

Views parse a form, call one service and redirect with a flash message; a refusal
re-renders the ticket page with the service's own message. The rules live in the
domain.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from stratadesk.core import submissions
from stratadesk.core.errors import DomainError, NotFound
from stratadesk.core.models import Channel
from stratadesk.people.actors import Actor
from stratadesk.people.permissions import Action, can
from stratadesk.sla import services as sla
from stratadesk.tickets import lifecycle, selectors, services

from .access import staff_required
from .downloads import attachment_response, svr_pdf_response
from .forms import (
    PUBLIC,
    AttachmentForm,
    CommentForm,
    MaterialForm,
    TicketFilterForm,
    TimeEntryForm,
)
from .gate_forms import GateForm, attach_errors
from .timeline import staff_timeline

PER_PAGE = 50
INVALID = 422


@login_required
def home(request):
    if request.user.is_client_user:
        return redirect("portal:ticket_list")
    return redirect("console:ticket_list")


@staff_required
def ticket_list(request):
    form = TicketFilterForm(request.GET, user=request.user)
    # The long texts are not shown in the queue; leaving them out keeps pages light.
    tickets = (
        selectors.visible_tickets(request.user)
        .select_related("client", "assignee")
        .prefetch_related("sla_clocks")
        .defer("description", "resolution_summary")
    )
    tickets = form.apply(tickets).order_by("-updated_at", "-number")
    page = Paginator(tickets, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "console/ticket_list.html", {"form": form, "page": page})


@staff_required
def ticket_detail(request, number):
    return _render_ticket(request, _ticket(request, number))


@staff_required
@require_POST
def ticket_transition(request, number, name):
    ticket = _ticket(request, number)
    move = lifecycle.get(name)
    # An unknown move still goes to the service, which refuses it naming the moves
    # open to this person, as the lifecycle promises.
    form = GateForm(move, ticket, request.POST) if move else None
    values = form.raw_values() if form else {}
    # The move is checked against the version the person saw, not the one just read,
    # so acting on a page someone else has since changed is refused as a conflict.
    ticket.version = _posted_version(request)
    try:
        moved = services.transition(_actor(request), ticket, name, values)
    except DomainError as exc:
        if form is not None:
            attach_errors(form, exc)
        fresh = _ticket(request, number)
        return _render_ticket(request, fresh, gate_form=form, error=exc)

    messages.success(request, f"{moved.reference} moved to {moved.stage_label}.")
    return redirect("console:ticket_detail", number=number)


@staff_required
@require_POST
def ticket_comment(request, number):
    return _work_form(request, number, CommentForm, "comment", _add_comment)


@staff_required
@require_POST
def ticket_time(request, number):
    return _work_form(request, number, TimeEntryForm, "time", _log_time)


@staff_required
@require_POST
def ticket_material(request, number):
    return _work_form(request, number, MaterialForm, "material", _add_material)


@staff_required
@require_POST
def ticket_attachment(request, number):
    return _work_form(request, number, AttachmentForm, "attachment", _attach)


@staff_required
@require_POST
def attachment_evidence(request, number, attachment_id):
    """Choose, or stop choosing, a file as evidence for the ticket's next SVR."""
    ticket = _ticket(request, number)
    attachment = selectors.visible_attachments(request.user, ticket).filter(
        pk=attachment_id
    )
    found = attachment.first()
    if found is None:
        raise Http404("No such attachment.")
    wanted = request.POST.get("evidence") == "1"
    try:
        services.set_evidence(_actor(request), ticket, found, wanted)
    except DomainError as exc:
        return _render_ticket(request, ticket, error=exc)
    done = "will go into" if wanted else "is no longer in"
    messages.success(request, f"{found.original_name} {done} the next SVR.")
    return redirect("console:ticket_detail", number=number)


@staff_required
def svr_pdf(request, number, version):
    return svr_pdf_response(request.user, _ticket(request, number), version)


@staff_required
def attachment_download(request, number, attachment_id):
    return attachment_response(request.user, _ticket(request, number), attachment_id)


# What each work form does. Each returns the flash message for its success.


def _add_comment(actor, ticket, data) -> str:
    public = data["visibility"] == PUBLIC
    services.add_comment(actor, ticket, data["body"], public=public)
    return "Reply sent to the client." if public else "Internal note added."


def _attach(actor, ticket, data) -> str:
    public = data["visibility"] == PUBLIC
    attachment = services.add_attachment(actor, ticket, data["file"], public=public)
    return f"Attached {attachment.original_name}."


def _log_time(actor, ticket, data) -> str:
    entry = services.log_time(actor, ticket, **data)
    return f"Logged {entry.minutes} min on {ticket.reference}."


def _add_material(actor, ticket, data) -> str:
    entry = services.add_material(actor, ticket, **data)
    return f"Added {entry.quantity} x {entry.item} to {ticket.reference}."


# Helpers --------------------------------------------------------------------------


def _actor(request) -> Actor:
    return Actor.from_request(request, Channel.CONSOLE)


def _ticket(request, number):
    try:
        return selectors.ticket_for(request.user, number)
    except NotFound:
        raise Http404("No such ticket.") from None


def _posted_version(request) -> int:
    # A missing or garbled version can match no ticket, so it fails as a conflict.
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return 0


def _work_form(request, number, form_class, prefix, action):
    ticket = _ticket(request, number)
    form = form_class(request.POST, request.FILES, prefix=prefix)
    error = None
    if form.is_valid():
        try:
            first, done = submissions.once(
                request, lambda: action(_actor(request), ticket, form.cleaned_data)
            )
        except DomainError as exc:
            attach_errors(form, exc)
            error = exc
        else:
            messages.success(request, done if first else submissions.ALREADY_SENT)
            return redirect("console:ticket_detail", number=number)
    status = error.status if error else INVALID
    bound = {f"{prefix}_form": form}
    return _render_ticket(request, ticket, error=error, status=status, **bound)


def _can_work(user, ticket) -> bool:
    # Decides only which forms to draw; the services refuse anyone else regardless.
    return can(user, Action.LOG_WORK, ticket)


def _render_ticket(
    request, ticket, *, gate_form=None, error=None, status=None, **bound
):
    moves = services.allowed_transitions(_actor(request), ticket)
    gate_forms = [
        gate_form if _same_move(gate_form, move) else GateForm(move, ticket)
        for move in moves
    ]
    can_work = _can_work(request.user, ticket)
    forms = {
        "comment_form": CommentForm(prefix="comment"),
        "time_form": TimeEntryForm(prefix="time"),
        "material_form": MaterialForm(prefix="material"),
        "attachment_form": AttachmentForm(prefix="attachment"),
        **bound,
    }
    context = {
        "ticket": ticket,
        "error": error,
        "gate_forms": gate_forms,
        "move_url": "console:ticket_transition",
        "can_work": can_work,
        "can_log_work": can_work and ticket.stage in services.WORK_LOGGING_STAGES,
        "timeline": staff_timeline(request.user, ticket),
        "sla_clocks": sla.live_clocks(ticket),
        "svrs": ticket.svrs.select_related("issued_by", "decided_by").prefetch_related(
            "approvals", "approvers"
        ),
        "attachments": selectors.visible_attachments(request.user, ticket),
        **_work_log(ticket),
        **forms,
    }
    status = status or (error.status if error else 200)
    return render(request, "console/ticket_detail.html", context, status=status)


def _same_move(form, move) -> bool:
    return form is not None and form.move.name == move.name


def _work_log(ticket) -> dict:
    time_entries = list(ticket.time_entries.select_related("engineer"))
    materials = list(ticket.material_entries.select_related("added_by"))
    return {
        "time_entries": time_entries,
        "materials": materials,
        "total_minutes": sum(e.minutes for e in time_entries),
        "billable_minutes": sum(e.minutes for e in time_entries if e.billable),
        "materials_total": sum((m.line_total for m in materials), Decimal("0")),
        "billable_materials_total": sum(
            (m.line_total for m in materials if m.billable), Decimal("0")
        ),
    }
