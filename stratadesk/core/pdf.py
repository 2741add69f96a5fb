"""Writing a document's HTML as a PDF, reading nothing but local files.

Shared by every document the product renders (SVRs, invoices, adjustment notes), in
the background worker: weasyprint takes about half a second a page.
"""

from pathlib import Path

import weasyprint
from django.conf import settings


def local_only(url, *args, **kwargs):
    """Let weasyprint read files from the media directory and data: URIs, nothing else.

    A logo is an uploaded file; an SVG one may point at any URL, and the worker must
    never fetch from the network on a document's say-so.
    """
    media = Path(settings.MEDIA_ROOT).resolve().as_uri()
    if url.startswith("data:") or url.startswith(media + "/"):
        return weasyprint.default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"refused to fetch {url[:80]} for a PDF")


def logo_uri(branding) -> str:
    """The file URI of a client's uploaded logo, or "" when it has none on disk."""
    if branding is None or not branding.logo:
        return ""
    try:
        return Path(branding.logo.path).as_uri()
    except (NotImplementedError, ValueError):
        return ""


def write_pdf(html: str) -> bytes:
    return weasyprint.HTML(string=html, url_fetcher=local_only).write_pdf()
