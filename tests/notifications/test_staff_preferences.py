"""Staff choose which emails they get on the console's notifications page.

As for clients, a topic turned off stops its emails only: the in-app notice still
comes, under the bell.
"""

import pytest
from django.urls import reverse

from stratadesk.core.models import AuditEvent
from stratadesk.notifications import services
from stratadesk.notifications.models import (
    EmailDelivery,
    EmailPreference,
    EmailTopic,
    Notice,
    NotificationRule,
)
from stratadesk.notifications.rules import install_defaults
from stratadesk.tickets import services as tickets
from tests.fixtures import actor

PAGE = "/console/notifications/"


def _emailed(template):
    return sorted(
        EmailDelivery.objects.filter(template=template).values_list(
            "to_address", flat=True
        )
    )


def _noticed(event):
    return sorted(
        Notice.objects.filter(event=event).values_list("user__username", flat=True)
    )


def _turn_off(user, topic):
    choices = {each: each != topic for each in services.topics_of(user)}
    services.set_preferences(actor(user), choices)


def test_an_engineer_sees_the_staff_topics_only(world, client):
    client.force_login(world.sam)

    response = client.get(PAGE)

    fields = list(response.context["form"].fields)
    assert fields == ["assigned_work", "sla_alerts", "ticket_activity"]
    assert "Tickets assigned to me" in response.content.decode()


def test_an_engineer_turns_assigned_work_emails_off(world, client):
    client.force_login(world.sam)

    response = client.post(PAGE, {"sla_alerts": "on", "ticket_activity": "on"})

    assert response.status_code == 302
    assert services.preferences_of(world.sam) == {
        "assigned_work": False,
        "sla_alerts": True,
        "ticket_activity": True,
    }
    event = AuditEvent.objects.get(action="user.email_preferences")
    assert (event.actor, event.subject_id) == (world.sam, str(world.sam.pk))
    assert event.data == {"assigned_work": False}


def test_an_opted_out_engineer_is_not_emailed_but_still_gets_the_notice(world):
    _turn_off(world.sam, EmailTopic.ASSIGNED_WORK)

    world.ticket_at("assigned")

    assert _emailed("ticket_assigned") == []
    assert _noticed("ticket_assigned") == ["sam"]


def test_an_engineer_who_did_not_opt_out_is_emailed(world):
    _turn_off(world.sasha, EmailTopic.ASSIGNED_WORK)  # someone else's choice

    world.ticket_at("assigned")

    assert _emailed("ticket_assigned") == ["sam@example.test"]


def test_staff_turn_off_ticket_activity_a_rule_emails_them(world):
    install_defaults(world.harbour)
    NotificationRule.objects.filter(
        client=world.harbour, event="ticket_created", audience="operations"
    ).update(email=True)
    # Ada is emailed too, by a rule naming her: only Olivia opts out.
    NotificationRule.objects.create(
        client=world.harbour,
        event="ticket_created",
        audience="staff_user",
        user=world.ada,
        email=True,
    )
    _turn_off(world.olivia, EmailTopic.TICKET_ACTIVITY)

    world.raise_ticket()

    assert _emailed("ticket_created") == ["ada@example.test", "harry@harbour.test"]
    assert "olivia" in _noticed("ticket_created")


def test_a_client_turning_off_ticket_updates_does_not_silence_staff(world):
    install_defaults(world.harbour)
    NotificationRule.objects.filter(
        client=world.harbour, event="ticket_created", audience="operations"
    ).update(email=True)
    _turn_off(world.harry, EmailTopic.TICKET_UPDATES)

    world.raise_ticket(by=world.sam)

    assert _emailed("ticket_created") == ["olivia@example.test"]


@pytest.mark.parametrize("persona", ["olivia", "alex", "ada"])
def test_every_staff_role_may_choose(world, client, persona):
    user = getattr(world, persona)
    client.force_login(user)

    client.post(PAGE, {"assigned_work": "on"})

    assert set(
        EmailPreference.objects.filter(user=user, email=False).values_list(
            "topic", flat=True
        )
    ) == {"sla_alerts", "ticket_activity"}


def test_a_reply_tells_the_assignee_by_the_activity_topic(world):
    install_defaults(world.harbour)
    NotificationRule.objects.filter(
        client=world.harbour, event="public_comment", audience="assignee"
    ).update(email=True)
    ticket = world.ticket_at("in_progress")
    _turn_off(world.sam, EmailTopic.TICKET_ACTIVITY)

    tickets.add_comment(actor(world.harry), ticket, "Still jamming.")

    assert _emailed("ticket_commented") == []
    assert reverse("console:ticket_detail", args=[ticket.number]) in (
        Notice.objects.get(user=world.sam, event="public_comment").link
    )
