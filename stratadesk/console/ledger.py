"""Staff console: the ledger pages Accounts and Admins work in.

Unbilled work per client becomes a draft invoice for a period, which is reviewed and
issued; payments are recorded against invoices, supplier bills against suppliers, and
the BAS is read, drilled into, downloaded and marked lodged. Every change is one call
to stratadesk.ledger's services; a refusal re-renders the page with the service's
own message next to the inputs it names.
"""

import csv
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from stratadesk.clients.models import ClientOrganisation
from stratadesk.core import clock, submissions
from stratadesk.core.errors import DomainError
from stratadesk.core.models import Channel
from stratadesk.ledger import bas, billing, documents, gst, selectors, services
from stratadesk.ledger.models import (
    BadDebt,
    Bill,
    InvoiceStatus,
    JournalEntry,
    LedgerSettings,
    LodgedPeriod,
    Payment,
    PaymentDirection,
    Supplier,
)
from stratadesk.people.actors import Actor
from stratadesk.people.permissions import Action, can

from .access import staff_required
from .gate_forms import attach_errors
from .ledger_forms import (
    BasForm,
    BillForm,
    BillPaymentForm,
    BuildInvoiceForm,
    DraftForm,
    LineForm,
    LodgeForm,
    PaymentForm,
    SupplierForm,
    attach_line_errors,
    bill_line_forms,
)

PER_PAGE = 50
INVALID = 422

# The form's labels and sections, shared with the BAS PDF.
LABEL_NAMES = bas.LABEL_NAMES
BAS_SECTIONS = bas.SECTIONS


def ledger_required(view):
    """staff_required, and the matrix must let the user keep the ledger.

    Other staff get 403: they know the console, and that it keeps a ledger is no
    secret.
    """

    @staff_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can(request.user, Action.KEEP_LEDGER):
            raise PermissionDenied("Only Accounts and Admins keep the ledger.")
        return view(request, *args, **kwargs)

    return wrapper


# Unbilled work and building invoices ----------------------------------------------


@ledger_required
def ledger_home(request):
    return render(
        request,
        "console/ledger/home.html",
        {
            "unbilled": selectors.unbilled_by_client(),
            "drafts": selectors.invoices_for(request.user)
            .filter(status=InvoiceStatus.DRAFT)
            .select_related("client"),
            "clients": ClientOrganisation.objects.filter(is_active=True)
            .select_related("billing_agreement")
            .order_by("name"),
        },
    )


@ledger_required
def ledger_client(request, client_id):
    """A client's unbilled charges, and the form that builds its draft invoice."""
    client = get_object_or_404(ClientOrganisation, pk=client_id)
    start, end = _default_period(monthly=True)
    form = BuildInvoiceForm(request.POST or None, initial={"start": start, "end": end})
    if request.method != "POST":
        return _render_client(request, client, form)
    if not form.is_valid():
        return _render_client(request, client, form, status=INVALID)

    data = form.cleaned_data
    try:
        first, invoice = submissions.once(
            request,
            lambda: billing.build_invoice(
                _actor(request),
                client,
                data["start"],
                data["end"],
                issue_date=data["issue_date"],
            ),
        )
    except DomainError as exc:
        attach_errors(form, exc)
        return _render_client(request, client, form, error=exc, status=exc.status)
    if not first:
        messages.success(request, submissions.ALREADY_SENT)
        return redirect("console:ledger_invoices")
    messages.success(request, f"Draft invoice built for {client}. Review and issue it.")
    return redirect("console:ledger_invoice", invoice_id=invoice.pk)


def _render_client(request, client, form, *, error=None, status=200):
    groups = selectors.unbilled_by_client(client)
    context = {
        "client": client,
        "unbilled": groups[0] if groups else None,
        "agreement": getattr(client, "billing_agreement", None),
        "form": form,
        "error": error,
    }
    return render(request, "console/ledger/client.html", context, status=status)


# Invoices -------------------------------------------------------------------------


