"""The ledger's documents over the API: invoices, adjustment notes (and the PDFs of
both), bad debts, suppliers, bills, payments and journals, for Accounts and Admin
staff tokens.

Views parse the body, turn ids, slugs and account codes into objects, call the
ledger's services and write the answer; every rule (an issued invoice never
changes, a lodged period takes nothing) is the services'. Any other caller is
refused with 403 before the body is read, as webhooks refuse those without the
right; no client key reaches the ledger, whatever its scopes.
"""

import logging

from django.conf import settings
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from stratadesk.api import ledger_serializers as ls
from stratadesk.api.base import ApiView
from stratadesk.api.serializers import page_of
from stratadesk.api.tickets import TicketCursor
from stratadesk.clients.models import ClientOrganisation
from stratadesk.core.errors import Conflict, NotFound, ValidationFailed
from stratadesk.ledger import services
from stratadesk.ledger.models import (
    Account,
    AdjustmentNote,
    BadDebt,
    Bill,
    Invoice,
    InvoiceStatus,
    JournalEntry,
    Payment,
    PaymentDirection,
    Supplier,
)
from stratadesk.people.permissions import Action, can

logger = logging.getLogger(__name__)


class KeepsLedger(BasePermission):
    message = "Only Accounts and Admin staff tokens may use the ledger."

    def has_permission(self, request, view):
        return can(request.user, Action.KEEP_LEDGER)


class LedgerCursor(TicketCursor):
    ordering = "-pk"


def cursor_page(view, queryset, serializer):
    """One page of `queryset`, newest first, written by `serializer`."""
    paginator = LedgerCursor()
    try:
        rows = paginator.paginate_queryset(queryset, view.request, view=view)
    except (ValueError, TypeError, OverflowError):
        # A cursor that decodes but names no position this API ever gave.
        raise ValidationFailed(
            "The cursor is not valid; use the `next` link as given.",
            code="invalid_cursor",
            fields={"cursor": ["Not a cursor this API issued."]},
        ) from None
    return paginator.get_paginated_response(serializer(rows, many=True).data)


class LedgerView(ApiView):
    permission_classes = [IsAuthenticated, KeepsLedger]

    def page(self, request, queryset, serializer):
        return cursor_page(self, queryset, serializer)


PAGE_PARAMETERS = [
    OpenApiParameter("cursor", OpenApiTypes.STR),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="1 to 200."),
]


def ledger_url(path: str) -> str:
    return f"{settings.SITE_URL}/api/v1/ledger/{path}"


def _parsed(serializer_class, request, **extra):
    body = serializer_class(data=request.data, **extra)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


def check_page_size(request) -> None:
    size = request.query_params.get("page_size")
    if size is not None and (
        not size.isdigit() or not 1 <= int(size) <= LedgerCursor.max_page_size
    ):
        raise ValidationFailed(
            "Some filters are not valid.",
            fields={"page_size": ["A whole number from 1 to 200."]},
        )


# Looking things up by what the body names ------------------------------------------


def _account(code: str, field: str) -> Account:
    account = Account.objects.filter(code=code, is_active=True).first()
    if account is None:
        raise ValidationFailed(
            f"No active account {code!r}.",
            fields={field: ["The code of an active account."]},
        )
    return account


def _client(slug: str, field: str = "client") -> ClientOrganisation:
    client = ClientOrganisation.objects.filter(slug=slug).first() if slug else None
    if client is None:
        raise ValidationFailed(
            "Name the client organisation.",
            fields={field: ["The slug of an existing client organisation."]},
        )
    return client


def _named(model, pk, field: str, what: str):
    found = model.objects.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise ValidationFailed(
            f"No such {what}.", fields={field: [f"The id of an existing {what}."]}
        )
    return found


def _found(queryset, pk, what: str):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFound(f"No {what} {pk}.")
    return found


# Documents as PDFs -------------------------------------------------------------------


