"""Playwright against pytest-django's live server, driving Debian's Chromium.

Never `playwright install`: the browser comes from the `chromium` Debian package.
"""

import os
from pathlib import Path

import pytest

from tests.fixtures import PASSWORD, World, seed_chart_of_accounts

# Playwright's sync API keeps an event loop in this thread; without this Django would
# refuse the ORM calls the tests make to build and check data.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing; install Debian's chromium package"
        if os.environ.get("STRATADESK_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason} (STRATADESK_REQUIRE_BROWSER=1 requires it)")
        pytest.skip(reason)

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def world(transactional_db):
    # The live server reads the database from another thread, so the data must be
    # committed rather than held in the test's rolled-back transaction. Each such
    # test ends by emptying every table, the chart of accounts its migration seeded
    # included, so the chart is seeded again first.
    seed_chart_of_accounts()
    return World()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def log_in(page):
    """Sign a persona in through the real login form."""
    from playwright.sync_api import expect

    def sign_in(user):
        # Client users and staff each have their own login page.
        page.goto("/portal/login/" if user.is_client_user else "/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("button", name="Log out")).to_be_visible()

    return sign_in