@ledger_required
def ledger_invoices(request):
    invoices = selectors.invoices_for(request.user).select_related("client")
    status = request.GET.get("status", "")
    if status in InvoiceStatus.values:
        invoices = invoices.filter(status=status)
    page = Paginator(invoices, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "console/ledger/invoice_list.html",
        {"page": page, "status": status, "statuses": InvoiceStatus.choices},
    )


@ledger_required
def ledger_invoice(request, invoice_id):
    """The invoice; on a draft, its header form posts here."""
    invoice = _invoice(request, invoice_id)
    if request.method != "POST":
        return _render_invoice(request, invoice)

    form = DraftForm.for_invoice(invoice, request.POST)
    if not form.is_valid():
        return _render_invoice(request, invoice, draft_form=form, status=INVALID)
    try:
        services.update_draft_invoice(_actor(request), invoice, **form.cleaned_data)
    except DomainError as exc:
        attach_errors(form, exc)
        return _render_invoice(
            request, invoice, draft_form=form, error=exc, status=exc.status
        )
    messages.success(request, "Draft saved.")
    return redirect("console:ledger_invoice", invoice_id=invoice.pk)


@ledger_required
@require_POST
def ledger_invoice_line_add(request, invoice_id):
    invoice = _invoice(request, invoice_id)
    form = LineForm(request.POST, prefix="line")
    if not form.is_valid():
        return _render_invoice(request, invoice, line_form=form, status=INVALID)
    try:
        first, _ = submissions.once(
            request,
            lambda: services.add_invoice_line(
                _actor(request), invoice, **form.values()
            ),
        )
    except DomainError as exc:
        if not attach_line_errors([form], exc):
            attach_errors(form, exc)
        return _render_invoice(
            request, invoice, line_form=form, error=exc, status=exc.status
        )
    messages.success(request, "Line added." if first else submissions.ALREADY_SENT)
    return redirect("console:ledger_invoice", invoice_id=invoice.pk)


@ledger_required
@require_POST
def ledger_invoice_line_edit(request, invoice_id, line_id):
    """The edit form of one draft line (shown by `?edit=<line>`) posts here."""
    invoice = _invoice(request, invoice_id)
    line = invoice.lines.filter(pk=line_id).first()
    if line is None:
        raise Http404("No such line.")
    form = LineForm(request.POST, prefix="edit")
    if not form.is_valid():
        return _render_invoice(request, invoice, edit=(line, form), status=INVALID)
    try:
        services.update_invoice_line(_actor(request), line, **form.values())
    except DomainError as exc:
        attach_errors(form, exc)
        return _render_invoice(
            request, invoice, edit=(line, form), error=exc, status=exc.status
        )
    messages.success(request, "Line saved.")
    return redirect("console:ledger_invoice", invoice_id=invoice.pk)


@ledger_required
@require_POST
def ledger_invoice_line_remove(request, invoice_id, line_id):
    invoice = _invoice(request, invoice_id)
    line = invoice.lines.filter(pk=line_id).first()
    if line is None:
        raise Http404("No such line.")
    try:
        services.remove_invoice_line(_actor(request), line)
    except DomainError as exc:
        return _render_invoice(request, invoice, error=exc, status=exc.status)
    messages.success(request, f"Removed “{line.description}”.")
    return redirect("console:ledger_invoice", invoice_id=invoice.pk)


@ledger_required
@require_POST
def ledger_invoice_issue(request, invoice_id):
    invoice = _invoice(request, invoice_id)
    try:
        first, issued = submissions.once(
            request, lambda: services.issue_invoice(_actor(request), invoice)
        )
    except DomainError as exc:
        return _render_invoice(request, invoice, error=exc, status=exc.status)
    if not first:
        messages.success(request, submissions.ALREADY_SENT)
    else:
        messages.success(
            request,
            f"{issued.reference_number} issued for {issued.total:,.2f}; it is being "
            "emailed to the client's billing contacts.",
        )
    return redirect("console:ledger_invoice", invoice_id=invoice.pk)


