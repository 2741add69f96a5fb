"""The ledger's documents as PDFs: the tax invoice and the adjustment note a client
receives, pays or books, and keeps; and the BAS for the MSP's own files.

Invoices and notes are rendered with weasyprint in the background worker, never in
a web request: issuing one queues its render in the transaction that issues it, and
the file is kept on the document, so the same bytes are served ever after. The BAS,
a page or two for the MSP's own files, renders when it is asked for. What a
document must show is decided by the document itself (document_title,
buyer_identity_required); the templates only lay it out.
"""

import logging
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string

from stratadesk.clients.models import PortalBranding
from stratadesk.core import clock, pdf
from stratadesk.core.models import BusinessProfile
from stratadesk.ledger import bas, gst
from stratadesk.ledger.models import (
    AdjustmentNote,
    Invoice,
    InvoiceStatus,
    LedgerSettings,
)

logger = logging.getLogger(__name__)

# How each sale line is marked, so a reader sees which lines carry GST.
LINE_MARKS = {
    gst.TaxCode.GST: "Taxable",
    gst.TaxCode.EXP: "GST-free (export)",
    gst.TaxCode.FRE: "GST-free",
    gst.TaxCode.ITS: "Input taxed",
    gst.TaxCode.NT: "Not reportable",
}
# The template of each kind of document, and the name it knows the document by.
TEMPLATES = {
    Invoice: ("ledger/invoice_pdf.html", "invoice"),
    AdjustmentNote: ("ledger/adjustment_note_pdf.html", "note"),
}


def line_mark(line) -> str:
    return LINE_MARKS.get(line.tax_code, line.tax_code)


def client_of(document):
    if isinstance(document, AdjustmentNote):
        return document.invoice.client
    return document.client


def render_html(document: Invoice | AdjustmentNote) -> str:
    client = client_of(document)
    branding = PortalBranding.objects.filter(client=client).first()
    lines = list(document.lines.order_by("position", "id"))
    untaxed = [line for line in lines if not gst.tax_code(line.tax_code).carries_gst]
    template, name = TEMPLATES[type(document)]
    note = isinstance(document, AdjustmentNote)
    return render_to_string(
        template,
        {
            name: document,
            "taxed": document.tax_document if note else document.tax_invoice,
            "buyer_named": document.buyer_identity_required,
            "client": client,
            "lines": [(line, line_mark(line)) for line in lines],
            "has_gst_free": bool(untaxed),
            "branding": branding,
            "logo_uri": pdf.logo_uri(branding),
            "profile": BusinessProfile.current(),
            "ledger": LedgerSettings.current(),
        },
    )


def render_pdf(document: Invoice | AdjustmentNote) -> bytes:
    return pdf.write_pdf(render_html(document))


def file_name(document: Invoice | AdjustmentNote) -> str:
    return f"{document.reference_number}.pdf"


def store_pdf(document: Invoice | AdjustmentNote) -> bytes:
    """Render an issued document's PDF now and keep it on the document.

    The precondition is an issued document: a draft invoice has no number and is no
    tax invoice yet (a note exists only once issued). Only the file columns change,
    which the issued invoice's immutability guard allows.
    """
    if getattr(document, "is_draft", False):
        raise ValueError("Only an issued invoice is rendered as a document.")
    started = clock.now()
    rendered = render_pdf(document)
    document.pdf.save(file_name(document), ContentFile(rendered), save=False)
    document.pdf_rendered_at = clock.now()
    document.save(update_fields=["pdf", "pdf_rendered_at"])
    took = (clock.now() - started) / timedelta(milliseconds=1)
    logger.info(
        "ledger pdf rendered",
        extra={
            "document": document._meta.model_name,
            "document_id": document.pk,
            "bytes": len(rendered),
            "ms": round(took),
        },
    )
    return rendered


def pdf_for_email(document: Invoice | AdjustmentNote) -> tuple[str, bytes]:
    """(file name, bytes) of the document's PDF, rendered first if not yet."""
    if document.pdf and document.pdf_rendered_at is not None:
        with document.pdf.open("rb") as handle:
            return file_name(document), handle.read()
    return file_name(document), store_pdf(document)


def attachment(kind: str, pk: int) -> tuple[str, bytes] | None:
    """What an email about an issued "invoice" or "adjustment_note" attaches:
    (file name, bytes), or None when there is no such issued document."""
    if kind == "adjustment_note":
        found = AdjustmentNote.objects.select_related("invoice__client")
    else:
        found = Invoice.objects.select_related("client").exclude(
            status=InvoiceStatus.DRAFT
        )
    document = found.filter(pk=pk).first()
    return pdf_for_email(document) if document is not None else None


@task()
def render_invoice_pdf(*, invoice_id: int) -> None:
    invoice = Invoice.objects.select_related("client").filter(pk=invoice_id).first()
    if invoice is not None and not invoice.is_draft:
        store_pdf(invoice)


@task()
def render_adjustment_note_pdf(*, note_id: int) -> None:
    note = (
        AdjustmentNote.objects.select_related("invoice__client")
        .filter(pk=note_id)
        .first()
    )
    if note is not None:
        store_pdf(note)


def queue_render(document: Invoice | AdjustmentNote) -> None:
    """Queue the PDF for rendering once the caller's transaction commits."""
    with transaction.atomic():
        if isinstance(document, AdjustmentNote):
            render_adjustment_note_pdf.enqueue(note_id=document.pk)
        else:
            render_invoice_pdf.enqueue(invoice_id=document.pk)


# The BAS ----------------------------------------------------------------------------


def render_bas_pdf(report, lodged=None) -> bytes:
    """The BAS report as a PDF: every label in the form's order, both GST methods
    and their difference, the simpler BAS when it is chosen, and whether it is the
    report as lodged. A page or two, rendered on request (see the README)."""

    def rows(names):
        return [
            (name, bas.LABEL_NAMES[name], int(report.labels[name])) for name in names
        ]

    html = render_to_string(
        "ledger/bas_pdf.html",
        {
            "report": report,
            "lodged": lodged,
            "nine": int(report.labels["9"]),
            "sections": [(title, rows(names)) for title, names in bas.SECTIONS],
            "simpler": rows(gst.SIMPLER_LABELS),
            "methods": [
                (
                    name,
                    int(report.accounts[name]),
                    int(report.worksheet[name]),
                    int(diff),
                )
                for name, diff in report.difference.items()
            ],
            "profile": BusinessProfile.current(),
            "printed": clock.now(),
        },
    )
    return pdf.write_pdf(html)


def bas_pdf_name(report) -> str:
    return f"bas-{report.start}-{report.end}-{report.basis}.pdf"
