"""`stratadesk housekeeping`: the hourly purges and recovery, now or scheduled.

Kept with the API's commands because it reaches across packages (the API's idempotency
store, form tokens, webhook deliveries), which only an interface layer may do.
"""

from django.core.management.base import BaseCommand

from stratadesk import housekeeping


class Command(BaseCommand):
    help = (
        "Purge expired idempotency records and old form tokens, resume stalled "
        "webhook deliveries. --schedule queues the hourly background run instead."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="queue the hourly run in the worker, if none is waiting",
        )

    def handle(self, *args, schedule=False, **options):
        if schedule:
            queued = housekeeping.schedule()
            self.stdout.write(
                "Hourly housekeeping queued." if queued else "Already scheduled."
            )
            return
        for step, count in housekeeping.run_once().items():
            self.stdout.write(f"{step}: {count}")