class PdfRenderer(BaseRenderer):
    """Lets a caller ask for application/pdf. Only errors pass through it: the PDF
    itself is answered as a file, and a problem is still written as JSON (its
    content type says application/problem+json)."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)


PDF_RESPONSES = {(200, "application/pdf"): OpenApiTypes.BINARY}
# DRF reads ?format=json|pdf to pick a renderer, and the document offers it.
PDF_QUERY_PARAMS = ("format",)


def kept_pdf(document) -> FileResponse:
    """The document's kept PDF, the same bytes the client was emailed."""
    if getattr(document, "is_draft", False):
        raise Conflict(
            "A draft invoice has no document yet; issue it first.",
            code="invoice_draft",
        )
    if not document.pdf or document.pdf_rendered_at is None:
        # Rendered by the worker just after the issue: a moment's wait, not a 404.
        raise Conflict(
            "The PDF is still being prepared; try again in a few seconds.",
            code="document_not_ready",
        )
    return FileResponse(
        document.pdf.open("rb"),
        as_attachment=True,
        filename=f"{document.reference_number}.pdf",
        content_type="application/pdf",
    )


def _lines(lines, prefix: str = "lines") -> list[dict]:
    """Request lines as the services take them: account codes become accounts."""
    parsed = []
    for index, line in enumerate(lines):
        line = dict(line)
        if "account" in line:
            line["account"] = _account(line["account"], f"{prefix}[{index}].account")
        parsed.append(line)
    return parsed


# Invoices --------------------------------------------------------------------------


def _invoices():
    return Invoice.objects.select_related("client", "journal_entry").prefetch_related(
        "lines__account"
    )


def _invoice_answer(invoice, status=200):
    fresh = _invoices().get(pk=invoice.pk)
    headers = {"Location": ledger_url(f"invoices/{fresh.pk}")} if status == 201 else {}
    return Response(ls.InvoiceSerializer(fresh).data, status=status, headers=headers)


class InvoiceListView(LedgerView):
    query_params = ("status", "client", "cursor", "page_size")

    @extend_schema(
        operation_id="ledger_invoices_list",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=InvoiceStatus.values),
            OpenApiParameter("client", OpenApiTypes.STR, description="A slug."),
            *PAGE_PARAMETERS,
        ],
        responses=page_of(ls.InvoiceSerializer, "InvoicePage"),
    )
    def get(self, request):
        invoices = _invoices()
        params = request.query_params
        if "status" in params:
            if params["status"] not in InvoiceStatus.values:
                raise ValidationFailed(
                    "Some filters are not valid.",
                    fields={"status": [f"One of {', '.join(InvoiceStatus.values)}."]},
                )
            invoices = invoices.filter(status=params["status"])
        if "client" in params:
            invoices = invoices.filter(client__slug=params["client"])
        check_page_size(request)
        return self.page(request, invoices, ls.InvoiceSerializer)

    @extend_schema(
        operation_id="ledger_invoices_create",
        request=ls.InvoiceCreateSerializer,
        responses={201: ls.InvoiceSerializer},
        description="A draft invoice; issue it with `POST .../invoices/{id}/issue`.",
    )
    def post(self, request):
        return self.idempotent(self.create, request)

    def create(self, request):
        data = _parsed(ls.InvoiceCreateSerializer, request)
        data["client"] = _client(data["client"])
        data["lines"] = _lines(data["lines"])
        invoice = services.create_invoice(self.actor(), **data)
        return _invoice_answer(invoice, status=201)


