"""The staff side of in-app notices, and each staff member's email choices."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from stratadesk.core.errors import NotFound
from stratadesk.core.models import Channel
from stratadesk.notifications import notices
from stratadesk.notifications import services as notifications
from stratadesk.notifications.models import STAFF_TOPICS
from stratadesk.people.actors import Actor

from .access import staff_required


@staff_required
def notice_list(request):
    page = Paginator(notices.notices_of(request.user), notices.PAGE_SIZE)
    return render(
        request,
        "notices/list.html",
        {"page": page.get_page(request.GET.get("page")), "side": "console"},
    )


@staff_required
@require_POST
def notice_read(request, notice_id):
    try:
        notice = notices.mark_read(request.user, notice_id)
    except NotFound:
        raise Http404("No such notice.") from None
    return redirect(notice.link or "console:notices")


@staff_required
@require_POST
def notice_read_all(request):
    notices.mark_all_read(request.user)
    messages.success(request, "All notices are marked as read.")
    return redirect("console:notices")


class StaffPreferencesForm(forms.Form):
    """One checkbox per staff email topic; unticked means no email about it."""

    def __init__(self, data=None, *, initial_choices):
        super().__init__(data)
        for topic in STAFF_TOPICS:
            self.fields[topic.value] = forms.BooleanField(
                label=topic.label,
                required=False,
                initial=initial_choices.get(topic.value, True),
            )


@staff_required
def preferences(request):
    current = notifications.preferences_of(request.user)
    form = StaffPreferencesForm(request.POST or None, initial_choices=current)
    if request.method == "POST" and form.is_valid():
        actor = Actor.from_request(request, Channel.CONSOLE)
        notifications.set_preferences(actor, form.cleaned_data)
        messages.success(request, "Your email preferences are saved.")
        return redirect("console:preferences")
    return render(
        request, "notices/preferences.html", {"form": form, "side": "console"}
    )
