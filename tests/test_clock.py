"""The mock clock, and the job life cycle it drives."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from importmock import Clock
from importmock.jobs.lifecycle import Family, Progress

FAMILY = Family(
    "x:job", "PENDING", "RUNNING", "DONE", {"FAILED": ("Oops", "it failed"), "GONE": (None, None)}
)
START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_clock_starts_at_real_time_and_stands_still() -> None:
    before = datetime.now(timezone.utc)
    clock = Clock()
    assert before - timedelta(milliseconds=1) < clock.now() <= datetime.now(timezone.utc)
    assert clock.now() == clock.now()
    assert clock.now().tzinfo is timezone.utc
    assert clock.now().microsecond % 1000 == 0  # AWS keeps milliseconds


def test_timestamps_round_trip_exactly(mock, make_client) -> None:
    client = make_client("dynamodb")
    table = "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
    export = client.export_table_to_point_in_time(TableArn=table, S3Bucket="bucket")["ExportDescription"]
    assert export["StartTime"] == mock.clock.now()


def test_clock_advance_and_set() -> None:
    clock = Clock(START)
    assert clock.advance(90) == START + timedelta(seconds=90)
    assert clock.advance(timedelta(days=1)) == START + timedelta(days=1, seconds=90)
    clock.set(START - timedelta(days=3))
    assert clock.now() == START - timedelta(days=3)


def test_clock_refuses_going_backwards_by_advance_and_naive_times() -> None:
    clock = Clock(START)
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(datetime(2026, 1, 1))  # noqa: DTZ001
    with pytest.raises(ValueError, match="timezone-aware"):
        Clock(datetime(2026, 1, 1))  # noqa: DTZ001


@pytest.mark.parametrize(
    "when", [datetime(1, 1, 1, tzinfo=timezone.utc), datetime(1960, 1, 1, tzinfo=timezone.utc)]
)
def test_clock_refuses_times_before_aws_ids_can_hold_them(when: datetime) -> None:
    with pytest.raises(ValueError, match="covers"):
        Clock(START).set(when)


def test_clock_refuses_advancing_past_its_range() -> None:
    with pytest.raises(ValueError, match="reaches only"):
        Clock(START).advance(timedelta(days=1_200_000))


def test_progress_follows_the_clock() -> None:
    job = Progress(FAMILY, started=START, due=START + timedelta(seconds=10))
    assert job.status(START) == "RUNNING" and job.end_time(START) is None
    assert job.status(START + timedelta(seconds=10)) == "DONE"
    assert job.end_time(START + timedelta(seconds=99)) == START + timedelta(seconds=10)


def test_progress_without_due_waits_for_finish() -> None:
    job = Progress(FAMILY, started=START, due=None)
    later = START + timedelta(days=365)
    assert job.status(later) == "RUNNING"
    job.finish(later, "FAILED", None, None)
    assert (job.status(later), job.failure_code, job.failure_message) == ("FAILED", "Oops", "it failed")
    assert job.end_time(later + timedelta(days=1)) == later


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [("RUNNING", None, "end in one of DONE, FAILED, GONE"), ("DONE", "X", "need a failed status")],
)
def test_finish_refuses_statuses_the_family_lacks(status: str, code: str | None, message: str) -> None:
    job = Progress(FAMILY, started=START, due=None)
    with pytest.raises(ValueError, match=message):
        job.finish(START, status, code, None)


def test_finish_refuses_a_finished_job() -> None:
    job = Progress(FAMILY, started=START, due=START)
    with pytest.raises(ValueError, match="already finished with status DONE"):
        job.finish(START, None, None, None)
