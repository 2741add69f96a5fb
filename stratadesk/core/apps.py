from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "stratadesk.core"
    label = "core"
    verbose_name = "Core"
