from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from stratadesk.console.views import home

admin.site.site_header = "Stratadesk administration"

urlpatterns = [
    path("", home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("console/", include("stratadesk.console.urls")),
    path("portal/", include("stratadesk.portal.urls")),
    path("admin/", admin.site.urls),
]
