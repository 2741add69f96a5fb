"""Logging set-up: structlog renders every record, JSON in production.

Module code keeps using `logging.getLogger(__name__)` with %-style arguments and ids in
`extra={...}`; the formatter below lifts those extras into the rendered line.
"""

import logging.config

import structlog

from stratadesk.core.context import current_request_id

_STANDARD_ATTRS = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
}


def _add_extras(logger, method_name, event_dict):
    record = event_dict.get("_record")
    if record is not None:
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                event_dict.setdefault(key, value)
    return event_dict


def _add_request_id(logger, method_name, event_dict):
    request_id = current_request_id()
    if request_id:
        event_dict.setdefault("request_id", request_id)
    return event_dict


def configure_logging(level: str, fmt: str) -> None:
    renderer = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    pre_chain = [
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {
                "structured": {
                    "()": structlog.stdlib.ProcessorFormatter,
                    "foreign_pre_chain": pre_chain,
                    "processors": [
                        _add_extras,
                        _add_request_id,
                        structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                        structlog.processors.format_exc_info,
                        renderer,
                    ],
                }
            },
            "handlers": {
                "stderr": {"class": "logging.StreamHandler", "formatter": "structured"}
            },
            "root": {"handlers": ["stderr"], "level": level},
            "loggers": {
                # Our own request line replaces Django's per-request server log.
                "django.server": {"level": "WARNING"},
                "django.request": {"level": "ERROR"},
                # Axes narrates every sign-in at INFO; lockouts it logs as warnings,
                # and ours carry structured ids.
                "axes": {"level": "WARNING"},
                # WeasyPrint and its font library narrate each step of every PDF.
                "weasyprint": {"level": "WARNING"},
                "fontTools": {"level": "WARNING"},
            },
        }
    )
