"""Every error under /api/ is problem+json, including the ones DRF never sees."""

import json
import logging

from django.test import Client

from stratadesk.api import tickets
from tests.api.conftest import NEW_TICKET, problem


def test_it_answers_an_unknown_api_url_with_a_problem(harbour):
    for path in ("/api/v1/nothing-here", "/api/v2/tickets", "/api/"):
        response = harbour.get(path)

        assert response.status_code == 404
        assert problem(response)["code"] == "not_found"


def test_it_answers_a_wrong_method_with_405_and_allow(harbour):
    response = harbour.delete("/api/v1/tickets")

    assert response.status_code == 405
    assert "POST" in response["Allow"]
    assert problem(response)["code"] == "method_not_allowed"


def test_it_answers_an_unacceptable_media_type_with_406(harbour):
    response = harbour.get("/api/v1/tickets", headers={"Accept": "text/html"})

    assert response.status_code == 406
    assert response["Content-Type"] == "application/problem+json"


def test_it_limits_requests_per_key_with_retry_after(harbour, outback, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "3/min"},
    }
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    api_settings.reload()
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        answers = [harbour.get("/api/v1/tickets").status_code for _ in range(4)]
        limited = harbour.get("/api/v1/tickets")
        other_key = outback.get("/api/v1/tickets")
    finally:
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"api": "600/min"},
        }
        api_settings.reload()
        SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES

    assert answers == [200, 200, 200, 429]
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    assert problem(limited)["code"] == "rate_limited"
    assert other_key.status_code == 200


def test_it_answers_a_crash_with_a_problem_and_logs_it(
    world, harbour, monkeypatch, caplog
):
    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(tickets.services, "create_ticket", crash)

    with caplog.at_level(logging.ERROR):
        response = harbour.post("/api/v1/tickets", NEW_TICKET)

    assert response.status_code == 500
    body = problem(response)
    assert body["code"] == "server_error"
    assert "boom" not in json.dumps(body)


def test_it_logs_one_structured_line_per_call(world, harbour, caplog):
    with caplog.at_level(logging.INFO, logger="stratadesk.request"):
        response = harbour.post("/api/v1/tickets", {"title": ""})

    lines = [r for r in caplog.records if r.name == "stratadesk.request"]
    assert response.status_code == 422
    assert len(lines) == 1
    line = lines[0]
    assert (line.method, line.path, line.status) == ("POST", "/api/v1/tickets", 422)
    assert line.client_id == world.harbour.pk
    assert line.key == harbour.secret.removeprefix("sdc_").split(".")[0]
    assert line.error_code == "validation_failed"
    assert line.duration_ms >= 0


def test_it_echoes_a_callers_request_id(harbour):
    offered = "itsm-77-4d2c9a"
    response = harbour.get("/api/v1/tickets", headers={"X-Request-ID": offered})

    assert response["X-Request-ID"] == offered


def test_it_needs_no_csrf_token_for_bearer_calls(world, client_key):
    _, secret = client_key()
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(
        "/api/v1/tickets",
        json.dumps(NEW_TICKET),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )

    assert response.status_code == 201


def test_it_answers_json_nested_too_deeply_as_malformed(world, harbour):
    ticket = world.raise_ticket()
    deep = "[" * 100_000 + "]" * 100_000

    response = harbour.post(f"/api/v1/tickets/{ticket.number}/comments", raw=deep)

    assert response.status_code == 400
    assert problem(response)["code"] == "malformed_body"


def test_it_refuses_an_id_too_large_for_the_database(world, as_staff):
    ticket = world.ticket_at("triage")

    response = as_staff(world.olivia).post(
        f"/api/v1/tickets/{ticket.number}/transitions",
        raw='{"to": "assigned", "priority": "P2", "category": 1, "assignee": 1e400}',
    )

    assert response.status_code == 422


def test_it_takes_a_category_by_name_and_an_assignee_by_username(world, as_staff):
    ticket = world.ticket_at("triage")

    response = as_staff(world.olivia).post(
        f"/api/v1/tickets/{ticket.number}/transitions",
        {"to": "assigned", "priority": "P2", "category": "hardware", "assignee": "sam"},
    )

    assert response.status_code == 200, response.content
    assert response.json()["assignee"] == {"name": "Sam"}
