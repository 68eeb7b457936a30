"""Erasing a member and replacing a link, in the pure core: who may, what the
events say, and what erasure takes out of the log (domain/erasure.py)."""

import orjson
import pytest

from samskapa.domain.apply import fold
from samskapa.domain.commands import EraseParticipant, ReplaceLink, UpdateParticipant
from samskapa.domain.erasure import erased_members, scrub_snapshot, scrub_stored
from samskapa.domain.errors import DomainError, ErrorCode
from samskapa.domain.values import Role

from .helpers import FACILITATOR, OBSERVER, PARTICIPANT, Board


def test_only_facilitators_replace_links_and_erase_members() -> None:
    b = Board()
    for actor in (PARTICIPANT, OBSERVER):
        for command in (ReplaceLink(role=Role.PARTICIPANT), EraseParticipant(member_id="m_oth")):
            with pytest.raises(DomainError) as refused:
                b.run(command, actor)
            assert refused.value.code is ErrorCode.FORBIDDEN
    with pytest.raises(DomainError) as unknown:
        b.run(EraseParticipant(member_id="m_nobody"), FACILITATOR)
    assert unknown.value.code is ErrorCode.NOT_FOUND
    replaced = b.run(ReplaceLink(role=Role.OBSERVER), FACILITATOR)
    assert replaced.to_wire()["data"] == {"role": "observer"}


def test_erasure_takes_the_name_out_of_every_event_and_the_board_still_folds() -> None:
    b = Board()
    b.run({"type": "note.create", "note_id": "n1", "text": "Elvägar", "x": 5, "y": 6}, PARTICIPANT)
    b.run(UpdateParticipant(type="participant.update", name="Kanarie"), PARTICIPANT)
    erased = b.run(EraseParticipant(member_id="m_par"), FACILITATOR)
    assert erased_members([erased]) == ["m_par"]
    assert b.state.participants["m_par"].name == ""
    assert b.state.notes["n1"].author == "m_par"

    scrubbed = [scrub_stored(e, "m_par") for e in b.log]
    text = orjson.dumps([e.to_wire() for e in scrubbed]).decode()
    assert "Kanarie" not in text and '"name":"m_par"' not in text
    assert '"name":"m_oth"' in text, "others keep their names"
    refolded = fold(scrubbed)
    assert refolded.to_json() == b.state.to_json()

    snapshot = orjson.loads(orjson.dumps(b.state.to_json()))
    snapshot["participants"]["m_par"]["name"] = "Kanarie"
    assert scrub_snapshot(snapshot, "m_par")
    assert snapshot["participants"]["m_par"]["name"] == ""
    assert not scrub_snapshot(snapshot, "m_par")
