"""The product's URLs plus one page that uses the CSP nonce, as htmx's tag would.

No product page runs a script yet, and Django puts the nonce in the header only when
a page uses it, so the tests need a page of their own to see it.
"""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from stratadesk.urls import urlpatterns as product_urls

PAGE = """<!doctype html><html><body>
<script nonce="{{ csp_nonce }}">document.body.dataset.nonced = "ran";</script>
<script>document.body.dataset.inline = "ran";</script>
</body></html>"""


def nonce_page(request):
    template = engines["django"].from_string(PAGE)
    return HttpResponse(template.render({}, request))


urlpatterns = [path("csp-check/", nonce_page), *product_urls]
