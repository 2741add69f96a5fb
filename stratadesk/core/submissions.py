"""Double-submit protection for the console's and portal's work forms."""

import uuid
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from stratadesk.core.models import FormSubmission

FIELD = "submission_token"
KEEP_FOR = timedelta(days=2)


def new_token() -> str:
    return str(uuid.uuid4())


def claim(request) -> bool:
    """Claim the posted form's token; False when the same form was already sent.

    The caller is inside the transaction of the change, so the claim and the change
    commit or roll back together. A form posted without a token (a script, an old
    page) is not protected, and goes through.
    """
    try:
        token = uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return True

    try:
        with transaction.atomic():
            FormSubmission.objects.create(token=token, user=request.user)
    except IntegrityError:
        return False
    return True


def purge(now=None) -> int:
    """Forget tokens old enough that no browser will resend their form."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    deleted, _ = FormSubmission.objects.filter(created_at__lt=cutoff).delete()
    return deleted


ALREADY_SENT = "That form was already sent; nothing was added twice."


def once(request, action):
    """Run `action()` with the token claimed in the same transaction.

    Returns (True, its result), or (False, None) when the form was already sent. An
    exception from `action` rolls the claim back with the change.
    """
    with transaction.atomic():
        if not claim(request):
            return False, None
        return True, action()
