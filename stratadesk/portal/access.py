"""Who may open the client portal at all."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone


def client_required(view):
    """Let client users through; MSP staff get a 404 and use the console instead."""

    @wraps(view)
    def signed_in_first(request, *args, **kwargs):
        # An htmx refresh after the session ended must not pour the login page into
        # the list it refreshes: send the whole page there instead.
        if request.htmx and not request.user.is_authenticated:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("portal:login")
            return response
        return wrapper(request, *args, **kwargs)

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

    return signed_in_first
