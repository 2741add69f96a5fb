"""The SVR as a PDF: the document a client keeps of the work it verified.

Rendered with weasyprint in the background worker (about half a second a document),
never in a web request: issuing an SVR and deciding on it queue a render in their own
transaction, and the file is stored on the SVR version it shows.
"""

import hashlib
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
from stratadesk.svr.models import ServiceVerificationReport

logger = logging.getLogger(__name__)


def document_html(svr, *, links: str = "") -> str:
    """The report itself, from its frozen content: what an approver reads and signs.

    Shared by the portal, the console and the PDF. `links` names the URL pattern
    that evidence files link to on a page; the canonical form, which is hashed,
    has none.
    """
    return render_to_string(
        "svr/_document.html",
        {
            "content": svr.content,
            "version": svr.version,
            "links": links,
            "ticket_number": svr.ticket.number if links else None,
        },
    )


def document_hash(svr) -> str:
    """SHA-256 of the canonical document, recorded when issued and on approval."""
    return hashlib.sha256(document_html(svr).encode()).hexdigest()


def render_html(svr) -> str:
    client = svr.ticket.client
    branding = PortalBranding.objects.filter(client=client).first()
    return render_to_string(
        "svr/pdf.html",
        {
            "svr": svr,
            "document": document_html(svr),
            "client": client,
            "branding": branding,
            "logo_uri": _logo_uri(branding),
            "profile": BusinessProfile.current(),
            "approvals": list(svr.approvals.all()),
            "approvers": [c.name for c in svr.approvers.all()],
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


def render_pdf(svr) -> bytes:
    return weasyprint.HTML(string=render_html(svr)).write_pdf()


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
