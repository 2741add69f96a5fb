"""Django admin: the Admin role's configuration screen, audited like any change."""

from django.urls import reverse

from stratadesk.clients.models import ClientOrganisation
from stratadesk.core.models import AuditEvent


def test_it_lets_only_admins_into_the_admin_site(world, client):
    for persona, status in [("ada", 200), ("olivia", 302), ("hannah", 302)]:
        client.force_login(getattr(world, persona))

        response = client.get(reverse("admin:index"))

        assert response.status_code == status, persona


def test_it_audits_a_configuration_change_made_in_the_admin(world, client):
    client.force_login(world.ada)
    url = reverse("admin:clients_clientorganisation_change", args=[world.harbour.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name in form.fields
    }
    data.update(
        {
            "name": "Harbour Legal Pty Ltd",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
            "sites-TOTAL_FORMS": "0",
            "sites-INITIAL_FORMS": "0",
            "branding-TOTAL_FORMS": "0",
            "branding-INITIAL_FORMS": "0",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.content[:2000]
    assert ClientOrganisation.objects.get(pk=world.harbour.pk).name.endswith("Pty Ltd")
    event = AuditEvent.objects.get(action="clientorganisation.changed")
    assert event.actor == world.ada
    assert event.client == world.harbour
    assert event.data == {
        "via": "admin",
        "changes": [{"changed": {"fields": ["Name"]}}],
    }


def test_it_makes_a_superuser_from_the_command_line_an_admin(db):
    from stratadesk.people.models import User

    user = User.objects.create_superuser("root", "root@example.test", "pw-123456789")

    assert user.role == "admin"
    assert user.is_staff


def test_it_audits_a_password_change_made_in_the_admin(world, client):
    client.force_login(world.ada)
    url = reverse("admin:auth_user_password_change", args=[world.sam.pk])

    response = client.post(
        url,
        {"password1": "a-Much-Better-pass-9", "password2": "a-Much-Better-pass-9"},
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="user.changed")
    assert (event.subject_id, event.actor) == (str(world.sam.pk), world.ada)
