from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "stratadesk.api"
    label = "api"
    verbose_name = "REST API"