class InvoiceDetailView(LedgerView):
    @extend_schema(operation_id="ledger_invoices_read", responses=ls.InvoiceSerializer)
    def get(self, request, invoice_id):
        return Response(
            ls.InvoiceSerializer(_found(_invoices(), invoice_id, "invoice")).data
        )

    @extend_schema(
        operation_id="ledger_invoices_update",
        request=ls.InvoiceUpdateSerializer,
        responses=ls.InvoiceSerializer,
        description="Change a draft; an issued invoice answers 409.",
    )
    def patch(self, request, invoice_id):
        data = _parsed(ls.InvoiceUpdateSerializer, request)
        invoice = _found(Invoice.objects, invoice_id, "invoice")
        if data:
            services.update_draft_invoice(self.actor(), invoice, **data)
        return _invoice_answer(invoice)

    @extend_schema(
        operation_id="ledger_invoices_delete",
        responses={204: None},
        description="Throw a draft away; an issued invoice answers 409.",
    )
    def delete(self, request, invoice_id):
        invoice = _found(Invoice.objects, invoice_id, "invoice")
        services.delete_draft_invoice(self.actor(), invoice)
        return Response(status=204)


class InvoiceLineListView(LedgerView):
    @extend_schema(
        operation_id="ledger_invoices_lines_create",
        request=ls.LineInputSerializer,
        responses={201: ls.InvoiceSerializer},
        description="Add a line to a draft; the answer is the whole invoice.",
    )
    def post(self, request, invoice_id):
        return self.idempotent(self.create, request, invoice_id)

    def create(self, request, invoice_id):
        data = _parsed(ls.LineInputSerializer, request)
        (line,) = _lines([data], prefix="body")
        invoice = _found(Invoice.objects, invoice_id, "invoice")
        services.add_invoice_line(self.actor(), invoice, **line)
        return _invoice_answer(invoice, status=201)


class InvoiceLineDetailView(LedgerView):
    @extend_schema(
        operation_id="ledger_invoices_lines_update",
        request=ls.LineUpdateSerializer,
        responses=ls.InvoiceSerializer,
        description="Change a draft's line in place; the draft's totals are worked "
        "out again under its rounding rule. An issued invoice answers 409.",
    )
    def patch(self, request, invoice_id, line_id):
        data = _parsed(ls.LineUpdateSerializer, request)
        invoice = _found(Invoice.objects, invoice_id, "invoice")
        line = _found(invoice.lines.all(), line_id, "line")
        services.update_invoice_line(self.actor(), line, **data)
        return _invoice_answer(invoice)

    @extend_schema(
        operation_id="ledger_invoices_lines_delete",
        responses=ls.InvoiceSerializer,
        description="Remove a line from a draft; the answer is the whole invoice.",
    )
    def delete(self, request, invoice_id, line_id):
        invoice = _found(Invoice.objects, invoice_id, "invoice")
        line = _found(invoice.lines.all(), line_id, "line")
        services.remove_invoice_line(self.actor(), line)
        return _invoice_answer(invoice)


class InvoiceWriteOffView(LedgerView):
    @extend_schema(
        operation_id="ledger_invoices_write_off",
        request=ls.BadDebtCreateSerializer,
        responses={201: ls.BadDebtSerializer},
        description="Write off what the client will not pay (all of the balance "
        "when no amount is given). On the accruals basis 1/11 of it is a decreasing "
        "adjustment (G18, 1B). A draft answers 409.",
    )
    def post(self, request, invoice_id):
        return self.idempotent(self.create, request, invoice_id)

    def create(self, request, invoice_id):
        data = _parsed(ls.BadDebtCreateSerializer, request)
        invoice = _found(Invoice.objects, invoice_id, "invoice")
        written = services.write_off_bad_debt(
            self.actor(),
            invoice,
            day=data["date"],
            reason=data["reason"],
            amount=data.get("amount"),
        )
        return _bad_debt_answer(written)


