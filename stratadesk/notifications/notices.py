"""In-app notices: each user reads and marks only their own."""

import logging

from django.db import transaction

from stratadesk.core import clock
from stratadesk.core.errors import NotFound
from stratadesk.notifications.models import Notice

logger = logging.getLogger(__name__)

PAGE_SIZE = 50


def notices_of(user):
    return Notice.objects.filter(user=user).select_related("ticket")


def unread_count(user) -> int:
    return Notice.objects.filter(user=user, read_at=None).count()


def notice_for(user, notice_id) -> Notice:
    """One of the user's own notices; anyone else's is "not found"."""
    notice = notices_of(user).filter(pk=notice_id).first()
    if notice is None:
        raise NotFound("No such notice.")
    return notice


@transaction.atomic
def mark_read(user, notice_id) -> Notice:
    notice = notice_for(user, notice_id)
    if notice.read_at is None:
        notice.read_at = clock.now()
        notice.save(update_fields=["read_at"])
    return notice


@transaction.atomic
def mark_all_read(user) -> int:
    marked = Notice.objects.filter(user=user, read_at=None).update(read_at=clock.now())
    logger.info("notices read", extra={"user_id": user.pk, "count": marked})
    return marked


def context(request) -> dict:
    """The bell's unread count, for every page a signed-in user sees."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": unread_count(user)}
