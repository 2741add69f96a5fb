from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "stratadesk.console"
    label = "console"
