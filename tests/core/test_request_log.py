import json
import logging

import structlog

from stratadesk.core.context import current_request_id, set_request_id
from stratadesk.core.logging import _add_extras, _add_request_id


def test_it_logs_one_line_per_request_with_its_id(client, caplog, db):
    caplog.set_level(logging.INFO, logger="stratadesk.request")

    response = client.get("/login/", HTTP_X_REQUEST_ID="req-abc-12345")

    lines = [r for r in caplog.records if r.name == "stratadesk.request"]
    assert len(lines) == 1
    assert response["X-Request-ID"] == "req-abc-12345"
    assert lines[0].method == "GET"
    assert lines[0].path == "/login/"
    assert lines[0].status == 200
    assert lines[0].duration_ms >= 0


def test_it_replaces_an_unsafe_request_id_with_its_own(client, db):
    response = client.get("/login/", HTTP_X_REQUEST_ID="bad id\nwith newline")

    assert len(response["X-Request-ID"]) == 32
    assert "\n" not in response["X-Request-ID"]


def test_it_clears_the_request_id_after_the_request(client, db):
    client.get("/login/")

    assert current_request_id() == ""


def test_it_renders_extras_and_the_request_id_as_json():
    formatter = structlog.stdlib.ProcessorFormatter(
        processors=[
            _add_extras,
            _add_request_id,
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.JSONRenderer(),
        ],
        foreign_pre_chain=[structlog.stdlib.add_log_level],
    )
    record = logging.LogRecord(
        "stratadesk.tickets", logging.INFO, __file__, 1, "ticket %s moved", (7,), None
    )
    record.ticket_id = 7
    token = set_request_id("req-json-0001")
    try:
        line = formatter.format(record)
    finally:
        from stratadesk.core.context import reset_request_id

        reset_request_id(token)

    payload = json.loads(line)
    assert payload["event"] == "ticket 7 moved"
    assert payload["ticket_id"] == 7
    assert payload["request_id"] == "req-json-0001"
    assert payload["level"] == "info"
