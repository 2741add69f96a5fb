"""`stratadesk sla_sweep`: fire due SLA warnings and breaches now, or --schedule."""

from django.core.management.base import BaseCommand

from stratadesk.sla import enforcement, tasks


class Command(BaseCommand):
    help = "Fire due SLA warnings, breaches and escalations (or --schedule the worker)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="queue the once-a-minute sweep in the worker, if none is waiting",
        )

    def handle(self, *args, schedule=False, **options):
        if schedule:
            queued = tasks.schedule()
            self.stdout.write("SLA sweep queued." if queued else "Already scheduled.")
            return
        self.stdout.write(f"{enforcement.sweep()} SLA moments fired.")
