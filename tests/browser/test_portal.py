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
