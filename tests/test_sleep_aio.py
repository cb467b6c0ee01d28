"""mock_imports(sleep="advance") under aiobotocore: its waiters and retry back-off await asyncio.sleep.

These run where aiobotocore is installed (the floor environment of .ci/run), as the other
aiobotocore tests do, and are deselected elsewhere.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import pytest

from families import import_request, table_arn
from importmock import mock_imports
from service_support import ACCOUNT, check_shape

pytestmark = pytest.mark.requires_aiobotocore


def _check_after_call(http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
    if http_response.status_code < 300:
        check_shape(model, parsed)


@asynccontextmanager
async def aio_client(service: str, attempts: int = 1) -> AsyncIterator[Any]:
    """An aiobotocore client whose successful answers are checked against the output shape."""
    import aiobotocore.session  # here, as the module is collected where aiobotocore is absent
    from botocore.config import Config

    config = Config(retries={"mode": "standard", "total_max_attempts": attempts})
    session = aiobotocore.session.get_session()
    async with session.create_client(service, region_name="us-east-1", config=config) as client:
        client.meta.events.register("after-call.*.*", _check_after_call)
        yield client


async def start_export(ddb: Any) -> Any:
    return await ddb.export_table_to_point_in_time(TableArn=table_arn("orders", ACCOUNT), S3Bucket="exports")


@pytest.fixture
def real_async_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """asyncio sleeps that reach the asyncio.sleep in place before the mock, recorded."""
    slept: list[float] = []
    original = asyncio.sleep

    async def recorded(delay: float, result: object = None) -> object:
        slept.append(delay)
        return await original(0, result)

    monkeypatch.setattr(asyncio, "sleep", recorded)
    return slept


async def start_job(ddb: Any, waiter: str) -> tuple[dict[str, str], str]:
    """Starts the job `waiter` waits for: the waiter's arguments, and the Describe call's name."""
    if waiter == "export_completed":
        made = await start_export(ddb)
        return {"ExportArn": made["ExportDescription"]["ExportArn"]}, "describe_export"
    made = await ddb.import_table(**import_request())
    return {"ImportArn": made["ImportTableDescription"]["ImportArn"]}, "describe_import"


@pytest.mark.parametrize(
    ("waiter", "family", "status"),
    [
        ("export_completed", "dynamodb:export", "ExportStatus"),
        ("import_completed", "dynamodb:import", "ImportStatus"),
    ],
)
def test_aiobotocore_waiter_with_the_model_delays_ends_with_the_job(
    waiter, family, status, real_async_sleeps
) -> None:
    async def wait() -> timedelta:
        mock = mock_imports(durations={family: 600}, sleep="advance")
        async with mock, aio_client("dynamodb") as ddb:
            asked, describe = await start_job(ddb, waiter)
            started = mock.clock.now()
            await ddb.get_waiter(waiter).wait(**asked)  # aiobotocore may return the last answer
            moved = mock.clock.now() - started
            assert len([c for c in mock.calls if c.operation.startswith("Describe")]) == 600 // 20 + 1
            described = await getattr(ddb, describe)(**asked)
            assert [d[status] for key, d in described.items() if key.endswith("Description")] == ["COMPLETED"]
            return moved

    assert asyncio.run(wait()) == timedelta(seconds=600)
    assert set(real_async_sleeps) <= {0}  # only yields to the loop, never a real pause


def test_aiobotocore_retry_back_off_moves_the_clock(real_async_sleeps) -> None:
    async def retried() -> timedelta:
        async with mock_imports(sleep="advance") as mock, aio_client("dynamodb", attempts=3) as ddb:
            made = await start_export(ddb)
            mock.fail_next("dynamodb", "DescribeExport", times=2)
            before = mock.clock.now()
            described = await ddb.describe_export(ExportArn=made["ExportDescription"]["ExportArn"])
            assert described["ExportDescription"]["ExportStatus"] == "COMPLETED"
            assert [c.error for c in mock.calls[1:]] == ["ThrottlingException", "ThrottlingException", None]
            return mock.clock.now() - before

    assert asyncio.run(retried()) > timedelta(0)  # botocore's two back-offs, of random length
    assert set(real_async_sleeps) <= {0}
