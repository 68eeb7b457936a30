"""The hot path tests a command's or an event's exact class (`type(x) in …`)
instead of isinstance (domain/decide.py, policy.py, visibility.py): that holds
only while no command or event class has a subclass."""

from typing import get_args

from samskapa.domain.commands import Command
from samskapa.domain.events import EventBody


def _classes(union: object) -> list[type]:
    found: list[type] = []
    for arg in get_args(union):
        if isinstance(arg, type):
            found.append(arg)
        else:  # a nested union, or Annotated's metadata (no args: skipped)
            found += _classes(arg)
    return found


def test_commands_and_events_are_final_classes() -> None:
    commands = _classes(Command)
    events = _classes(EventBody)
    assert len(commands) > 40 and len(events) > 40
    for cls in commands + events:
        assert cls.__subclasses__() == [], f"{cls.__name__} has a subclass"