@ledger_required
@require_POST
def ledger_invoice_delete(request, invoice_id):
    invoice = _invoice(request, invoice_id)
    try:
        services.delete_draft_invoice(_actor(request), invoice)
    except DomainError as exc:
        return _render_invoice(request, invoice, error=exc, status=exc.status)
    messages.success(request, "Draft deleted; its charges are unbilled again.")
    return redirect("console:ledger_invoices")


@ledger_required
def ledger_invoice_pdf(request, invoice_id):
    return invoice_pdf_response(_invoice(request, invoice_id))


def invoice_pdf_response(invoice) -> FileResponse:
    """The invoice's PDF; "not found" until the worker has rendered it."""
    if not invoice.pdf or invoice.pdf_rendered_at is None:
        raise Http404("The invoice's PDF is not ready yet.")
    response = FileResponse(
        invoice.pdf.open("rb"),
        as_attachment=True,
        filename=f"{invoice.reference_number}.pdf",
        content_type="application/pdf",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _invoice(request, invoice_id):
    invoice = selectors.invoice_for(request.user, invoice_id)
    if invoice is None:
        raise Http404("No such invoice.")
    return invoice


def _render_invoice(
    request,
    invoice,
    *,
    draft_form=None,
    line_form=None,
    edit=None,
    error=None,
    status=200,
):
    context = {"invoice": invoice, "error": error}
    if invoice.is_draft:
        rows, totals = selectors.draft_review(invoice)
        edit_line, edit_form = edit or _edit_form(request, invoice)
        context.update(
            rows=rows,
            totals=totals,
            draft_form=draft_form or DraftForm.for_invoice(invoice),
            line_form=line_form or LineForm(prefix="line"),
            edit_line=edit_line,
            edit_form=edit_form,
        )
    else:
        context.update(
            rows=[(line, line) for line in invoice.lines.all()],
            totals=None,
            allocations=invoice.allocations.select_related("payment"),
            notes=invoice.adjustment_notes.all(),
        )
    return render(request, "console/ledger/invoice_detail.html", context, status=status)


def _edit_form(request, invoice):
    """(line, its form filled in) for the line `?edit=` names, or (None, None)."""
    wanted = request.GET.get("edit", "")
    line = invoice.lines.filter(pk=wanted).first() if wanted.isdigit() else None
    if line is None:
        return None, None
    initial = {name: getattr(line, name) for name in LineForm.base_fields}
    return line, LineForm(initial=initial, prefix="edit")


# Payments -------------------------------------------------------------------------


@ledger_required
def ledger_payments(request):
    payments = (
        Payment.objects.filter(direction=PaymentDirection.RECEIVED)
        .select_related("client")
        .prefetch_related("allocations__invoice")
        .order_by("-date", "-id")
    )
    page = Paginator(payments, PER_PAGE).get_page(request.GET.get("page"))
    owing = (
        ClientOrganisation.objects.filter(
            invoices__status__in=[InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID]
        )
        .distinct()
        .order_by("name")
    )
    return render(
        request, "console/ledger/payments.html", {"page": page, "clients": owing}
    )


@ledger_required
def ledger_payment_new(request, client_id):
    """Money received from a client, allocated to its open invoices."""
    client = get_object_or_404(ClientOrganisation, pk=client_id)
    invoices = selectors.open_invoices(client)
    form = PaymentForm(
        request.POST or None,
        invoices=invoices,
        initial=_payment_initial(request, invoices),
    )
    if request.method != "POST":
        return _render_payment(request, client, form)
    if not form.is_valid():
        return _render_payment(request, client, form, status=INVALID)

    data = form.cleaned_data
    try:
        first, _ = submissions.once(
            request,
            lambda: services.receive_payment(
                _actor(request),
                client=client,
                day=data["day"],
                amount=data["amount"],
                allocations=form.allocations(),
                reference=data["reference"],
            ),
        )
    except DomainError as exc:
        attach_errors(form, exc)
        return _render_payment(request, client, form, error=exc, status=exc.status)
    messages.success(
        request,
        f"Payment of {data['amount']:,.2f} from {client} recorded."
        if first
        else submissions.ALREADY_SENT,
    )
    return redirect("console:ledger_payments")


def _payment_initial(request, invoices) -> dict:
    """From an invoice's page: today, and that invoice's balance allocated to it."""
    initial = {"day": timezone.localdate(clock.now())}
    wanted = request.GET.get("invoice", "")
    for invoice in invoices:
        if str(invoice.pk) == wanted:
            initial["amount"] = invoice.balance
            initial[PaymentForm.field_name(invoice)] = invoice.balance
    return initial


def _render_payment(request, client, form, *, error=None, status=200):
    context = {"client": client, "form": form, "error": error}
    return render(request, "console/ledger/payment_new.html", context, status=status)


# Suppliers and bills --------------------------------------------------------------


@ledger_required
def ledger_suppliers(request):
    form = SupplierForm(request.POST or None, prefix="supplier")
    if request.method == "POST" and form.is_valid():
        try:
            first, supplier = submissions.once(
                request,
                lambda: services.create_supplier(_actor(request), **form.values()),
            )
        except DomainError as exc:
            attach_errors(form, exc)
            return _render_suppliers(request, form, error=exc, status=exc.status)
        messages.success(
            request, f"Added {supplier}." if first else submissions.ALREADY_SENT
        )
        return redirect("console:ledger_suppliers")
    status = INVALID if request.method == "POST" else 200
    return _render_suppliers(request, form, status=status)


def _render_suppliers(request, form, *, error=None, status=200):
    context = {"suppliers": Supplier.objects.all(), "form": form, "error": error}
    return render(request, "console/ledger/suppliers.html", context, status=status)


@ledger_required
def ledger_bills(request):
    """Supplier bills, and the form that records one."""
    form = BillForm(request.POST or None, prefix="bill")
    line_forms = bill_line_forms(request.POST or None)
    if request.method != "POST":
        return _render_bills(request, form, line_forms)
    valid = form.is_valid() & all([line.is_valid() for line in line_forms])
    if not valid:
        return _render_bills(request, form, line_forms, status=INVALID)

    filled = [line for line in line_forms if not getattr(line, "is_blank", False)]
    try:
        first, bill = submissions.once(
            request,
            lambda: services.record_bill(
                _actor(request),
                **form.values(),
                lines=[line.values() for line in filled],
            ),
        )
    except DomainError as exc:
        if not attach_line_errors(filled, exc):
            attach_errors(form, exc)
        return _render_bills(request, form, line_forms, error=exc, status=exc.status)
    if not first:
        messages.success(request, submissions.ALREADY_SENT)
        return redirect("console:ledger_bills")
    messages.success(request, f"Recorded {bill} for {bill.total:,.2f}.")
    return redirect("console:ledger_bill", bill_id=bill.pk)


def _render_bills(request, form, line_forms, *, error=None, status=200):
    bills = Bill.objects.select_related("supplier")
    context = {
        "page": Paginator(bills, PER_PAGE).get_page(request.GET.get("page")),
        "form": form,
        "line_forms": line_forms,
        "has_suppliers": Supplier.objects.filter(is_active=True).exists(),
        "error": error,
    }
    return render(request, "console/ledger/bills.html", context, status=status)


@ledger_required
def ledger_bill(request, bill_id):
    return _render_bill(request, _bill(bill_id))


@ledger_required
@require_POST
def ledger_bill_pay(request, bill_id):
    """Money paid to the supplier, allocated to this bill."""
    bill = _bill(bill_id)
    form = BillPaymentForm(request.POST, prefix="pay")
    if not form.is_valid():
        return _render_bill(request, bill, form=form, status=INVALID)
    data = form.cleaned_data
    try:
        first, _ = submissions.once(
            request,
            lambda: services.make_payment(
                _actor(request),
                supplier=bill.supplier,
                day=data["day"],
                amount=data["amount"],
                allocations=[(bill, data["amount"])],
                reference=data["reference"],
            ),
        )
    except DomainError as exc:
        attach_errors(form, exc)
        return _render_bill(request, bill, form=form, error=exc, status=exc.status)
    messages.success(
        request,
        f"Paid {data['amount']:,.2f} to {bill.supplier}."
        if first
        else submissions.ALREADY_SENT,
    )
    return redirect("console:ledger_bill", bill_id=bill.pk)


def _bill(bill_id) -> Bill:
    return get_object_or_404(Bill.objects.select_related("supplier"), pk=bill_id)


def _render_bill(request, bill, *, form=None, error=None, status=200):
    initial = {"day": timezone.localdate(clock.now()), "amount": bill.balance}
    context = {
        "bill": bill,
        "lines": bill.lines.all(),
        "allocations": bill.allocations.select_related("payment"),
        "form": form or BillPaymentForm(initial=initial, prefix="pay"),
        "error": error,
    }
    return render(request, "console/ledger/bill_detail.html", context, status=status)


# The BAS --------------------------------------------------------------------------


@ledger_required
def ledger_bas(request):
    form, report = _bas_report(request)
    return _render_bas(request, form, report)


@ledger_required
def ledger_bas_pdf(request):
    _, report = _bas_report(request)
    if report is None:
        return redirect("console:ledger_bas")
    response = HttpResponse(
        documents.render_bas_pdf(report, _stored(report)),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{documents.bas_pdf_name(report)}"'
    )
    return response


def _render_bas(request, form, report, *, lodge_form=None, error=None, status=None):
    context = {"form": form, "report": report, "error": error}
    if report is not None:
        context.update(
            sections=[
                (title, [_label_row(report, name) for name in names])
                for title, names in BAS_SECTIONS
            ],
            methods=[
                (name, report.accounts[name], report.worksheet[name], diff)
                for name, diff in report.difference.items()
            ],
            simpler=[_label_row(report, name) for name in gst.SIMPLER_LABELS],
            lodged=_lodged(report),
            stored=_stored(report),
            lodge_form=lodge_form or LodgeForm(prefix="lodge"),
            gst_method=LedgerSettings.current().get_gst_method_display(),
            query=_period_query(report),
        )
    status = status or (200 if report is not None else INVALID)
    return render(request, "console/ledger/bas.html", context, status=status)


@ledger_required
def ledger_bas_label(request, label):
    if label not in LABEL_NAMES:
        raise Http404("No such BAS label.")
    _, period = _bas_period(request)
    if period is None:
        return redirect("console:ledger_bas")
    # A lodged period shows its figures as lodged and the documents held now.
    found = bas.label_drilldown(*period, label)
    report, parts = found.report, found.parts
    links = _document_links([fact for facts in parts.values() for fact in facts])
    context = {
        "label": label,
        "label_name": LABEL_NAMES[label],
        "value": report.labels.get(label),
        "report": report,
        "stored": found.lodged,
        "documents_match": found.matches,
        "parts": [
            (
                part,
                LABEL_NAMES.get(part, part),
                [
                    (fact, links.get((fact.source_type, fact.source_id)))
                    for fact in facts
                ],
            )
            for part, facts in parts.items()
        ],
        "query": _period_query(report),
    }
    return render(request, "console/ledger/bas_label.html", context)


@ledger_required
def ledger_bas_csv(request):
    _, report = _bas_report(request)
    if report is None:
        return redirect("console:ledger_bas")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="bas-{report.start}-{report.end}-{report.basis}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["label", "description", "amount"])
    for _, names in BAS_SECTIONS:
        for name in names:
            writer.writerow([name, LABEL_NAMES[name], report.labels[name]])
    writer.writerow([])
    writer.writerow(["label", "accounts method", "worksheet", "difference"])
    for name, diff in report.difference.items():
        writer.writerow([name, report.accounts[name], report.worksheet[name], diff])
    writer.writerow([])
    writer.writerow(["period start", report.start.isoformat()])
    writer.writerow(["period end", report.end.isoformat()])
    writer.writerow(["basis", report.basis])
    writer.writerow(["due date", report.due_date.isoformat()])
    return response


@ledger_required
@require_POST
def ledger_bas_lodge(request):
    form = LodgeForm(request.POST, prefix="lodge")
    period = BasForm(
        {k: request.POST.get(f"lodge-{k}", "") for k in BasForm.base_fields}
    )
    if not period.is_valid():
        # No period to show: the BAS page of the current one, with nothing done.
        messages.error(request, "Choose the period to lodge on the BAS page.")
        return redirect("console:ledger_bas")
    data = period.cleaned_data
    report = bas.bas_report(data["start"], data["end"], data["basis"])
    if not form.is_valid():
        return _render_bas(request, period, report, lodge_form=form, status=INVALID)

    try:
        services.lodge_period(
            _actor(request), start=data["start"], end=data["end"], basis=data["basis"]
        )
    except DomainError as exc:
        attach_errors(form, exc)
        return _render_bas(
            request, period, report, lodge_form=form, error=exc, status=exc.status
        )
    messages.success(
        request,
        f"BAS {data['start']} to {data['end']} marked lodged; the period is locked.",
    )
    return redirect(f"{_url('console:ledger_bas')}?{_period_query(report)}")


def _bas_period(request):
    """The form read from the query (the current period when none) and its
    (start, end, basis), or None when the form is not valid."""
    start, end = _default_period()
    initial = {"start": start, "end": end, "basis": LedgerSettings.current().basis}
    form = BasForm({**initial, **request.GET.dict()})
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    # A basis left out asks for what was lodged, whichever basis that was.
    basis = data["basis"] if "basis" in request.GET else None
    return form, (data["start"], data["end"], basis)


def _bas_report(request):
    """The form and its report: a lodged period's as stored, any other's computed."""
    form, period = _bas_period(request)
    if period is None:
        return form, None
    report, _ = bas.report_for(*period)
    return form, report


def _stored(report):
    """The lodged period whose stored report `report` is, or None when computed."""
    return bas.lodged_period(report.start, report.end, report.basis)


def _period_query(report) -> str:
    return urlencode({"start": report.start, "end": report.end, "basis": report.basis})


def _label_row(report, name) -> dict:
    return {
        "name": name,
        "description": LABEL_NAMES[name],
        "value": report.labels[name],
        "documents": sum(
            len(report.drilldown.get(p, [])) for p in bas.label_parts(name)
        ),
    }


def _lodged(report):
    return (
        LodgedPeriod.objects.filter(start__lte=report.end, end__gte=report.start)
        .select_related("lodged_by")
        .first()
    )


def _linked(facts, links) -> list:
    return [(fact, links.get((fact.source_type, fact.source_id))) for fact in facts]


def _document_links(facts) -> dict:
    """(source type, id) -> the console page of the document behind a BAS figure."""
    ids: dict[str, set[int]] = {}
    for fact in facts:
        ids.setdefault(fact.source_type, set()).add(fact.source_id)
    links = {}
    for pk in ids.get("invoice", ()):
        links["invoice", pk] = _url("console:ledger_invoice", invoice_id=pk)
    for pk in ids.get("bill", ()):
        links["bill", pk] = _url("console:ledger_bill", bill_id=pk)
    for pk in ids.get("adjustmentnote", ()):
        links["adjustmentnote", pk] = _url("console:ledger_note", note_id=pk)
    debts = BadDebt.objects.filter(pk__in=ids.get("baddebt", ()))
    for pk, invoice_id in debts.values_list("pk", "invoice_id"):
        links["baddebt", pk] = _url(
            "console:ledger_invoice_bad_debt", invoice_id=invoice_id
        )
    entries = JournalEntry.objects.filter(pk__in=ids.get("journalentry", ()))
    for pk, number in entries.values_list("pk", "number"):
        links["journalentry", pk] = _url("console:ledger_journal", entry_number=number)
    return links


# Helpers --------------------------------------------------------------------------


def _actor(request) -> Actor:
    return Actor.from_request(request, Channel.CONSOLE)


def _url(name, **kwargs) -> str:
    return reverse(name, kwargs=kwargs)


def _default_period(*, monthly=False):
    """The BAS period holding today (the month, when `monthly`)."""
    frequency = (
        gst.Frequency.MONTHLY if monthly else LedgerSettings.current().bas_frequency
    )
    return gst.period_containing(timezone.localdate(clock.now()), frequency)
