"""The workshop report: one summary of a board, as printable HTML and as Markdown.

`summarize` gathers what the report says from the board's head state, its log
(as light rows) and the activity counts; `report_html` and `report_markdown`
only lay it out. It shows what a facilitator may see in replay: public notes
only (a note never revealed does not exist here), no names at all (authors are
not part of a report), vote results as aggregates with small sectors
suppressed, participation by sector bucket (sectors of fewer than 3 members are
counted together). The HTML obeys the pages' Content-Security-Policy: no
script, no inline style (styles from /static/css/report.css, which api/records.py
points at this version's static prefix; the charts are SVG with presentation
attributes).
"""

from dataclasses import dataclass, field
from html import escape
from typing import Any

from .domain.replay import FEW, SECTOR_LABELS, Row
from .domain.state import BoardState
from .domain.values import Anonymity, Language, LinkKind, NoteKind, Sector
from .labels import STATUS

TOP_PER_FRAME = 5

LABELS: dict[str, dict[str, str]] = {
    "report": {"sv": "Rapport", "en": "Report"},
    "mission": {"sv": "Mission", "en": "Mission"},
    "measure": {"sv": "Hur det mäts", "en": "How it is measured"},
    "deadline": {"sv": "Till när", "en": "By when"},
    "agenda": {"sv": "Agenda", "en": "Agenda"},
    "step": {"sv": "Steg", "en": "Step"},
    "planned": {"sv": "Planerat (min)", "en": "Planned (min)"},
    "actual": {"sv": "Faktiskt (min)", "en": "Actual (min)"},
    "top": {"sv": "Toppidéer per ram", "en": "Top ideas per frame"},
    "no_frame": {"sv": "Utanför ramar", "en": "Outside frames"},
    "votes": {"sv": "röster", "en": "votes"},
    "voters": {"sv": "röstande", "en": "voters"},
    "round": {"sv": "Röstning", "en": "Vote round"},
    "by_sector": {"sv": "Resultat per aktörssektor", "en": "Results by actor sector"},
    "suppressed": {"sv": "för få för att visa", "en": "too few to show"},
    "conflicts": {"sv": "Målkonflikter", "en": "Goal conflicts"},
    "between": {"sv": "Mellan", "en": "Between"},
    "status": {"sv": "Status", "en": "Status"},
    "handling": {"sv": "Hantering", "en": "Handling"},
    "commitments": {"sv": "Åtaganden", "en": "Commitments"},
    "participation": {"sv": "Deltagande per sektor", "en": "Participation by sector"},
    "contributions": {"sv": "bidrag", "en": "contributions"},
    "none": {"sv": "Inget ännu.", "en": "Nothing yet."},
    "anonymous": {
        "sv": "Tavlan har varit anonym: rapporten nämner inga namn.",
        "en": "The board has been anonymous: the report names nobody.",
    },
    "names": {
        "sv": "Rapporten nämner inga namn; sektorer med färre än 3 personer visas tillsammans.",
        "en": "The report names nobody; sectors of fewer than 3 people are shown together.",
    },
}
FEW_LABEL = {"sv": "Små sektorer", "en": "Small sectors"}


@dataclass
class Summary:
    language: Language
    title: str
    mission: dict[str, str]
    anonymous: bool
    agenda: list[tuple[str, int, float]] = field(default_factory=list)
    # round title -> frame title -> [(note text, votes)], and the round's largest count
    top: list[tuple[str, int, dict[str, list[tuple[str, int]]]]] = field(default_factory=list)
    # round title -> [(sector label, voters or None when suppressed, top note texts)]
    sectors: list[tuple[str, list[tuple[str, int | None, list[str]]]]] = field(default_factory=list)
    conflicts: list[tuple[str, str, str, str]] = field(default_factory=list)
    commitments: list[str] = field(default_factory=list)
    participation: list[tuple[str, int, int]] = field(default_factory=list)

    def t(self, key: str) -> str:
        return LABELS[key][self.language.value]


