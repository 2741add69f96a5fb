"""The SVR as a PDF: the document a client keeps of the work it verified.

Rendered with weasyprint in the background worker (about half a second a document),
never in a web request: issuing an SVR and deciding on it queue a render in their own
transaction, and the file is stored on the SVR version it shows.
"""

import logging
from datetime import timedelta
from decimal import Decimal

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


def _hours(minutes: int) -> str:
    hours, rest = divmod(int(minutes), 60)
    return f"{hours} h {rest:02d} min"


def render_html(svr) -> str:
    content = svr.content
    client = svr.ticket.client
    branding = PortalBranding.objects.filter(client=client).first()
    entries = [
        {**entry, "duration": _hours(entry["minutes"])}
        for entry in content.get("time_entries", [])
    ]
    return render_to_string(
        "svr/pdf.html",
        {
            "svr": svr,
            "content": content,
            "client": client,
            "branding": branding,
            "profile": BusinessProfile.current(),
            "entries": entries,
            "total": _hours(content.get("total_minutes", 0)),
            "billable": _hours(content.get("billable_minutes", 0)),
            "materials_total": Decimal(content.get("billable_materials_total", "0")),
            "approvers": [c.name for c in svr.approvers.all()],
        },
    )


def render_pdf(svr) -> bytes:
    return weasyprint.HTML(string=render_html(svr)).write_pdf()


@task()
def render_svr_pdf(*, svr_id: int) -> None:
    svr = (
        ServiceVerificationReport.objects.select_related("ticket__client")
        .filter(pk=svr_id)
        .first()
    )
    if svr is None:
        return
    started = clock.now()
    document = render_pdf(svr)
    name = f"{svr.ticket.reference}-svr-v{svr.version}.pdf"
    svr.pdf.save(name, ContentFile(document), save=False)
    svr.pdf_rendered_at = clock.now()
    svr.save(update_fields=["pdf", "pdf_rendered_at"])
    took = (clock.now() - started) / timedelta(milliseconds=1)
    logger.info(
        "svr pdf rendered",
        extra={"svr_id": svr.pk, "bytes": len(document), "ms": round(took)},
    )


def queue_render(svr) -> None:
    """Queue the PDF for (re)rendering once the caller's transaction commits."""
    with transaction.atomic():
        render_svr_pdf.enqueue(svr_id=svr.pk)
