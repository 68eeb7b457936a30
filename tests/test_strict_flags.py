"""Every boolean a client can send accepts only a JSON boolean (docs/protocol.md
§2.6): a walk over every model of the wire protocol and the REST bodies, and the
lax spellings each refused."""

import inspect
import types
from typing import Any, Union, get_args, get_origin

import pytest
from pydantic import BaseModel, ValidationError

from samskapa.api import rest
from samskapa.domain.commands import client_command_adapter
from samskapa.domain.facilitation import StepRules
from samskapa.realtime.protocol import ClientMessage

LAX = [1, 0, "true", "yes", "on", "1", 1.0]


def _models(annotation: Any, seen: set[type[BaseModel]]) -> None:
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for field in annotation.model_fields.values():
            _models(field.annotation, seen)
        return
    if get_origin(annotation) in (Union, types.UnionType) or get_args(annotation):
        for arg in get_args(annotation):
            _models(arg, seen)


def _client_models() -> set[type[BaseModel]]:
    seen: set[type[BaseModel]] = set()
    _models(ClientMessage, seen)
    for _, body in inspect.getmembers(rest, inspect.isclass):
        if issubclass(body, rest._Body):
            _models(body, seen)
    return seen


def test_every_client_boolean_is_strict() -> None:
    models = _client_models()
    assert StepRules in models and rest.JoinBody in models  # the walk reaches deep
    flags = [
        (model.__name__, name, field)
        for model in models
        for name, field in model.model_fields.items()
        if bool in (field.annotation, *get_args(field.annotation))
    ]
    assert len(flags) >= 8
    lax = [(m, n) for m, n, f in flags if not any(getattr(x, "strict", False) for x in f.metadata)]
    assert lax == []


@pytest.mark.parametrize("value", LAX)
@pytest.mark.parametrize(
    ("command", "field"),
    [
        ({"type": "step.ready"}, "ready"),
        ({"type": "board.lock"}, "locked"),
        ({"type": "attention.follow"}, "on"),
        ({"type": "vote.open", "round_id": "r1"}, "blind"),
        ({"type": "vote.open", "round_id": "r1"}, "anonymous"),
    ],
)
def test_lax_booleans_are_refused(command: dict[str, Any], field: str, value: Any) -> None:
    with pytest.raises(ValidationError):
        client_command_adapter.validate_python({**command, field: value})
    client_command_adapter.validate_python({**command, field: True})


@pytest.mark.parametrize("value", LAX)
def test_step_rules_take_only_booleans(value: Any) -> None:
    step = {"id": "s1", "title": "Rösta", "rules": {"vote": value}}
    with pytest.raises(ValidationError):
        client_command_adapter.validate_python({"type": "agenda.set", "steps": [step]})