class InvoiceRecoverView(LedgerView):
    @extend_schema(
        operation_id="ledger_invoices_recover",
        request=ls.BadDebtCreateSerializer,
        responses={201: ls.BadDebtSerializer},
        description="Money received for a debt written off; its GST is an "
        "increasing adjustment (G7, 1A). The amount is required, and at most what "
        "was written off and not yet recovered.",
    )
    def post(self, request, invoice_id):
        return self.idempotent(self.create, request, invoice_id)

    def create(self, request, invoice_id):
        data = _parsed(ls.BadDebtCreateSerializer, request)
        if "amount" not in data:
            raise ValidationFailed(
                "Say how much was recovered.", fields={"amount": ["Required."]}
            )
        invoice = _found(Invoice.objects, invoice_id, "invoice")
        recovery = services.recover_bad_debt(
            self.actor(),
            invoice,
            day=data["date"],
            amount=data["amount"],
            reason=data["reason"],
        )
        return _bad_debt_answer(recovery)


class InvoiceIssueView(LedgerView):
    @extend_schema(
        operation_id="ledger_invoices_issue",
        request=ls.InvoiceIssueSerializer,
        responses=ls.InvoiceSerializer,
        description="Number, total and post a draft. From then on it never changes.",
    )
    def post(self, request, invoice_id):
        return self.idempotent(self.create, request, invoice_id)

    def create(self, request, invoice_id):
        data = _parsed(ls.InvoiceIssueSerializer, request)
        invoice = _found(Invoice.objects, invoice_id, "invoice")
        invoice = services.issue_invoice(self.actor(), invoice, **data)
        logger.info("invoice issued over the API", extra={"invoice_id": invoice.pk})
        return _invoice_answer(invoice)


class InvoicePdfView(LedgerView):
    renderer_classes = [JSONRenderer, PdfRenderer]
    query_params = PDF_QUERY_PARAMS

    @extend_schema(
        operation_id="ledger_invoices_pdf",
        responses=PDF_RESPONSES,
        description="The issued invoice's PDF, as emailed to the client. A draft, "
        "or an invoice whose PDF the worker has not yet rendered, answers 409.",
    )
    def get(self, request, invoice_id):
        return kept_pdf(_found(Invoice.objects, invoice_id, "invoice"))


# Adjustment notes ------------------------------------------------------------------


def _notes():
    return AdjustmentNote.objects.select_related(
        "invoice", "journal_entry"
    ).prefetch_related("lines__account")


class AdjustmentNoteListView(LedgerView):
    query_params = ("cursor", "page_size")

    @extend_schema(
        operation_id="ledger_adjustment_notes_list",
        parameters=PAGE_PARAMETERS,
        responses=page_of(ls.AdjustmentNoteSerializer, "AdjustmentNotePage"),
    )
    def get(self, request):
        check_page_size(request)
        return self.page(request, _notes(), ls.AdjustmentNoteSerializer)

    @extend_schema(
        operation_id="ledger_adjustment_notes_create",
        request=ls.AdjustmentNoteCreateSerializer,
        responses={201: ls.AdjustmentNoteSerializer},
        description="Credit part of an issued invoice, stating the reason.",
    )
    def post(self, request):
        return self.idempotent(self.create, request)

    def create(self, request):
        data = _parsed(ls.AdjustmentNoteCreateSerializer, request)
        invoice = _named(Invoice, data["invoice"], "invoice", "invoice")
        note = services.issue_adjustment_note(
            self.actor(),
            invoice,
            day=data["date"],
            reason=data["reason"],
            lines=_lines(data["lines"]),
        )
        return Response(
            ls.AdjustmentNoteSerializer(_notes().get(pk=note.pk)).data,
            status=201,
            headers={"Location": ledger_url(f"adjustment-notes/{note.pk}")},
        )


class AdjustmentNoteDetailView(LedgerView):
    @extend_schema(
        operation_id="ledger_adjustment_notes_read",
        responses=ls.AdjustmentNoteSerializer,
    )
    def get(self, request, note_id):
        note = _found(_notes(), note_id, "adjustment note")
        return Response(ls.AdjustmentNoteSerializer(note).data)


