"""aiobotocore clients inside the mock: one life cycle per job family, every answer shape-checked.

aiobotocore pins botocore to a few releases, so these run in the floor environment of
.ci/run, beside the oldest botocore importmock supports, and are deselected elsewhere.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest

from families import (
    dataset_arn,
    dataset_import_request,
    import_request,
    lake_import_request,
    table_arn,
)
from importmock import ImportMock, mock_imports
from service_support import check_shape

pytestmark = pytest.mark.requires_aiobotocore

KB = "0123abcd-0123-4abc-8def-0123456789ab"


def _check_after_call(http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
    if http_response.status_code < 300:
        check_shape(model, parsed)


@asynccontextmanager
async def aio_client(service: str) -> AsyncIterator[Any]:
    """An aiobotocore client whose successful answers are checked against the output shape."""
    import aiobotocore.session  # here, as the module is collected where aiobotocore is absent

    session = aiobotocore.session.get_session()
    async with session.create_client(service, region_name="us-east-1") as client:
        client.meta.events.register("after-call.*.*", _check_after_call)
        yield client


def run(test: Callable[[ImportMock], Awaitable[None]]) -> None:
    async def inside() -> None:
        async with mock_imports(duration=None) as mock:
            await test(mock)

    asyncio.run(inside())


def test_import_table_life_cycle_with_aiobotocore() -> None:
    async def life(mock: ImportMock) -> None:
        async with aio_client("dynamodb") as ddb:
            arn = (await ddb.import_table(**import_request()))["ImportTableDescription"]["ImportArn"]
            described = await ddb.describe_import(ImportArn=arn)
            assert described["ImportTableDescription"]["ImportStatus"] == "IN_PROGRESS"
            mock.finish(arn)
            first = await ddb.list_imports(PageSize=1)  # DynamoDB's ListImports has no paginator
            assert [s["ImportStatus"] for s in first["ImportSummaryList"]] == ["COMPLETED"]
            with pytest.raises(ddb.exceptions.ImportNotFoundException):
                await ddb.describe_import(ImportArn=arn.replace(arn[-8:], "0" * 8))

    run(life)


def test_export_table_life_cycle_with_aiobotocore() -> None:
    async def life(mock: ImportMock) -> None:
        async with aio_client("dynamodb") as ddb:
            table = table_arn("orders", mock.account_id)
            exported = await ddb.export_table_to_point_in_time(TableArn=table, S3Bucket="exports")
            arn = exported["ExportDescription"]["ExportArn"]
            mock.finish(arn, status="FAILED", failure_code="S3NoSuchBucket")
            described = (await ddb.describe_export(ExportArn=arn))["ExportDescription"]
            assert (described["ExportStatus"], described["FailureCode"]) == ("FAILED", "S3NoSuchBucket")
            listed = await ddb.list_exports(TableArn=table)
            assert [s["ExportArn"] for s in listed["ExportSummaries"]] == [arn]

    run(life)


def test_start_import_life_cycle_with_aiobotocore() -> None:
    async def life(mock: ImportMock) -> None:
        async with aio_client("cloudtrail") as cloudtrail:
            started = await cloudtrail.start_import(**lake_import_request(mock.account_id))
            stopped = await cloudtrail.stop_import(ImportId=started["ImportId"])
            assert stopped["ImportStatus"] == "STOPPED"
            got = await cloudtrail.get_import(ImportId=started["ImportId"])
            assert got["ImportStatus"] == "STOPPED"
            listed = await cloudtrail.list_imports(ImportStatus="STOPPED")
            assert [i["ImportId"] for i in listed["Imports"]] == [started["ImportId"]]
            failures = await cloudtrail.list_import_failures(ImportId=started["ImportId"])
            assert failures["Failures"] == []

    run(life)


def test_dataset_import_job_life_cycle_with_aiobotocore() -> None:
    async def life(mock: ImportMock) -> None:
        async with aio_client("forecast") as forecast:
            request = dataset_import_request("daily", mock.account_id)
            arn = (await forecast.create_dataset_import_job(**request))["DatasetImportJobArn"]
            with pytest.raises(forecast.exceptions.ResourceInUseException):
                await forecast.delete_dataset_import_job(DatasetImportJobArn=arn)
            mock.finish(arn)
            described = await forecast.describe_dataset_import_job(DatasetImportJobArn=arn)
            assert described["Status"] == "ACTIVE"
            condition = {"Key": "DatasetArn", "Value": dataset_arn(mock.account_id), "Condition": "IS"}
            listed = await forecast.list_dataset_import_jobs(Filters=[condition])
            assert [j["DatasetImportJobArn"] for j in listed["DatasetImportJobs"]] == [arn]
            await forecast.delete_dataset_import_job(DatasetImportJobArn=arn)

    run(life)


def test_import_job_life_cycle_with_aiobotocore() -> None:
    async def life(mock: ImportMock) -> None:
        async with aio_client("qconnect") as qconnect:
            upload = await qconnect.start_content_upload(knowledgeBaseId=KB, contentType="text/csv")
            job = (
                await qconnect.start_import_job(
                    knowledgeBaseId=KB, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
                )
            )["importJob"]
            mock.finish(job["importJobId"])
            got = await qconnect.get_import_job(knowledgeBaseId=KB, importJobId=job["importJobId"])
            assert got["importJob"]["status"] == "COMPLETE"
            pages = qconnect.get_paginator("list_import_jobs").paginate(knowledgeBaseId=KB, maxResults=1)
            assert [j["importJobId"] async for p in pages for j in p["importJobSummaries"]] == [
                job["importJobId"]
            ]
            await qconnect.delete_import_job(knowledgeBaseId=KB, importJobId=job["importJobId"])
            listed = await qconnect.list_import_jobs(knowledgeBaseId=KB)
            assert listed["importJobSummaries"] == []

    run(life)


def test_aiobotocore_unpatched_after_the_mock_stops() -> None:
    from aiobotocore.httpsession import AIOHTTPSession
    from aiobotocore.signers import AioRequestSigner

    before = (AIOHTTPSession.__dict__["send"], AioRequestSigner.__dict__["get_auth_instance"])
    with mock_imports():
        assert AIOHTTPSession.__dict__["send"] is not before[0]
    assert (AIOHTTPSession.__dict__["send"], AioRequestSigner.__dict__["get_auth_instance"]) == before
