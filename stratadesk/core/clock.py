"""The current instant, in one place.

Services call `now()` rather than `timezone.now()` so the demo loader can replay a
plausible 60-day history through the very same services, with each step stamped at the
moment it happened in the story.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_fixed: ContextVar[datetime | None] = ContextVar("fixed_now", default=None)


def now() -> datetime:
    fixed = _fixed.get()
    return fixed if fixed is not None else timezone.now()


@contextmanager
def at(instant: datetime):
    """Run the block as if the current instant were `instant` (aware)."""
    if timezone.is_naive(instant):
        raise ValueError("clock.at() needs an aware datetime")
    token = _fixed.set(instant)
    try:
        yield
    finally:
        _fixed.reset(token)
