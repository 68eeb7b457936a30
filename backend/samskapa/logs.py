"""Logging: plain lines for a terminal, or one JSON object per line for collectors.

`SAMSKAPA_LOG_FORMAT=json` makes every record (the server's and uvicorn's) a JSON
object with time, level, logger and message, plus any `extra=` fields, so a log
pipeline can filter on them without parsing prose.
"""

import logging
import time
from contextvars import ContextVar
from typing import Any

import orjson

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}

#: The id of the HTTP request or websocket being handled (api/request_id.py).
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


class RequestIdFilter(logging.Filter):
    """Gives every record written while a request is handled its `request_id`."""

    def filter(self, record: logging.LogRecord) -> bool:
        current = request_id.get()
        if current is not None and not hasattr(record, "request_id"):
            record.request_id = current
        return True


class TextFormatter(logging.Formatter):
    """Lines for a terminal, with the request id at the end when there is one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        current = getattr(record, "request_id", None)
        return f"{line} [request {current}]" if current else line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key != "color_message":
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def log_config(level: str, fmt: str) -> dict[str, Any]:
    """A `logging.config.dictConfig` for the server and uvicorn alike."""
    formatter: dict[str, Any] = {"()": JsonFormatter if fmt == "json" else TextFormatter}
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "default",
        "filters": ["request_id"],
        "stream": "ext://sys.stderr",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "filters": {"request_id": {"()": RequestIdFilter}},
        "handlers": {"default": handler},
        "root": {"handlers": ["default"], "level": level.upper()},
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"level": level.upper()},
            # Migrations run at every start; their chatter is not news.
            "alembic": {"level": "WARNING"},
            # Database drivers log every statement with its parameters at debug
            # level: ballots and credential hashes do not belong in log files.
            "aiosqlite": {"level": "WARNING"},
            "asyncpg": {"level": "WARNING"},
            "sqlalchemy": {"level": "WARNING"},
        },
    }
