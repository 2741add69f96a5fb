"""Sign-in lockout, security headers, cookies and the script policy, in Chromium."""

import pytest
from playwright.sync_api import expect

from tests.fixtures import PASSWORD

pytestmark = pytest.mark.browser

CSP_VIOLATION = "Content Security Policy"


def _submit_login(page, username, password):
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def _policy(response):
    directives = {}
    for part in response.headers["content-security-policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def _console_errors(page):
    errors = []
    page.on("console", lambda message: errors.append(message.text))
    return errors


def test_it_locks_sign_in_after_repeated_wrong_passwords(world, page, settings):
    settings.AXES_FAILURE_LIMIT = 5
    page.goto("/login/")

    for _ in range(4):
        _submit_login(page, "olivia", "not-the-password")
        expect(page.get_by_role("alert")).to_contain_text("correct username")
    _submit_login(page, "olivia", "not-the-password")

    expect(page.get_by_role("heading", name="Login paused")).to_be_visible()
    expect(page.get_by_text("You can try again after")).to_be_visible()

    page.get_by_role("link", name="Back to the login page").click()
    _submit_login(page, "olivia", PASSWORD)

    expect(page.get_by_role("heading", name="Login paused")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def test_it_sends_a_strict_script_policy_and_security_headers(world, page, log_in):
    log_in(world.olivia)

    response = page.goto("/console/")

    script_src = _policy(response)["script-src"]
    assert "'unsafe-inline'" not in script_src
    assert all(s == "'self'" or s.startswith("'nonce-") for s in script_src)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.urls("tests.core.csp_urls")
def test_it_runs_only_scripts_carrying_the_pages_nonce(page):
    errors = _console_errors(page)

    response = page.goto("/csp-check/")

    nonce = page.locator("script[nonce]").evaluate("script => script.nonce")
    assert f"'nonce-{nonce}'" in _policy(response)["script-src"]
    assert page.evaluate("document.body.dataset.nonced") == "ran"
    assert page.evaluate("document.body.dataset.inline") is None
    assert any(CSP_VIOLATION in error for error in errors)


def test_it_keeps_the_session_and_csrf_cookies_http_only_and_same_site(
    world, page, log_in
):
    log_in(world.olivia)

    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}

    for name in ("sessionid", "csrftoken"):
        assert (cookies[name]["httpOnly"], cookies[name]["sameSite"]) == (
            True,
            "Lax",
        ), name


def test_it_shows_a_script_in_a_ticket_title_as_text_without_violations(
    world, page, log_in
):
    title = "<script>window.pwned = true</script> Printer"
    ticket = world.raise_ticket(title=title)
    log_in(world.olivia)
    errors = _console_errors(page)

    page.goto(f"/console/tickets/{ticket.number}/")

    expect(page.get_by_role("heading", name=title)).to_be_visible()
    assert page.evaluate("window.pwned") is None
    assert not [error for error in errors if CSP_VIOLATION in error]


def test_it_blocks_an_inline_script_slipped_into_a_page(world, page, log_in):
    log_in(world.olivia)
    errors = _console_errors(page)

    def inject(route):
        # The server's own headers, the policy among them, with a tampered body.
        response = route.fetch()
        body = response.text().replace(
            "</body>", "<script>window.injected = true</script></body>"
        )
        route.fulfill(response=response, body=body)

    page.route("**/console/", inject)
    page.goto("/console/")

    assert page.evaluate("window.injected") is None
    assert any(CSP_VIOLATION in error for error in errors)
