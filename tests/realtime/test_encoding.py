"""The fan-out reuses the store's encoding of an event's data: the bytes must be
exactly the event's wire form."""

import orjson

from samskapa.domain.events import NoteMoved, StoredEvent, event_data
from samskapa.realtime.protocol import encode_event


def test_an_event_encoded_from_its_stored_data_is_its_wire_form() -> None:
    body = NoteMoved(note_id="n_1", x=10.5, y=-3.0, frame_id=None)
    plain = StoredEvent(7, 1764281240000, "m_1", "o_1", body)
    cached = StoredEvent(7, 1764281240000, "m_1", "o_1", body, orjson.dumps(event_data(body)))
    assert orjson.loads(encode_event(cached)) == plain.to_wire()
    assert encode_event(cached) == encode_event(plain) == orjson.dumps(plain.to_wire())
    assert cached == plain  # the cache is not part of the event's identity
