"""Who may open the staff console at all."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404


def staff_required(view):
    """Let MSP staff through; anyone else gets the same 404 as a missing page.

    A 404 rather than a 403 keeps the console's addresses from telling a client user
    anything about what exists behind them.
    """

    # Named rather than left to LOGIN_URL: each side has its own login page.
    @login_required(login_url="login")
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_msp_staff:
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapper
