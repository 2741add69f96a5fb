"""Client portal: an organisation's tickets, replies, SVR decisions and new requests.

Every ticket is fetched through the selectors, so another organisation's ticket is a
404 exactly like a number never used.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_POST

from stratadesk.console.downloads import attachment_response, svr_pdf_response
from stratadesk.console.gate_forms import GateForm, attach_errors
from stratadesk.core import submissions
from stratadesk.core.errors import DomainError, NotFound, ValidationFailed
from stratadesk.core.models import Channel
from stratadesk.notifications import services as notifications
from stratadesk.people.actors import Actor
from stratadesk.people.lockout import client_ip
from stratadesk.sla import services as sla
from stratadesk.svr import documents
from stratadesk.svr import selectors as svr_selectors
from stratadesk.svr import services as svr_services
from stratadesk.svr.models import SvrStatus
from stratadesk.tickets import lifecycle, selectors, services
from stratadesk.tickets.models import Stage

from .access import client_required
from .forms import AttachmentForm, PreferencesForm, RaiseTicketForm, ReplyForm
from .timeline import client_timeline

PER_PAGE = 50
INVALID = 422


@client_required
def ticket_list(request):
    tickets = (
        selectors.visible_tickets(request.user)
        .select_related("requester")
        .prefetch_related("sla_clocks")
        .order_by("-updated_at", "-number")
    )
    page = Paginator(tickets, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "awaiting": svr_selectors.awaiting_decision(request.user).select_related(
            "ticket"
        ),
    }
    # The page refreshes its lists in place now and then; htmx asks for them alone.
    template = (
        "portal/_ticket_lists.html" if request.htmx else "portal/ticket_list.html"
    )
    response = render(request, template, context)
    # One URL, two bodies: caches must tell them apart, and keep neither.
    patch_vary_headers(response, ["HX-Request"])
    patch_cache_control(response, private=True, no_cache=True)
    return response


@client_required
def svr_index(request):
    """Every SVR of the organisation's tickets, the ones awaiting you first."""
    svrs = svr_selectors.visible_svrs(request.user)
    page = Paginator(svrs, PER_PAGE).get_page(request.GET.get("page"))
    awaiting = svr_selectors.awaiting_decision(request.user).select_related("ticket")
    return render(
        request, "portal/svr_index.html", {"page": page, "awaiting": awaiting}
    )


@client_required
def svr_detail(request, number, version):
    ticket = _ticket(request, number)
    try:
        svr = svr_selectors.svr_for(request.user, ticket, version)
    except NotFound:
        raise Http404("No such SVR.") from None
    return _render_svr(request, ticket, svr)


def _render_svr(request, ticket, svr, *, gate_form=None, error=None, status=None):
    # The decision forms are shown only on the pending version, to its approvers.
    moves = []
    if svr.status == SvrStatus.PENDING:
        moves = [
            move
            for move in services.allowed_transitions(_actor(request), ticket)
            if move.name in ("approve_svr", "reject_svr")
        ]
    gate_forms = [
        gate_form
        if gate_form is not None and gate_form.move.name == move.name
        else GateForm(move, ticket)
        for move in moves
    ]
    context = {
        "ticket": ticket,
        "svr": svr,
        "document": documents.shown(svr),
        "evidence": _evidence(request, ticket, svr),
        "versions": ticket.svrs.order_by("-version"),
        "approvals": svr.approvals.all(),
        "awaiting": svr_services.awaited_approvers(svr)
        if svr.status == SvrStatus.PENDING
        else [],
        "gate_forms": gate_forms,
        "move_url": "portal:svr_decide",
        "error": error,
    }
    status = status or (error.status if error else 200)
    return render(request, "portal/svr_detail.html", context, status=status)


