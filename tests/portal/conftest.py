import pytest


@pytest.fixture
def login(client):
    """Sign a persona in on Django's test client and hand the client back."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
