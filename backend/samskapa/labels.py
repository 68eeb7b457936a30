"""Fixed values in the board's language, for exports and the report (the
browser's own texts are in frontend/js/core/i18n.js and say the same)."""

from .domain.values import ConflictStatus, LinkKind, NoteKind, Origin

_L = dict[str, str]

KIND: dict[NoteKind, _L] = {
    NoteKind.IDEA: {"sv": "Idé", "en": "Idea"},
    NoteKind.GOAL: {"sv": "Mål", "en": "Goal"},
    NoteKind.CHALLENGE: {"sv": "Utmaning", "en": "Challenge"},
    NoteKind.CONFLICT: {"sv": "Målkonflikt", "en": "Goal conflict"},
    NoteKind.INITIATIVE: {"sv": "Initiativ", "en": "Initiative"},
    NoteKind.COMMITMENT: {"sv": "Åtagande", "en": "Commitment"},
    NoteKind.QUESTION: {"sv": "Fråga", "en": "Question"},
}
ORIGIN: dict[Origin, _L] = {
    Origin.FACILITATOR: {"sv": "processledaren (uppifrån)", "en": "seeded (top-down)"},
    Origin.PARTICIPANT: {"sv": "deltagare (underifrån)", "en": "participant (bottom-up)"},
}
LINK_KIND: dict[LinkKind, _L] = {
    LinkKind.CONFLICTS: {"sv": "står i konflikt med", "en": "conflicts with"},
    LinkKind.SUPPORTS: {"sv": "stödjer", "en": "supports"},
    LinkKind.DEPENDS: {"sv": "är beroende av", "en": "depends on"},
}
# An erased member (domain/erasure.py) keeps an empty name.
FORMER_MEMBER: _L = {"sv": "tidigare deltagare", "en": "former participant"}
STATUS: dict[ConflictStatus, _L] = {
    ConflictStatus.OPEN: {"sv": "öppen", "en": "open"},
    ConflictStatus.BALANCED: {"sv": "balanserad", "en": "balanced"},
    ConflictStatus.ACCEPTED: {"sv": "accepterad", "en": "accepted"},
}
