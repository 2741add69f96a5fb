"""Staff console: the email outbox, for Admins to see what went and send failures again.

Reading is all the list and detail pages do; "send again" calls
notifications.outbox.retry_failed and redirects with a flash message, or shows the
service's refusal with its status.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from stratadesk.core.errors import DomainError, NotFound
from stratadesk.core.models import Channel
from stratadesk.notifications import outbox, selectors
from stratadesk.notifications.models import EmailStatus
from stratadesk.people.actors import Actor

from .admin_pages import configurers_only

EMAILS_PER_PAGE = 50
admins_only = configurers_only("Only Admins read the email outbox.")


@admins_only
def outbox_list(request):
    status = request.GET.get("status", "")
    if status not in EmailStatus.values:
        status = ""
    page = Paginator(selectors.email_outbox(status), EMAILS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for delivery in page:
        delivery.may_have_gone = outbox.may_have_gone(delivery)
    context = {"page": page, "status": status, "statuses": EmailStatus.choices}
    return render(request, "console/outbox_list.html", context)


@admins_only
def outbox_email(request, email_id):
    return _render_email(request, _delivery(email_id))


@admins_only
@require_POST
def outbox_resend(request, email_id):
    delivery = _delivery(email_id)
    try:
        outbox.retry_failed(Actor.from_request(request, Channel.CONSOLE), delivery)
    except DomainError as exc:
        return _render_email(request, delivery, error=exc, status=exc.status)
    messages.success(request, f"The email to {delivery.to_address} is queued again.")
    return redirect("console:outbox_email", email_id=delivery.pk)


def _delivery(email_id):
    try:
        return selectors.email_delivery(email_id)
    except NotFound:
        raise Http404("No such email.") from None


def _render_email(request, delivery, *, error=None, status=200):
    context = {
        "delivery": delivery,
        "may_have_gone": outbox.may_have_gone(delivery),
        "error": error,
    }
    return render(request, "console/outbox_email.html", context, status=status)
