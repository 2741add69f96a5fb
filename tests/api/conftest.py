"""Callers of the API: client keys of two organisations and staff tokens by role."""

import json
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client

from stratadesk.api import keys
from stratadesk.api.models import KeyScope
from stratadesk.people.actors import Actor

ALL_SCOPES = list(KeyScope.values)


@dataclass
class Caller:
    """A test client that sends one credential, JSON by default."""

    secret: str | None
    client: Client

    def _headers(self, headers):
        extra = (
            {} if self.secret is None else {"Authorization": f"Bearer {self.secret}"}
        )
        extra.update(headers or {})
        return extra

    def get(self, path, params=None, headers=None):
        return self.client.get(path, params or {}, headers=self._headers(headers))

    def post(self, path, body=None, *, key=None, headers=None, raw=None, **kwargs):
        headers = dict(headers or {})
        if key is not None:
            headers["Idempotency-Key"] = key
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        kwargs.setdefault("content_type", "application/json")
        return self.client.post(path, data, headers=self._headers(headers), **kwargs)

    def patch(self, path, body, headers=None):
        return self.client.patch(
            path,
            json.dumps(body),
            content_type="application/json",
            headers=self._headers(headers),
        )

    def delete(self, path, headers=None):
        return self.client.delete(path, headers=self._headers(headers))

    def upload(self, path, files, headers=None):
        return self.client.post(path, files, headers=self._headers(headers))


@pytest.fixture
def fresh_rate_limits(db):
    # Rate limit counters live in the shared cache, which a transactional test's
    # clean-up does not empty; every caller fixture starts from none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client_key(world, fresh_rate_limits):
    """make(client, scopes) -> (key, secret), made by the system."""

    def make(client=None, scopes=None, **extra):
        return keys.create_client_key(
            Actor.system("tests"),
            client or world.harbour,
            name=extra.pop("name", "ITSM bridge"),
            scopes=scopes or ALL_SCOPES,
            **extra,
        )

    return make


@pytest.fixture
def as_key(client_key):
    """as_key(client=None, scopes=None) -> a Caller with a fresh client key."""

    def make(client=None, scopes=None):
        _, secret = client_key(client, scopes)
        return Caller(secret, Client(raise_request_exception=False))

    return make


@pytest.fixture
def as_staff(world, fresh_rate_limits):
    """as_staff(user) -> a Caller with a fresh staff token of that user."""

    def make(user):
        _, secret = keys.create_staff_token(Actor.system("tests"), user, name="script")
        return Caller(secret, Client(raise_request_exception=False))

    return make


@pytest.fixture
def harbour(as_key):
    """Harbour Legal's own system, with every scope."""
    return as_key()


@pytest.fixture
def outback(as_key, world):
    """Outback Mining's system: an outsider to everything of Harbour Legal's."""
    return as_key(world.outback)


@pytest.fixture
def anonymous(fresh_rate_limits):
    return Caller(None, Client(raise_request_exception=False))


NEW_TICKET = {
    "title": "Boardroom screen shows no signal",
    "description": "Since this morning the boardroom display stays blank.",
    "requester": "harry@harbour.test",
}


def problem(response) -> dict:
    """The problem+json body of an error answer, checked for the fields all share."""
    assert response["Content-Type"] == "application/problem+json", response.content
    body = response.json()
    assert body["status"] == response.status_code
    assert {"type", "title", "detail", "instance", "code", "request_id"} <= set(body)
    assert body["request_id"] == response["X-Request-ID"]
    return body


def field_errors(response) -> dict[str, list[str]]:
    errors = {}
    for item in problem(response).get("errors", []):
        errors.setdefault(item["field"], []).append(item["detail"])
    return errors
