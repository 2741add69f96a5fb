from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "stratadesk.demo"
    label = "demo"
