"""Staff console: each client's notification rules, for Admins.

The client is fixed by the URL and every rule is fetched as one of that client's
(rules.rule_of), so a rule id of another client is "not found". Views parse a form,
call one service in notifications.rules and redirect with a flash message; a refusal
re-renders the page with the service's message and status.
"""

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from stratadesk.clients.models import ClientOrganisation
from stratadesk.core.errors import DomainError, NotFound
from stratadesk.core.models import Channel
from stratadesk.notifications import rules
from stratadesk.notifications.models import Audience, NotifyEvent
from stratadesk.people.actors import Actor
from stratadesk.people.models import User
from stratadesk.tickets.models import Stage

from .admin_pages import configurers_only
from .gate_forms import CHOOSE, attach_errors

INVALID = 422
admins_only = configurers_only("Only Admins change notification rules.")


class RuleForm(forms.Form):
    """A new rule. Whom it may name is the service's to check, not the form's."""

    event = forms.ChoiceField(choices=[CHOOSE, *NotifyEvent.choices])
    stage = forms.ChoiceField(
        choices=[("", "Any stage"), *Stage.choices],
        required=False,
        help_text="Only for “Ticket moved to another stage”.",
    )
    audience = forms.ChoiceField(choices=[CHOOSE, *Audience.choices])
    # Every active user, so that naming the wrong one is refused by the service in
    # its own words rather than by a shorter list.
    user = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("username"),
        required=False,
        label="Staff member",
        help_text="Only for “A named staff member”.",
    )
    email = forms.BooleanField(required=False, initial=True)
    in_app = forms.BooleanField(label="In-app notice", required=False, initial=True)


class ChannelsForm(forms.Form):
    email = forms.BooleanField(required=False)
    in_app = forms.BooleanField(required=False)


@admins_only
def rules_index(request):
    clients = ClientOrganisation.objects.annotate(
        rule_count=Count("notification_rules"),
        emailing=Count("notification_rules", filter=Q(notification_rules__email=True)),
    ).order_by("name")
    return render(
        request, "console/notification_rules_index.html", {"clients": clients}
    )


@admins_only
def client_rules(request, client_id):
    client = get_object_or_404(ClientOrganisation, pk=client_id)
    form = RuleForm(request.POST or None)
    if request.method != "POST":
        return _render(request, client, form)
    if not form.is_valid():
        return _render(request, client, form)

    try:
        rules.add_rule(_actor(request), client, **form.cleaned_data)
    except DomainError as exc:
        attach_errors(form, exc)
        return _render(request, client, form, error=exc)
    messages.success(request, "Rule added.")
    return redirect("console:notification_rules", client_id=client.pk)


@admins_only
@require_POST
def rule_channels(request, client_id, rule_id):
    client, rule = _rule(client_id, rule_id)
    form = ChannelsForm(request.POST)
    form.is_valid()  # Two optional checkboxes: any input is valid.
    try:
        rules.set_channels(_actor(request), rule, **form.cleaned_data)
    except DomainError as exc:
        return _render(request, client, error=exc)
    messages.success(request, "Rule saved.")
    return redirect("console:notification_rules", client_id=client.pk)


@admins_only
@require_POST
def rule_remove(request, client_id, rule_id):
    client, rule = _rule(client_id, rule_id)
    try:
        rules.remove_rule(_actor(request), rule)
    except DomainError as exc:
        return _render(request, client, error=exc)
    messages.success(request, "Rule removed.")
    return redirect("console:notification_rules", client_id=client.pk)


@admins_only
@require_POST
def rules_restore(request, client_id):
    client = get_object_or_404(ClientOrganisation, pk=client_id)
    try:
        installed = rules.restore_defaults(_actor(request), client)
    except DomainError as exc:
        return _render(request, client, error=exc)
    messages.success(request, f"The {installed} default rules are back.")
    return redirect("console:notification_rules", client_id=client.pk)


# Helpers --------------------------------------------------------------------------


def _actor(request) -> Actor:
    return Actor.from_request(request, Channel.CONSOLE)


def _rule(client_id, rule_id):
    client = get_object_or_404(ClientOrganisation, pk=client_id)
    try:
        return client, rules.rule_of(client, rule_id)
    except NotFound:
        raise Http404("No such notification rule.") from None


def _render(request, client, form=None, *, error=None):
    rows = list(
        client.notification_rules.select_related("user").order_by(
            "event", "stage", "audience", "pk"
        )
    )
    stages = dict(Stage.choices)
    for rule in rows:
        rule.stage_label = _stage_label(rule.event, rule.stage, stages)
    context = {
        "client": client,
        "rules": rows,
        # A client with no rows is told by the defaults: show what is in force.
        "defaults": [] if rows else _labelled_defaults(stages),
        "form": form or RuleForm(),
        "error": error,
        "webhooks": Audience.WEBHOOKS,
    }
    status = (error.status if error else INVALID) if request.method == "POST" else 200
    return render(request, "console/notification_rules.html", context, status=status)


def _stage_label(event, stage, stages) -> str:
    if stage:
        return stages.get(stage, stage)
    return "Any" if event == NotifyEvent.STAGE_CHANGED else "—"


def _labelled_defaults(stages) -> list[dict]:
    events, audiences = dict(NotifyEvent.choices), dict(Audience.choices)
    return [
        {
            "event": events[rule.event],
            "stage": _stage_label(rule.event, rule.stage, stages),
            "audience": audiences[rule.audience],
            "is_webhooks": rule.audience == Audience.WEBHOOKS,
            "email": rule.email,
            "in_app": rule.in_app,
        }
        for rule in rules.DEFAULT_RULES
    ]
