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


def _tick(
    field: CursorField, views: list[tuple[tuple[int, int], ...]], leaders: set[str]
) -> dict[tuple[tuple[int, int], ...], list[list[object]]]:
    """One tick as the hub runs it: drain, one message per view, carry what was left out."""
    changed, _ = field.drain()
    left_out: set[str] = set()
    messages = CursorField.messages(changed, views, leaders, left_out)
    field.carry(changed, left_out)
    return {view: orjson.loads(m)["c"] if m else [] for view, m in messages.items()}


def test_a_view_gets_only_its_cells_and_the_facilitators_never_more_than_the_cap() -> None:
    import random

    rng = random.Random(7)
    field = CursorField()
    members = {f"m{i}": (rng.uniform(-3, 3) * CELL, rng.uniform(-3, 3) * CELL) for i in range(400)}
    leaders = {"m0", "m1", "m2"}
    views = [
        cells_for_view(rng.uniform(-3, 2) * CELL, rng.uniform(-3, 2) * CELL, CELL, CELL)
        for _ in range(20)
    ]
    for _ in range(30):
        for member_id, (x, y) in members.items():
            if rng.random() < 0.7:
                # Whole tenths, as entries carry them, so cells match exactly.
                x, y = round(x + rng.uniform(-50, 50), 1), round(y + rng.uniform(-50, 50), 1)
                members[member_id] = (x, y)
                field.move(member_id, x, y)
        for view, entries in _tick(field, views, leaders).items():
            assert len(entries) <= MAX_PER_TICK
            ids = [e[0] for e in entries]
            assert len(ids) == len(set(ids))
            for member_id, x, y in entries:
                cell = (int(x // CELL), int(y // CELL))
                assert member_id in leaders or cell in view, (member_id, cell, view)


def test_every_pointer_in_a_view_eventually_arrives_at_its_latest_position() -> None:
    """Four times the cap in one cell: some keep moving all the time, the others
    move once and stop. The cap lets 50 through per tick; those left out wait,
    ahead of newer moves, so within a few ticks the view has seen every pointer
    where it is now — the ones that stopped included."""
    field = CursorField()
    view = cells_for_view(0, 0, CELL, CELL)
    latest: dict[str, tuple[float, float]] = {}
    for i in range(MAX_PER_TICK * 4):
        latest[f"m{i}"] = (float(i), 1.0)
        field.move(f"m{i}", float(i), 1.0)
    field.move("lina", 5 * CELL, 5 * CELL)  # a facilitator elsewhere
    latest["lina"] = (5 * CELL, 5 * CELL)
    seen: dict[str, tuple[float, float]] = {}
    for tick in range(12):
        if tick < 8:  # the first twenty keep moving for eight ticks
            for i in range(20):
                latest[f"m{i}"] = (float(i), 2.0 + tick)
                field.move(f"m{i}", float(i), 2.0 + tick)
        entries = _tick(field, [view], {"lina"})[view]
        assert len(entries) <= MAX_PER_TICK
        for member_id, x, y in entries:
            seen[str(member_id)] = (float(x), float(y))  # type: ignore[arg-type]
    assert seen == latest
    assert field.drain() == ({}, b"")


def test_a_member_who_left_is_not_sent_any_more() -> None:
    field = CursorField()
    view = cells_for_view(0, 0, CELL, CELL)
    for i in range(MAX_PER_TICK + 10):
        field.move(f"m{i}", 1, 1)
    _tick(field, [view], set())
    field.forget(f"m{MAX_PER_TICK + 5}")
    later = _tick(field, [view], set())[view]
    assert len(later) == 9 and f"m{MAX_PER_TICK + 5}" not in [e[0] for e in later]


def test_the_pointer_rate_slows_with_the_crowd_and_has_a_floor() -> None:
    from samskapa.realtime.cursors import MAX_EVERY_TICKS, cursor_every_ticks

    assert [cursor_every_ticks(n) for n in (1, 300, 500, 501, 1000, 1500, 2000)] == [
        1,
        1,
        1,
        2,
        2,
        3,
        4,
    ]
    assert cursor_every_ticks(100_000) == MAX_EVERY_TICKS
