"""`stratadesk svr_sweep`: send due SVR reminders and auto-approvals (or --schedule)."""

from django.core.management.base import BaseCommand

from stratadesk.svr import followups, tasks


class Command(BaseCommand):
    help = "Send due SVR reminders and auto-approvals (or --schedule the worker)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="queue the five-minute sweep in the worker, if none is waiting",
        )

    def handle(self, *args, schedule=False, **options):
        if schedule:
            queued = tasks.schedule()
            self.stdout.write("SVR sweep queued." if queued else "Already scheduled.")
            return
        done = followups.sweep()
        self.stdout.write(
            f"{done['reminded']} reminders sent, "
            f"{done['auto_approved']} SVRs auto-approved."
        )