def _actual_minutes(rows: list[Row]) -> dict[str, float]:
    """Minutes each agenda step was current, from the log's step changes."""
    spent: dict[str, float] = {}
    current: tuple[str, int] | None = None
    end = rows[-1].at if rows else 0
    for row in rows:
        if row.type == "agenda.step_changed":
            if current is not None:
                spent[current[0]] = spent.get(current[0], 0.0) + (row.at - current[1]) / 60_000
            step_id = row.data.get("step_id")
            current = (step_id, row.at) if step_id is not None else None
    if current is not None:
        spent[current[0]] = spent.get(current[0], 0.0) + (end - current[1]) / 60_000
    return spent


def summarize(
    state: BoardState, mode: Anonymity, rows: list[Row], activity: list[dict[str, Any]]
) -> Summary:
    board = state.board
    assert board is not None
    lang = board.language.value
    summary = Summary(
        language=board.language,
        title=board.title,
        mission=board.mission.model_dump(),
        anonymous=mode is not Anonymity.OFF,
    )
    actual = _actual_minutes(rows)
    summary.agenda = [(s.title, s.minutes, actual.get(s.id, 0.0)) for s in state.agenda]
    public = {n.id: n for n in state.notes.values() if n.public}
    for vote_round in state.votes.rounds.values():
        results = vote_round.results
        if results is None:
            continue  # open rounds may be blind; only closed results are reported
        title = vote_round.title or LABELS["round"][lang]
        frames: dict[str, list[tuple[str, int]]] = {}
        for ranked in results.ranking:
            note = public.get(ranked.note_id)
            if note is None or ranked.votes == 0:
                continue
            frame = state.frames.get(note.frame_id) if note.frame_id else None
            key = frame.title if frame else LABELS["no_frame"][lang]
            if len(frames.setdefault(key, [])) < TOP_PER_FRAME:
                frames[key].append((note.text, ranked.votes))
        most = max((r.votes for r in results.ranking), default=0)
        summary.top.append((title, most, frames))
        segments: list[tuple[str, int | None, list[str]]] = []
        for sector, segment in results.by_sector.items():
            label = SECTOR_LABELS[Sector(sector)][lang]
            if segment.suppressed:
                segments.append((label, None, []))
                continue
            if not segment.voters:
                continue
            texts = [
                public[r.note_id].text
                for r in (segment.ranking or [])
                if r.votes and r.note_id in public
            ][:3]
            segments.append((label, segment.voters, texts))
        summary.sectors.append((title, segments))
    for link in state.links.values():
        if link.kind is not LinkKind.CONFLICTS:
            continue
        a, b = public.get(link.from_id), public.get(link.to_id)
        summary.conflicts.append(
            (a.text if a else "", b.text if b else "", STATUS[link.status][lang], link.resolution)
        )
    summary.commitments = [n.text for n in public.values() if n.kind is NoteKind.COMMITMENT]
    totals: dict[str, list[int]] = {}
    for entry in activity:
        counts = totals.setdefault(entry["sector"], [0, 0])
        counts[0] += entry["contributions"]
        counts[1] += entry["votes"]
    summary.participation = [
        (
            FEW_LABEL[lang] if bucket == FEW else SECTOR_LABELS[Sector(bucket)][lang],
            c,
            v,
        )
        for bucket, (c, v) in sorted(totals.items())
    ]
    return summary


# -- HTML ------------------------------------------------------------------------------


def _bar(value: int, most: int, label: str) -> str:
    """A bar as SVG attributes (the CSP allows no inline style)."""
    width = 0 if most <= 0 else round(200 * value / most)
    return (
        f'<svg class="bar" width="210" height="14" role="img" aria-label="{escape(label)}">'
        f'<rect x="0" y="1" height="12" width="{width}"></rect></svg>'
    )


