"""Staff console: the ledger's bookkeeping beyond invoices, bills and the BAS.

Bad debts written off and recovered, journal entries (read, typed by hand, a pay
run, reversed), each client's billing agreement and how the books are kept. As in
ledger.py every change is one service call; a refusal re-renders the page with the
service's message and nothing written.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from stratadesk.clients.models import ClientOrganisation
from stratadesk.core import clock, submissions
from stratadesk.core.errors import DomainError
from stratadesk.core.models import BusinessProfile, Channel
from stratadesk.ledger import billing, selectors, services
from stratadesk.ledger.models import (
    ZERO,
    AdjustmentNote,
    BadDebt,
    BadDebtKind,
    BillingAgreement,
    EntryKind,
    JournalEntry,
    JournalLine,
    LedgerSettings,
)
from stratadesk.people.actors import Actor
from stratadesk.people.permissions import Action, can

from .gate_forms import attach_errors
from .ledger import INVALID, PER_PAGE, ledger_required
from .ledger_books_forms import (
    AgreementForm,
    BusinessProfileForm,
    JournalForm,
    LedgerSettingsForm,
    RecoveryForm,
    ReverseForm,
    WagesForm,
    WriteOffForm,
    journal_line_forms,
)
from .ledger_forms import attach_line_errors


def _today():
    return timezone.localdate(clock.now())


def _actor(request) -> Actor:
    return Actor.from_request(request, Channel.CONSOLE)


def _invoice(request, invoice_id):
    invoice = selectors.invoice_for(request.user, invoice_id)
    if invoice is None:
        raise Http404("No such invoice.")
    return invoice


# Bad debts ------------------------------------------------------------------------


@ledger_required
def ledger_bad_debts(request):
    records = BadDebt.objects.select_related(
        "invoice__client", "journal_entry"
    ).order_by("-date", "-id")
    page = Paginator(records, PER_PAGE).get_page(request.GET.get("page"))
    today = _today()
    context = {
        "page": page,
        "today": today,
        "overdue": selectors.overdue_a_year(today)[:PER_PAGE],
    }
    return render(request, "console/ledger/bad_debts.html", context)


@ledger_required
def ledger_invoice_bad_debt(request, invoice_id):
    """An invoice's bad debts; the write-off form posts here."""
    invoice = _invoice(request, invoice_id)
    if request.method != "POST":
        return _render_bad_debt(request, invoice)

    form = WriteOffForm(request.POST, prefix="write_off")
    if not form.is_valid():
        return _render_bad_debt(request, invoice, write_off=form, status=INVALID)
    data = form.cleaned_data
    try:
        first, written = submissions.once(
            request,
            lambda: services.write_off_bad_debt(
                _actor(request),
                invoice,
                day=data["day"],
                amount=data["amount"],
                reason=data["reason"],
            ),
        )
    except DomainError as exc:
        attach_errors(form, exc)
        return _render_bad_debt(
            request, invoice, write_off=form, error=exc, status=exc.status
        )
    messages.success(
        request,
        f"Wrote off {written.amount:,.2f} of {invoice.reference_number}; GST "
        f"adjustment {written.gst_adjustment:,.2f}."
        if first
        else submissions.ALREADY_SENT,
    )
    return redirect("console:ledger_invoice_bad_debt", invoice_id=invoice.pk)


@ledger_required
@require_POST
def ledger_invoice_recover(request, invoice_id):
    invoice = _invoice(request, invoice_id)
    form = RecoveryForm(request.POST, prefix="recover")
    if not form.is_valid():
        return _render_bad_debt(request, invoice, recover=form, status=INVALID)
    data = form.cleaned_data
    try:
        first, recovered = submissions.once(
            request,
            lambda: services.recover_bad_debt(
                _actor(request),
                invoice,
                day=data["day"],
                amount=data["amount"],
                reason=data["reason"],
            ),
        )
    except DomainError as exc:
        attach_errors(form, exc)
        return _render_bad_debt(
            request, invoice, recover=form, error=exc, status=exc.status
        )
    messages.success(
        request,
        f"Recovered {recovered.amount:,.2f} of {invoice.reference_number}."
        if first
        else submissions.ALREADY_SENT,
    )
    return redirect("console:ledger_invoice_bad_debt", invoice_id=invoice.pk)


def _render_bad_debt(
    request, invoice, *, write_off=None, recover=None, error=None, status=200
):
    records = list(invoice.bad_debts.select_related("journal_entry"))
    recovered = sum((r.amount for r in records if r.kind == BadDebtKind.RECOVERY), ZERO)
    recoverable = invoice.amount_written_off - recovered
    today = _today()
    context = {
        "invoice": invoice,
        "records": records,
        "recoverable": recoverable,
        "write_off_form": write_off
        or WriteOffForm(
            initial={"day": today, "amount": invoice.balance}, prefix="write_off"
        ),
        "recover_form": recover
        or RecoveryForm(
            initial={"day": today, "amount": recoverable}, prefix="recover"
        ),
        "error": error,
    }
    return render(request, "console/ledger/bad_debt.html", context, status=status)


