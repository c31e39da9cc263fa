"""Ids of activities: time-sortable ULIDs for any moment an activity may carry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from ulid import ULID

from shared.core import ids, ulids


def test_id_at_carries_the_moment_and_sorts_by_it() -> None:
    moments = [datetime(2026, 5, 3, 11, tzinfo=UTC) + timedelta(milliseconds=step) for step in (0, 1, 1000, 86_400_000)]
    made = [ulids.id_at(moment) for moment in moments]
    assert [ULID.from_str(value).datetime for value in made] == moments
    assert made == sorted(made)
    assert all(ids.is_id(value) for value in made)


def test_moments_before_1970_sort_as_1970_with_distinct_random_parts() -> None:
    """Found by the stateful fuzz run: an activity or check-in ``at`` year 496 was a 500
    (OverflowError). And python-ulid's own counter starts that millisecond at 0…01 in every
    process: two cold starts would have given two activities of one lead the same id."""
    early = datetime(496, 1, 9, 20, 3, 38, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    made = {ulids.id_at(early) for _ in range(100)} | {ulids.id_at(datetime(1969, 12, 31, tzinfo=UTC))}
    assert len(made) == 101
    assert {ULID.from_str(value).milliseconds for value in made} == {0}
    assert all(ids.is_id(value) and not value.endswith("0000000001") for value in made)
    latest = ulids.id_at(datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-23))))
    assert ids.is_id(latest)