class AdjustmentNotePdfView(LedgerView):
    renderer_classes = [JSONRenderer, PdfRenderer]
    query_params = PDF_QUERY_PARAMS

    @extend_schema(
        operation_id="ledger_adjustment_notes_pdf",
        responses=PDF_RESPONSES,
        description="The note's PDF (an adjustment note, or a credit note from a "
        "supplier not registered for GST), as emailed to the client. Until the "
        "worker has rendered it, 409.",
    )
    def get(self, request, note_id):
        return kept_pdf(_found(AdjustmentNote.objects, note_id, "adjustment note"))


# Suppliers and bills ---------------------------------------------------------------


def _suppliers():
    return Supplier.objects.select_related("default_account")


class SupplierListView(LedgerView):
    query_params = ("cursor", "page_size")

    @extend_schema(
        operation_id="ledger_suppliers_list",
        parameters=PAGE_PARAMETERS,
        responses=page_of(ls.SupplierSerializer, "SupplierPage"),
    )
    def get(self, request):
        check_page_size(request)
        return self.page(request, _suppliers(), ls.SupplierSerializer)

    @extend_schema(
        operation_id="ledger_suppliers_create",
        request=ls.SupplierCreateSerializer,
        responses={201: ls.SupplierSerializer},
    )
    def post(self, request):
        return self.idempotent(self.create, request)

    def create(self, request):
        data = _parsed(ls.SupplierCreateSerializer, request)
        if "default_account" in data:
            data["default_account"] = _account(
                data["default_account"], "default_account"
            )
        supplier = services.create_supplier(self.actor(), **data)
        return Response(
            ls.SupplierSerializer(supplier).data,
            status=201,
            headers={"Location": ledger_url(f"suppliers/{supplier.pk}")},
        )


class SupplierDetailView(LedgerView):
    @extend_schema(
        operation_id="ledger_suppliers_read", responses=ls.SupplierSerializer
    )
    def get(self, request, supplier_id):
        supplier = _found(_suppliers(), supplier_id, "supplier")
        return Response(ls.SupplierSerializer(supplier).data)

    @extend_schema(
        operation_id="ledger_suppliers_update",
        request=ls.SupplierUpdateSerializer,
        responses=ls.SupplierSerializer,
        description="Change a supplier's details. Bills already recorded are not "
        "changed: their GST and withholding stay as recorded.",
    )
    def patch(self, request, supplier_id):
        data = _parsed(ls.SupplierUpdateSerializer, request)
        supplier = _found(Supplier.objects, supplier_id, "supplier")
        if data.get("default_account") is not None:
            data["default_account"] = _account(
                data["default_account"], "default_account"
            )
        services.update_supplier(self.actor(), supplier, **data)
        return Response(ls.SupplierSerializer(_suppliers().get(pk=supplier.pk)).data)


def _bills():
    return Bill.objects.select_related("supplier", "journal_entry").prefetch_related(
        "lines__account"
    )


class BillListView(LedgerView):
    query_params = ("cursor", "page_size")

    @extend_schema(
        operation_id="ledger_bills_list",
        parameters=PAGE_PARAMETERS,
        responses=page_of(ls.BillSerializer, "BillPage"),
    )
    def get(self, request):
        check_page_size(request)
        return self.page(request, _bills(), ls.BillSerializer)

    @extend_schema(
        operation_id="ledger_bills_create",
        request=ls.BillCreateSerializer,
        responses={201: ls.BillSerializer},
        description="Record and post a supplier's bill. A supplier who quoted no "
        "ABN has 47% withheld (W4).",
    )
    def post(self, request):
        return self.idempotent(self.create, request)

    def create(self, request):
        data = _parsed(ls.BillCreateSerializer, request)
        bill = services.record_bill(
            self.actor(),
            supplier=_named(Supplier, data["supplier"], "supplier", "supplier"),
            day=data["date"],
            lines=_lines(data["lines"]),
            supplier_reference=data["supplier_reference"],
            due_date=data.get("due_date"),
        )
        return Response(
            ls.BillSerializer(_bills().get(pk=bill.pk)).data,
            status=201,
            headers={"Location": ledger_url(f"bills/{bill.pk}")},
        )


