import pytest


@pytest.mark.parametrize(
    "stage",
    [
        "request",
        "triage",
        "assigned",
        "in_progress",
        "pending_client",
        "pending_third_party",
        "resolved",
        "svr_pending",
        "closed",
    ],
)
def test_it_reaches_every_stage_through_the_services(world, stage):
    ticket = world.ticket_at(stage)

    ticket.refresh_from_db()
    assert ticket.stage == stage