def _participation_svg(summary: Summary) -> str:
    rows = summary.participation
    most = max((max(c, v) for _, c, v in rows), default=0) or 1
    height = 34 * len(rows) + 10
    parts = [
        f'<svg class="chart" width="560" height="{height}" role="img" '
        f'aria-label="{escape(summary.t("participation"))}">'
    ]
    for i, (label, c, v) in enumerate(rows):
        y = 10 + 34 * i
        parts.append(f'<text x="0" y="{y + 10}">{escape(label)}</text>')
        parts.append(
            f'<rect class="contributions" x="160" y="{y}" height="12" '
            f'width="{round(300 * c / most)}"></rect>'
            f'<text x="{170 + round(300 * c / most)}" y="{y + 10}">{c} '
            f"{escape(summary.t('contributions'))}</text>"
        )
        parts.append(
            f'<rect class="votes" x="160" y="{y + 14}" height="12" '
            f'width="{round(300 * v / most)}"></rect>'
            f'<text x="{170 + round(300 * v / most)}" y="{y + 24}">{v} '
            f"{escape(summary.t('votes'))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def report_html(
    state: BoardState,
    mode: Anonymity,
    rows: list[Row],
    activity: list[dict[str, Any]],
    base_url: str = "",
) -> str:
    """`base_url`: the server's, so the stylesheet loads even when a page opens
    the report from a blob (it must send the credential, so it cannot link)."""
    s = summarize(state, mode, rows, activity)
    e = escape
    out = [
        "<!doctype html>",
        f'<html lang="{s.language.value}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<link rel="icon" href="data:,">',
        f"<title>{e(s.t('report'))}: {e(s.title)}</title>",
        f'<link rel="stylesheet" href="{e(base_url)}/static/css/report.css"></head><body><main>',
        f"<h1>{e(s.title)}</h1>",
        f'<section class="mission"><h2>{e(s.t("mission"))}</h2>',
        f'<p class="statement">{e(s.mission["statement"])}</p><dl>',
        f"<dt>{e(s.t('measure'))}</dt><dd>{e(s.mission['measure'])}</dd>",
        f"<dt>{e(s.t('deadline'))}</dt><dd>{e(s.mission['deadline'])}</dd></dl></section>",
        f'<p class="note">{e(s.t("anonymous" if s.anonymous else "names"))}</p>',
        f"<section><h2>{e(s.t('agenda'))}</h2>",
    ]
    if s.agenda:
        out.append(
            f'<table><thead><tr><th>{e(s.t("step"))}</th><th class="num">{e(s.t("planned"))}</th>'
            f'<th class="num">{e(s.t("actual"))}</th></tr></thead><tbody>'
        )
        for title, planned, actual in s.agenda:
            out.append(
                f'<tr><td>{e(title)}</td><td class="num">{planned}</td>'
                f'<td class="num">{actual:.0f}</td></tr>'
            )
        out.append("</tbody></table>")
    else:
        out.append(f"<p>{e(s.t('none'))}</p>")
    out.append(f"</section><section><h2>{e(s.t('top'))}</h2>")
    if not s.top:
        out.append(f"<p>{e(s.t('none'))}</p>")
    for title, most, frames in s.top:
        out.append(f"<h3>{e(title)}</h3>")
        for frame, notes in frames.items():
            out.append(f'<h4>{e(frame)}</h4><ol class="ranking">')
            for text, votes in notes:
                label = f"{votes} {s.t('votes')}"
                out.append(
                    f'<li><span class="text">{e(text)}</span> {_bar(votes, most, label)}'
                    f' <span class="num">{e(label)}</span></li>'
                )
            out.append("</ol>")
    out.append(f"</section><section><h2>{e(s.t('by_sector'))}</h2>")
    if not s.sectors:
        out.append(f"<p>{e(s.t('none'))}</p>")
    for title, segments in s.sectors:
        out.append(f"<h3>{e(title)}</h3><ul>")
        for label, voters, texts in segments:
            if voters is None:
                out.append(f"<li>{e(label)}: <em>{e(s.t('suppressed'))}</em></li>")
            else:
                top = "; ".join(texts)
                out.append(f"<li>{e(label)} ({voters} {e(s.t('voters'))}): {e(top)}</li>")
        out.append("</ul>")
    out.append(f"</section><section><h2>{e(s.t('conflicts'))}</h2>")
    if s.conflicts:
        out.append(
            f"<table><thead><tr><th>{e(s.t('between'))}</th><th>{e(s.t('status'))}</th>"
            f"<th>{e(s.t('handling'))}</th></tr></thead><tbody>"
        )
        for a, b, status, resolution in s.conflicts:
            out.append(
                f"<tr><td>{e(a)} ↔ {e(b)}</td><td>{e(status)}</td><td>{e(resolution)}</td></tr>"
            )
        out.append("</tbody></table>")
    else:
        out.append(f"<p>{e(s.t('none'))}</p>")
    out.append(f"</section><section><h2>{e(s.t('commitments'))}</h2>")
    if s.commitments:
        out.append("<ul>" + "".join(f"<li>{e(c)}</li>" for c in s.commitments) + "</ul>")
    else:
        out.append(f"<p>{e(s.t('none'))}</p>")
    out.append(f"</section><section><h2>{e(s.t('participation'))}</h2>")
    out.append(_participation_svg(s) if s.participation else f"<p>{e(s.t('none'))}</p>")
    out.append("</section></main></body></html>")
    return "\n".join(out)


