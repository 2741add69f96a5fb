from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "stratadesk.notifications"
    label = "notifications"
    verbose_name = "Notifications"
