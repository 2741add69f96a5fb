import pytest

from stratadesk.notifications import webhooks
from tests.fixtures import actor
from tests.notifications.receiver import Receiver
from tests.notifications.support import TICKET_EVENTS


@pytest.fixture
def make_receiver():
    """Start a receiver answering `statuses` in order, then 200; stopped afterwards."""
    made = []

    def make(statuses=()):
        made.append(Receiver(statuses).start())
        return made[-1]

    yield make
    for each in made:
        each.stop()


@pytest.fixture
def endpoint_for(world):
    """Register an endpoint as Ada the Admin, Harbour Legal's unless told otherwise.

    Given a receiver, it hands the receiver the endpoint's secret to verify with.
    """

    def register(url, *, events=TICKET_EVENTS, client=None, receiver=None):
        endpoint = webhooks.create_endpoint(
            actor(world.ada), client or world.harbour, url=url, events=list(events)
        )
        if receiver is not None:
            receiver.secret = endpoint.secret
        return endpoint

    return register
