from django.core.management.base import BaseCommand

from stratadesk.core import submissions


class Command(BaseCommand):
    help = "Forget form submission tokens older than two days."

    def handle(self, *args, **options):
        deleted = submissions.purge()
        self.stdout.write(f"{deleted} old submission tokens removed.")
