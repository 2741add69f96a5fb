"""The gate in front of console pages for those who configure (Admins)."""

from functools import wraps

from django.core.exceptions import PermissionDenied

from stratadesk.people.permissions import Action, can

from .access import staff_required


def configurers_only(refusal: str):
    """staff_required, and the matrix must let the user configure.

    Other staff get 403 with `refusal`: they know the console, and that these pages
    exist is no secret. Anyone else gets staff_required's 404.
    """

    def decorate(view):
        @staff_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not can(request.user, Action.CONFIGURE):
                raise PermissionDenied(refusal)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
