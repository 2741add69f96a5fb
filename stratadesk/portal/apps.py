from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "stratadesk.portal"
    label = "portal"
