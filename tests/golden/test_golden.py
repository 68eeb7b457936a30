"""The golden event log (tests/golden/golden_log.json) is what the Python domain
makes of its workshop today, and covers every event type; tests/js/golden.test.mjs
folds it with the browser's fold. Regenerate: python -m tests.golden.make_golden"""

import json
from typing import get_args

from samskapa.domain.events import EventBody

from .make_golden import TARGET, render


def test_the_committed_log_is_what_the_domain_makes() -> None:
    assert TARGET.read_text(encoding="utf-8") == render(), (
        "tests/golden/golden_log.json is out of date: run python -m tests.golden.make_golden"
    )


def test_the_log_covers_every_event_type() -> None:
    golden = json.loads(TARGET.read_text(encoding="utf-8"))
    seen = {
        event["type"]
        for board in golden.values()
        for log in board.values()
        for event in log["events"]
    }
    every = {
        get_args(model.model_fields["type"].annotation)[0]
        for model in get_args(get_args(EventBody)[0])
    }
    assert every - seen == set(), f"no event of these types: {sorted(every - seen)}"
