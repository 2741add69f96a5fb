"""Signing in with two-factor: the code step after the password, for staff who have it.

Olivia (Operations) and Ada (Admin) have an authenticator app set up; Sam (Support)
has not; Harry is a Harbour Legal client user, who never has one.
"""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from stratadesk.core.models import AuditEvent
from stratadesk.people import two_factor
from tests.fixtures import PASSWORD
from tests.people.totp import current_code, give_device, wrong_code

CODE_PAGE = "/console/account/two-factor/code/"
SETUP_PAGE = "/console/account/two-factor/"
OFFICE = "203.0.113.20"


@pytest.fixture
def olivias_app(world):
    return give_device(world.olivia)


def _sign_in(client, user, page="/login/", next_url=None):
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(page, data, follow=True, REMOTE_ADDR=OFFICE)


def _give_code(client, code, next_url=""):
    data = {"code": code, "next": next_url}
    return client.post(CODE_PAGE, data, REMOTE_ADDR=OFFICE)


def _landed_on(response):
    return response.redirect_chain[-1][0]


def test_it_asks_for_a_code_after_the_right_password(world, client, olivias_app):
    response = _sign_in(client, world.olivia)

    assert _landed_on(response) == f"{CODE_PAGE}?next=/console/"
    assert '<h1 id="code-heading">Enter your code</h1>' in response.content.decode()
    assert '<label for="id_code">Code from your authenticator app' in (
        response.content.decode()
    )


def test_it_signs_in_with_the_right_code_and_goes_where_asked(
    world, client, olivias_app
):
    ticket = world.raise_ticket()
    page = f"/console/tickets/{ticket.number}/"
    _sign_in(client, world.olivia, next_url=page)

    response = _give_code(client, current_code(olivias_app), next_url=page)

    assert response.status_code == 302
    assert response["Location"] == page
    assert client.get(page).status_code == 200


def test_it_lets_staff_without_two_factor_straight_in(world, client):
    response = _sign_in(client, world.sam)

    assert _landed_on(response) == "/console/"
    assert response.status_code == 200


def test_it_never_asks_a_client_user_for_a_code(world, client):
    response = _sign_in(client, world.harry, page="/portal/login/")

    assert _landed_on(response) == "/portal/"
    assert client.get(CODE_PAGE).status_code == 404


def test_it_refuses_a_wrong_code_and_audits_it(world, client, olivias_app):
    _sign_in(client, world.olivia)

    response = _give_code(client, wrong_code(olivias_app))

    assert response.status_code == 422
    assert "That code is not right." in response.content.decode()
    assert client.get("/console/")["Location"] == f"{CODE_PAGE}?next=/console/"
    [event] = AuditEvent.objects.filter(action="user.two_factor_failed")
    assert (event.subject_type, event.subject_id) == ("user", str(world.olivia.pk))
    assert (event.actor, event.actor_role, event.channel) == (
        world.olivia,
        "operations",
        "console",
    )
    assert event.data == {
        "step": "sign_in",
        "wrong": "code",
        "failures": 1,
        "ip_address": OFFICE,
    }


def test_it_pauses_checking_codes_after_wrong_ones(world, client, olivias_app):
    _sign_in(client, world.olivia)
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        _give_code(client, wrong_code(olivias_app))
        paused = _give_code(client, current_code(olivias_app))
    with time_machine.travel(start + timedelta(seconds=2), tick=False):
        later = _give_code(client, current_code(olivias_app))

    assert paused.status_code == 429
    assert paused["Retry-After"] == "1"
    assert "Too many wrong codes in a row." in paused.content.decode()
    assert later.status_code == 302
    olivias_app.refresh_from_db()
    assert olivias_app.throttling_failure_count == 0
    assert AuditEvent.objects.filter(action="user.two_factor_failed").count() == 1


def test_it_doubles_the_pause_with_each_wrong_code_in_a_row(world, client, olivias_app):
    _sign_in(client, world.olivia)
    start = timezone.now()

    for second in (0, 1, 3):
        with time_machine.travel(start + timedelta(seconds=second), tick=False):
            _give_code(client, wrong_code(olivias_app))
    with time_machine.travel(start + timedelta(seconds=6), tick=False):
        paused = _give_code(client, current_code(olivias_app))
    with time_machine.travel(start + timedelta(seconds=7), tick=False):
        later = _give_code(client, current_code(olivias_app))

    assert (paused.status_code, later.status_code) == (429, 302)
    assert AuditEvent.objects.filter(action="user.two_factor_failed").count() == 3


def test_it_does_not_take_the_same_code_twice(world, client, olivias_app):
    code = current_code(olivias_app)
    _sign_in(client, world.olivia)
    _give_code(client, code)
    client.post("/logout/")
    _sign_in(client, world.olivia)

    response = _give_code(client, code)

    assert response.status_code == 422


