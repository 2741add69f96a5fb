from django.apps import AppConfig


class SvrConfig(AppConfig):
    name = "stratadesk.svr"
    label = "svr"
    verbose_name = "Service verification reports"