# -- Markdown --------------------------------------------------------------------------

_MD_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_{}[]<>()#+-.!|~"})


def md(text: str) -> str:
    """Note text as Markdown text, never markup: specials escaped, one line."""
    return " ".join(text.split()).translate(_MD_SPECIAL)


def report_markdown(
    state: BoardState, mode: Anonymity, rows: list[Row], activity: list[dict[str, Any]]
) -> str:
    s = summarize(state, mode, rows, activity)
    out = [f"# {md(s.title)}", "", f"## {s.t('mission')}", "", md(s.mission["statement"]), ""]
    out += [f"- {s.t('measure')}: {md(s.mission['measure'])}"]
    out += [f"- {s.t('deadline')}: {md(s.mission['deadline'])}", ""]
    out += [f"_{s.t('anonymous' if s.anonymous else 'names')}_", "", f"## {s.t('agenda')}", ""]
    if s.agenda:
        out += [f"| {s.t('step')} | {s.t('planned')} | {s.t('actual')} |", "|---|---:|---:|"]
        out += [f"| {md(t)} | {p} | {a:.0f} |" for t, p, a in s.agenda]
    else:
        out.append(s.t("none"))
    out += ["", f"## {s.t('top')}", ""]
    for title, most, frames in s.top:
        out += [f"### {md(title)}", ""]
        for frame, notes in frames.items():
            out += [f"**{md(frame)}**", ""]
            for i, (text, votes) in enumerate(notes, start=1):
                bar = "█" * (0 if most <= 0 else max(1, round(20 * votes / most)))
                out.append(f"{i}. {md(text)} — `{bar}` {votes} {s.t('votes')}")
            out.append("")
    if not s.top:
        out += [s.t("none"), ""]
    out += [f"## {s.t('by_sector')}", ""]
    for title, segments in s.sectors:
        out += [f"### {md(title)}", ""]
        for label, voters, texts in segments:
            if voters is None:
                out.append(f"- {label}: _{s.t('suppressed')}_")
            else:
                out.append(f"- {label} ({voters} {s.t('voters')}): " + "; ".join(map(md, texts)))
        out.append("")
    if not s.sectors:
        out += [s.t("none"), ""]
    out += [f"## {s.t('conflicts')}", ""]
    if s.conflicts:
        out += [f"| {s.t('between')} | {s.t('status')} | {s.t('handling')} |", "|---|---|---|"]
        out += [f"| {md(a)} ↔ {md(b)} | {st} | {md(r)} |" for a, b, st, r in s.conflicts]
    else:
        out.append(s.t("none"))
    out += ["", f"## {s.t('commitments')}", ""]
    out += [f"- {md(c)}" for c in s.commitments] or [s.t("none")]
    out += ["", f"## {s.t('participation')}", ""]
    if s.participation:
        most = max((max(c, v) for _, c, v in s.participation), default=0) or 1
        out += [f"| | {s.t('contributions')} | | {s.t('votes')} |", "|---|---:|---|---:|"]
        for label, c, v in s.participation:
            out.append(f"| {label} | {c} | `{'█' * round(20 * c / most)}` | {v} |")
    else:
        out.append(s.t("none"))
    return "\n".join(out) + "\n"
