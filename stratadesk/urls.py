from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views import defaults

from stratadesk.api.problems import server_error as api_server_error
from stratadesk.api.problems import unknown_url as api_unknown_url
from stratadesk.console.views import home
from stratadesk.people.sign_in import SignOutView, StaffSignInView

admin.site.site_header = "Stratadesk administration"

urlpatterns = [
    path("", home, name="home"),
    # Client users log in on the portal's own page, portal:login.
    path("login/", StaffSignInView.as_view(), name="login"),
    path("logout/", SignOutView.as_view(), name="logout"),
    path("console/", include("stratadesk.console.urls")),
    path("portal/", include("stratadesk.portal.urls")),
    # An SVR approver without a login decides by the link in its email.
    path("svr/approve/", include("stratadesk.portal.link_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("stratadesk.api.urls")),
    # Any other /api/ address still answers as the API does.
    path("api/", include("stratadesk.api.urls_fallback")),
]

# Mail providers post inbound email here through django-anymail. Unauthenticated, the
# webhooks would let anyone write in a client's name, so production serves them only
# with STRATADESK_INBOUND_WEBHOOK_SECRET set.
if settings.ANYMAIL.get("WEBHOOK_SECRET") or not settings.PRODUCTION:
    urlpatterns.append(path("inbound/anymail/", include("anymail.urls")))


def page_not_found(request, exception):
    """Not found: problem+json under /api/, the site's own page elsewhere."""
    if request.path.startswith("/api/"):
        return api_unknown_url(request)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """A crash: problem+json under /api/, Django's plain page elsewhere."""
    if request.path.startswith("/api/"):
        return api_server_error(request)
    return defaults.server_error(request)


handler404 = page_not_found
handler500 = server_error
