import pytest
from playwright.sync_api import expect

from stratadesk.tickets.models import Stage

pytestmark = pytest.mark.browser


def _open_move(page, name):
    """Unfold a move's form (a <details> element) and return the form."""
    page.locator(f"details:has(#move-{name}) > summary").click()
    return page.locator(f"#move-{name}")


def test_it_lets_operations_triage_and_assign_a_ticket(world, page, log_in):
    ticket = world.raise_ticket()
    log_in(world.olivia)

    page.get_by_role("link", name=ticket.reference).click()
    page.get_by_role("button", name="Start triage").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"{ticket.reference} moved to Triage."
    )

    form = _open_move(page, "assign")
    form.get_by_label("Priority").select_option("P1")
    form.get_by_label("Category").select_option(label="Hardware")
    form.get_by_label("Assignee").select_option(label="Sam (Support)")
    form.get_by_role("button", name="Assign").click()

    expect(page.get_by_role("status")).to_contain_text(
        f"{ticket.reference} moved to Assigned."
    )
    ticket.refresh_from_db()
    assert (ticket.stage, ticket.priority, ticket.category, ticket.assignee) == (
        Stage.ASSIGNED,
        "P1",
        world.category,
        world.sam,
    )


def test_it_lets_the_assignee_start_work(world, page, log_in):
    ticket = world.ticket_at("assigned")
    log_in(world.sam)

    page.get_by_label("Assignee").select_option("me")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name=ticket.reference).click()
    page.get_by_role("button", name="Start work").click()

    expect(page.get_by_role("status")).to_contain_text(
        f"{ticket.reference} moved to In Progress."
    )
    ticket.refresh_from_db()
    assert ticket.stage == Stage.IN_PROGRESS


def test_it_shows_a_missing_gate_field_next_to_its_input(world, page, log_in):
    ticket = world.ticket_at("in_progress")
    log_in(world.olivia)
    page.goto(f"/console/tickets/{ticket.number}/")

    form = _open_move(page, "await_third_party")
    form.get_by_label("Third party").fill("Ricoh")
    # Skip the browser's own required check to reach the server's message.
    form.evaluate("form => form.noValidate = true")
    form.get_by_role("button", name="Wait on third party").click()

    expect(page.get_by_role("alert")).to_contain_text("needs more information")
    expect(page.locator("#move-await_third_party")).to_contain_text(
        "Their reference is required."
    )
    expect(
        page.locator("#move-await_third_party").get_by_label("Third party")
    ).to_have_value("Ricoh")
    ticket.refresh_from_db()
    assert ticket.stage == Stage.IN_PROGRESS
