"""Security headers and cookies as the responses really carry them."""

import os
import re
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.fixtures import PASSWORD


def _directives(policy):
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_it_sends_the_security_headers_on_a_signed_in_page(world, client):
    client.force_login(world.olivia)

    response = client.get(reverse("console:ticket_list"))

    policy = _directives(response["Content-Security-Policy"])
    # The page's htmx script carries the response's nonce; nothing else is allowed.
    [nonce] = re.findall(r'<script [^>]*nonce="([^"]+)"', response.content.decode())
    assert policy["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.urls("tests.core.csp_urls")
def test_it_names_the_nonce_of_a_page_that_uses_one(client):
    response = client.get("/csp-check/")

    [nonce] = re.findall(r'<script nonce="([^"]+)">', response.content.decode())
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'", f"'nonce-{nonce}'"]


def test_it_keeps_the_session_and_csrf_cookies_from_scripts_and_other_sites(
    world, client
):
    form = client.get(reverse("login"))
    signed_in = client.post(
        reverse("login"), {"username": "olivia", "password": PASSWORD}
    )

    for cookie in (form.cookies["csrftoken"], signed_in.cookies["sessionid"]):
        assert (cookie["httponly"], cookie["samesite"]) == (True, "Lax")


def test_it_secures_cookies_and_sends_hsts_in_production():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from stratadesk import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT)",
        ],
        env={
            **os.environ,
            "STRATADESK_MODE": "production",
            "STRATADESK_SECRET_KEY": "k" * 60,
        },
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.stdout.split() == ["True", "True", "31536000", "True"], result.stderr


def test_it_sends_hsts_over_https_when_configured(world, client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    client.force_login(world.olivia)

    response = client.get(reverse("console:ticket_list"), secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000"
