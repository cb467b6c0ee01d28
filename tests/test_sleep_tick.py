"""tick=True: a mock clock that also moves with the wall clock, in process and in the server.

No test sleeps: each waits, with a generous deadline, for the monotonic clock to pass a few
milliseconds, and asserts only what the mock shows once it has.
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest

from families import import_arn, import_request
from importmock import Clock, mock_imports
from importmock.cli import parser
from importmock.server import ThreadedServer

START = datetime(2026, 1, 1, tzinfo=timezone.utc)
DEADLINE = 30.0  # seconds: only a broken clock gets near it


def wait_until(reached) -> None:
    """Spins (no sleep) until `reached()` holds; fails after DEADLINE seconds."""
    give_up = time.monotonic() + DEADLINE
    while not reached():
        assert time.monotonic() < give_up, "the ticking clock did not move"


def test_ticking_clock_moves_with_the_wall_clock_in_whole_milliseconds() -> None:
    clock = Clock(START, tick=True)
    assert clock.ticking and not Clock(START).ticking
    wall = time.monotonic()
    wait_until(lambda: time.monotonic() - wall >= 0.005)

    later = clock.now()
    assert later - START >= timedelta(milliseconds=5)
    assert later.microsecond % 1000 == 0  # AWS keeps milliseconds
    assert clock.now() >= later  # never backwards


def test_ticking_clock_advances_and_sets_on_top_of_the_wall_clock() -> None:
    clock = Clock(START, tick=True)
    assert clock.advance(3600) - START >= timedelta(hours=1)
    clock.set(START)
    assert START <= clock.now() < START + timedelta(hours=1)
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)


def test_standing_clock_does_not_move_with_the_wall_clock() -> None:
    clock = Clock(START)
    wall = time.monotonic()
    wait_until(lambda: time.monotonic() - wall >= 0.005)
    assert clock.now() == START


def test_job_ends_as_real_time_passes_with_tick(make_client) -> None:
    with mock_imports(duration=0.05, tick=True) as mock:
        client = make_client("dynamodb")
        created = client.import_table(**import_request())["ImportTableDescription"]
        assert created["ImportStatus"] == "IN_PROGRESS"  # the creation answer, always
        arn, due = created["ImportArn"], created["StartTime"] + timedelta(seconds=0.05)
        wait_until(lambda: mock.clock.now() >= due)  # the clock moves with nobody moving it

        assert client.describe_import(ImportArn=arn)["ImportTableDescription"]["ImportStatus"] == "COMPLETED"


def test_tick_and_sleep_together_a_waiter_ends(make_client, monkeypatch) -> None:
    real: list[float] = []
    monkeypatch.setattr(time, "sleep", real.append)
    with mock_imports(duration=300, tick=True, sleep="advance") as mock:
        client = make_client("dynamodb")
        arn = import_arn(client)
        started = mock.clock.now()
        client.get_waiter("import_completed").wait(ImportArn=arn)
        assert mock.clock.now() - started >= timedelta(seconds=300)
    assert real == []


def test_threaded_server_with_tick_ends_jobs_as_real_time_passes(make_client) -> None:
    with ThreadedServer(port=0, duration=0.05, tick=True) as server:
        client = make_client(
            "dynamodb", endpoint_url=server.url, aws_access_key_id="x", aws_secret_access_key="x"
        )
        arn = import_arn(client)
        started = client.describe_import(ImportArn=arn)["ImportTableDescription"]["StartTime"]
        wait_until(lambda: server.mock.clock.now() >= started + timedelta(seconds=0.05))

        described = client.describe_import(ImportArn=arn)["ImportTableDescription"]
        assert described["ImportStatus"] == "COMPLETED"


def test_server_command_line_tick_option() -> None:
    assert parser().parse_args(["server", "--tick"]).tick is True
    assert parser().parse_args(["server"]).tick is False


def test_server_command_with_tick_ends_jobs_as_real_time_passes(make_client) -> None:
    command = [sys.executable, "-m", "importmock", "server", "--port", "0", "--tick", "--duration", "0.05"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split(" serving on ")[1].split()[0]
        client = make_client("dynamodb", endpoint_url=url, aws_access_key_id="x", aws_secret_access_key="x")
        arn = import_arn(client)
        wall = time.monotonic()
        wait_until(lambda: time.monotonic() - wall >= 0.06)  # more than the job's 50 ms of wall time

        assert client.describe_import(ImportArn=arn)["ImportTableDescription"]["ImportStatus"] == "COMPLETED"
    finally:
        process.terminate()
        process.wait(timeout=DEADLINE)
        if process.stdout is not None:
            process.stdout.close()
