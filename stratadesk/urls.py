from django.contrib import admin
from django.urls import include, path

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
    path("admin/", admin.site.urls),
]
