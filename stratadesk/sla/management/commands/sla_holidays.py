"""`stratadesk sla_holidays --years 2027 [2028 ...]`: load state holidays."""

from django.core.management.base import BaseCommand

from stratadesk.sla.calendars import load_holidays
from stratadesk.sla.models import Calendar


class Command(BaseCommand):
    help = "Load state public holidays for the given years into every state calendar."

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, nargs="+", required=True)

    def handle(self, *args, years, **options):
        for calendar in Calendar.objects.exclude(state=""):
            added = load_holidays(calendar, years)
            self.stdout.write(f"{calendar.name}: {added} holidays added")