# Journals -------------------------------------------------------------------------


def _with_lines(entries):
    """Entries with their lines prefetched and their totals worked out from them.

    Summed here, as Decimals, rather than by the database: SQLite adds decimals up
    as floating point.
    """
    for entry in entries:
        lines = entry.lines.all()
        entry.debit_total = sum((line.debit for line in lines), ZERO)
        entry.credit_total = sum((line.credit for line in lines), ZERO)
    return entries


@ledger_required
def ledger_journals(request):
    entries = (
        JournalEntry.objects.select_related("reversed_by")
        .prefetch_related(
            Prefetch(
                "lines", queryset=JournalLine.objects.only("entry", "debit", "credit")
            )
        )
        .order_by("-date", "-number")
    )
    kind = request.GET.get("kind", "")
    if kind in EntryKind.values:
        entries = entries.filter(kind=kind)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    _with_lines(page.object_list)
    context = {"page": page, "kind": kind, "kinds": EntryKind.choices}
    return render(request, "console/ledger/journals.html", context)


@ledger_required
def ledger_journal(request, entry_number):
    return _render_journal(request, _entry(entry_number))


@ledger_required
@require_POST
def ledger_journal_reverse(request, entry_number):
    entry = _entry(entry_number)
    form = ReverseForm(request.POST, prefix="reverse")
    if not form.is_valid():
        return _render_journal(request, entry, form=form, status=INVALID)
    data = form.cleaned_data
    try:
        first, reversal = submissions.once(
            request,
            lambda: services.reverse_entry(
                _actor(request), entry, day=data["day"], reason=data["reason"]
            ),
        )
    except DomainError as exc:
        attach_errors(form, exc)
        return _render_journal(request, entry, form=form, error=exc, status=exc.status)
    if not first:
        messages.success(request, submissions.ALREADY_SENT)
        return redirect("console:ledger_journal", entry_number=entry.number)
    messages.success(request, f"J{entry.number} reversed by J{reversal.number}.")
    return redirect("console:ledger_journal", entry_number=reversal.number)


def _entry(entry_number) -> JournalEntry:
    entries = JournalEntry.objects.select_related("reversed_by", "reverses")
    return get_object_or_404(entries, number=entry_number)


def _render_journal(request, entry, *, form=None, error=None, status=200):
    lines = list(entry.lines.select_related("account"))
    entry.debit_total = sum((line.debit for line in lines), ZERO)
    entry.credit_total = sum((line.credit for line in lines), ZERO)
    reversed_by = getattr(entry, "reversed_by", None)
    context = {
        "entry": entry,
        "lines": lines,
        "reversed_by": reversed_by,
        # Only manual journals reverse here; documents correct themselves.
        "reversible": entry.kind == EntryKind.MANUAL and reversed_by is None,
        "form": form or ReverseForm(initial={"day": _today()}, prefix="reverse"),
        "source_url": _source_url(entry),
        "error": error,
    }
    return render(request, "console/ledger/journal_detail.html", context, status=status)


def _source_url(entry) -> str:
    """The console page of the document that posted `entry`, when it has one."""
    if entry.source_type == "invoice":
        return reverse("console:ledger_invoice", args=[entry.source_id])
    if entry.source_type == "bill":
        return reverse("console:ledger_bill", args=[entry.source_id])
    if entry.source_type == "baddebt":
        debt = BadDebt.objects.filter(pk=entry.source_id).first()
        if debt is not None:
            return reverse("console:ledger_invoice_bad_debt", args=[debt.invoice_id])
    if entry.source_type == "adjustmentnote":
        note = AdjustmentNote.objects.filter(pk=entry.source_id).first()
        if note is not None:
            return reverse("console:ledger_invoice", args=[note.invoice_id])
    return ""


@ledger_required
def ledger_journal_new(request):
    """A manual journal typed line by line; it must balance."""
    form = JournalForm(request.POST or None, initial={"day": _today()})
    line_forms = journal_line_forms(request.POST or None)
    if request.method != "POST":
        return _render_journal_new(request, form, line_forms)
    valid = form.is_valid() & all([line.is_valid() for line in line_forms])
    if not valid:
        return _render_journal_new(request, form, line_forms, status=INVALID)

    filled = [line for line in line_forms if not line.is_blank]
    data = form.cleaned_data
    try:
        first, entry = submissions.once(
            request,
            lambda: services.post_manual_journal(
                _actor(request),
                day=data["day"],
                memo=data["memo"],
                lines=[line.values() for line in filled],
            ),
        )
    except DomainError as exc:
        if not attach_line_errors(filled, exc):
            attach_errors(form, exc)
        return _render_journal_new(
            request, form, line_forms, error=exc, status=exc.status
        )
    if not first:
        messages.success(request, submissions.ALREADY_SENT)
        return redirect("console:ledger_journals")
    messages.success(request, f"Journal J{entry.number} posted.")
    return redirect("console:ledger_journal", entry_number=entry.number)


