"""The client side of in-app notices: a contact's own, linking to their tickets."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from stratadesk.core.errors import NotFound
from stratadesk.notifications import notices

from .access import client_required


@client_required
def notice_list(request):
    page = Paginator(notices.notices_of(request.user), notices.PAGE_SIZE)
    return render(
        request,
        "notices/list.html",
        {"page": page.get_page(request.GET.get("page")), "side": "portal"},
    )


@client_required
@require_POST
def notice_read(request, notice_id):
    try:
        notice = notices.mark_read(request.user, notice_id)
    except NotFound:
        raise Http404("No such notice.") from None
    return redirect(notice.link or "portal:notices")


@client_required
@require_POST
def notice_read_all(request):
    notices.mark_all_read(request.user)
    messages.success(request, "All notices are marked as read.")
    return redirect("portal:notices")
