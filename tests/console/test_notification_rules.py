"""The console's notification rules: Admins change a client's rules, with audit."""

import pytest
from django.urls import reverse

from stratadesk.core.errors import ValidationFailed
from stratadesk.core.models import AuditEvent
from stratadesk.notifications import rules
from stratadesk.notifications.models import Audience, NotificationRule, NotifyEvent
from tests.fixtures import actor


@pytest.fixture
def harbour_rules(world):
    rules.install_defaults(world.harbour)
    return world.harbour


def _page(client):
    return reverse("console:notification_rules", args=[client.pk])


def _rule(client, event, audience, stage=""):
    return NotificationRule.objects.get(
        client=client, event=event, audience=audience, stage=stage
    )


def _state():
    return (
        list(NotificationRule.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


def _plain(rule):
    return tuple(str(value) for value in vars(rule).values())


def _add(world, client, **fields):
    data = {"event": NotifyEvent.TICKET_CREATED, "audience": Audience.STAFF_USER}
    return client.post(_page(world.harbour), {**data, **fields})


# Reading ----------------------------------------------------------------------------


def test_it_lists_the_clients_rules_for_an_admin(world, login, harbour_rules):
    response = login(world.ada).get(_page(world.harbour))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Notification rules for Harbour Legal</h1>" in html
    assert len(response.context["rules"]) == len(rules.DEFAULT_RULES)
    pending = _rule(
        world.harbour, NotifyEvent.STAGE_CHANGED, "requester", "pending_client"
    )
    row = html[html.index(f'id="rule-{pending.pk}"') :].split("</tr>")[0]
    assert "Ticket moved to another stage" in row
    assert "Pending Client" in row
    assert "The ticket&#x27;s requester" in row
    assert '<input type="checkbox" name="email" checked>' in row
    assert '<input type="checkbox" name="in_app" checked>' in row


def test_a_client_on_the_defaults_is_shown_the_defaults_in_force(world, login):
    response = login(world.ada).get(_page(world.outback))

    assert response.context["rules"] == []
    assert len(response.context["defaults"]) == len(rules.DEFAULT_RULES)
    assert "has no rules of its own" in response.content.decode()


def test_the_index_lists_every_client(world, login, harbour_rules):
    response = login(world.ada).get(reverse("console:notification_rules_index"))

    html = response.content.decode()
    assert f'<a href="{_page(world.harbour)}">Harbour Legal</a>' in html
    assert f'<a href="{_page(world.outback)}">Outback Mining</a>' in html


@pytest.mark.parametrize("persona", ["olivia", "sam", "alex"])
def test_other_staff_are_refused_with_403(world, login, harbour_rules, persona):
    client = login(getattr(world, persona))
    rule = NotificationRule.objects.filter(client=world.harbour).first()
    before = _state()

    assert client.get(_page(world.harbour)).status_code == 403
    assert _add(world, client, user=world.sam.pk).status_code == 403
    channels = reverse(
        "console:notification_rule_channels", args=[world.harbour.pk, rule.pk]
    )
    assert client.post(channels, {}).status_code == 403
    restore = reverse("console:notification_rules_restore", args=[world.harbour.pk])
    assert client.post(restore).status_code == 403
    assert _state() == before


def test_a_client_user_is_told_the_page_does_not_exist(world, login, harbour_rules):
    client = login(world.hannah)
    before = _state()

    assert client.get(_page(world.harbour)).status_code == 404
    assert _add(world, client, user=world.sam.pk).status_code == 404
    assert _state() == before


# Changing ---------------------------------------------------------------------------


def test_an_admin_switches_a_rules_email_off(world, login, harbour_rules):
    rule = _rule(world.harbour, NotifyEvent.TICKET_CREATED, Audience.REQUESTER)
    url = reverse(
        "console:notification_rule_channels", args=[world.harbour.pk, rule.pk]
    )

    response = login(world.ada).post(url, {"in_app": "on"})

    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.email, rule.in_app) == (False, True)
    event = AuditEvent.objects.get(action="notification_rule.changed")
    assert (event.actor, event.client) == (world.ada, world.harbour)
    assert event.data["changed"] == {"email": False}


def test_a_rule_is_fetched_only_as_one_of_the_clients_in_the_url(
    world, login, harbour_rules
):
    rules.install_defaults(world.outback)
    theirs = NotificationRule.objects.filter(client=world.outback).first()
    url = reverse(
        "console:notification_rule_channels", args=[world.harbour.pk, theirs.pk]
    )
    before = _state()

    response = login(world.ada).post(url, {})

    assert response.status_code == 404
    assert _state() == before


def test_an_admin_adds_a_rule_naming_a_staff_member(world, login, harbour_rules):
    response = _add(world, login(world.ada), user=world.sam.pk, email="on")

    assert response.status_code == 302
    rule = NotificationRule.objects.get(client=world.harbour, user=world.sam)
    assert (rule.event, rule.audience, rule.email, rule.in_app) == (
        "ticket_created",
        "staff_user",
        True,
        False,
    )
    event = AuditEvent.objects.get(action="notification_rule.added")
    assert event.subject_id == str(rule.pk)
    assert event.data["user"] == world.sam.pk


def test_the_first_rule_of_a_client_on_the_defaults_keeps_the_defaults(world):
    rules.add_rule(
        actor(world.ada),
        world.outback,
        event=NotifyEvent.TICKET_CREATED,
        audience=Audience.STAFF_USER,
        user=world.sam,
    )

    count = NotificationRule.objects.filter(client=world.outback).count()
    assert count == len(rules.DEFAULT_RULES) + 1


def test_a_rule_naming_another_clients_user_is_refused(world, login, harbour_rules):
    before = _state()

    response = _add(world, login(world.ada), user=world.oscar.pk, email="on")

    assert response.status_code == 422
    assert "user of another client" in response.content.decode()
    assert _state() == before


def test_the_service_refuses_another_clients_user_with_its_code(world, harbour_rules):
    with pytest.raises(ValidationFailed) as refused:
        rules.add_rule(
            actor(world.ada),
            world.harbour,
            event=NotifyEvent.SLA_BREACHED,
            audience=Audience.STAFF_USER,
            user=world.oscar,
        )

    assert refused.value.code == "rule_user_other_client"


def test_a_rule_naming_the_clients_own_user_is_refused_as_not_staff(
    world, harbour_rules
):
    # The dispatcher tells only staff through a named-person rule; a client's own
    # user there would silently be told nothing.
    with pytest.raises(ValidationFailed) as refused:
        rules.add_rule(
            actor(world.ada),
            world.harbour,
            event=NotifyEvent.SLA_BREACHED,
            audience=Audience.STAFF_USER,
            user=world.harry,
        )

    assert refused.value.code == "rule_user_not_staff"


def test_a_stage_on_another_event_is_refused(world, login, harbour_rules):
    before = _state()

    response = _add(
        world, login(world.ada), audience=Audience.OPERATIONS, stage="resolved"
    )

    assert response.status_code == 422
    assert _state() == before


def test_an_admin_removes_a_rule(world, login, harbour_rules):
    rule = _rule(world.harbour, NotifyEvent.TICKET_CREATED, Audience.OPERATIONS)
    url = reverse("console:notification_rule_remove", args=[world.harbour.pk, rule.pk])

    response = login(world.ada).post(url)

    assert response.status_code == 302
    assert not NotificationRule.objects.filter(pk=rule.pk).exists()
    event = AuditEvent.objects.get(action="notification_rule.removed")
    assert event.subject_id == str(rule.pk)
    assert event.data["audience"] == "operations"


def test_the_last_rule_is_not_removed(world, login, harbour_rules):
    last = NotificationRule.objects.filter(client=world.harbour).first()
    NotificationRule.objects.filter(client=world.harbour).exclude(pk=last.pk).delete()
    url = reverse("console:notification_rule_remove", args=[world.harbour.pk, last.pk])
    before = _state()

    response = login(world.ada).post(url)

    assert response.status_code == 409
    assert "last rule" in response.content.decode()
    assert _state() == before


def test_an_admin_restores_the_defaults(world, login, harbour_rules):
    NotificationRule.objects.filter(client=world.harbour).update(email=False)
    rules.add_rule(
        actor(world.ada),
        world.harbour,
        event=NotifyEvent.SLA_BREACHED,
        audience=Audience.STAFF_USER,
        user=world.sam,
    )
    url = reverse("console:notification_rules_restore", args=[world.harbour.pk])

    response = login(world.ada).post(url)

    assert response.status_code == 302
    assert sorted(map(_plain, rules.rules_of(world.harbour))) == sorted(
        map(_plain, rules.DEFAULT_RULES)
    )
    event = AuditEvent.objects.get(action="notification_rules.restored")
    assert event.data == {
        "removed": len(rules.DEFAULT_RULES) + 1,
        "installed": len(rules.DEFAULT_RULES),
    }


def test_only_admins_see_the_rules_link(world, login):
    url = reverse("console:notification_rules_index")
    assert url in login(world.ada).get("/console/").content.decode()
    assert url not in login(world.olivia).get("/console/").content.decode()
