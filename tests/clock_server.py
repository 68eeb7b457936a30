"""A real server process whose clock a test can move: `python -m tests.clock_server
serve --port N`, with `SAMSKAPA_TEST_CLOCK_FILE` naming a file that holds how many
milliseconds the clock is ahead of real time. Everything else is `samskapa serve`
(the same app, settings, migrations and uvicorn options), so tests of deadlines
days away run against real processes without sleeping for days.
"""

import os
import sys
import time
from pathlib import Path

import uvicorn

from samskapa.app import create_app
from samskapa.clock import Clock
from samskapa.settings import Settings

CLOCK_FILE = "SAMSKAPA_TEST_CLOCK_FILE"


def set_offset(path: Path, offset_ms: int) -> None:
    """Move the clock of every server that reads `path` (atomically)."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(str(offset_ms))
    tmp.replace(path)


def file_clock(path: Path) -> Clock:
    def now() -> int:
        try:
            offset = int(path.read_text() or 0)
        except (OSError, ValueError):
            offset = 0
        return int(time.time() * 1000) + offset

    return now


def main() -> None:
    port = int(sys.argv[sys.argv.index("--port") + 1])
    settings = Settings(port=port)
    app = create_app(settings, clock=file_clock(Path(os.environ[CLOCK_FILE])))
    uvicorn.run(
        app, host=settings.host, port=port, ws_per_message_deflate=False, log_level="warning"
    )


if __name__ == "__main__":
    main()
