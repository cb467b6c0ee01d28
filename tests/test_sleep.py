"""mock_imports(sleep="advance"): sleeps of the code under test, waiters and back-off move the clock.

`real_sleeps` stands in for the sleep in place before a mock starts: anything the option
lets through to it is recorded there instead of slept, so no test here waits on real time.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
import types
import unittest
import unittest.mock
from datetime import timedelta
from time import sleep  # noqa: F401 (bound before any mock starts: the option must find it too)

import pytest

from families import import_arn, table_arn
from importmock import ImportMock, mock_imports
from importmock.patching import sleeping
from service_support import ACCOUNT

REAL_SLEEP, REAL_ASYNC_SLEEP = time.sleep, asyncio.sleep
EXPORT_WAITER_DELAY = 20  # export_completed's and import_completed's Delay in botocore's model


@pytest.fixture
def real_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Sleeps that reach the sleep in place before the mock, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    return slept


@pytest.fixture
def real_async_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """asyncio sleeps that reach the asyncio.sleep in place before the mock, recorded."""
    slept: list[float] = []

    async def recorded(delay: float, result: object = None) -> object:
        slept.append(delay)
        return await REAL_ASYNC_SLEEP(0, result)

    monkeypatch.setattr(asyncio, "sleep", recorded)
    return slept


def start_export(client) -> str:
    export = client.export_table_to_point_in_time(TableArn=table_arn("orders", ACCOUNT), S3Bucket="exports")
    return str(export["ExportDescription"]["ExportArn"])


def poll_import(client, arn: str, every: float = 20) -> list[str]:
    """Code under test: polls DescribeImport with time.sleep until the import has ended."""
    seen = []
    while True:
        status = client.describe_import(ImportArn=arn)["ImportTableDescription"]["ImportStatus"]
        seen.append(status)
        if status not in ("IN_PROGRESS", "CANCELLING"):
            return seen
        time.sleep(every)


def test_time_sleep_polling_loop_ends_exactly_when_the_job_does(make_client, real_sleeps) -> None:
    with mock_imports(duration=90, sleep="advance") as mock:
        client = make_client("dynamodb")
        arn = import_arn(client)
        started = mock.clock.now()

        statuses = poll_import(client, arn)

        assert statuses == ["IN_PROGRESS"] * 5 + ["COMPLETED"]  # polled at 0, 20, ..., 100 s
        assert mock.clock.now() - started == timedelta(seconds=100)
    assert real_sleeps == []


def test_polling_with_a_name_bound_before_the_mock(make_client, real_sleeps) -> None:
    # a module that did `from time import sleep` before the mock started, as AWS's samples do
    sample = types.ModuleType("export_sample")
    exec("from time import sleep", vars(sample))  # noqa: S102 (binds the sleep in place now)
    sys.modules["export_sample"] = sample
    try:
        with mock_imports(durations={"dynamodb:export": 1200}, sleep="advance") as mock:
            client = make_client("dynamodb")
            arn = start_export(client)
            started, statuses = mock.clock.now(), []
            while not statuses or statuses[-1] == "IN_PROGRESS":
                statuses.append(client.describe_export(ExportArn=arn)["ExportDescription"]["ExportStatus"])
                if statuses[-1] == "IN_PROGRESS":
                    sample.sleep(60)

            assert statuses == ["IN_PROGRESS"] * 20 + ["COMPLETED"]  # polled at 0, 60, ..., 1200 s
            assert mock.clock.now() - started == timedelta(seconds=1200)
        assert real_sleeps == []
        assert sample.sleep is time.sleep  # the name is the original again
    finally:
        del sys.modules["export_sample"]


@pytest.mark.parametrize(
    ("waiter", "family"), [("export_completed", "dynamodb:export"), ("import_completed", "dynamodb:import")]
)
def test_unmodified_waiter_with_the_model_delays_returns_when_the_job_ends(
    make_client, real_sleeps, waiter, family
) -> None:
    with mock_imports(durations={family: 600}, sleep="advance") as mock:
        client = make_client("dynamodb")
        if waiter == "export_completed":
            asked = {"ExportArn": start_export(client)}
        else:
            asked = {"ImportArn": import_arn(client)}
        started = mock.clock.now()

        assert client.get_waiter(waiter).wait(**asked) is None  # returned: the job ended

        assert mock.clock.now() - started == timedelta(seconds=600)
        polls = [c for c in mock.calls if c.operation.startswith("Describe")]
        assert len(polls) == 600 // EXPORT_WAITER_DELAY + 1
    assert real_sleeps == []  # not one real pause: the waiter ran in no wall time to speak of


def test_export_is_described_completed_after_the_waiter(make_client, assert_shape, real_sleeps) -> None:
    with mock_imports(duration=1140, sleep="advance"):  # 57 of the waiter's 60 attempts
        client = make_client("dynamodb")
        arn = start_export(client)
        client.get_waiter("export_completed").wait(ExportArn=arn)
        described = client.describe_export(ExportArn=arn)
        assert_shape(client, "DescribeExport", described)
        assert described["ExportDescription"]["ExportStatus"] == "COMPLETED"
    assert real_sleeps == []


def test_retry_back_off_moves_the_clock(make_client, real_sleeps) -> None:
    with mock_imports(sleep="advance") as mock:
        client = make_client("dynamodb", attempts=3)
        arn = start_export(client)
        mock.fail_next("dynamodb", "DescribeExport", times=2)  # two throttles, then an answer
        moves: list[timedelta] = []
        before = mock.clock.now()
        mock.clock.on_move(lambda now: moves.append(now - before))

        described = client.describe_export(ExportArn=arn)

        assert described["ExportDescription"]["ExportStatus"] == "COMPLETED"
        assert [c.error for c in mock.calls[1:]] == ["ThrottlingException", "ThrottlingException", None]
        assert len(moves) == 2 and timedelta(0) < moves[0] <= moves[1]  # botocore's two back-offs
        assert mock.clock.now() - before == moves[-1]
    assert real_sleeps == []


def test_asyncio_sleep_moves_the_clock_and_yields_to_the_loop(make_client, real_async_sleeps) -> None:
    order: list[str] = []

    async def poller(client, arn: str) -> list[str]:
        seen = []
        while (status := client.describe_import(ImportArn=arn)["ImportTableDescription"]["ImportStatus"]) == (
            "IN_PROGRESS"
        ):
            seen.append(status)
            order.append("poll")
            assert await asyncio.sleep(30, result="slept") == "slept"
        return [*seen, status]

    async def other() -> None:
        order.append("other")  # runs at the poller's first sleep: asyncio.sleep yielded

    async def main(mock: ImportMock) -> list[str]:
        client = make_client("dynamodb")
        arn = import_arn(client)
        found, _ = await asyncio.gather(poller(client, arn), other())
        return found

    with mock_imports(duration=60, sleep="advance") as mock:
        started = mock.clock.now()
        assert asyncio.run(main(mock)) == ["IN_PROGRESS", "IN_PROGRESS", "COMPLETED"]
        assert mock.clock.now() - started == timedelta(seconds=60)
        assert asyncio.iscoroutinefunction(asyncio.sleep)
    assert order[:2] == ["poll", "other"]
    assert real_async_sleeps == [0, 0]  # each sleep yielded once through the original, for no time


def test_the_originals_are_back_after_stop_also_after_an_exception() -> None:
    captured_module = sys.modules[__name__]
    mock = mock_imports(sleep="advance")

    def failing() -> None:
        with mock:
            assert time.sleep is sleeping.sleep and asyncio.sleep is sleeping.asleep
            assert captured_module.sleep is sleeping.sleep  # `from time import sleep` above
            raise RuntimeError

    with pytest.raises(RuntimeError):
        failing()
    assert time.sleep is REAL_SLEEP and asyncio.sleep is REAL_ASYNC_SLEEP
    assert captured_module.sleep is REAL_SLEEP
    assert not mock.active and not sleeping.engaged(mock)


def test_a_module_imported_inside_gets_the_original_back(real_sleeps) -> None:
    meanwhile = types.ModuleType("imported_meanwhile")
    try:
        with mock_imports(sleep="advance") as mock:
            sys.modules["imported_meanwhile"] = meanwhile
            exec("from time import sleep", vars(meanwhile))  # noqa: S102
            kept = time.sleep  # a reference the stop cannot find
            started = mock.clock.now()
            meanwhile.sleep(5)
            assert mock.clock.now() - started == timedelta(seconds=5)
        assert meanwhile.sleep is time.sleep
        kept(7)  # outside every mock a leftover reference sleeps as the original does
        assert real_sleeps == [7]
    finally:
        sys.modules.pop("imported_meanwhile", None)


def test_without_the_option_sleeps_are_real(real_sleeps) -> None:
    with mock_imports() as mock:
        started = mock.clock.now()
        assert time.sleep is not sleeping.sleep
        time.sleep(3)
        assert mock.clock.now() == started
    assert real_sleeps == [3]


def test_nested_mocks_the_answering_mock_decides(real_sleeps) -> None:
    with mock_imports(sleep="advance") as outer:
        start = outer.clock.now()
        with mock_imports() as inner:  # answers now, without the option: sleeps are real
            inner_start = inner.clock.now()
            time.sleep(2)
            assert inner.clock.now() == inner_start
        time.sleep(10)
        with mock_imports(sleep="advance") as second:  # answers now: its clock moves, not outer's
            second_start = second.clock.now()
            time.sleep(5)
            assert second.clock.now() - second_start == timedelta(seconds=5)
        assert time.sleep is sleeping.sleep  # outer still engaged
        with outer:  # a nested start of the same mock changes nothing; its stop neither
            time.sleep(1)
        time.sleep(1)
        assert outer.clock.now() - start == timedelta(seconds=12)
    assert real_sleeps == [2]
    assert time.sleep is not sleeping.sleep


def test_sleeps_in_other_threads_move_the_clock(make_client, real_sleeps) -> None:
    with mock_imports(duration=90, sleep="advance") as mock:
        client = make_client("dynamodb")
        arns = [import_arn(client, f"orders{n}") for n in range(3)]
        started, found = mock.clock.now(), {}

        def poll(arn: str) -> None:
            found[arn] = poll_import(client, arn)

        workers = [threading.Thread(target=poll, args=(arn,)) for arn in arns]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()

        assert all(statuses[-1] == "COMPLETED" for statuses in found.values())
        # each thread's sleeps add up: time passes faster than any one thread sleeps
        assert mock.clock.now() - started >= timedelta(seconds=90)
        moved = sum(len(statuses) - 1 for statuses in found.values()) * 20
        assert mock.clock.now() - started == timedelta(seconds=moved)
    assert real_sleeps == []


def test_bad_lengths_are_refused_as_the_original_refuses_them() -> None:
    with mock_imports(sleep="advance") as mock:
        started = mock.clock.now()
        with pytest.raises(ValueError, match="non-negative"):
            time.sleep(-1)
        with pytest.raises(TypeError):
            time.sleep("1")  # type: ignore[arg-type]
        assert mock.clock.now() == started


def test_the_sleep_option_is_checked() -> None:
    with pytest.raises(ValueError, match="'real' or 'advance'"):
        mock_imports(sleep="fast")  # type: ignore[call-overload]


@mock_imports(duration=40, sleep="advance")
def test_decorated_function(make_client) -> None:
    client = make_client("dynamodb")
    arn = import_arn(client)
    assert poll_import(client, arn) == ["IN_PROGRESS", "IN_PROGRESS", "COMPLETED"]


@mock_imports(duration=40, sleep="advance")
class DecoratedCase(unittest.TestCase):
    def setUp(self) -> None:
        time.sleep(40)  # setUp runs inside the mock too: the clock moves

    def test_polling_in_a_test_case(self) -> None:
        import boto3

        client = boto3.client("dynamodb", region_name="us-east-1")
        arn = import_arn(client)
        self.assertEqual(poll_import(client, arn), ["IN_PROGRESS", "IN_PROGRESS", "COMPLETED"])


def test_decorated_test_case_leaves_the_original() -> None:
    result = unittest.TestResult()
    DecoratedCase("test_polling_in_a_test_case").run(result)
    assert result.wasSuccessful(), result.errors + result.failures
    assert time.sleep is REAL_SLEEP


@pytest.mark.importmock(duration=40, sleep="advance")
def test_fixture_with_the_marker(importmock, make_client) -> None:
    client = make_client("dynamodb")
    arn = import_arn(client)
    assert poll_import(client, arn) == ["IN_PROGRESS", "IN_PROGRESS", "COMPLETED"]
    assert sleeping.engaged(importmock)


def test_a_patch_on_top_at_stop_stays_and_the_next_start_still_works(real_sleeps) -> None:
    before = time.sleep
    with mock_imports(sleep="advance"):
        theirs = unittest.mock.patch("time.sleep")
        theirs.start()  # on top of importmock's, and still there when the mock stops
    assert isinstance(time.sleep, unittest.mock.MagicMock)
    theirs.stop()  # puts back what it found: importmock's replacement, now passing through
    time.sleep(4)
    assert real_sleeps == [4]
    with mock_imports(sleep="advance") as mock:
        started = mock.clock.now()
        time.sleep(6)
        assert mock.clock.now() - started == timedelta(seconds=6)
    time.sleep(8)
    assert real_sleeps == [4, 8]
    assert time.sleep is before  # the sleep in place before any of it, exactly
