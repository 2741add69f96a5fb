"""Periodic work on the database task worker, which has no scheduler of its own.

A periodic task queues its own next run when it finishes, so one waiting row in the
task table is the whole schedule. `schedule_if_idle` queues the first run (at start-up)
unless one is already waiting or running, so starting twice never doubles it.
"""

from django.db import transaction
from django_tasks_db.models import DBTaskResult


def schedule_if_idle(task, task_path: str) -> bool:
    """Queue `task` now unless a run is waiting or running; True when it queued."""
    with transaction.atomic():
        waiting = DBTaskResult.objects.filter(
            task_path=task_path, status__in=["READY", "RUNNING"]
        ).exists()
        if waiting:
            return False
        task.enqueue()
        return True