class BillDetailView(LedgerView):
    @extend_schema(operation_id="ledger_bills_read", responses=ls.BillSerializer)
    def get(self, request, bill_id):
        return Response(ls.BillSerializer(_found(_bills(), bill_id, "bill")).data)


# Bad debts -------------------------------------------------------------------------


def _bad_debts():
    return BadDebt.objects.select_related("invoice__client", "journal_entry")


def _bad_debt_answer(debt):
    fresh = _bad_debts().get(pk=debt.pk)
    return Response(
        ls.BadDebtSerializer(fresh).data,
        status=201,
        headers={"Location": ledger_url(f"bad-debts/{fresh.pk}")},
    )


class BadDebtListView(LedgerView):
    query_params = ("cursor", "page_size")

    @extend_schema(
        operation_id="ledger_bad_debts_list",
        parameters=PAGE_PARAMETERS,
        responses=page_of(ls.BadDebtSerializer, "BadDebtPage"),
        description="Every write-off and recovery, newest first.",
    )
    def get(self, request):
        check_page_size(request)
        return self.page(request, _bad_debts(), ls.BadDebtSerializer)


class BadDebtDetailView(LedgerView):
    @extend_schema(operation_id="ledger_bad_debts_read", responses=ls.BadDebtSerializer)
    def get(self, request, bad_debt_id):
        debt = _found(_bad_debts(), bad_debt_id, "bad debt")
        return Response(ls.BadDebtSerializer(debt).data)


# Payments --------------------------------------------------------------------------


def _payments():
    return Payment.objects.select_related("client", "journal_entry").prefetch_related(
        "allocations"
    )


def _allocations(data) -> list:
    """[(document, amount)] from the body; invoices for money in, bills for out."""
    received = data["direction"] == PaymentDirection.RECEIVED
    wanted, other = ("invoice", "bill") if received else ("bill", "invoice")
    model = Invoice if received else Bill
    parsed = []
    for index, allocation in enumerate(data["allocations"]):
        field = f"allocations[{index}]"
        if other in allocation:
            raise ValidationFailed(
                f"A payment {data['direction']} is allocated to {wanted}s.",
                fields={f"{field}.{other}": ["Leave this out."]},
            )
        document = _named(model, allocation.get(wanted), f"{field}.{wanted}", wanted)
        parsed.append((document, allocation["amount"]))
    return parsed


class PaymentListView(LedgerView):
    query_params = ("cursor", "page_size")

    @extend_schema(
        operation_id="ledger_payments_list",
        parameters=PAGE_PARAMETERS,
        responses=page_of(ls.PaymentSerializer, "PaymentPage"),
    )
    def get(self, request):
        check_page_size(request)
        return self.page(request, _payments(), ls.PaymentSerializer)

    @extend_schema(
        operation_id="ledger_payments_create",
        request=ls.PaymentCreateSerializer,
        responses={201: ls.PaymentSerializer},
        description="Money received from a client (allocated to its invoices) or "
        "paid to a supplier (allocated to its bills); the allocations add up to the "
        "amount.",
    )
    def post(self, request):
        return self.idempotent(self.create, request)

    def create(self, request):
        data = _parsed(ls.PaymentCreateSerializer, request)
        common = {
            "day": data["date"],
            "amount": data["amount"],
            "reference": data["reference"],
            "allocations": _allocations(data),
        }
        if data["direction"] == PaymentDirection.RECEIVED:
            client = _client(data.get("client", ""))
            payment = services.receive_payment(self.actor(), client=client, **common)
        else:
            supplier = _named(Supplier, data.get("supplier"), "supplier", "supplier")
            payment = services.make_payment(self.actor(), supplier=supplier, **common)
        return Response(
            ls.PaymentSerializer(_payments().get(pk=payment.pk)).data,
            status=201,
            headers={"Location": ledger_url(f"payments/{payment.pk}")},
        )