def _render_journal_new(request, form, line_forms, *, error=None, status=200):
    context = {"form": form, "line_forms": line_forms, "error": error}
    return render(request, "console/ledger/journal_new.html", context, status=status)


@ledger_required
def ledger_wages(request):
    """A pay run: gross wages (W1) and PAYG withheld (W2), the rest paid."""
    form = WagesForm(request.POST or None, initial={"day": _today()})
    if request.method != "POST":
        return _render_wages(request, form)
    if not form.is_valid():
        return _render_wages(request, form, status=INVALID)
    data = form.cleaned_data
    try:
        first, entry = submissions.once(
            request,
            lambda: services.post_wages(
                _actor(request),
                day=data["day"],
                gross=data["gross"],
                withheld=data["withheld"],
                memo=data["memo"],
            ),
        )
    except DomainError as exc:
        attach_errors(form, exc)
        return _render_wages(request, form, error=exc, status=exc.status)
    if not first:
        messages.success(request, submissions.ALREADY_SENT)
        return redirect("console:ledger_journals")
    messages.success(request, f"Wages posted as J{entry.number}.")
    return redirect("console:ledger_journal", entry_number=entry.number)


def _render_wages(request, form, *, error=None, status=200):
    context = {"form": form, "error": error}
    return render(request, "console/ledger/wages.html", context, status=status)


# Billing agreements ---------------------------------------------------------------


@ledger_required
def ledger_agreement(request, client_id):
    client = get_object_or_404(ClientOrganisation, pk=client_id)
    agreement = BillingAgreement.objects.filter(client=client).first()
    current = agreement or BillingAgreement(client=client)
    initial = {name: getattr(current, name) for name in AgreementForm.base_fields}
    form = AgreementForm(request.POST or None, initial=initial, prefix="agreement")
    if request.method != "POST":
        return _render_agreement(request, client, agreement, form)
    if not form.is_valid():
        return _render_agreement(request, client, agreement, form, status=INVALID)
    try:
        billing.set_agreement(_actor(request), client, **form.cleaned_data)
    except DomainError as exc:
        attach_errors(form, exc)
        return _render_agreement(
            request, client, agreement, form, error=exc, status=exc.status
        )
    messages.success(request, f"Billing agreement of {client} saved.")
    return redirect("console:ledger_agreement", client_id=client.pk)


def _render_agreement(request, client, agreement, form, *, error=None, status=200):
    context = {"client": client, "agreement": agreement, "form": form, "error": error}
    return render(request, "console/ledger/agreement.html", context, status=status)


# Settings -------------------------------------------------------------------------


@ledger_required
def ledger_settings(request):
    """How the books are kept; anyone who keeps the ledger may change it."""
    current = LedgerSettings.current()
    form = LedgerSettingsForm.for_settings(current, request.POST or None)
    if request.method != "POST":
        return _render_settings(request, current, form)
    if not form.is_valid():
        return _render_settings(request, current, form, status=INVALID)
    changed = form.changed_values()
    if not changed:
        messages.success(request, "Nothing changed.")
        return redirect("console:ledger_settings")
    try:
        services.update_settings(_actor(request), **changed)
    except DomainError as exc:
        attach_errors(form, exc)
        current.refresh_from_db()
        return _render_settings(request, current, form, error=exc, status=exc.status)
    messages.success(request, "Ledger settings saved.")
    return redirect("console:ledger_settings")


@ledger_required
@require_POST
def ledger_business_profile(request):
    """The ABN and GST registration: Admins change them, Accounts reads them."""
    current = LedgerSettings.current()
    profile = BusinessProfile.current()
    if profile is None:
        raise Http404("No business profile yet.")
    form = BusinessProfileForm.for_profile(profile, request.POST)
    if not form.is_valid():
        return _render_settings(request, current, business=form, status=INVALID)
    try:
        services.update_business_profile(_actor(request), **form.cleaned_data)
    except DomainError as exc:
        attach_errors(form, exc)
        return _render_settings(
            request, current, business=form, error=exc, status=exc.status
        )
    messages.success(request, "ABN and GST registration saved.")
    return redirect("console:ledger_settings")


def _render_settings(
    request, current, form=None, *, business=None, error=None, status=200
):
    profile = BusinessProfile.current()
    may_configure = can(request.user, Action.CONFIGURE)
    if business is None and profile is not None and may_configure:
        business = BusinessProfileForm.for_profile(profile)
    context = {
        "current": current,
        "form": form or LedgerSettingsForm.for_settings(current),
        "profile": profile,
        "business_form": business,
        "error": error,
    }
    return render(request, "console/ledger/settings.html", context, status=status)
