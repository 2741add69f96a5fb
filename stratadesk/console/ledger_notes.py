"""Staff console: adjustment notes, the credits Accounts issue against invoices.

Every note in a list, each note's page with its PDF, and the form (on an issued
invoice's page and on its own) that issues one through
stratadesk.ledger.services.issue_adjustment_note. A refusal re-renders the form with
the service's own message next to the inputs it names, and changes nothing.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from stratadesk.core import clock, submissions
from stratadesk.core.errors import DomainError
from stratadesk.core.models import Channel
from stratadesk.ledger import selectors, services
from stratadesk.people.actors import Actor

from .gate_forms import attach_errors
from .ledger import (
    INVALID,
    PER_PAGE,
    _invoice,
    invoice_pdf_response,
    ledger_required,
)
from .ledger_forms import (
    AdjustmentNoteForm,
    attach_line_errors,
    filled,
    note_line_forms,
)


@ledger_required
def ledger_notes(request):
    notes = (
        selectors.adjustment_notes_for(request.user)
        .select_related("invoice__client")
        .order_by("-date", "-number")
    )
    page = Paginator(notes, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "console/ledger/note_list.html", {"page": page})


@ledger_required
def ledger_note(request, note_id):
    note = _note(request, note_id)
    context = {"note": note, "invoice": note.invoice, "lines": note.lines.all()}
    return render(request, "console/ledger/note_detail.html", context)


@ledger_required
def ledger_note_pdf(request, note_id):
    return invoice_pdf_response(_note(request, note_id))


@ledger_required
def ledger_note_new(request, invoice_id):
    """Issue a note crediting part of the invoice; the form is also on its page."""
    invoice = _invoice(request, invoice_id)
    if request.method != "POST":
        return _render_new(request, invoice, *blank_forms())
    form, lines = AdjustmentNoteForm(request.POST), note_line_forms(request.POST)
    valid = form.is_valid() & all([line.is_valid() for line in lines])
    if not valid:
        return _render_new(request, invoice, form, lines, status=INVALID)

    data, used = form.cleaned_data, filled(lines)
    try:
        first, note = submissions.once(
            request,
            lambda: services.issue_adjustment_note(
                Actor.from_request(request, Channel.CONSOLE),
                invoice,
                day=data["day"],
                reason=data["reason"],
                lines=[line.values() for line in used],
            ),
        )
    except DomainError as exc:
        if not attach_line_errors(used, exc):
            attach_errors(form, exc)
        return _render_new(request, invoice, form, lines, error=exc, status=exc.status)
    if not first:
        messages.success(request, submissions.ALREADY_SENT)
        return redirect("console:ledger_invoice", invoice_id=invoice.pk)
    messages.success(
        request,
        f"{note.reference_number} issued for {note.total:,.2f}; it is being emailed "
        "to the client's billing contacts.",
    )
    return redirect("console:ledger_note", note_id=note.pk)


def blank_forms():
    """The note form and its line forms as an issued invoice's page shows them."""
    initial = {"day": timezone.localdate(clock.now())}
    return AdjustmentNoteForm(initial=initial), note_line_forms()


def _render_new(request, invoice, form, lines, *, error=None, status=200):
    context = {
        "invoice": invoice,
        "note_form": form,
        "note_lines": lines,
        "error": error,
    }
    return render(request, "console/ledger/note_new.html", context, status=status)


def _note(request, note_id):
    note = selectors.adjustment_note_for(request.user, note_id)
    if note is None:
        raise Http404("No such adjustment note.")
    return note