@client_required
@require_POST
def svr_decide(request, number, name):
    """Approve or reject from the report's own page, and come back to it."""
    ticket = _ticket(request, number)
    if name not in ("approve_svr", "reject_svr"):
        raise Http404("No such decision.")
    svr = _pending_svr(ticket)
    if svr is None:
        # A second click, or another approver got there first: say so, not 404.
        messages.info(request, "This report has already been decided.")
        return redirect("portal:ticket_detail", number=number)
    move = lifecycle.get(name)
    form = GateForm(move, ticket, request.POST)
    ticket.version = _posted_version(request)
    try:
        require_fingerprint(name, form)
        moved = services.transition(
            _actor(request),
            ticket,
            name,
            form.raw_values(),
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
    except DomainError as exc:
        attach_errors(form, exc)
        fresh = _ticket(request, number)
        return _render_svr(request, fresh, svr, gate_form=form, error=exc)

    if moved.stage == Stage.SVR_PENDING:
        messages.success(
            request,
            "Thank you: your approval is recorded. The other approvers are "
            "still to decide.",
        )
    else:
        messages.success(request, f"{moved.reference} is now {moved.stage_label}.")
    return redirect("portal:svr_detail", number=number, version=svr.version)


@client_required
def ticket_create(request):
    client = request.user.client
    form = RaiseTicketForm(request.POST or None, request.FILES or None, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            first, ticket = submissions.once(
                request, lambda: _raise(request, client, form.cleaned_data)
            )
        except DomainError as exc:
            if "file" in exc.fields:
                # The service names the file; show that next to the files input.
                form.add_error("files", exc.message)
            else:
                attach_errors(form, exc)
        else:
            if not first:
                messages.info(request, submissions.ALREADY_SENT)
                return redirect("portal:ticket_list")
            messages.success(request, f"{ticket.reference} raised. Thank you.")
            return redirect("portal:ticket_detail", number=ticket.number)
    status = INVALID if form.is_bound else 200
    return render(request, "portal/ticket_create.html", {"form": form}, status=status)


@client_required
def ticket_detail(request, number):
    return _render_ticket(request, _ticket(request, number))


@client_required
@require_POST
def ticket_reply(request, number):
    ticket = _ticket(request, number)
    form = ReplyForm(request.POST)
    error = None
    if form.is_valid():
        body = form.cleaned_data["body"]
        try:
            first, comment = submissions.once(
                request,
                lambda: services.add_comment(
                    _actor(request), ticket, body, public=True
                ),
            )
        except DomainError as exc:
            attach_errors(form, exc)
            error = exc
        else:
            if not first:
                messages.info(request, submissions.ALREADY_SENT)
                return redirect("portal:ticket_detail", number=number)
            return _replied(request, ticket, comment)
    status = error.status if error else INVALID
    return _render_ticket(request, ticket, reply_form=form, error=error, status=status)


@client_required
@require_POST
def ticket_transition(request, number, name):
    ticket = _ticket(request, number)
    move = lifecycle.get(name)
    # An unknown move still goes to the service, which refuses it naming the moves
    # open to this person, as the lifecycle promises.
    form = GateForm(move, ticket, request.POST) if move else None
    values = form.raw_values() if form else {}
    # Checked against the version the person saw: see console.views.ticket_transition.
    ticket.version = _posted_version(request)
    try:
        if form is not None:
            require_fingerprint(name, form)
        moved = services.transition(
            _actor(request),
            ticket,
            name,
            values,
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
    except DomainError as exc:
        if form is not None:
            attach_errors(form, exc)
        fresh = _ticket(request, number)
        return _render_ticket(request, fresh, gate_form=form, error=exc)

    messages.success(request, f"{moved.reference} is now {moved.stage_label}.")
    return redirect("portal:ticket_detail", number=number)


@client_required
def preferences(request):
    current = notifications.preferences_of(request.user)
    form = PreferencesForm(request.POST or None, initial_choices=current)
    if request.method == "POST" and form.is_valid():
        notifications.set_preferences(_actor(request), form.cleaned_data)
        messages.success(request, "Your email preferences are saved.")
        return redirect("portal:preferences")
    return render(request, "portal/preferences.html", {"form": form})


# Helpers --------------------------------------------------------------------------


def require_fingerprint(name, form) -> None:
    """An approval from the portal names the report it approves, always.

    The form carries the fingerprint of the report on the page; a post without one
    did not come from a page that showed the report.
    """
    if name == "approve_svr" and not form.raw_values().get("document_hash"):
        raise ValidationFailed(
            "Open the report and approve it from its page.",
            code="svr_fingerprint_missing",
        )


def _actor(request) -> Actor:
    return Actor.from_request(request, Channel.PORTAL)


def _ticket(request, number):
    try:
        return selectors.ticket_for(request.user, number)
    except NotFound:
        raise Http404("No such ticket.") from None


def _posted_version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return 0


def _raise(request, client, data):
    """The ticket and its files together: a file refused leaves no ticket behind."""
    actor = _actor(request)
    uploads = data.get("files") or []
    # Every file is checked before anything is written, so a refused one leaves
    # neither a ticket nor its accepted companions on disk.
    for upload in uploads:
        services.check_upload(upload)
    ticket = services.create_ticket(
        actor,
        client=client,
        title=data["title"],
        description=data["description"],
        # A login without a contact has no requester; the service says so.
        requester=getattr(request.user, "contact", None),
        site=data.get("site"),
    )
    for upload in uploads:
        services.add_attachment(actor, ticket, upload)
    return ticket


@client_required
@require_POST
def ticket_attachment(request, number):
    ticket = _ticket(request, number)
    form = AttachmentForm(request.POST, request.FILES)
    error = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            first, attachment = submissions.once(
                request,
                lambda: services.add_attachment(_actor(request), ticket, upload),
            )
        except DomainError as exc:
            attach_errors(form, exc)
            error = exc
        else:
            done = f"Attached {attachment.original_name}." if first else None
            messages.success(request, done or submissions.ALREADY_SENT)
            return redirect("portal:ticket_detail", number=number)
    status = error.status if error else INVALID
    return _render_ticket(
        request, ticket, attachment_form=form, error=error, status=status
    )


@client_required
def svr_pdf(request, number, version):
    return svr_pdf_response(request.user, _ticket(request, number), version)


@client_required
def attachment_download(request, number, attachment_id):
    return attachment_response(request.user, _ticket(request, number), attachment_id)


def _replied(request, ticket, comment):
    # A reply to a Closed ticket is filed on a new follow-up ticket, not this one.
    if comment.ticket_id != ticket.pk:
        follow_up = comment.ticket
        messages.success(
            request,
            f"{ticket.reference} is closed, so your reply opened "
            f"{follow_up.reference}.",
        )
        return redirect("portal:ticket_detail", number=follow_up.number)
    messages.success(request, "Your reply has been sent.")
    return redirect("portal:ticket_detail", number=ticket.number)


def _evidence(request, ticket, svr):
    """The report's evidence files the client can still download from the ticket."""
    ids = [item["id"] for item in svr.content.get("evidence", [])]
    return selectors.visible_attachments(request.user, ticket).filter(pk__in=ids)


def _pending_svr(ticket):
    if ticket.stage != Stage.SVR_PENDING:
        return None
    return ticket.svrs.filter(status=SvrStatus.PENDING).first()


def _render_ticket(
    request,
    ticket,
    *,
    gate_form=None,
    reply_form=None,
    attachment_form=None,
    error=None,
    status=None,
):
    moves = services.allowed_transitions(_actor(request), ticket)
    gate_forms = [
        gate_form
        if gate_form is not None and gate_form.move.name == move.name
        else GateForm(move, ticket)
        for move in moves
    ]
    pending = _pending_svr(ticket)
    context = {
        "ticket": ticket,
        "error": error,
        "gate_forms": gate_forms,
        "move_url": "portal:ticket_transition",
        "svr": pending,
        "svr_document": documents.shown(pending) if pending else "",
        "evidence": _evidence(request, ticket, pending) if pending else [],
        "versions": ticket.svrs.order_by("-version"),
        "timeline": client_timeline(request.user, ticket),
        "sla_clocks": sla.live_clocks(ticket),
        "reply_form": reply_form or ReplyForm(),
        "attachment_form": attachment_form or AttachmentForm(),
        "attachments": selectors.visible_attachments(request.user, ticket),
    }
    status = status or (error.status if error else 200)
    return render(request, "portal/ticket_detail.html", context, status=status)
