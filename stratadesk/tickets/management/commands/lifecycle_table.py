from django.core.management.base import BaseCommand

from stratadesk.tickets.docs import markdown_table


class Command(BaseCommand):
    help = "Print the lifecycle transition table as Markdown (it is in the README)."

    def handle(self, *args, **options):
        self.stdout.write(markdown_table())
