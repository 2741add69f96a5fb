from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "stratadesk.tickets"
    label = "tickets"
    verbose_name = "Tickets"
