"""Console pages for client API keys (Admins) and personal API tokens (all staff)."""

import pytest
from django.core.management import CommandError, call_command

from stratadesk.api import keys
from stratadesk.api.models import ClientApiKey, StaffToken
from stratadesk.core.models import AuditEvent
from stratadesk.people.actors import Actor


@pytest.fixture
def client_key_for_harbour(world):
    key, _ = keys.create_client_key(
        Actor.system("tests"), world.harbour, name="ITSM", scopes=["tickets:read"]
    )
    return key


def _sign_in(client, user):
    client.force_login(user)
    return client


def test_it_lets_an_admin_make_a_key_and_shows_the_secret_once(world, client):
    _sign_in(client, world.ada)

    response = client.post(
        "/console/api-keys/",
        {
            "client": world.harbour.pk,
            "name": "Harbour ITSM",
            "scopes": ["tickets:read", "tickets:write"],
        },
    )

    assert response.status_code == 201
    key = ClientApiKey.objects.get()
    secret = response.context["secret"]
    assert secret.startswith(f"sdc_{key.prefix}.")
    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert key.scopes == ["tickets:read", "tickets:write"]
    assert secret not in client.get("/console/api-keys/").content.decode()
    assert AuditEvent.objects.filter(action="api_key.created").count() == 1


def test_it_explains_a_key_without_name_or_scopes(world, client):
    _sign_in(client, world.ada)

    response = client.post("/console/api-keys/", {"client": world.harbour.pk})

    assert response.status_code == 422
    assert b"A name is required" in response.content
    assert b"Choose at least one known scope" in response.content
    assert not ClientApiKey.objects.exists()


def test_it_rotates_and_revokes_a_key(world, client, client_key_for_harbour):
    key = client_key_for_harbour
    _sign_in(client, world.ada)

    rotated = client.post(f"/console/api-keys/{key.prefix}/rotate/")
    revoked = client.post(f"/console/api-keys/{key.prefix}/revoke/")

    assert rotated.status_code == 201
    assert ClientApiKey.objects.count() == 2
    assert revoked.status_code == 302
    key.refresh_from_db()
    assert key.revoked


def test_it_keeps_the_key_pages_from_everyone_but_admins(world, client):
    for who in (world.olivia, world.sam, world.alex):
        _sign_in(client, who)

        assert client.get("/console/api-keys/").status_code == 403
        assert client.post("/console/api-keys/", {"name": "x"}).status_code == 403
    _sign_in(client, world.harry)
    assert client.get("/console/api-keys/").status_code == 404
    assert not ClientApiKey.objects.exists()


def test_it_lets_any_staff_member_make_and_revoke_their_own_token(world, client):
    _sign_in(client, world.sam)

    made = client.post("/console/account/api-tokens/", {"name": "my script"})
    token = StaffToken.objects.get()
    revoked = client.post(f"/console/account/api-tokens/{token.prefix}/revoke/")

    assert made.status_code == 201
    assert made.context["secret"].startswith("sdt_")
    assert token.user == world.sam
    assert revoked.status_code == 302
    token.refresh_from_db()
    assert token.revoked


def test_it_never_lets_one_person_revoke_anothers_token(world, client):
    _sign_in(client, world.sam)
    client.post("/console/account/api-tokens/", {"name": "sams"})
    token = StaffToken.objects.get()
    _sign_in(client, world.olivia)

    response = client.post(f"/console/account/api-tokens/{token.prefix}/revoke/")

    assert response.status_code == 404
    token.refresh_from_db()
    assert not token.revoked
    assert b"sams" not in client.get("/console/account/api-tokens/").content


def test_it_prints_a_new_key_once_from_the_command_line(world, capsys):
    call_command(
        "apikey",
        "create",
        "--client",
        "harbour-legal",
        "--name",
        "Monitoring",
        "--scope",
        "tickets:write",
    )
    secret = capsys.readouterr().out.strip().splitlines()[-1]
    key = ClientApiKey.objects.get()

    call_command("apikey", "list")
    listing = capsys.readouterr().out
    call_command("apikey", "revoke", key.prefix)

    assert secret.startswith(f"sdc_{key.prefix}.")
    assert key.prefix in listing
    assert secret not in listing
    key.refresh_from_db()
    assert key.revoked


def test_it_prints_a_new_token_once_from_the_command_line(world, capsys):
    call_command("token", "create", "--user", "olivia")
    secret = capsys.readouterr().out.strip().splitlines()[-1]
    token = StaffToken.objects.get()

    call_command("token", "list", "--user", "olivia")
    listing = capsys.readouterr().out

    assert secret.startswith(f"sdt_{token.prefix}.")
    assert token.prefix in listing and secret not in listing


def test_it_refuses_a_token_for_a_client_user_from_the_command_line(world):
    with pytest.raises(CommandError, match="Only active MSP staff"):
        call_command("token", "create", "--user", "harry")
