"""Django's admin refuses the rules the console refuses."""

from django.urls import reverse

from stratadesk.notifications.models import NotificationRule


def _add(client, world, user):
    return client.post(
        reverse("admin:notifications_notificationrule_add"),
        {
            "client": world.harbour.pk,
            "event": "ticket_created",
            "stage": "",
            "audience": "staff_user",
            "user": user.pk,
            "email": "on",
        },
    )


def test_the_admin_refuses_a_rule_naming_another_clients_user(world, client):
    client.force_login(world.ada)

    response = _add(client, world, world.oscar)

    assert response.status_code == 200
    assert "This person belongs to another client." in response.content.decode()
    assert not NotificationRule.objects.exists()


def test_the_admin_adds_a_rule_naming_staff(world, client):
    client.force_login(world.ada)

    response = _add(client, world, world.sam)

    assert response.status_code == 302
    assert NotificationRule.objects.get().user == world.sam
