"""Two-factor sign-in in Chromium: setting it up from the QR page, then signing in."""

from base64 import b32decode

import pytest
from playwright.sync_api import expect

from tests.fixtures import PASSWORD
from tests.people.totp import code_for, current_code, give_device

pytestmark = pytest.mark.browser

CSP_VIOLATION = "Content Security Policy"


def _console_errors(page):
    errors = []
    page.on("console", lambda message: errors.append(message.text))
    return errors


def _submit_password(page, user):
    page.goto("/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _submit_code(page, code):
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Continue").click()


def test_it_signs_staff_in_with_a_code_from_their_app(world, page):
    device = give_device(world.olivia)
    errors = _console_errors(page)

    _submit_password(page, world.olivia)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.goto("/console/")
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    _submit_code(page, current_code(device))

    expect(page.get_by_role("heading", name="Tickets")).to_be_visible()
    assert page.url.endswith("/console/")
    assert not [error for error in errors if CSP_VIOLATION in error]


def test_it_sets_two_factor_up_from_the_qr_code_page(world, page, log_in):
    log_in(world.sam)
    errors = _console_errors(page)

    page.get_by_role("link", name="Two-factor sign-in").click()
    qr = page.get_by_role("img", name="QR code for setting up Stratadesk")
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.naturalWidth") > 0
    typed_key = page.locator("#two-factor-secret").inner_text()
    secret = b32decode(typed_key.replace(" ", "")).hex()
    page.get_by_label("Code from your authenticator app").fill(code_for(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    expect(page.get_by_role("status")).to_contain_text("Two-factor sign-in is on.")
    assert not [error for error in errors if CSP_VIOLATION in error]

    page.get_by_role("button", name="Log out").click()
    _submit_password(page, world.sam)
    # The code just used is spent; the app's next one is still within tolerance.
    _submit_code(page, code_for(secret, steps_ahead=1))
    expect(page.get_by_role("heading", name="Tickets")).to_be_visible()
