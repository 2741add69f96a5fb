from django.urls import path

from stratadesk.people.sign_in import ClientSignInView

from . import branding, invoices, notices, views

app_name = "portal"

urlpatterns = [
    path("", views.ticket_list, name="ticket_list"),
    path("login/", ClientSignInView.as_view(), name="login"),
    path("branding.css", branding.stylesheet, name="branding_css"),
    path("branding/logo", branding.logo, name="branding_logo"),
    path("tickets/new/", views.ticket_create, name="ticket_create"),
    path("tickets/<int:number>/", views.ticket_detail, name="ticket_detail"),
    path("tickets/<int:number>/reply/", views.ticket_reply, name="ticket_reply"),
    path(
        "tickets/<int:number>/attachments/",
        views.ticket_attachment,
        name="ticket_attachment",
    ),
    path(
        "tickets/<int:number>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("reports/", views.svr_index, name="svr_index"),
    path("notifications/", views.preferences, name="preferences"),
    path("invoices/", invoices.invoice_list, name="invoice_list"),
    path(
        "invoices/<int:invoice_id>/pdf/",
        invoices.invoice_pdf,
        name="invoice_pdf",
    ),
    path(
        "invoices/notes/<int:note_id>/pdf/",
        invoices.adjustment_note_pdf,
        name="invoice_note_pdf",
    ),
    path("notices/", notices.notice_list, name="notices"),
    path("notices/read/", notices.notice_read_all, name="notices_read_all"),
    path("notices/<int:notice_id>/read/", notices.notice_read, name="notice_read"),
    path(
        "tickets/<int:number>/svr/<int:version>/",
        views.svr_detail,
        name="svr_detail",
    ),
    path(
        "tickets/<int:number>/svr/decide/<slug:name>/",
        views.svr_decide,
        name="svr_decide",
    ),
    path(
        "tickets/<int:number>/svr/<int:version>/pdf/",
        views.svr_pdf,
        name="svr_pdf",
    ),
    path(
        "tickets/<int:number>/transition/<slug:name>/",
        views.ticket_transition,
        name="ticket_transition",
    ),
]
