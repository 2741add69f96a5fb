"""Who may open the client portal at all."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone


def client_required(view):
    """Let client users through; MSP staff get a 404 and use the console instead."""

    # Client users log in on the portal's own page, not the staff one.
    @login_required(login_url="portal:login")
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_client_user:
            raise Http404("No such page.")
        client = request.user.client
        if not client.is_active:
            raise PermissionDenied("Your organisation's portal access has ended.")
        # Times read as the client's own wall clock, wherever the MSP is.
        with timezone.override(client.timezone):
            return view(request, *args, **kwargs)

    return wrapper
