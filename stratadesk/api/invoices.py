"""Invoices over the API as the portal shows them: read-only, with their PDFs.

A client key with the invoices:read scope reads its own organisation's issued
invoices and their adjustment notes; Accounts and Admin tokens read every client's,
drafts included, as the permission matrix gives them. Every invoice is fetched
through stratadesk.ledger.selectors, so another organisation's invoice, or a draft
for a client, answers 404 exactly like an id never used. Changing an invoice is the
ledger's (/api/v1/ledger/), for Accounts and Admin.
"""

from django.db.models import prefetch_related_objects
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from stratadesk.api import invoice_serializers as cs
from stratadesk.api.authentication import ApiClientPrincipal
from stratadesk.api.base import ApiView
from stratadesk.api.ledger import (
    PAGE_PARAMETERS,
    PDF_QUERY_PARAMS,
    PDF_RESPONSES,
    PdfRenderer,
    check_page_size,
    cursor_page,
    kept_pdf,
)
from stratadesk.api.serializers import page_of
from stratadesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from stratadesk.ledger import selectors
from stratadesk.ledger.models import InvoiceStatus
from stratadesk.people.permissions import Action, can


class ReadsInvoices(BasePermission):
    """Refuses, before any work, a caller the matrix gives no invoices at all."""

    def has_permission(self, request, view):
        if can(request.user, Action.READ_INVOICES):
            return True
        if isinstance(request.user, ApiClientPrincipal):
            raise PermissionDenied(
                "Reading invoices needs a client key with the invoices:read scope.",
                code="scope_missing",
            )
        raise PermissionDenied(
            "Only Accounts and Admin staff tokens, and client keys with the "
            "invoices:read scope, may read invoices.",
            code="permission_denied",
        )


class InvoiceView(ApiView):
    permission_classes = [IsAuthenticated, ReadsInvoices]


def _invoices(user):
    return (
        selectors.invoices_for(user)
        .select_related("client")
        .prefetch_related("adjustment_notes")
    )


def _invoice(user, name: str):
    invoice = selectors.invoice_named_for(user, name)
    if invoice is None:
        raise NotFound("No such invoice.")
    return invoice


INVOICE_PARAMETER = OpenApiParameter(
    "invoice",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The invoice's number as printed (INV-00012) or its id.",
)


class InvoiceListView(InvoiceView):
    query_params = ("status", "cursor", "page_size")

    @extend_schema(
        operation_id="invoices_list",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=InvoiceStatus.values),
            *PAGE_PARAMETERS,
        ],
        responses=page_of(cs.ClientInvoiceSerializer, "ClientInvoicePage"),
        description="The invoices the caller may read, newest first, each with its "
        "adjustment notes. A client key sees its organisation's issued invoices, "
        "never drafts.",
    )
    def get(self, request):
        invoices = _invoices(self.caller)
        status = request.query_params.get("status")
        if status is not None:
            if status not in InvoiceStatus.values:
                raise ValidationFailed(
                    "Some filters are not valid.",
                    fields={"status": [f"One of {', '.join(InvoiceStatus.values)}."]},
                )
            invoices = invoices.filter(status=status)
        check_page_size(request)
        return cursor_page(self, invoices, cs.ClientInvoiceSerializer)


class InvoiceDetailView(InvoiceView):
    @extend_schema(
        operation_id="invoices_read",
        parameters=[INVOICE_PARAMETER],
        responses=cs.ClientInvoiceDetailSerializer,
    )
    def get(self, request, invoice):
        found = _invoice(self.caller, invoice)
        prefetch_related_objects([found], "lines", "adjustment_notes")
        return Response(cs.ClientInvoiceDetailSerializer(found).data)


class InvoicePdfView(InvoiceView):
    renderer_classes = [JSONRenderer, PdfRenderer]
    query_params = PDF_QUERY_PARAMS

    @extend_schema(
        operation_id="invoices_pdf",
        parameters=[INVOICE_PARAMETER],
        responses=PDF_RESPONSES,
        description="The invoice's PDF, the same bytes the client was emailed. "
        "Until the worker has rendered it (a few seconds after the issue), 409 "
        "with code document_not_ready.",
    )
    def get(self, request, invoice):
        return kept_pdf(_invoice(self.caller, invoice))


class AdjustmentNotePdfView(InvoiceView):
    renderer_classes = [JSONRenderer, PdfRenderer]
    query_params = PDF_QUERY_PARAMS

    @extend_schema(
        operation_id="adjustment_notes_pdf",
        responses=PDF_RESPONSES,
        description="An adjustment (or credit) note's PDF, as emailed to the "
        "client; 409 with code document_not_ready until the worker has rendered it.",
    )
    def get(self, request, note_id):
        note = selectors.adjustment_note_for(self.caller, note_id)
        if note is None:
            raise NotFound("No such adjustment note.")
        return kept_pdf(note)
