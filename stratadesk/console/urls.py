from django.urls import path

from . import views

app_name = "console"

urlpatterns = [
    path("", views.ticket_list, name="ticket_list"),
    path("tickets/<int:number>/", views.ticket_detail, name="ticket_detail"),
    path(
        "tickets/<int:number>/transition/<slug:name>/",
        views.ticket_transition,
        name="ticket_transition",
    ),
    path("tickets/<int:number>/comments/", views.ticket_comment, name="ticket_comment"),
    path("tickets/<int:number>/time/", views.ticket_time, name="ticket_time"),
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
    path(
        "tickets/<int:number>/materials/",
        views.ticket_material,
        name="ticket_material",
    ),
]
