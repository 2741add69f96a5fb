"""/api/ addresses outside v1: a problem+json 404, never an HTML page."""

from django.urls import re_path

from stratadesk.api.problems import unknown_url

urlpatterns = [re_path(r"^.*$", unknown_url)]
