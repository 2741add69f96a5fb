"""Issue 6's acceptance path: a branded client's approver decides SVRs in Chromium.

Screenshots of each portal page go to test-results/ for review.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from stratadesk.clients.models import PortalBranding
from stratadesk.tickets.models import Stage

pytestmark = pytest.mark.browser

BRAND = "#5b2a86"
BRAND_RGB = "rgb(91, 42, 134)"
SHOTS = Path("test-results")
PHONE = {"width": 375, "height": 812}


def _shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"portal-svr-{name}.png", full_page=True)


def _assert_labelled(page):
    """WCAG: every visible form control has a label, and the page one h1."""
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll(
              'input:not([type=hidden]), textarea, select, button')]
            .filter(el => !(el.labels && el.labels.length)
                     && !el.getAttribute('aria-label')
                     && !(el.tagName === 'BUTTON' && el.textContent.trim()))
            .map(el => el.outerHTML)"""
    )
    assert unlabelled == []
    assert page.locator("h1").count() == 1


@pytest.fixture
def branded(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    PortalBranding.objects.create(
        client=world.harbour,
        portal_name="Harbour Legal IT",
        brand_colour=BRAND,
        support_email="it@harbour.test",
        footer_text="Harbour Legal IT is run for us by Stratadesk.",
    )


def test_an_approver_approves_one_report_and_rejects_another(
    world, branded, page, log_in
):
    first = world.ticket_at("svr_pending")
    second = world.ticket_at("svr_pending")
    log_in(world.hannah)

    # The client's name and colours, and the pending reports front and centre.
    expect(page.get_by_role("link", name="Harbour Legal IT")).to_be_visible()
    awaiting = page.get_by_role("region", name="Awaiting your approval")
    expect(awaiting.get_by_role("link")).to_have_count(2)
    _shot(page, "1-tickets-awaiting-approval")

    # Approve the first with a typed name.
    awaiting.get_by_role("link", name=first.reference).click()
    expect(page.get_by_role("heading", name="Your decision")).to_be_visible()
    expect(page.get_by_text("Total time")).to_be_visible()
    _shot(page, "2-report-pending")
    page.locator("summary", has_text="Approve SVR").click()
    page.locator("summary", has_text="Reject SVR").click()
    _assert_labelled(page)
    page.get_by_label("Type your full name").fill("Hannah Approver")
    page.get_by_label("I confirm the work described").check()
    button = page.get_by_role("button", name="Approve SVR")
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == BRAND_RGB
    button.click()
    expect(page.get_by_text(f"{first.reference} is now Closed.")).to_be_visible()
    expect(page.locator("#ticket-stage")).to_have_text("Closed")
    expect(page.get_by_text("Approved by Hannah Approver")).to_be_visible()
    _shot(page, "3-report-approved")

    # Reject the second with a reason, by keyboard alone.
    page.goto(f"/portal/tickets/{second.number}/svr/1/")
    page.locator("summary", has_text="Reject SVR").focus()
    page.keyboard.press("Enter")
    page.get_by_label("What is still wrong").focus()
    page.keyboard.type("Tray 2 still jams on double-sided jobs.")
    page.get_by_role("button", name="Reject SVR").press("Enter")
    expect(page.get_by_text(f"{second.reference} is now In Progress.")).to_be_visible()
    expect(page.locator("#svr-status")).to_have_text("Rejected")
    _shot(page, "4-report-rejected")

    page.goto("/portal/tickets/new/")
    _assert_labelled(page)

    # The ticket page, on a phone: nothing runs off the side.
    page.set_viewport_size(PHONE)
    page.goto(f"/portal/tickets/{second.number}/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    _shot(page, "5-ticket-on-a-phone")

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.stage == Stage.CLOSED
    assert second.stage == Stage.IN_PROGRESS

    # The engineer finds it back in their hands, with the client's reason.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Log out").click()
    log_in(world.sam)
    page.goto(f"/console/tickets/{second.number}/")
    expect(page.locator(".ticket-head").get_by_text("In Progress")).to_be_visible()
    reason = page.get_by_text("Tray 2 still jams on double-sided jobs.")
    expect(reason.first).to_be_visible()

    # Another client's approver cannot open either report.
    page.get_by_role("button", name="Log out").click()
    log_in(world.oscar)
    for ticket in (first, second):
        response = page.goto(f"/portal/tickets/{ticket.number}/svr/1/")
        assert response.status == 404
    _shot(page, "6-other-client-not-found")


def test_an_approver_without_a_login_approves_from_the_emailed_link(
    world, branded, page
):
    import re

    from django.core import mail

    from stratadesk.notifications.models import EmailDelivery
    from stratadesk.notifications.tasks import send_email
    from tests.fixtures import make_contact

    make_contact(world.harbour, "Lee Nologin", "lee@harbour.test", is_approver=True)
    ticket = world.ticket_at("svr_pending")
    delivery = EmailDelivery.objects.get(
        template="svr_issued", to_address="lee@harbour.test"
    )
    send_email.call(delivery_id=delivery.pk)
    link = re.search(r"/svr/approve/[A-Za-z0-9_-]{43}/", mail.outbox[-1].body)
    link = link.group(0)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(link)
    expect(page.get_by_text("Harbour Legal IT").first).to_be_visible()
    expect(page.get_by_text("Total time")).to_be_visible()
    page.locator("summary", has_text="Approve SVR").click()
    page.locator("summary", has_text="Reject SVR").click()
    _assert_labelled(page)
    page.get_by_label("Type your full name").fill("Lee Nologin")
    page.get_by_label("I confirm the work described").check()
    button = page.get_by_role("button", name="Approve SVR")
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == BRAND_RGB
    _shot(page, "6-link-pending")
    button.click()
    expect(page.locator("#svr-outcome")).to_contain_text("The ticket is now Closed.")
    _shot(page, "7-link-approved")
    # Nothing the strict CSP refused, nothing missing, no cookie at all.
    assert errors == []
    assert page.context.cookies() == []

    # Used: the same link is now the plain "not found".
    page.goto(link)
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.stage == Stage.CLOSED
