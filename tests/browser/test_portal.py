import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_it_shows_a_client_only_their_organisations_tickets(world, page, log_in):
    ours = world.raise_ticket(title="Scanner on level 2 offline")
    theirs = world.raise_ticket(
        by=world.oscar,
        client=world.outback,
        requester=world.oscar_contact,
        title="Conveyor belt sensor fault",
    )
    log_in(world.harry)

    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Harbour Legal tickets")
    expect(page.get_by_role("link", name=ours.reference)).to_be_visible()
    expect(page.get_by_text("Scanner on level 2 offline")).to_be_visible()
    expect(page.get_by_text("Conveyor belt sensor fault")).to_have_count(0)

    response = page.goto(f"/portal/tickets/{theirs.number}/")
    assert response.status == 404
    expect(page.get_by_text("Conveyor belt sensor fault")).to_have_count(0)


def test_it_lets_a_client_raise_a_ticket(world, page, log_in):
    log_in(world.harry)

    page.get_by_role("link", name="Raise a ticket").first.click()
    page.get_by_label("Short summary").fill("Projector in boardroom dead")
    page.get_by_label("What is happening?").fill("No power light since Friday.")
    page.get_by_role("button", name="Raise ticket").click()

    expect(page.get_by_role("status")).to_contain_text("raised. Thank you.")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Projector in boardroom dead"
    )


def test_it_shows_a_branded_client_its_own_name_and_colours(
    world, page, log_in, settings, tmp_path
):
    from pathlib import Path

    from stratadesk.clients.models import PortalBranding

    settings.MEDIA_ROOT = tmp_path
    PortalBranding.objects.create(
        client=world.harbour,
        portal_name="Harbour Legal IT",
        brand_colour="#5b2a86",
        support_phone="02 9000 1234",
    )
    world.raise_ticket(title="Scanner on level 2 offline")
    log_in(world.harry)

    expect(page.get_by_role("link", name="Harbour Legal IT")).to_be_visible()
    expect(page.get_by_text("02 9000 1234")).to_be_visible()
    page.get_by_role("link", name="Raise a ticket").first.click()
    button = page.get_by_role("button", name="Raise ticket")
    colour = button.evaluate("b => getComputedStyle(b).backgroundColor")
    assert colour == "rgb(91, 42, 134)"

    # Kept for review: what the client sees.
    shots = Path("test-results")
    shots.mkdir(exist_ok=True)
    page.screenshot(path=shots / "portal-branded-raise-ticket.png", full_page=True)