def test_it_gives_a_fresh_session_key_once_the_code_is_right(
    world, client, olivias_app
):
    _sign_in(client, world.olivia)
    half_signed_in = client.session.session_key

    _give_code(client, current_code(olivias_app))

    assert client.session.session_key != half_signed_in


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/console/"),
        ("get", "/console/tickets/{number}/"),
        ("post", "/console/tickets/{number}/transition/triage/"),
        ("post", "/console/tickets/{number}/comments/"),
        ("post", "/console/account/two-factor/disable/"),
    ],
)
def test_it_keeps_the_console_closed_until_the_code_is_given(
    world, client, olivias_app, method, path
):
    ticket = world.raise_ticket()
    path = path.format(number=ticket.number)
    _sign_in(client, world.olivia)
    before = (ticket.version, AuditEvent.objects.count(), TOTPDevice.objects.count())

    data = {"version": ticket.version, "comment-body": "Hi", "password": PASSWORD}
    response = getattr(client, method)(path, data if method == "post" else None)

    assert response.status_code == 302
    assert response["Location"].startswith(f"{CODE_PAGE}?next=")
    ticket.refresh_from_db()
    after = (ticket.version, AuditEvent.objects.count(), TOTPDevice.objects.count())
    assert after == before


def test_it_keeps_the_admin_site_closed_until_the_code_is_given(world, client):
    device = give_device(world.ada)
    _sign_in(client, world.ada)

    blocked = client.get("/admin/", follow=True)
    _give_code(client, current_code(device), next_url="/admin/")
    opened = client.get("/admin/")

    assert _landed_on(blocked) == f"{CODE_PAGE}?next=/admin/"
    assert opened.status_code == 200


def test_it_sends_an_admin_signing_in_on_the_admin_site_to_the_code_step(world, client):
    give_device(world.ada)

    response = _sign_in(client, world.ada, page="/admin/login/", next_url="/admin/")

    assert _landed_on(response) == f"{CODE_PAGE}?next=/admin/"


def test_it_sends_someone_without_a_code_to_give_home_from_the_code_step(world, client):
    _sign_in(client, world.sam)

    response = client.get(CODE_PAGE)

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_it_ignores_a_next_address_on_another_site(world, client, olivias_app):
    _sign_in(client, world.olivia)

    response = _give_code(
        client, current_code(olivias_app), next_url="https://evil.example/"
    )

    assert response["Location"] == "/"


# Requiring two-factor -------------------------------------------------------------


@pytest.fixture
def required(settings):
    settings.REQUIRE_STAFF_TWO_FACTOR = True


@pytest.mark.parametrize("page", ["/console/", "/admin/"])
def test_it_sends_staff_without_two_factor_to_set_it_up_when_required(
    world, client, required, page
):
    client.force_login(world.ada)

    response = client.get(page, follow=True)

    assert _landed_on(response) == f"{SETUP_PAGE}?next={page}"
    assert "Staff must use two-factor sign-in here" in response.content.decode()


def test_it_still_asks_staff_with_two_factor_for_the_code_when_required(
    world, client, required, olivias_app
):
    response = _sign_in(client, world.olivia)

    assert _landed_on(response) == f"{CODE_PAGE}?next=/console/"


def test_it_leaves_client_users_alone_when_staff_two_factor_is_required(
    world, client, required
):
    client.force_login(world.harry)

    assert client.get("/portal/").status_code == 200


def _setting_from(value):
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from stratadesk import settings; print(settings.REQUIRE_STAFF_TWO_FACTOR)",
        ],
        env={**os.environ, "STRATADESK_REQUIRE_STAFF_2FA": value},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(("value", "expected"), [("", "False"), ("true", "True")])
def test_it_reads_the_requirement_from_the_environment(value, expected):
    result = _setting_from(value)

    assert result.stdout.strip() == expected, result.stderr


def test_it_refuses_a_requirement_that_is_not_yes_or_no_naming_the_variable():
    result = _setting_from("sometimes")

    assert result.returncode != 0
    assert "STRATADESK_REQUIRE_STAFF_2FA" in result.stderr


# The admin's view of devices --------------------------------------------------------


def test_it_shows_admins_who_has_two_factor_but_never_the_secret(
    world, client, olivias_app
):
    client.force_login(world.ada)

    listing = client.get("/admin/otp_totp/totpdevice/").content.decode()
    detail = client.get(f"/admin/otp_totp/totpdevice/{olivias_app.pk}/change/")

    assert "olivia" in listing
    assert detail.status_code == 200
    assert olivias_app.key not in detail.content.decode()
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 403


def test_it_lets_an_admin_remove_a_lost_device_and_audits_it(
    world, client, olivias_app
):
    client.force_login(world.ada)

    response = client.post(
        f"/admin/otp_totp/totpdevice/{olivias_app.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.exists()
    [event] = AuditEvent.objects.filter(action="totpdevice.deleted")
    assert (event.actor, event.subject_id) == (world.ada, str(olivias_app.pk))


# What the phone is given -----------------------------------------------------------


def test_it_names_stratadesk_and_the_user_in_the_setup_address(world):
    uri = two_factor.setup_uri(world.olivia, "3132333435363738393031323334353637383930")

    assert uri == (
        "otpauth://totp/Stratadesk%3Aolivia?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        "&issuer=Stratadesk&algorithm=SHA1&digits=6&period=30"
    )


def test_it_shows_the_key_in_groups_of_four_for_typing():
    shown = two_factor.secret_for_humans("3132333435363738393031323334353637383930")

    assert shown == "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"
