"""Budgets per message class, the flood tolerance and the error-reply limit."""

from samskapa.realtime.budget import Bucket, Budget, Kind, Limits, Rates, Verdict


def test_a_bucket_gives_its_burst_then_its_rate() -> None:
    bucket = Bucket(10, 20, now=0.0)
    assert all(bucket.take(0.0) for _ in range(20))
    assert not bucket.take(0.0)
    assert bucket.take(0.1)  # one token per 1/10 s
    assert not bucket.take(0.1)
    assert [bucket.take(10.0) for _ in range(21)].count(True) == 20  # never above the burst


def test_an_honest_pace_never_spends_anything() -> None:
    limits = Limits(Rates())
    budget = Budget(limits, now=0.0)
    t = 0.0
    for i in range(600):  # a minute: cursors at 10 Hz, views at 5 Hz, a ping per 15 s
        t = i * 0.1
        assert budget.cursor.take(t)
        if i % 2 == 0:
            assert budget.view.take(t)
        if i % 150 == 0:
            assert budget.ping.take(t)
    assert budget.dropped == {} and sum(limits.dropped.values()) == 0


def test_excess_warns_once_then_closes() -> None:
    limits = Limits(Rates(flood_tolerance=10))
    budget = Budget(limits, now=0.0)
    verdicts = [budget.excess(Kind.CURSOR, 0.0) for _ in range(10)]
    assert verdicts == [Verdict.WITHIN] * 10
    assert budget.excess(Kind.CURSOR, 0.0) is Verdict.WARN
    # A second allowance after the warning, then the close.
    assert [budget.excess(Kind.INVALID, 0.0) for _ in range(10)] == [Verdict.WITHIN] * 10
    assert budget.excess(Kind.INVALID, 0.0) is Verdict.CLOSE
    assert budget.dropped == {Kind.CURSOR: 11, Kind.INVALID: 11}
    assert limits.dropped[Kind.CURSOR] == 11 and limits.warnings == 1


def test_tolerance_refills_so_a_slight_excess_is_only_dropped() -> None:
    limits = Limits(Rates(flood_tolerance=100))
    budget = Budget(limits, now=0.0)
    # 5 messages over budget a second for ten minutes: under the refill of 10/s.
    for i in range(3000):
        assert budget.excess(Kind.CURSOR, i * 0.2) is Verdict.WITHIN


def test_error_replies_are_limited_and_the_rest_counted() -> None:
    limits = Limits(Rates(error_replies_per_second=5))
    budget = Budget(limits, now=0.0)
    replies = [budget.may_reply(0.0) for _ in range(100)]
    assert replies.count(True) == 10  # a burst of two seconds' worth
    assert budget.replies_left_out == 90 == limits.replies_left_out
    warning = budget.warning()
    assert b'"code":"over_budget"' in warning and b'"replies_left_out":90' in warning


def test_cooldown_and_connection_limit() -> None:
    limits = Limits(Rates(flood_cooldown=30), max_connections=2)
    assert limits.admit() and limits.admit() and not limits.admit()
    assert limits.connections_refused == 1
    limits.release()
    assert limits.admit()
    assert not limits.cooling("secret", now=0.0)
    limits.closed_for_flooding("secret", now=0.0)
    assert limits.cooling("secret", now=29.0)
    assert not limits.cooling("other", now=29.0)
    assert not limits.cooling("secret", now=31.0)
    assert limits.cooldown_refusals == 1 and limits.flood_closes == 1
