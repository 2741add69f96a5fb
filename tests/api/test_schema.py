"""The OpenAPI document: valid 3.1, public, and in agreement with the server.

schemathesis generates requests from the document for every operation, valid and
invalid, and checks each answer against it: no server error, and every status,
header, media type and body one the document describes.
"""

import json

import pytest
import schemathesis
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from stratadesk.api import keys
from stratadesk.api.models import KeyScope
from stratadesk.people.actors import Actor

# Bounded so the suite stays quick; `make fuzz` style deeper runs can raise it.
EXAMPLES_PER_OPERATION = 15


def test_it_serves_a_valid_openapi_31_document_to_anyone(anonymous):
    response = anonymous.get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert "/api/v1/tickets" in document["paths"]
    create = document["paths"]["/api/v1/tickets"]["post"]
    assert {"201", "409", "413", "422", "429"} <= set(create["responses"])
    assert create["security"] == [{"bearer": []}]


def test_it_serves_the_reference_page_from_this_server(anonymous):
    response = anonymous.get("/api/v1/docs")

    assert response.status_code == 200
    assert b"/static/drf_spectacular_sidecar/redoc/" in response.content
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-eval" not in policy


def _document() -> dict:
    """The document as /api/v1/openapi.json serves it, built without a request.

    Loaded at import so schemathesis can make one test per operation; building it
    touches no database.
    """
    built = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(json.dumps(built, cls=DjangoJSONEncoder))


fuzzed = schemathesis.openapi.from_dict(_document())
fuzzed.app = get_wsgi_application()


@pytest.fixture
def _connection_kept_open():
    # The real WSGI handler closes the database connection around each request, as
    # it should in production; inside a test's transaction that would end the test's
    # database session (on PostgreSQL), so it stays open here, as Django's own test
    # client arranges.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def fuzz_secret(world, settings, tmp_path, _connection_kept_open):
    """A key of Harbour Legal's with every scope, and a ticket awaiting its SVR."""
    settings.MEDIA_ROOT = tmp_path
    world.ticket_at("svr_pending")
    _, secret = keys.create_client_key(
        Actor.system("tests"), world.harbour, name="fuzz", scopes=KeyScope.values
    )
    return secret


@fuzzed.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_server_agrees_with_its_document(case, fuzz_secret):
    # Every check but one: a request the document allows may still break a business
    # rule (a cursor this server never issued, another client's slug), so a 4xx
    # answer to schema-valid input is not a disagreement with the document.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {fuzz_secret}"},
        excluded_checks=[positive_data_acceptance],
    )
