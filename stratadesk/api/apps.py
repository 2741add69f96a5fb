from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "stratadesk.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self):
        # Registers the bearer scheme with drf-spectacular.
        from stratadesk.api import schema  # noqa: F401
