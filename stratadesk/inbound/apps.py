from django.apps import AppConfig


class InboundConfig(AppConfig):
    name = "stratadesk.inbound"
    label = "inbound"
    verbose_name = "Inbound email"

    def ready(self):
        # Connects the handler for django-anymail's inbound signal.
        from stratadesk.inbound import webhooks  # noqa: F401
