"""The console's two-factor page: setting it up, and switching it off.

Sam (Support) sets it up; Olivia (Operations) already has it and switches it off;
Harry, a client user, never sees the page.
"""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from stratadesk.core.models import AuditEvent
from stratadesk.people import two_factor
from tests.fixtures import PASSWORD
from tests.people.totp import code_for, current_code, give_device, wrong_code

PAGE = "/console/account/two-factor/"
DISABLE = "/console/account/two-factor/disable/"
CODE_PAGE = "/console/account/two-factor/code/"
SECRET = re.compile(r'<code id="two-factor-secret">([A-Z2-7 ]+)</code>')


def _secret(client):
    return client.session["two_factor_new_secret"]


def _events(action):
    return list(AuditEvent.objects.filter(action=action))


def test_it_shows_a_qr_code_and_the_key_to_type(world, login):
    client = login(world.sam)

    html = client.get(PAGE).content.decode()

    uri = two_factor.setup_uri(world.sam, _secret(client))
    assert f'<img src="{two_factor.qr_data_uri(uri)}"' in html
    [shown] = SECRET.findall(html)
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", shown)
    assert ' style="' not in html
    assert not TOTPDevice.objects.exists()


def test_it_keeps_the_same_key_until_it_is_confirmed(world, login):
    client = login(world.sam)

    first = SECRET.findall(client.get(PAGE).content.decode())
    again = SECRET.findall(client.get(PAGE).content.decode())

    assert first == again


def test_it_turns_two_factor_on_with_a_current_code(world, login):
    client = login(world.sam)
    client.get(PAGE)
    secret = _secret(client)

    response = client.post(PAGE, {"code": code_for(secret)}, follow=True)

    device = TOTPDevice.objects.get()
    assert (device.user, device.confirmed, device.key) == (world.sam, True, secret)
    assert "Two-factor sign-in is on." in response.content.decode()
    [event] = _events("user.two_factor_enrolled")
    assert (event.actor, event.subject_id) == (world.sam, str(world.sam.pk))
    # Confirming proved the phone, so this session is not asked for a code again.
    assert client.get("/console/").status_code == 200
    assert "two_factor_new_secret" not in client.session


def test_it_accepts_a_code_typed_with_a_space(world, login):
    client = login(world.sam)
    client.get(PAGE)
    code = code_for(_secret(client))

    client.post(PAGE, {"code": f"{code[:3]} {code[3:]}"})

    assert TOTPDevice.objects.filter(confirmed=True).count() == 1


def test_it_refuses_to_turn_on_with_a_wrong_code(world, login):
    client = login(world.sam)
    client.get(PAGE)
    device = TOTPDevice(key=_secret(client))

    response = client.post(PAGE, {"code": wrong_code(device)})

    assert response.status_code == 422
    assert "That code does not match." in response.content.decode()
    assert not TOTPDevice.objects.exists()
    assert AuditEvent.objects.count() == 0


def test_it_returns_to_the_page_asked_for_after_a_required_set_up(
    world, login, settings
):
    settings.REQUIRE_STAFF_TWO_FACTOR = True
    client = login(world.sam)
    client.get(f"{PAGE}?next=/console/")

    response = client.post(
        PAGE, {"code": code_for(_secret(client)), "next": "/console/"}
    )

    assert response["Location"] == "/console/"
    assert client.get("/console/").status_code == 200


def test_it_offers_to_switch_off_when_two_factor_is_on(world, client):
    device = give_device(world.olivia)
    _verified(client, world.olivia, device)

    html = client.get(PAGE).content.decode()

    assert "<strong>On</strong> since" in html
    assert f'action="{DISABLE}"' in html
    assert '<label for="id_password">Your password' in html
    assert "two-factor-secret" not in html


def test_it_switches_off_with_the_password_and_a_code(world, client):
    device = give_device(world.olivia)
    _verified(client, world.olivia, device)

    response = client.post(
        DISABLE,
        {"password": PASSWORD, "code": current_code(device, steps_ahead=1)},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == PAGE
    assert "Two-factor sign-in is off." in response.content.decode()
    assert not TOTPDevice.objects.exists()
    [event] = _events("user.two_factor_disabled")
    assert (event.actor, event.subject_id) == (world.olivia, str(world.olivia.pk))


@pytest.mark.parametrize(
    ("password", "right_code", "wrong", "message"),
    [
        ("not-my-password", True, "password", "That is not your password."),
        (PASSWORD, False, "code", "That code is not right."),
    ],
)
def test_it_keeps_two_factor_on_without_both_proofs(
    world, client, password, right_code, wrong, message
):
    device = give_device(world.olivia)
    _verified(client, world.olivia, device)
    code = current_code(device, steps_ahead=1) if right_code else wrong_code(device)

    response = client.post(DISABLE, {"password": password, "code": code})

    assert response.status_code == 422
    assert message in response.content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert _events("user.two_factor_disabled") == []
    [event] = _events("user.two_factor_failed")
    assert (event.data["step"], event.data["wrong"]) == ("disable", wrong)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_it_refuses_to_set_up_a_second_device(world, client):
    device = give_device(world.olivia)
    _verified(client, world.olivia, device)

    client.post(PAGE, {"code": "123456"})

    assert TOTPDevice.objects.count() == 1


def test_it_sends_someone_without_two_factor_back_to_the_page_from_switching_off(
    world, login
):
    response = login(world.sam).post(DISABLE, {"password": PASSWORD, "code": "1"})

    assert response["Location"] == PAGE
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize("url", [PAGE, DISABLE, CODE_PAGE])
def test_it_hides_the_two_factor_pages_from_client_users(world, login, url):
    client = login(world.harry)

    assert client.get(url).status_code == 404
    assert client.post(url, {"code": "123456", "password": PASSWORD}).status_code == (
        404
    )
    assert not TOTPDevice.objects.exists()


@pytest.mark.parametrize("who", ["olivia", "sam", "alex", "ada"])
def test_it_links_the_page_from_every_staff_roles_menu(world, login, who):
    html = login(getattr(world, who)).get("/console/").content.decode()

    assert f'<a href="{PAGE}">Two-factor sign-in</a>' in html


def _verified(client, user, device):
    """Sign `user` in through both steps, as the login page would."""
    client.post("/login/", {"username": user.username, "password": PASSWORD})
    client.post(CODE_PAGE, {"code": current_code(device)})
    assert client.get("/console/").status_code == 200
