"""Who may open the client portal at all."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404


def client_required(view):
    """Let client users through; MSP staff get a 404 and use the console instead."""

    # Client users log in on the portal's own page, not the staff one.
    @login_required(login_url="portal:login")
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_client_user:
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapper
