"""Signing in: two login pages, each for its own kind of account, and the lockout.

Olivia (Operations) and Harry (a Harbour Legal client) sign in; an attacker guesses
passwords from 198.51.100.7 while Olivia's office is at 203.0.113.20.
"""

import logging
import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse
from django.utils import dateformat, timezone

from stratadesk.core.models import AuditEvent, BusinessProfile
from stratadesk.people.lockout import client_ip
from tests.fixtures import PASSWORD

STAFF_LOGIN = "/login/"
PORTAL_LOGIN = "/portal/login/"
ATTACKER = "198.51.100.7"
OFFICE = "203.0.113.20"
LIMIT = 5
WRONG = "wrong-guess"


@pytest.fixture(autouse=True)
def _lockout_policy(settings):
    # The shipped defaults, pinned so a developer's environment cannot change them.
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def _try(client, username, password=WRONG, page=STAFF_LOGIN, ip=ATTACKER):
    data = {"username": username, "password": password}
    return client.post(page, data, REMOTE_ADDR=ip)


def _fail(client, username, times, **where):
    return [_try(client, username, **where) for _ in range(times)][-1]


def _signed_in(client):
    return "_auth_user_id" in client.session


def test_it_lets_the_right_password_in_after_one_failure_short_of_the_limit(
    world, client
):
    _fail(client, "olivia", LIMIT - 1)

    response = _try(client, "olivia", PASSWORD)

    assert response.status_code == 302
    assert _signed_in(client)


def test_it_locks_out_on_the_failure_that_reaches_the_limit(world, client):
    before = _fail(client, "olivia", LIMIT - 1)

    response = _try(client, "olivia")

    assert before.status_code == 200
    assert response.status_code == 429
    assert "locked_out.html" in [t.name for t in response.templates]


def test_it_refuses_even_the_right_password_during_the_lockout(world, client):
    _fail(client, "olivia", LIMIT)

    response = _try(client, "olivia", PASSWORD)

    assert response.status_code == 429
    assert not _signed_in(client)


def test_it_does_not_lengthen_the_lockout_for_tries_made_during_it(world, client):
    _fail(client, "olivia", LIMIT)
    attempt = AccessAttempt.objects.get(username="olivia")

    _fail(client, "olivia", 3)

    attempt.refresh_from_db()
    assert attempt.failures_since_start == LIMIT


def test_it_tells_when_to_try_again_and_whom_to_contact(world, client):
    BusinessProfile.objects.create(
        legal_name="Southern Cross IT Pty Ltd",
        abn="53004085616",
        email="help@southerncross.test",
        phone="02 9000 0000",
    )
    _fail(client, "harry", LIMIT - 1, page=PORTAL_LOGIN)

    response = _try(client, "harry", page=PORTAL_LOGIN)

    until = timezone.localtime(AccessAttempt.objects.get().attempt_time)
    until += timedelta(minutes=15)
    html = response.content.decode()
    assert f'datetime="{until.isoformat()}">{dateformat.format(until, "g:i a T")}' in (
        html
    )
    assert "(in about 15\xa0minutes)" in html
    assert "contact your service provider, Southern Cross IT Pty Ltd" in html
    assert "help@southerncross.test" in html
    assert f'href="{PORTAL_LOGIN}"' in html
    assert response["Retry-After"] == "900"


def test_it_points_locked_out_staff_to_an_administrator(world, client):
    response = _fail(client, "olivia", LIMIT)

    html = response.content.decode()
    assert "contact a Stratadesk administrator" in html
    assert "contact your service provider" not in html
    assert f'href="{STAFF_LOGIN}"' in html


def test_it_locks_only_that_username_from_that_address(world, client):
    _fail(client, "olivia", LIMIT)

    from_office = _try(client, "olivia", PASSWORD, ip=OFFICE)
    client.logout()
    someone_else = _try(client, "sam", PASSWORD)

    assert from_office.status_code == 302
    assert someone_else.status_code == 302


def test_it_locks_out_an_unknown_username_alike_without_auditing_it(
    world, client, caplog
):
    caplog.set_level(logging.WARNING, logger="stratadesk.people.lockout")

    response = _fail(client, "nobody-here", LIMIT)

    assert response.status_code == 429
    assert not AuditEvent.objects.filter(action="user.locked_out").exists()
    [record] = [r for r in caplog.records if r.name == "stratadesk.people.lockout"]
    assert (record.msg, record.username, record.ip_address, record.failures) == (
        "sign-in locked out",
        "nobody-here",
        ATTACKER,
        LIMIT,
    )


def test_it_forgets_earlier_failures_once_the_right_password_is_given(world, client):
    _fail(client, "olivia", LIMIT - 1)
    _try(client, "olivia", PASSWORD)
    client.logout()

    _fail(client, "olivia", LIMIT - 1)
    response = _try(client, "olivia", PASSWORD)

    assert response.status_code == 302
    assert _signed_in(client)


def test_it_lifts_the_lockout_after_the_cool_off(world, client):
    _fail(client, "olivia", LIMIT)

    later = timezone.now() + timedelta(minutes=15, seconds=5)
    with time_machine.travel(later, tick=False):
        response = _try(client, "olivia", PASSWORD)

    assert response.status_code == 302


def test_it_records_each_lockout_in_the_audit_trail_once(world, client):
    _fail(client, "harry", LIMIT + 2, page=PORTAL_LOGIN)

    [event] = AuditEvent.objects.filter(action="user.locked_out")
    assert (event.subject_type, event.subject_id) == ("user", str(world.harry.pk))
    assert (event.actor, event.actor_role, event.channel) == (None, "system", "system")
    assert event.client == world.harbour
    assert event.data["ip_address"] == ATTACKER
    assert event.data["failures"] == LIMIT
    assert event.data["page"] == PORTAL_LOGIN


def test_it_refuses_a_client_account_on_the_staff_login(world, client):
    response = _try(client, "harry", PASSWORD)

    html = response.content.decode()
    assert response.status_code == 200
    assert "This login is for staff." in html
    assert f'<a href="{PORTAL_LOGIN}">Go to the client portal login</a>' in html
    assert not _signed_in(client)


def test_it_refuses_a_staff_account_on_the_portal_login(world, client):
    response = _try(client, "olivia", PASSWORD, page=PORTAL_LOGIN)

    html = response.content.decode()
    assert response.status_code == 200
    assert "This login is for client accounts." in html
    assert f'<a href="{STAFF_LOGIN}">Go to the staff login</a>' in html
    assert not _signed_in(client)


def test_it_does_not_reveal_the_kind_of_account_to_a_wrong_password(world, client):
    response = _try(client, "harry")

    html = response.content.decode()
    assert "Please enter a correct username and password" in html
    assert "This login is for staff." not in html


def test_it_gives_each_login_page_its_own_heading(client, db):
    staff = client.get(STAFF_LOGIN).content.decode()
    portal = client.get(PORTAL_LOGIN).content.decode()

    assert '<h1 id="login-heading">Staff login</h1>' in staff
    assert '<h1 id="login-heading">Client portal login</h1>' in portal
    assert f'action="{PORTAL_LOGIN}"' in portal


def test_it_lands_a_client_in_the_portal(world, client):
    response = client.post(
        PORTAL_LOGIN, {"username": "harry", "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("portal:ticket_list")


def test_it_lands_staff_in_the_console(world, client):
    response = client.post(
        STAFF_LOGIN, {"username": "olivia", "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("console:ticket_list")


@pytest.mark.parametrize(
    ("url", "login"),
    [
        ("/console/", STAFF_LOGIN),
        ("/console/tickets/1/", STAFF_LOGIN),
        ("/portal/", PORTAL_LOGIN),
        ("/portal/tickets/new/", PORTAL_LOGIN),
    ],
)
def test_it_sends_anonymous_visitors_to_that_sides_login(client, db, url, login):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{login}?next={url}"


@pytest.mark.parametrize(
    ("who", "page"), [("harry", PORTAL_LOGIN), ("sam", STAFF_LOGIN)]
)
def test_it_shows_the_login_page_each_person_uses_after_logout(
    world, client, who, page
):
    client.force_login(getattr(world, who))

    response = client.post(reverse("logout"))

    assert response["Location"] == page


@pytest.mark.parametrize("who", ["harry", "olivia"])
def test_the_admin_site_refuses_to_log_in_anyone_but_an_admin(world, client, who):
    response = client.post(
        reverse("admin:login"),
        {"username": who, "password": PASSWORD, "next": "/admin/"},
    )

    assert response.status_code == 200
    assert "Please enter the correct username and password for a staff" in (
        response.content.decode()
    )
    assert not _signed_in(client)


def test_the_admin_site_logs_an_admin_in(world, client):
    response = client.post(
        reverse("admin:login"),
        {"username": "ada", "password": PASSWORD, "next": "/admin/"},
    )

    assert response["Location"] == "/admin/"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "10.0.0.5"),
        (1, "192.0.2.1", "192.0.2.1"),
        (1, "192.0.2.66, 192.0.2.1", "192.0.2.1"),
        (2, "192.0.2.66, 192.0.2.1, 10.0.0.4", "192.0.2.1"),
        (2, "192.0.2.1", "10.0.0.5"),
        (1, "not-an-address", "10.0.0.5"),
    ],
)
def test_it_takes_the_address_the_trusted_proxies_vouch_for(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().post(
        STAFF_LOGIN, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded
    )

    assert client_ip(request) == expected


def _settings_from(**env):
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from stratadesk import settings as s; "
            "print(s.AXES_FAILURE_LIMIT, int(s.AXES_COOLOFF_TIME.total_seconds()), "
            "s.TRUSTED_PROXY_COUNT)",
        ],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_reads_the_lockout_policy_from_the_environment():
    result = _settings_from(
        STRATADESK_LOGIN_FAILURE_LIMIT="3",
        STRATADESK_LOGIN_COOLOFF_MINUTES="30",
        STRATADESK_TRUSTED_PROXY_COUNT="1",
    )

    assert result.stdout.split() == ["3", "1800", "1"], result.stderr


@pytest.mark.parametrize(
    "variable", ["STRATADESK_LOGIN_FAILURE_LIMIT", "STRATADESK_LOGIN_COOLOFF_MINUTES"]
)
def test_it_refuses_a_lockout_policy_of_zero_naming_the_variable(variable):
    result = _settings_from(**{variable: "0"})

    assert result.returncode != 0
    assert variable in result.stderr
