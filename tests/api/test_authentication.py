"""Bearer keys and tokens: who gets in, and what a refusal says."""

from datetime import timedelta

import time_machine

from stratadesk.api import keys
from stratadesk.api.models import ClientApiKey
from stratadesk.core import clock
from stratadesk.people.actors import Actor
from tests.api.conftest import Caller, problem

TICKETS = "/api/v1/tickets"


def test_it_answers_401_with_the_bearer_challenge_without_a_key(anonymous):
    response = anonymous.get(TICKETS)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="stratadesk"'
    assert problem(response)["code"] == "not_authenticated"


def test_it_refuses_another_authorization_scheme(harbour):
    response = harbour.get(TICKETS, headers={"Authorization": "Basic dXNlcjpwYXNz"})

    assert response.status_code == 401
    assert problem(response)["code"] == "bad_authorization_header"


def test_it_refuses_a_made_up_key_and_a_wrong_secret(client_key, anonymous):
    _, secret = client_key()
    prefix, _, _ = secret.partition(".")

    made_up = anonymous.get(TICKETS, headers={"Authorization": "Bearer nonsense"})
    wrong = anonymous.get(
        TICKETS, headers={"Authorization": f"Bearer {prefix}.not-the-secret"}
    )

    assert problem(made_up)["code"] == "invalid_key"
    assert problem(wrong)["code"] == "invalid_key"
    assert made_up.status_code == wrong.status_code == 401


def test_it_refuses_a_revoked_key_and_says_so(client_key, anonymous):
    key, secret = client_key()
    keys.revoke_client_key(Actor.system(), key)

    response = Caller(secret, anonymous.client).get(TICKETS)

    assert response.status_code == 401
    assert problem(response)["code"] == "key_revoked"


def test_it_refuses_an_expired_key_and_says_when_it_expired(client_key, anonymous):
    _, secret = client_key(expires_at=clock.now() + timedelta(days=1))

    with time_machine.travel(clock.now() + timedelta(days=2)):
        response = Caller(secret, anonymous.client).get(TICKETS)

    assert response.status_code == 401
    body = problem(response)
    assert body["code"] == "key_expired"
    assert "expired at" in body["detail"]


def test_it_records_when_a_key_was_last_used(client_key, anonymous):
    key, secret = client_key()
    assert key.last_used_at is None

    Caller(secret, anonymous.client).get(TICKETS)

    key.refresh_from_db()
    assert key.last_used_at is not None


def test_it_keeps_a_rotated_key_working_for_a_day_then_only_the_new_one(
    client_key, anonymous
):
    old, old_secret = client_key()
    new, new_secret = keys.rotate_client_key(Actor.system(), old)

    assert Caller(old_secret, anonymous.client).get(TICKETS).status_code == 200
    assert Caller(new_secret, anonymous.client).get(TICKETS).status_code == 200
    with time_machine.travel(clock.now() + timedelta(hours=25)):
        assert Caller(old_secret, anonymous.client).get(TICKETS).status_code == 401
        assert Caller(new_secret, anonymous.client).get(TICKETS).status_code == 200
    assert new.rotated_from_id == old.pk


def test_it_stores_only_a_hash_of_the_secret(client_key):
    key, secret = client_key()

    stored = ClientApiKey.objects.get(pk=key.pk)
    assert secret.removeprefix("sdc_") not in stored.hashed_key
    assert stored.is_valid(secret.removeprefix("sdc_"))


def test_it_refuses_the_token_of_a_deactivated_user(world, as_staff):
    olivia = as_staff(world.olivia)
    world.olivia.is_active = False
    world.olivia.save()

    response = olivia.get(TICKETS)

    assert response.status_code == 401
    assert problem(response)["code"] == "user_inactive"


def test_it_never_gives_a_client_user_a_staff_token(world):
    import pytest

    from stratadesk.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        keys.create_staff_token(Actor.system(), world.harry, name="sneaky")


def test_it_refuses_the_key_of_a_client_no_longer_active(world, client_key, anonymous):
    _, secret = client_key()
    world.harbour.is_active = False
    world.harbour.save()

    response = Caller(secret, anonymous.client).get(TICKETS)

    assert response.status_code == 401
    assert problem(response)["code"] == "client_inactive"


def test_it_refuses_to_rotate_an_expired_or_already_rotated_key(client_key):
    import pytest

    from stratadesk.core.errors import ValidationFailed

    rotated, _ = client_key()
    keys.rotate_client_key(Actor.system(), rotated)
    expiring, _ = client_key(expires_at=clock.now() + timedelta(days=1))

    with pytest.raises(ValidationFailed, match="already rotated"):
        keys.rotate_client_key(Actor.system(), rotated)
    with (
        time_machine.travel(clock.now() + timedelta(days=2)),
        pytest.raises(ValidationFailed, match="expired"),
    ):
        keys.rotate_client_key(Actor.system(), expiring)
