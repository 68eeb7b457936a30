"""The browser's protocol vocabulary (frontend/js/core/vocabulary.json) is the
Python source's: limits, enumerations, error codes, close codes, event and
command types. Regenerate it with `python -m samskapa.vocabulary`."""

import json
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest

from samskapa import vocabulary
from samskapa.domain import values
from samskapa.domain.errors import ErrorCode
from samskapa.domain.events import EventBody
from samskapa.realtime.protocol import CloseCode


def test_the_committed_file_is_what_the_python_source_makes() -> None:
    committed = vocabulary.TARGET.read_text(encoding="utf-8")
    assert committed == vocabulary.render(), (
        "frontend/js/core/vocabulary.json is out of date: run python -m samskapa.vocabulary"
    )


def test_it_holds_every_code_type_and_limit() -> None:
    data = json.loads(vocabulary.TARGET.read_text(encoding="utf-8"))
    assert data["error_codes"] == [code.value for code in ErrorCode]
    assert data["close_codes"] == {code.name: int(code) for code in CloseCode}
    assert len(data["event_types"]) == len(get_args(get_args(EventBody)[0]))
    assert "note.created" in data["event_types"] and "vote.closed" in data["event_types"]
    assert "note.create" in data["command_types"] and "attention.summon" in data["command_types"]
    assert data["limits"]["NOTE_TEXT_MAX"] == values.NOTE_TEXT_MAX
    assert data["limits"]["DEADLINE_MAX"] == values.DEADLINE_MAX
    assert data["enums"]["note_kinds"] == [kind.value for kind in values.NoteKind]


def test_check_mode_fails_on_a_drifted_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drifted = tmp_path / "vocabulary.json"
    drifted.write_text(vocabulary.render().replace('"NOTE_TEXT_MAX": 500', '"NOTE_TEXT_MAX": 499'))
    monkeypatch.setattr(vocabulary, "TARGET", drifted)
    monkeypatch.setattr(sys, "argv", ["samskapa.vocabulary", "--check"])
    with pytest.raises(SystemExit) as stop:
        vocabulary.main()
    assert stop.value.code == 1


def test_check_mode_passes_on_the_committed_file() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "samskapa.vocabulary", "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
