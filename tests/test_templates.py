"""Workshop templates: every shipped file is valid, bilingual, and makes the
commands it promises; a board from a template appears whole or not at all."""

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import select

from samskapa.demo import demo_template
from samskapa.domain.commands import CreateFrame, CreateNote, Mission, SetAgenda, SetAnonymity
from samskapa.domain.errors import DomainError, ErrorCode
from samskapa.domain.state import NOTE_HEIGHT, NOTE_WIDTH
from samskapa.domain.values import Anonymity, Language, NoteKind, WriteMode
from samskapa.service import Boards
from samskapa.store.database import open_database
from samskapa.store.eventstore import EventStore
from samskapa.store.migrate import upgrade
from samskapa.store.tables import access_links
from samskapa.templates import (
    Template,
    TemplateError,
    TemplateFrame,
    TemplateStep,
    all_templates,
    get_template,
    parse,
    template_files,
)

FOLDER = Path(__file__).resolve().parent.parent / "backend/samskapa/data/templates"
FILES = sorted(FOLDER.glob("*.json"))


def _texts(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object in the file that holds a language's text (has `sv` or `en`)."""
    if isinstance(node, dict):
        if "sv" in node or "en" in node:
            yield where, node
        for key, value in node.items():
            yield from _texts(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _texts(value, f"{where}[{i}]")


def test_the_shipped_templates_are_there_in_order() -> None:
    assert [f.name for f in template_files()] == [f.name for f in FILES]
    assert list(all_templates()) == ["mission-workshop", "idea-collection", "quick-retrospective"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_template_file_is_valid_and_bilingual(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    template = parse(path.name, raw)
    texts = list(_texts(json.loads(raw)))
    assert len(texts) >= 3 + len(template.frames) + len(template.notes) + 2 * len(template.agenda)
    for where, text in texts:
        assert set(text) == {"sv", "en"}, where
        assert all(isinstance(v, str) and v.strip() for v in text.values()), where
        assert text["sv"] != text["en"] or len(text["sv"]) < 12, f"{where}: not translated"


@pytest.mark.parametrize(
    "template_id", ["mission-workshop", "idea-collection", "quick-retrospective"]
)
@pytest.mark.parametrize("language", list(Language))
def test_commands_set_up_frames_notes_inside_them_and_the_agenda(
    template_id: str, language: Language
) -> None:
    template = get_template(template_id)
    commands = template.commands(language)
    frames = [c for c in commands if isinstance(c, CreateFrame)]
    notes = [c for c in commands if isinstance(c, CreateNote)]
    agendas = [c for c in commands if isinstance(c, SetAgenda)]
    assert [f.title for f in frames] == [f.title(language) for f in template.frames]
    assert len(notes) == len(template.notes) > 0
    assert len(agendas) == 1 and commands[-1] is agendas[0]
    # Anonymity before anything is written.
    anonymity = [i for i, c in enumerate(commands) if isinstance(c, SetAnonymity)]
    assert anonymity == ([0] if template.anonymity is not Anonymity.OFF else [])
    by_id = {f.frame_id: f for f in frames}
    for note, spec in zip(notes, template.notes, strict=True):
        frame = by_id[f"f_{spec.frame}"]
        cx, cy = note.x + NOTE_WIDTH / 2, note.y + NOTE_HEIGHT / 2
        assert frame.x <= cx <= frame.x + frame.w and frame.y <= cy <= frame.y + frame.h
        assert note.text == spec.text(language)
    steps = agendas[0].steps
    assert len({s.id for s in steps}) == len(steps) == len(template.agenda)
    assert all(s.frame_id is None or s.frame_id in by_id for s in steps)
    assert all(s.title and s.instructions for s in steps)


def test_the_mission_workshop_follows_the_method() -> None:
    template = get_template("mission-workshop")
    steps = {s.key: s for s in template.agenda}
    assert list(steps) == [
        "welcome",
        "challenge",
        "goal",
        "actors",
        "silent-ideas",
        "reveal",
        "vote",
        "conflicts",
        "commitments",
    ]
    welcome, silent, reveal, vote = (
        steps[k].rules for k in ("welcome", "silent-ideas", "reveal", "vote")
    )
    assert welcome.write is WriteMode.NONE and welcome.edit.value == "none"
    assert silent.write is WriteMode.PRIVATE and silent.edit.value == "own" and not silent.group
    assert reveal.group and reveal.edit.value == "all" and not reveal.vote
    assert vote.vote and vote.write is WriteMode.NONE and not (vote.group or vote.link)
    assert steps["conflicts"].rules.link
    assert steps["commitments"].rules.write is WriteMode.OPEN
    # Notes written in the commitments step are commitments from the start.
    assert steps["commitments"].note_kind is NoteKind.COMMITMENT
    assert any(n.kind.value == "commitment" and n.frame == "commitments" for n in template.notes)
    assert all(s.minutes > 0 for s in template.agenda)


def test_a_template_mission_fills_only_what_the_form_leaves_empty() -> None:
    retro = get_template("quick-retrospective")
    assert retro.mission.statement is not None
    filled = retro.mission_for(Language.EN, Mission(measure="Fewer late deliveries"))
    assert filled.statement == retro.mission.statement.en
    assert filled.measure == "Fewer late deliveries"
    given = Mission(statement="Our own goal")
    assert retro.mission_for(Language.SV, given).statement == "Our own goal"
    assert get_template("mission-workshop").mission_for(Language.SV, Mission()) == Mission()


def _minimal(**changes: Any) -> dict[str, Any]:
    text = {"sv": "Ram", "en": "Frame"}
    data: dict[str, Any] = {
        "id": "mini",
        "name": {"sv": "Mini", "en": "Mini"},
        "description": {"sv": "Liten", "en": "Small"},
        "frames": [{"key": "a", "title": text, "x": 0, "y": 0, "w": 400, "h": 300}],
        "notes": [{"frame": "a", "text": {"sv": "Lapp", "en": "Note"}}],
        "agenda": [{"key": "one", "title": text, "instructions": text, "frame": "a"}],
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("data", "name", "complaint"),
    [
        (_minimal(), "mini.json", None),
        (_minimal(name={"sv": "Mini"}), "mini.json", "en"),
        (_minimal(description={"sv": "Liten", "en": "  "}), "mini.json", "en"),
        (_minimal(notes=[{"frame": "b", "text": {"sv": "x", "en": "x"}}]), "mini.json", "'b'"),
        (
            _minimal(agenda=[{"key": "one", "title": {"sv": "x", "en": "x"}, "frame": "zz"}]),
            "mini.json",
            "instructions",
        ),
        (_minimal(frames=[]), "mini.json", "does not exist"),
        (_minimal(id="Mini Board"), "mini.json", "id"),
        (_minimal(colour="red"), "mini.json", "colour"),
        (_minimal(), "other.json", "named after its id"),
        (
            _minimal(
                frames=[
                    {
                        "key": "a",
                        "title": {"sv": "x" * 121, "en": "x"},
                        "x": 0,
                        "y": 0,
                        "w": 400,
                        "h": 300,
                    }
                ]
            ),
            "mini.json",
            "title",
        ),
    ],
)
def test_a_bad_template_file_is_refused_with_the_reason(
    data: dict[str, Any], name: str, complaint: str | None
) -> None:
    raw = json.dumps(data)
    if complaint is None:
        assert parse(name, raw).id == "mini"
        return
    with pytest.raises(TemplateError) as refused:
        parse(name, raw)
    assert complaint in str(refused.value)
    assert str(refused.value).startswith(name)


# -- a board from a template is whole or invisible ----------------------------------


@pytest_asyncio.fixture
async def boards(sqlite_url: str) -> AsyncIterator[Boards]:
    db = open_database(sqlite_url)
    await upgrade(db)
    store = EventStore(db)
    store.start()
    yield Boards(store)
    await store.stop()
    await db.dispose()


async def _links_of(boards: Boards) -> set[str]:
    async with boards.store.db.read.connect() as conn:
        return set((await conn.execute(select(access_links.c.board_id))).scalars())


def _broken(where: str) -> Template:
    """A template that the domain refuses part-way (built around its validation)."""
    good = get_template("idea-collection")
    frames = list(good.frames)
    agenda = list(good.agenda)
    if where == "middle":  # a frame id twice: the second frame.create is refused
        frames.append(frames[0])
    else:  # a step id twice: the last command, agenda.set, is refused
        agenda.append(agenda[0])
    return good.model_construct(
        **{
            **dict(good),
            "frames": tuple[TemplateFrame, ...](frames),
            "agenda": tuple[TemplateStep, ...](agenda),
        }
    )


@pytest.mark.asyncio
@pytest.mark.parametrize("where", ["middle", "last"])
async def test_a_template_the_domain_refuses_leaves_no_board_anyone_can_open(
    boards: Boards, where: str
) -> None:
    async with asyncio.timeout(30):
        whole = await boards.create(
            "Whole", Language.SV, Mission(), get_template("idea-collection")
        )
        with pytest.raises(DomainError) as refused:
            await boards.create("Broken", Language.SV, Mission(), _broken(where))
        expected = ErrorCode.ALREADY_EXISTS if where == "middle" else ErrorCode.INVALID_MESSAGE
        assert refused.value.code is expected
        assert await _links_of(boards) == {whole.board_id}
        state = (await boards.store.entry(whole.board_id)).state
        assert len(state.frames) == 3 and len(state.agenda) == 3 and len(state.notes) == 2


def test_the_demo_board_is_the_mission_workshop_with_the_scenario_agenda() -> None:
    spec = json.loads(
        (FOLDER.parent / "demo-board.json").read_text(encoding="utf-8"),
    )
    template = demo_template(spec)
    commands = template.commands(Language(spec["language"]))
    agenda = commands[-1]
    assert isinstance(agenda, SetAgenda)
    plan = [(s.minutes, s.rules.write.value) for s in agenda.steps]
    # Lina's six steps: welcome (read only), silent ideas, reveal and cluster,
    # dot vote, goal conflicts, commitments.
    assert plan == [
        (5, "none"),
        (8, "private"),
        (10, "none"),
        (5, "none"),
        (12, "open"),
        (10, "open"),
    ]
    assert agenda.steps[2].rules.group and agenda.steps[3].rules.vote
    notes = [c for c in commands if isinstance(c, CreateNote)]
    assert len(notes) == 5 and sum(n.kind.value == "goal" for n in notes) == 3
    assert notes[0].text.startswith("Regional strategi")
