import logging

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "stratadesk.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        # httpx logs every request at INFO with its full URL, which may carry a
        # client's token; each webhook attempt logs its own line with ids instead.
        logging.getLogger("httpx").setLevel(logging.WARNING)
