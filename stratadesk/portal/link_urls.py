"""An SVR approver's emailed decision link, outside the portal's login."""

from django.urls import path

from . import decision_links

app_name = "svr_link"

urlpatterns = [
    path("<str:token>/", decision_links.page, name="page"),
    path("<str:token>/pdf/", decision_links.pdf, name="pdf"),
    path("<str:token>/branding.css", decision_links.branding_css, name="branding_css"),
    path("<str:token>/logo", decision_links.branding_logo, name="branding_logo"),
]
