"""The SVR follow-up sweep in the background worker, every five minutes.

Like the SLA sweep it queues its own next run; `stratadesk svr_sweep --schedule`
(run by `make run`) queues the first. Reminders and auto-approvals are due on
business days, so five minutes late is well inside what anyone would notice.
"""

from datetime import timedelta

from django.db import transaction
from django.tasks import task

from stratadesk.core import clock
from stratadesk.core.periodic import schedule_if_idle
from stratadesk.svr import followups

EVERY = timedelta(minutes=5)
TASK_PATH = "stratadesk.svr.tasks.svr_sweep"


@task()
def svr_sweep() -> None:
    try:
        followups.sweep()
    finally:
        # A failed sweep keeps the schedule; the next one retries what is due.
        with transaction.atomic():
            svr_sweep.using(run_after=clock.now() + EVERY).enqueue()


def schedule() -> bool:
    """Queue the first run unless one is already waiting; True when it queued one."""
    return schedule_if_idle(svr_sweep, TASK_PATH)
