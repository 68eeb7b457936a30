import orjson

from samskapa.realtime.cursors import CELL, MAX_CELLS, MAX_PER_TICK, CursorField, cells_for_view


def test_cells_for_a_view_nearest_centre_first() -> None:
    cells = cells_for_view(0, 0, CELL * 2.5, CELL)
    assert set(cells) == {(i, j) for i in range(3) for j in range(2)}
    assert cells[0] in {(1, 0), (1, 1)}
    zoomed_out = cells_for_view(-50 * CELL, -50 * CELL, 100 * CELL, 100 * CELL)
    assert len(zoomed_out) <= MAX_CELLS and (0, 0) in zoomed_out


def _decode(message: bytes) -> list[str]:
    return [entry[0] for entry in orjson.loads(message)["c"]]


def test_each_view_gets_what_moved_inside_it_plus_the_leaders() -> None:
    field = CursorField()
    field.move("near", 10, 10)
    field.move("far", 10 * CELL, 10)
    field.move("lina", 20 * CELL, 20 * CELL)
    changed, relay = field.drain()
    here = cells_for_view(0, 0, CELL, CELL)
    there = cells_for_view(10 * CELL, 0, CELL, CELL)
    messages = CursorField.messages(changed, [here, there, here], leaders={"lina"})
    assert set(messages) == {here, there}
    assert _decode(messages[here]) == ["lina", "near"]
    assert _decode(messages[there]) == ["lina", "far"]
    assert sorted(e[0] for e in orjson.loads(relay)) == ["far", "lina", "near"]
    assert field.drain() == ({}, b"")


def test_at_most_the_cap_per_tick_and_remote_moves_are_not_relayed_again() -> None:
    field = CursorField()
    for i in range(MAX_PER_TICK * 3):
        field.move(f"m{i}", 5, 5)
    field.merge_remote(orjson.dumps([["remote", 1.0, 2.0]]))
    changed, relay = field.drain()
    view = cells_for_view(0, 0, CELL, CELL)
    assert len(_decode(CursorField.messages(changed, [view], set())[view])) == MAX_PER_TICK
    assert "remote" in changed and b"remote" not in relay
    # Only the last position of a member counts.
    field.move("m", 1, 1)
    field.move("m", 2, 2)
    changed, _ = field.drain()
    assert orjson.loads(changed["m"][1]) == ["m", 2.0, 2.0]


def test_cursor_messages_take_the_fast_path_only_when_well_formed() -> None:
    import pytest

    from samskapa.realtime.protocol import BadMessage, CursorMove, parse_client_message

    ok = parse_client_message(b'{"type":"cursor","x":1,"y":2.5}')
    assert isinstance(ok, CursorMove) and (ok.x, ok.y) == (1.0, 2.5)
    for bad in (
        b'{"type":"cursor","x":true,"y":2}',
        b'{"type":"cursor","x":1e9,"y":2}',
        b'{"type":"cursor","x":1,"y":2,"z":3}',
        b'{"type":"cursor","x":"1","y":2}',
    ):
        with pytest.raises(BadMessage) as err:
            parse_client_message(bad)
        assert err.value.code.value == "invalid_message"
