"""Who may open the staff console at all, and when they must give a code first."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import reverse

from stratadesk.people.two_factor import Step, pending_step

STEP_PAGES = {Step.CODE: "console:two_factor_code", Step.ENROL: "console:two_factor"}


def staff_required(view):
    """Let MSP staff through; anyone else gets the same 404 as a missing page.

    A 404 rather than a 403 keeps the console's addresses from telling a client user
    anything about what exists behind them. Staff who still owe a two-factor step
    (a code, or setting it up when it is required) are sent to it first.
    """
    return _staff_only(view, allow=())


def staff_setting_up_two_factor(view):
    """staff_required, but open to staff who must still set up two-factor sign-in."""
    return _staff_only(view, allow=(Step.ENROL,))


def staff_signing_in(view):
    """Open to staff whatever two-factor step they owe: the code step itself."""
    return _staff_only(view, allow=tuple(Step))


def send_to_step(request, step: Step, next_url: str):
    """Redirect to the page for `step`, coming back to `next_url` once it is done."""
    return redirect_to_login(next_url, reverse(STEP_PAGES[step]))


def _staff_only(view, *, allow):
    # Named rather than left to LOGIN_URL: each side has its own login page.
    @login_required(login_url="login")
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_msp_staff:
            raise Http404("No such page.")

        step = pending_step(request.user)
        if step is not None and step not in allow:
            return send_to_step(request, step, request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper
