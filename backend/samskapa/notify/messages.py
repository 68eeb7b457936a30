"""The notifications' words, in the board's language, and their three renderings.

A message is a title, a few lines and the board's link. Lines are templates
with the values kept apart, so each rendering escapes what came from people
(board and frame titles) its own way: Markdown for Mattermost, Teams and the
e-mail's HTML-free text part is plain, and Slack's mrkdwn has its own escapes
and link syntax. Messages are built once when planned and stored in the
outbox as JSON, so a retry sends the same words.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from ..domain.digest import NO_FRAME, Digest
from ..domain.replay import FEW, SECTOR_LABELS
from ..domain.values import Language, Sector

Kind = Literal["digest", "reminder", "closed", "test"]
Flavour = Literal["markdown", "slack", "plain"]

_SINCE = {"sv": "sedan förra sammanfattningen", "en": "since the last digest"}
_T: dict[str, dict[str, str]] = {
    "digest": {"sv": "Nytt på {}", "en": "New on {}"},
    "ideas": {"sv": f"{{}} nya idéer {_SINCE['sv']}.", "en": f"{{}} new ideas {_SINCE['en']}."},
    "one_idea": {"sv": f"1 ny idé {_SINCE['sv']}.", "en": f"1 new idea {_SINCE['en']}."},
    "no_ideas": {"sv": f"Inga nya idéer {_SINCE['sv']}.", "en": f"No new ideas {_SINCE['en']}."},
    "joined": {"sv": "{} nya deltagare.", "en": "{} new participants."},
    "one_joined": {"sv": "1 ny deltagare.", "en": "1 new participant."},
    "by_frame": {"sv": "Per ram:", "en": "By frame:"},
    "by_sector": {"sv": "Per aktörssektor:", "en": "By actor sector:"},
    "no_frame": {"sv": "Utanför ramarna", "en": "Outside the frames"},
    "few": {"sv": "Små sektorer", "en": "Small sectors"},
    "item": {"sv": "- {}: {}", "en": "- {}: {}"},
    "reminder": {"sv": "{} stänger inom ett dygn", "en": "{} closes within a day"},
    "step_reminder": {
        "sv": "{} – steget {} stänger inom ett dygn",
        "en": "{} – the step {} closes within a day",
    },
    "closes_at": {"sv": "Insamlingen stänger {} (UTC).", "en": "The collection closes {} (UTC)."},
    "closed": {"sv": "{} har stängt", "en": "{} has closed"},
    "step_closed": {"sv": "{} – steget {} har stängt", "en": "{} – the step {} has closed"},
    "closed_at": {
        "sv": "Stängdes {} (UTC). Nya idéer tas inte emot.",
        "en": "Closed {} (UTC). New ideas are not accepted.",
    },
    "ideas_total": {"sv": "{} idéer på tavlan.", "en": "{} ideas on the board."},
    "test": {"sv": "Test från {}", "en": "Test from {}"},
    "test_line": {
        "sv": "Aviseringarna fungerar: sammanfattningar, påminnelser och stängningar kommer hit.",
        "en": "Notifications work: digests, reminders and closings will come here.",
    },
    "open": {"sv": "Öppna tavlan", "en": "Open the board"},
}


@dataclass(frozen=True, slots=True)
class Line:
    template: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Message:
    kind: Kind
    title: Line
    lines: tuple[Line, ...]
    link: str
    link_label: str
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": [self.title.template, *self.title.values],
            "lines": [[line.template, *line.values] for line in self.lines],
            "link": self.link,
            "link_label": self.link_label,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Message":
        def line(parts: list[str]) -> Line:
            return Line(parts[0], tuple(parts[1:]))

        return cls(
            kind=data["kind"],
            title=line(data["title"]),
            lines=tuple(line(p) for p in data["lines"]),
            link=data["link"],
            link_label=data["link_label"],
        )

    def subject(self) -> str:
        return render_line(self.title, "plain")

    def render(self, flavour: Flavour) -> str:
        """The whole message: the title, then `body`."""
        title = render_line(self.title, flavour)
        head = (
            f"**{title}**"
            if flavour == "markdown"
            else f"*{title}*"
            if flavour == "slack"
            else title
        )
        return f"{head}\n\n{self.body(flavour)}"

    def body(self, flavour: Flavour) -> str:
        """The lines and the link, without the title."""
        lines = "\n".join(render_line(line, flavour) for line in self.lines)
        if flavour == "markdown":
            link = f"[{self.link_label}]({self.link})"
        elif flavour == "slack":
            link = f"<{self.link}|{self.link_label}>"
        else:
            link = f"{self.link_label}: {self.link}"
        return f"{lines}\n\n{link}" if lines else link


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def escape(value: str, flavour: Flavour) -> str:
    """A value from a person, safe inside the flavour's markup (one line)."""
    value = " ".join(value.split())
    if flavour == "markdown":
        return _MD_SPECIAL.sub(r"\\\1", value)
    if flavour == "slack":
        # Slack's mrkdwn: these three are control characters; emphasis marks in a
        # title only emphasise, they cannot link or mention anyone.
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value


def render_line(line: Line, flavour: Flavour) -> str:
    return line.template.format(*(escape(v, flavour) for v in line.values))


def _t(key: str, language: Language) -> str:
    return _T[key][language.value]


def _when(instant_ms: int) -> str:
    return datetime.fromtimestamp(instant_ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M")


def _sector_label(bucket: str, language: Language) -> str:
    return _t("few", language) if bucket == FEW else SECTOR_LABELS[Sector(bucket)][language]


def _message(kind: Kind, title: Line, lines: list[Line], link: str, lang: Language) -> Message:
    return Message(kind, title, tuple(lines), link, _t("open", lang))


def digest_message(board_title: str, language: Language, link: str, found: Digest) -> Message:
    lang = language
    lines: list[Line] = []
    if found.ideas == 1:
        lines.append(Line(_t("one_idea", lang)))
    elif found.ideas:
        lines.append(Line(_t("ideas", lang), (str(found.ideas),)))
    else:
        lines.append(Line(_t("no_ideas", lang)))
    if found.joined == 1:
        lines.append(Line(_t("one_joined", lang)))
    elif found.joined:
        lines.append(Line(_t("joined", lang), (str(found.joined),)))
    if found.by_frame:
        lines.append(Line(_t("by_frame", lang)))
        for frame, count in found.by_frame:
            name = _t("no_frame", lang) if frame == NO_FRAME else frame
            lines.append(Line(_t("item", lang), (name, str(count))))
    if found.by_sector:
        lines.append(Line(_t("by_sector", lang)))
        for bucket, count in found.by_sector:
            lines.append(Line(_t("item", lang), (_sector_label(bucket, lang), str(count))))
    return _message("digest", Line(_t("digest", lang), (board_title,)), lines, link, lang)


def reminder_message(
    board_title: str, language: Language, link: str, step_title: str | None, closes_at: int
) -> Message:
    title = (
        Line(_t("step_reminder", language), (board_title, step_title))
        if step_title is not None
        else Line(_t("reminder", language), (board_title,))
    )
    lines = [Line(_t("closes_at", language), (_when(closes_at),))]
    return _message("reminder", title, lines, link, language)


def closed_message(
    board_title: str,
    language: Language,
    link: str,
    step_title: str | None,
    closed_at: int,
    ideas: int,
) -> Message:
    title = (
        Line(_t("step_closed", language), (board_title, step_title))
        if step_title is not None
        else Line(_t("closed", language), (board_title,))
    )
    lines = [
        Line(_t("closed_at", language), (_when(closed_at),)),
        Line(_t("ideas_total", language), (str(ideas),)),
    ]
    return _message("closed", title, lines, link, language)


def test_message(board_title: str, language: Language, link: str) -> Message:
    title = Line(_t("test", language), (board_title,))
    return _message("test", title, [Line(_t("test_line", language))], link, language)
