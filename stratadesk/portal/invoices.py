"""Client portal: the organisation's issued invoices, their adjustment notes and
the PDFs of both.

Every invoice is read through stratadesk.ledger.selectors.invoices_for (and every
note through adjustment_notes_for, which follows it), so another organisation's
invoice or note, or a draft, is a 404 exactly like an id never used.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from stratadesk.console.ledger import invoice_pdf_response
from stratadesk.ledger import selectors

from .access import client_required

PER_PAGE = 50


@client_required
def invoice_list(request):
    invoices = (
        selectors.invoices_for(request.user)
        .order_by("-issue_date", "-number")
        .prefetch_related("adjustment_notes")
    )
    page = Paginator(invoices, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/invoice_list.html", {"page": page})


@client_required
def invoice_pdf(request, invoice_id):
    invoice = selectors.invoice_for(request.user, invoice_id)
    if invoice is None:
        raise Http404("No such invoice.")
    return invoice_pdf_response(invoice)


@client_required
def adjustment_note_pdf(request, note_id):
    note = selectors.adjustment_note_for(request.user, note_id)
    if note is None:
        raise Http404("No such adjustment note.")
    return invoice_pdf_response(note)
