"""The SVR as a PDF: the document a client keeps of the work it verified.

Rendered with weasyprint in the background worker (about half a second a document),
never in a web request: issuing an SVR and deciding on it queue a render in their own
transaction, and the file is stored on the SVR version it shows.
"""

import hashlib
import logging
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from stratadesk.clients.models import PortalBranding
from stratadesk.core import clock, pdf
from stratadesk.core.models import BusinessProfile
from stratadesk.svr.models import ServiceVerificationReport

logger = logging.getLogger(__name__)


def document_html(svr) -> str:
    """The report itself, from its frozen content: what an approver reads and signs.

    Rendered once when issued and kept (see freeze); the portal, the console and the
    PDF all show that kept copy.
    """
    return render_to_string(
        "svr/_document.html", {"content": svr.content, "version": svr.version}
    )


def freeze(svr) -> None:
    """Keep the canonical document and its SHA-256 on the SVR, once, when issued."""
    svr.document = document_html(svr)
    svr.document_hash = hashlib.sha256(svr.document.encode()).hexdigest()


def shown(svr) -> str:
    """The document as it was issued (a report issued before it was kept: rendered)."""
    # Our own template's output, stored verbatim when issued: already escaped.
    return mark_safe(svr.document) if svr.document else document_html(svr)  # noqa: S308


def render_html(svr) -> str:
    client = svr.ticket.client
    branding = PortalBranding.objects.filter(client=client).first()
    return render_to_string(
        "svr/pdf.html",
        {
            "svr": svr,
            "document": shown(svr),
            "client": client,
            "branding": branding,
            "logo_uri": pdf.logo_uri(branding),
            "profile": BusinessProfile.current(),
            "approvals": list(svr.approvals.all()),
            "approvers": [c.name for c in svr.approvers.all()],
        },
    )


def render_pdf(svr) -> bytes:
    # Times read in the client's own zone, as on its portal.
    with timezone.override(svr.ticket.client.timezone):
        html = render_html(svr)
    return pdf.write_pdf(html)


def file_name(svr) -> str:
    return f"{svr.ticket.reference}-svr-v{svr.version}.pdf"


def store_pdf(svr) -> bytes:
    """Render the SVR's PDF now and keep it on the SVR; returns its bytes."""
    started = clock.now()
    document = render_pdf(svr)
    svr.pdf.save(file_name(svr), ContentFile(document), save=False)
    svr.pdf_rendered_at = clock.now()
    svr.save(update_fields=["pdf", "pdf_rendered_at"])
    took = (clock.now() - started) / timedelta(milliseconds=1)
    logger.info(
        "svr pdf rendered",
        extra={"svr_id": svr.pk, "bytes": len(document), "ms": round(took)},
    )
    return document


def pdf_for_email(svr) -> tuple[str, bytes]:
    """(file name, bytes) of the SVR's current PDF, rendered first if not yet."""
    if svr.pdf and svr.pdf_rendered_at is not None:
        with svr.pdf.open("rb") as handle:
            return file_name(svr), handle.read()
    return file_name(svr), store_pdf(svr)


@task()
def render_svr_pdf(*, svr_id: int) -> None:
    svr = (
        ServiceVerificationReport.objects.select_related("ticket__client")
        .filter(pk=svr_id)
        .first()
    )
    if svr is not None:
        store_pdf(svr)


def queue_render(svr) -> None:
    """Queue the PDF for (re)rendering once the caller's transaction commits."""
    with transaction.atomic():
        render_svr_pdf.enqueue(svr_id=svr.pk)
