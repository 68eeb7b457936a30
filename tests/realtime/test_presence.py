import orjson

from samskapa.realtime.presence import REMOTE_TTL, Presence


def member(i: str, role: str = "participant") -> dict[str, str]:
    return {"id": i, "name": i.upper(), "sector": "other", "role": role}


def test_tabs_count_and_changes_are_announced_once() -> None:
    p = Presence()
    p.join_local(member("a"))
    p.join_local(member("a"))
    assert p.changes() == ([member("a")], [])
    p.leave_local("a")
    assert p.changes() == ([], [])  # the second tab is still open
    p.leave_local("a")
    assert p.changes() == ([], ["a"])


def test_other_processes_lists_merge_and_expire() -> None:
    p = Presence()
    p.join_local(member("a", "facilitator"))
    p.merge_remote(b"proc2", orjson.dumps([member("b"), member("a", "facilitator")]), now=0)
    joined, left = p.changes()
    assert {m["id"] for m in joined} == {"a", "b"} and left == []
    assert p.leaders() == {"a"}
    p.merge_remote(b"proc3", orjson.dumps([member("c", "facilitator")]), now=0)
    assert p.leaders() == {"a", "c"}
    assert p.changes() == ([member("c", "facilitator")], [])
    p.expire(now=REMOTE_TTL + 1)
    assert p.changes() == ([], ["b", "c"])
    p.merge_remote(b"proc2", orjson.dumps([member("b")]), now=100)
    assert p.changes() == ([member("b")], [])
    p.merge_remote(b"proc2", b"[]", now=101)  # that process left the board
    assert p.changes() == ([], ["b"])


def test_an_erased_member_is_never_shown_again_even_from_a_late_remote_list() -> None:
    p = Presence()
    p.join_local(member("a"))
    p.merge_remote(b"proc2", orjson.dumps([member("b")]), now=0)
    p.changes()
    p.forget("b")
    p.forget("a")
    assert p.changes() == ([], ["a", "b"])
    # Another process's list from before it heard of the erasure, with the name.
    p.merge_remote(b"proc2", orjson.dumps([member("b"), member("c")]), now=1)
    assert p.changes() == ([member("c")], [])
    assert "B" not in p.local_payload().decode() and "A" not in p.local_payload().decode()
