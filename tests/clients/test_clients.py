import pytest

from stratadesk.clients import services
from stratadesk.clients.models import ClientOrganisation
from stratadesk.core.errors import ValidationFailed
from stratadesk.core.models import AuditEvent
from stratadesk.people.actors import Actor

ADMIN = Actor.system("test")


def _create(**fields):
    values = {
        "name": "Coastal Dental",
        "slug": "coastal-dental",
        "state": "NSW",
        "timezone": "Australia/Sydney",
    }
    values.update(fields)
    return services.create_client(ADMIN, **values)


def test_it_stores_a_valid_abn_compact_and_audits_the_creation(db):
    client = _create(abn="53 004 085 616")

    client.refresh_from_db()
    assert client.abn == "53004085616"
    assert client.abn_display == "53 004 085 616"
    assert AuditEvent.objects.filter(action="client.created").count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("abn", "53 004 085 617"), ("timezone", "Australia/Gotham"), ("state", "XX")],
)
def test_it_refuses_bad_values_and_creates_nothing(db, field, value):
    with pytest.raises(ValidationFailed) as error:
        _create(**{field: value})

    assert field in error.value.fields
    assert not ClientOrganisation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_refuses_a_second_contact_with_the_same_email_in_one_client(db):
    client = _create()
    services.add_contact(ADMIN, client, name="Ann", email="ann@coastal.test")

    with pytest.raises(ValidationFailed):
        services.add_contact(ADMIN, client, name="Ann B", email="ANN@coastal.test")


def test_it_refuses_to_link_a_contact_to_another_organisations_login(world):
    with pytest.raises(ValidationFailed) as error:
        services.add_contact(
            ADMIN,
            world.harbour,
            name="Mole",
            email="mole@harbour.test",
            user=world.oscar,
        )

    assert "user" in error.value.fields


def test_it_refuses_to_link_a_contact_to_a_staff_login(world):
    with pytest.raises(ValidationFailed):
        services.add_contact(
            ADMIN, world.harbour, name="Sam", email="sam@harbour.test", user=world.sam
        )
