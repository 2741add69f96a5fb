"""The SLA sweep in the background worker, once a minute.

The task queues its own next run, so one row in the task table keeps the schedule;
`stratadesk sla_sweep --schedule` (run by `make run`) queues the first. Several
workers may run sweeps at once: each clock is fired under its own row lock.
"""

from datetime import timedelta

from django.db import transaction
from django.tasks import task

from stratadesk.core import clock
from stratadesk.core.periodic import schedule_if_idle
from stratadesk.sla import enforcement

EVERY = timedelta(minutes=1)
TASK_PATH = "stratadesk.sla.tasks.sla_sweep"


@task()
def sla_sweep() -> None:
    try:
        enforcement.sweep()
    finally:
        # Even a failed sweep keeps the schedule; the next one retries what is due.
        with transaction.atomic():
            sla_sweep.using(run_after=clock.now() + EVERY).enqueue()


def schedule() -> bool:
    """Queue the first run unless one is already waiting; True when it queued one."""
    return schedule_if_idle(sla_sweep, TASK_PATH)
