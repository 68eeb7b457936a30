"""Workshop templates: data files a facilitator can copy and change.

A template (`data/templates/<id>.json`, format in `data/templates/README.md`)
holds frames, seeded notes, an agenda and an anonymity mode, with every text in
Swedish and English. `Template.commands(language)` turns it into the ordinary
domain commands a facilitator would send, so a board made from a template is
decided, stored and replayed like any other board.
"""

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from .domain.commands import (
    Command,
    CreateFrame,
    CreateNote,
    Mission,
    SetAgenda,
    SetAnonymity,
)
from .domain.errors import DomainError, ErrorCode
from .domain.facilitation import Step, StepRules
from .domain.state import NOTE_HEIGHT, NOTE_WIDTH, BoardState
from .domain.values import (
    MAX_STEPS,
    STEP_MINUTES_MAX,
    Anonymity,
    Color,
    Coord,
    Language,
    NoteKind,
    Size,
)

Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
_Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]

# Where notes go when a template gives no position: a grid inside the frame,
# below its title and prompt, in steps of the nominal note plus a gap.
GAP = 30.0
FIRST_ROW = 90.0


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Model):
    """One text in both languages; neither may be missing or blank."""

    sv: _Text
    en: _Text

    def __call__(self, language: Language) -> str:
        return self.sv if language is Language.SV else self.en


class TemplateMission(_Model):
    """Used only for the fields the person creating the board leaves empty."""

    statement: Text | None = None
    measure: Text | None = None
    deadline: Annotated[str, Field(max_length=40)] = ""


class TemplateFrame(_Model):
    key: Key
    title: Text
    prompt: Text | None = None
    x: Coord
    y: Coord
    w: Size
    h: Size


class TemplateNote(_Model):
    frame: Key
    text: Text
    kind: NoteKind = NoteKind.IDEA
    color: Color = Color.YELLOW
    # Position inside the frame (from its top left corner); both or neither.
    dx: Coord | None = None
    dy: Coord | None = None

    @model_validator(mode="after")
    def _both_or_neither(self) -> Self:
        if (self.dx is None) != (self.dy is None):
            raise ValueError("give both dx and dy, or neither")
        return self


class TemplateStep(_Model):
    key: Key
    title: Text
    instructions: Text
    minutes: Annotated[int, Field(ge=0, le=STEP_MINUTES_MAX, strict=True)] = 0
    rules: StepRules = StepRules()
    frame: Key | None = None
    note_kind: NoteKind | None = None


class Template(_Model):
    format: Literal[1] = 1
    id: Key
    # Where the template appears in lists (lower first).
    order: int = 100
    name: Text
    description: Text
    anonymity: Anonymity = Anonymity.OFF
    mission: TemplateMission = TemplateMission()
    frames: tuple[TemplateFrame, ...] = ()
    notes: tuple[TemplateNote, ...] = ()
    agenda: Annotated[tuple[TemplateStep, ...], Field(max_length=MAX_STEPS)] = ()

    @model_validator(mode="after")
    def _references(self) -> Self:
        frames = [f.key for f in self.frames]
        steps = [s.key for s in self.agenda]
        for what, keys in (("frame", frames), ("step", steps)):
            if len(set(keys)) != len(keys):
                raise ValueError(f"two {what}s have the same key")
        for note in self.notes:
            if note.frame not in frames:
                raise ValueError(f"a note is in frame {note.frame!r}, which does not exist")
        for step in self.agenda:
            if step.frame is not None and step.frame not in frames:
                raise ValueError(
                    f"step {step.key!r} is about frame {step.frame!r}, which does not exist"
                )
        return self

    def steps(self, keys: Sequence[str]) -> "Template":
        """The same template with only these agenda steps, in this order."""
        by_key = {s.key: s for s in self.agenda}
        unknown = [k for k in keys if k not in by_key]
        if unknown:
            raise ValueError(f"template {self.id!r} has no steps {unknown}")
        return self.model_copy(update={"agenda": tuple(by_key[k] for k in keys)})

    def mission_for(self, language: Language, given: Mission) -> Mission:
        """The form's mission, with this template's default for each empty field."""
        default = self.mission
        return Mission(
            statement=given.statement or (default.statement(language) if default.statement else ""),
            measure=given.measure or (default.measure(language) if default.measure else ""),
            deadline=given.deadline or default.deadline,
        )

    def commands(self, language: Language) -> list[Command]:
        """What a facilitator would send to set the board up, in order.

        Anonymity comes first, so that it holds before anything is written;
        frames before notes, so each note lands in its frame; the agenda last.
        Ids come from the keys: unique within the board, readable in exports.
        """
        out: list[Command] = []
        if self.anonymity is not Anonymity.OFF:
            out.append(SetAnonymity(type="board.anonymity", mode=self.anonymity))
        frames = {f.key: f for f in self.frames}
        for frame in self.frames:
            out.append(
                CreateFrame(
                    type="frame.create",
                    frame_id=frame_id(frame.key),
                    title=frame.title(language),
                    prompt=frame.prompt(language) if frame.prompt else "",
                    x=frame.x,
                    y=frame.y,
                    w=frame.w,
                    h=frame.h,
                )
            )
        slots: dict[str, int] = {}
        for i, note in enumerate(self.notes):
            frame = frames[note.frame]
            if note.dx is not None and note.dy is not None:
                dx, dy = note.dx, note.dy
            else:
                slot = slots[note.frame] = slots.get(note.frame, -1) + 1
                dx, dy = _grid(frame, slot)
            out.append(
                CreateNote(
                    type="note.create",
                    note_id=f"n_{note.frame}-{i + 1}",
                    text=note.text(language),
                    x=frame.x + dx,
                    y=frame.y + dy,
                    color=note.color,
                    kind=note.kind,
                )
            )
        if self.agenda:
            out.append(
                SetAgenda(
                    type="agenda.set",
                    steps=tuple(
                        Step(
                            id=f"s_{step.key}",
                            title=step.title(language),
                            instructions=step.instructions(language),
                            minutes=step.minutes,
                            rules=step.rules,
                            frame_id=frame_id(step.frame) if step.frame else None,
                            note_kind=step.note_kind,
                        )
                        for step in self.agenda
                    ),
                )
            )
        return out


def frame_id(key: str) -> str:
    return f"f_{key}"


def _grid(frame: TemplateFrame, slot: int) -> tuple[float, float]:
    columns = max(1, int((frame.w - GAP) // (NOTE_WIDTH + GAP)))
    row, column = divmod(slot, columns)
    return GAP + column * (NOTE_WIDTH + GAP), FIRST_ROW + row * (NOTE_HEIGHT + GAP)


class TemplateError(ValueError):
    """A template file that does not hold a valid template."""


def parse(name: str, raw: str) -> Template:
    """One template file's text, checked through to the commands it makes."""
    try:
        template = Template.model_validate_json(raw)
        # The domain's limits (title ≤ 120 characters, …) hold for each language.
        for language in Language:
            template.commands(language)
    except ValueError as exc:
        raise TemplateError(f"{name}: {exc}") from exc
    if name != f"{template.id}.json":
        raise TemplateError(f"{name}: the file must be named after its id ({template.id}.json)")
    return template


def template_files() -> list[Traversable]:
    folder = resources.files("samskapa").joinpath("data/templates")
    return sorted((f for f in folder.iterdir() if f.name.endswith(".json")), key=lambda f: f.name)


def load(files: Iterable[Traversable]) -> dict[str, Template]:
    templates = [parse(f.name, f.read_text(encoding="utf-8")) for f in files]
    return {t.id: t for t in sorted(templates, key=lambda t: (t.order, t.id))}


@cache
def all_templates() -> dict[str, Template]:
    """The shipped templates, in list order; read and checked once per process."""
    return load(template_files())


def get_template(template_id: str) -> Template:
    template = all_templates().get(template_id)
    if template is None:
        raise DomainError(ErrorCode.UNKNOWN_TEMPLATE, f"There is no template {template_id!r}.")
    return template


def _slug(text: str, used: set[str], fallback: str) -> str:
    """A template key from any id or title: a-z, 0-9 and '-', unique in `used`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:36].strip("-") or fallback
    key, n = slug, 1
    while key in used:
        n += 1
        key = f"{slug}-{n}"
    used.add(key)
    return key


def template_of(state: BoardState, anonymity: Anonymity) -> dict[str, Any]:
    """A board as a template file (format 1, see data/templates/README.md).

    A board has one language, so every text object carries the board's text in
    both; translate it by hand before offering the template in the other
    language. Kept: frames, the public notes that lie in a frame (their place in
    it), the agenda and its rules, the mission, the anonymity. Left out: notes
    outside frames or without text, groups, links, members, votes.
    """
    board = state.board
    assert board is not None
    sv = board.language is Language.SV

    def text(value: str, fallback: str) -> dict[str, str]:
        chosen = value.strip() or fallback
        return {"sv": chosen, "en": chosen}

    used: set[str] = set()
    frame_keys: dict[str, str] = {}
    frames: list[dict[str, Any]] = []
    for i, frame in enumerate(state.frames.values(), start=1):
        key = frame_keys[frame.id] = _slug(frame.id.removeprefix("f_"), used, f"frame-{i}")
        out: dict[str, Any] = {
            "key": key,
            "title": text(frame.title, f"Ram {i}" if sv else f"Frame {i}"),
        }
        if frame.prompt.strip():
            out["prompt"] = text(frame.prompt, "")
        frames.append({**out, "x": frame.x, "y": frame.y, "w": frame.w, "h": frame.h})
    notes = [
        {
            "frame": frame_keys[note.frame_id],
            "text": text(note.text, ""),
            "kind": note.kind.value,
            "color": note.color.value,
            "dx": note.x - state.frames[note.frame_id].x,
            "dy": note.y - state.frames[note.frame_id].y,
        }
        for note in state.notes.values()
        if note.public and note.frame_id in frame_keys and note.text.strip()
    ]
    step_keys: set[str] = set()
    agenda = []
    for i, step in enumerate(state.agenda, start=1):
        title = step.title.strip() or (f"Steg {i}" if sv else f"Step {i}")
        out = {
            "key": _slug(step.id.removeprefix("s_"), step_keys, f"step-{i}"),
            "title": text(title, title),
            "instructions": text(step.instructions, title),
            "minutes": step.minutes,
            "rules": step.rules.model_dump(mode="json"),
        }
        if step.frame_id in frame_keys:
            out["frame"] = frame_keys[step.frame_id]
        if step.note_kind is not None:
            out["note_kind"] = step.note_kind.value
        agenda.append(out)
    mission: dict[str, Any] = {"deadline": board.mission.deadline}
    if board.mission.statement.strip():
        mission["statement"] = text(board.mission.statement, "")
    if board.mission.measure.strip():
        mission["measure"] = text(board.mission.measure, "")
    template_id = _slug(board.title, set(), "board")
    document = {
        "format": 1,
        "id": template_id,
        "order": 100,
        "name": text(board.title, template_id),
        "description": text(board.mission.statement, board.title),
        "anonymity": anonymity.value,
        "mission": mission,
        "frames": frames,
        "notes": notes,
        "agenda": agenda,
    }
    # The same check a template file gets when the server starts.
    parse(f"{template_id}.json", json.dumps(document))
    return document
