"""The invoice as a PDF: the tax invoice a client receives, pays and keeps; and the
BAS as a PDF for the MSP's own files.

Rendered with weasyprint in the background worker, never in a web request: issuing
an invoice queues its render in the transaction that issues it, and the file is kept
on the invoice. What a tax invoice must show is decided by the invoice itself
(document_title, buyer_identity_required); the template only lays it out.
"""

import logging
from datetime import timedelta
from pathlib import Path

import weasyprint
from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string

from stratadesk.clients.models import PortalBranding
from stratadesk.core import clock
from stratadesk.core.models import BusinessProfile
from stratadesk.ledger import bas, gst
from stratadesk.ledger.models import Invoice, LedgerSettings

logger = logging.getLogger(__name__)

# How each sale line is marked, so a reader sees which lines carry GST.
LINE_MARKS = {
    gst.TaxCode.GST: "Taxable",
    gst.TaxCode.EXP: "GST-free (export)",
    gst.TaxCode.FRE: "GST-free",
    gst.TaxCode.ITS: "Input taxed",
    gst.TaxCode.NT: "Not reportable",
}


def line_mark(line) -> str:
    return LINE_MARKS.get(line.tax_code, line.tax_code)


def render_html(invoice: Invoice) -> str:
    client = invoice.client
    branding = PortalBranding.objects.filter(client=client).first()
    lines = list(invoice.lines.order_by("position", "id"))
    untaxed = [line for line in lines if not gst.tax_code(line.tax_code).carries_gst]
    return render_to_string(
        "ledger/invoice_pdf.html",
        {
            "invoice": invoice,
            "client": client,
            "lines": [(line, line_mark(line)) for line in lines],
            "has_gst_free": bool(untaxed),
            "branding": branding,
            "logo_uri": _logo_uri(branding),
            "profile": BusinessProfile.current(),
            "ledger": LedgerSettings.current(),
        },
    )


def _logo_uri(branding) -> str:
    # Read from the media directory by weasyprint; never fetched over the network.
    if branding is None or not branding.logo:
        return ""
    try:
        return Path(branding.logo.path).as_uri()
    except (NotImplementedError, ValueError):
        return ""


def render_pdf(invoice: Invoice) -> bytes:
    return weasyprint.HTML(string=render_html(invoice)).write_pdf()


def file_name(invoice: Invoice) -> str:
    return f"{invoice.reference_number}.pdf"


def store_pdf(invoice: Invoice) -> bytes:
    """Render an issued invoice's PDF now and keep it on the invoice.

    The precondition is an issued invoice: a draft has no number and is no tax
    invoice yet. Only the file columns change, which the immutability guard allows.
    """
    if invoice.is_draft:
        raise ValueError("Only an issued invoice is rendered as a document.")
    started = clock.now()
    document = render_pdf(invoice)
    invoice.pdf.save(file_name(invoice), ContentFile(document), save=False)
    invoice.pdf_rendered_at = clock.now()
    invoice.save(update_fields=["pdf", "pdf_rendered_at"])
    took = (clock.now() - started) / timedelta(milliseconds=1)
    logger.info(
        "invoice pdf rendered",
        extra={"invoice_id": invoice.pk, "bytes": len(document), "ms": round(took)},
    )
    return document


def pdf_for_email(invoice: Invoice) -> tuple[str, bytes]:
    """(file name, bytes) of the invoice's PDF, rendered first if not yet."""
    if invoice.pdf and invoice.pdf_rendered_at is not None:
        with invoice.pdf.open("rb") as handle:
            return file_name(invoice), handle.read()
    return file_name(invoice), store_pdf(invoice)


@task()
def render_invoice_pdf(*, invoice_id: int) -> None:
    invoice = Invoice.objects.select_related("client").filter(pk=invoice_id).first()
    if invoice is not None and not invoice.is_draft:
        store_pdf(invoice)


def queue_render(invoice: Invoice) -> None:
    """Queue the PDF for rendering once the caller's transaction commits."""
    with transaction.atomic():
        render_invoice_pdf.enqueue(invoice_id=invoice.pk)


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
    return weasyprint.HTML(string=html).write_pdf()


def bas_pdf_name(report) -> str:
    return f"bas-{report.start}-{report.end}-{report.basis}.pdf"
