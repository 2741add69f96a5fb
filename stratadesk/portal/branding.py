"""The client's own look in the portal: a stylesheet and a logo per organisation.

Served from this site (the Content Security Policy allows only its own styles and
images), to the client's own users only, with ETags so browsers keep them.
"""

from django.http import FileResponse, Http404, HttpResponse
from django.utils.functional import SimpleLazyObject
from django.utils.http import quote_etag
from django.views.decorators.http import condition

from stratadesk.clients.models import PortalBranding

from .access import client_required


def branding_of(user) -> PortalBranding | None:
    """The branding of a client user's organisation, or None (the default look)."""
    if user is None or not user.is_authenticated or not user.is_client_user:
        return None
    return PortalBranding.objects.filter(client_id=user.client_id).first()


def _etag(request):
    branding = branding_of(request.user)
    if branding is None:
        return None
    return quote_etag(f"{branding.pk}-{branding.updated_at.timestamp()}")


@client_required
@condition(etag_func=_etag)
def stylesheet(request):
    response = stylesheet_response(branding_of(request.user))
    response["Cache-Control"] = "private, max-age=300"
    return response


@client_required
def logo(request):
    response = logo_response(branding_of(request.user))
    response["Cache-Control"] = "private, max-age=300"
    return response


def stylesheet_response(branding) -> HttpResponse:
    """The organisation's colours as CSS; 404 for an organisation without branding."""
    if branding is None:
        raise Http404("This organisation has no branding.")
    css = (
        ":root {\n"
        f"  --brand: {branding.brand_colour};\n"
        f"  --brand-dark: {branding.brand_dark};\n"
        "}\n"
    )
    return HttpResponse(css, content_type="text/css; charset=utf-8")


def logo_response(branding) -> FileResponse:
    if branding is None or not branding.logo:
        raise Http404("This organisation has no logo.")
    response = FileResponse(branding.logo.open("rb"))
    if branding.logo.name.lower().endswith(".svg"):
        response["Content-Type"] = "image/svg+xml"
        # An SVG may carry script; as a logo it is only ever an image.
        response["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'"
        )
    return response


def context(request) -> dict:
    """Template context processor: `branding` for a client user's pages.

    Lazy, so a page that never shows it (any staff page) reads nothing.
    """
    return {"branding": SimpleLazyObject(lambda: branding_of(request.user))}