class PaymentDetailView(LedgerView):
    @extend_schema(operation_id="ledger_payments_read", responses=ls.PaymentSerializer)
    def get(self, request, payment_id):
        payment = _found(_payments(), payment_id, "payment")
        return Response(ls.PaymentSerializer(payment).data)


# Journals --------------------------------------------------------------------------


def _entries():
    return JournalEntry.objects.select_related("reverses").prefetch_related(
        "lines__account"
    )


def _entry_answer(entry, status=201):
    fresh = _entries().get(pk=entry.pk)
    return Response(
        ls.JournalEntrySerializer(fresh).data,
        status=status,
        headers={"Location": ledger_url(f"journals/{fresh.number}")},
    )


class JournalListView(LedgerView):
    query_params = ("cursor", "page_size")

    @extend_schema(
        operation_id="ledger_journals_list",
        parameters=PAGE_PARAMETERS,
        responses=page_of(ls.JournalEntrySerializer, "JournalEntryPage"),
        description="Every posted entry, the documents' and the manual ones.",
    )
    def get(self, request):
        check_page_size(request)
        return self.page(request, _entries(), ls.JournalEntrySerializer)

    @extend_schema(
        operation_id="ledger_journals_create",
        request=ls.JournalCreateSerializer,
        responses={201: ls.JournalEntrySerializer},
        description="A manual journal: bank interest, bank fees, adjustments. It "
        "must balance; GST-bearing tax codes belong on invoices and bills.",
    )
    def post(self, request):
        return self.idempotent(self.create, request)

    def create(self, request):
        data = _parsed(ls.JournalCreateSerializer, request)
        entry = services.post_manual_journal(
            self.actor(),
            day=data["date"],
            memo=data["memo"],
            lines=_lines(data["lines"]),
        )
        return _entry_answer(entry)


class WagesView(LedgerView):
    @extend_schema(
        operation_id="ledger_journals_wages",
        request=ls.WagesCreateSerializer,
        responses={201: ls.JournalEntrySerializer},
        description="A pay run: gross wages (W1), PAYG withheld (W2), the rest paid "
        "from the bank.",
    )
    def post(self, request):
        return self.idempotent(self.create, request)

    def create(self, request):
        data = _parsed(ls.WagesCreateSerializer, request)
        entry = services.post_wages(
            self.actor(),
            day=data["date"],
            gross=data["gross"],
            withheld=data["withheld"],
            memo=data["memo"],
        )
        return _entry_answer(entry)


class JournalDetailView(LedgerView):
    @extend_schema(
        operation_id="ledger_journals_read", responses=ls.JournalEntrySerializer
    )
    def get(self, request, entry_number):
        entry = _entries().filter(number=entry_number).first()
        if entry is None:
            raise NotFound(f"No journal entry {entry_number}.")
        return Response(ls.JournalEntrySerializer(entry).data)


class JournalReverseView(LedgerView):
    @extend_schema(
        operation_id="ledger_journals_reverse",
        request=ls.JournalReverseSerializer,
        responses={201: ls.JournalEntrySerializer},
        description="Undo a manual journal with a reversing entry.",
    )
    def post(self, request, entry_number):
        return self.idempotent(self.create, request, entry_number)

    def create(self, request, entry_number):
        data = _parsed(ls.JournalReverseSerializer, request)
        entry = JournalEntry.objects.filter(number=entry_number).first()
        if entry is None:
            raise NotFound(f"No journal entry {entry_number}.")
        reversal = services.reverse_entry(
            self.actor(), entry, day=data["date"], reason=data["reason"]
        )
        return _entry_answer(reversal)
