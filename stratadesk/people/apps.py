from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "stratadesk.people"
    label = "people"
    verbose_name = "People"
