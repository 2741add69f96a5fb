from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "stratadesk.clients"
    label = "clients"
    verbose_name = "Clients"
