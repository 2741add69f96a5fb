from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "stratadesk.sla"
    label = "sla"
    verbose_name = "SLAs"
