"""The browsable API reference at /api/v1/docs: Redoc over the OpenAPI document.

Redoc's bundle is served from this server (drf-spectacular-sidecar), never a CDN.
It styles itself with injected style elements and runs a web worker, so this one
page allows inline styles and blob: workers; it still allows no inline script.
"""

from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularRedocView

DOCS_POLICY = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "worker-src": [CSP.SELF, "blob:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}


@method_decorator(csp_override(DOCS_POLICY), name="dispatch")
class ApiDocsView(SpectacularRedocView):
    template_name = "api/docs.html"
    # The reference is public, like the OpenAPI document it renders.
    authentication_classes = []
    permission_classes = []
