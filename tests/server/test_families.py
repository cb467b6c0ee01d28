"""One full life cycle of each job family through boto3 clients pointed at a running server.

Jobs are created, read, listed page by page, ended through the control endpoints
(`/_importmock/finish`, `/_importmock/clock/advance`), stopped or deleted where the family
allows it, and asked for things that do not exist, all over HTTP.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from server_support import ACCOUNT_A, Connect, Reply, advance, finish, json_target_call

from families import (
    dataset_import_request,
    import_arn,
    import_request,
    lake_import_request,
    start_qconnect_job,
    table_arn,
)
from importmock.server import ThreadedServer
from importmock.services import SERVICES
from service_support import parsed_answer

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def token_pages(call: Callable[..., Any], size_key: str, size: int, **params: Any) -> Iterator[Any]:
    """Pages of a listing without a botocore paginator, following NextToken by hand."""
    token = None
    for _ in range(100):  # bounded: a token that never ends fails the test
        page = call(**params, **{size_key: size}, **({"NextToken": token} if token else {}))
        yield page
        token = page.get("NextToken")
        if not token:
            return
    raise AssertionError("NextToken never ended")


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


# DynamoDB imports


def test_import_table_full_life_cycle(server: ThreadedServer, connect: Connect) -> None:
    ddb = connect(server, "dynamodb")
    arns = []
    for table in ("orders", "customers", "invoices", "refunds"):
        job = ddb.import_table(**import_request(table))["ImportTableDescription"]
        assert job["ImportStatus"] == "IN_PROGRESS"
        assert job["TableArn"] == table_arn(table)
        prefix = re.escape(f"{table_arn(table)}/import/")
        assert re.fullmatch(prefix + r"\d{14}-[0-9a-f]{8}", job["ImportArn"])
        arns.append(job["ImportArn"])
        advance(server, 1)

    running = ddb.describe_import(ImportArn=arns[0])["ImportTableDescription"]
    assert running["ImportStatus"] == "IN_PROGRESS" and "EndTime" not in running

    pages = list(token_pages(ddb.list_imports, "PageSize", 1))
    listed = [s["ImportArn"] for page in pages for s in page["ImportSummaryList"]]
    assert listed == arns[::-1]  # newest first, none skipped or repeated
    assert all(len(page["ImportSummaryList"]) <= 1 for page in pages)

    finish(server, arns[0])
    finish(server, arns[1], status="FAILED", failure_code="S3NoSuchBucket", failure_message="No bucket")
    finish(server, arns[2], status="CANCELLED")

    done = ddb.describe_import(ImportArn=arns[0])["ImportTableDescription"]
    assert done["ImportStatus"] == "COMPLETED" and done["EndTime"] >= done["StartTime"]
    failed = ddb.describe_import(ImportArn=arns[1])["ImportTableDescription"]
    assert (failed["ImportStatus"], failed["FailureCode"], failed["FailureMessage"]) == (
        "FAILED",
        "S3NoSuchBucket",
        "No bucket",
    )
    statuses = {s["ImportArn"]: s["ImportStatus"] for s in ddb.list_imports()["ImportSummaryList"]}
    assert statuses == dict(zip(arns, ["COMPLETED", "FAILED", "CANCELLED", "IN_PROGRESS"], strict=True))

    by_table = ddb.list_imports(TableArn=table_arn("customers"))["ImportSummaryList"]
    assert [s["ImportArn"] for s in by_table] == [arns[1]]


def test_describe_import_completed_after_clock_advance(slow_server: ThreadedServer, connect: Connect) -> None:
    ddb = connect(slow_server, "dynamodb")
    arn = import_arn(ddb)

    advance(slow_server, 59)
    assert ddb.describe_import(ImportArn=arn)["ImportTableDescription"]["ImportStatus"] == "IN_PROGRESS"
    advance(slow_server, 1)
    done = ddb.describe_import(ImportArn=arn)["ImportTableDescription"]

    assert done["ImportStatus"] == "COMPLETED"
    assert done["EndTime"] - done["StartTime"] == timedelta(seconds=60)


def test_describe_import_unknown_arn_not_found(server: ThreadedServer, connect: Connect) -> None:
    ddb = connect(server, "dynamodb")
    unknown = f"{table_arn('orders')}/import/01700000000000-0123abcd"

    with pytest.raises(ddb.exceptions.ImportNotFoundException) as excinfo:
        ddb.describe_import(ImportArn=unknown)

    assert error_of(excinfo) == ("ImportNotFoundException", 400)


def test_import_table_table_held_by_running_import_in_use(server: ThreadedServer, connect: Connect) -> None:
    ddb = connect(server, "dynamodb")
    ddb.import_table(**import_request("orders"))

    with pytest.raises(ddb.exceptions.ResourceInUseException):
        ddb.import_table(**import_request("orders"))


def test_import_table_same_client_token_returns_same_import(server: ThreadedServer, connect: Connect) -> None:
    ddb = connect(server, "dynamodb")
    first = ddb.import_table(**import_request("orders"), ClientToken="token-1")["ImportTableDescription"]

    again = ddb.import_table(**import_request("orders"), ClientToken="token-1")["ImportTableDescription"]
    with pytest.raises(ddb.exceptions.ImportConflictException):
        ddb.import_table(**import_request("customers"), ClientToken="token-1")

    assert again["ImportArn"] == first["ImportArn"]
    assert len(ddb.list_imports()["ImportSummaryList"]) == 1


def test_import_table_invalid_request_rejected_by_server(server: ThreadedServer, connect: Connect) -> None:
    raw = connect(server, "dynamodb", validate=False)
    request = import_request()
    del request["InputFormat"]

    with pytest.raises(ClientError) as excinfo:
        raw.import_table(**request)

    assert error_of(excinfo) == ("ValidationException", 400)
    assert "inputformat" in excinfo.value.response["Error"]["Message"].lower()


# DynamoDB exports


def test_export_table_to_point_in_time_full_life_cycle(slow_server: ThreadedServer, connect: Connect) -> None:
    ddb = connect(slow_server, "dynamodb")
    tables = ("music", "films", "books")
    arns = []
    for table in tables:
        job = ddb.export_table_to_point_in_time(TableArn=table_arn(table), S3Bucket="exports")
        description = job["ExportDescription"]
        assert description["ExportStatus"] == "IN_PROGRESS"
        assert description["ExportArn"].startswith(f"{table_arn(table)}/export/")
        arns.append(description["ExportArn"])
        advance(slow_server, 1)

    running = ddb.describe_export(ExportArn=arns[0])["ExportDescription"]
    assert running["ExportStatus"] == "IN_PROGRESS" and "EndTime" not in running

    pages = list(token_pages(ddb.list_exports, "MaxResults", 1))
    assert [s["ExportArn"] for page in pages for s in page["ExportSummaries"]] == arns[::-1]
    by_table = ddb.list_exports(TableArn=table_arn("films"))["ExportSummaries"]
    assert [s["ExportArn"] for s in by_table] == [arns[1]]

    finish(slow_server, arns[2], status="FAILED", failure_code="S3AccessDenied", failure_message="Denied")
    advance(slow_server, 60)

    done = ddb.describe_export(ExportArn=arns[0])["ExportDescription"]
    assert done["ExportStatus"] == "COMPLETED"
    assert {"EndTime", "ExportManifest", "ItemCount", "BilledSizeBytes"} <= set(done)
    failed = ddb.describe_export(ExportArn=arns[2])["ExportDescription"]
    assert (failed["ExportStatus"], failed["FailureCode"], failed["FailureMessage"]) == (
        "FAILED",
        "S3AccessDenied",
        "Denied",
    )
    statuses = [s["ExportStatus"] for s in ddb.list_exports()["ExportSummaries"]]
    assert statuses == ["FAILED", "COMPLETED", "COMPLETED"]


def test_describe_export_unknown_arn_not_found(server: ThreadedServer, connect: Connect) -> None:
    ddb = connect(server, "dynamodb")

    with pytest.raises(ddb.exceptions.ExportNotFoundException) as excinfo:
        ddb.describe_export(ExportArn=f"{table_arn('music')}/export/01700000000000-0123abcd")

    assert error_of(excinfo) == ("ExportNotFoundException", 400)


def test_describe_export_malformed_arn_validation_error(server: ThreadedServer, connect: Connect) -> None:
    ddb = connect(server, "dynamodb")

    with pytest.raises(ClientError) as excinfo:
        ddb.describe_export(ExportArn=f"{table_arn('music')}/import/01700000000000-0123abcd")

    assert error_of(excinfo) == ("ValidationException", 400)


# CloudTrail Lake imports


def test_start_import_full_life_cycle(server: ThreadedServer, connect: Connect) -> None:
    ct = connect(server, "cloudtrail")

    stopped = ct.start_import(**lake_import_request())
    assert stopped["ImportStatus"] == "INITIALIZING" and re.fullmatch(UUID, stopped["ImportId"])
    assert ct.get_import(ImportId=stopped["ImportId"])["ImportStatus"] == "IN_PROGRESS"
    with pytest.raises(ct.exceptions.AccountHasOngoingImportException):
        ct.start_import(**lake_import_request())
    assert ct.stop_import(ImportId=stopped["ImportId"])["ImportStatus"] == "STOPPED"
    advance(server, 1)

    failed = ct.start_import(**lake_import_request())["ImportId"]
    finish(server, failed, status="FAILED", failure_code="AccessDenied", failure_message="Access Denied")
    advance(server, 1)
    completed = ct.start_import(**lake_import_request())["ImportId"]
    finish(server, completed)

    assert ct.get_import(ImportId=stopped["ImportId"])["ImportStatus"] == "STOPPED"
    assert ct.get_import(ImportId=failed)["ImportStatus"] == "FAILED"
    final = ct.get_import(ImportId=completed)
    assert final["ImportStatus"] == "COMPLETED" and "ImportStatistics" in final
    failures = ct.list_import_failures(ImportId=failed)["Failures"]
    assert [(f["ErrorType"], f["ErrorMessage"]) for f in failures] == [("AccessDenied", "Access Denied")]

    pages = list(ct.get_paginator("list_imports").paginate(PaginationConfig={"PageSize": 1}))
    listed = [(i["ImportId"], i["ImportStatus"]) for page in pages for i in page["Imports"]]
    assert listed == [(completed, "COMPLETED"), (failed, "FAILED"), (stopped["ImportId"], "STOPPED")]
    only_failed = ct.list_imports(ImportStatus="FAILED")["Imports"]
    assert [i["ImportId"] for i in only_failed] == [failed]

    with pytest.raises(ct.exceptions.OperationNotPermittedException):
        ct.stop_import(ImportId=completed)


def test_start_import_retry_of_failed_import_restarts_it(server: ThreadedServer, connect: Connect) -> None:
    ct = connect(server, "cloudtrail")
    ident = ct.start_import(**lake_import_request())["ImportId"]
    finish(server, ident, status="FAILED", failure_code="AccessDenied", failure_message="Access Denied")

    retried = ct.start_import(ImportId=ident)

    assert (retried["ImportId"], retried["ImportStatus"]) == (ident, "INITIALIZING")
    failures = ct.list_import_failures(ImportId=ident)["Failures"]
    assert [f["Status"] for f in failures] == ["RETRY"]


def test_get_import_unknown_id_not_found(server: ThreadedServer, connect: Connect) -> None:
    ct = connect(server, "cloudtrail")

    with pytest.raises(ct.exceptions.ImportNotFoundException) as excinfo:
        ct.get_import(ImportId=str(uuid.uuid4()))

    assert error_of(excinfo) == ("ImportNotFoundException", 400)


def test_get_import_completed_after_clock_advance(slow_server: ThreadedServer, connect: Connect) -> None:
    ct = connect(slow_server, "cloudtrail")
    ident = ct.start_import(**lake_import_request())["ImportId"]

    advance(slow_server, 30)
    assert ct.get_import(ImportId=ident)["ImportStatus"] == "IN_PROGRESS"
    advance(slow_server, 30)

    assert ct.get_import(ImportId=ident)["ImportStatus"] == "COMPLETED"


# Forecast dataset import jobs


def test_create_dataset_import_job_full_life_cycle(slow_server: ThreadedServer, connect: Connect) -> None:
    fc = connect(slow_server, "forecast")
    prefix = f"arn:aws:forecast:us-east-1:{ACCOUNT_A}:dataset-import-job/sales/"
    tags = [{"Key": "team", "Value": "demand"}]
    arns = []
    for name in ("daily", "weekly", "monthly"):
        request = dataset_import_request(name)
        arn = fc.create_dataset_import_job(**request, Tags=tags)["DatasetImportJobArn"]
        assert arn == prefix + name
        assert fc.describe_dataset_import_job(DatasetImportJobArn=arn)["Status"] == "CREATE_PENDING"
        arns.append(arn)
        advance(slow_server, 1)
    daily, weekly, monthly = arns

    described = fc.describe_dataset_import_job(DatasetImportJobArn=daily)
    assert described["Status"] == "CREATE_IN_PROGRESS"
    assert described["DatasetImportJobName"] == "daily"
    paginator = fc.get_paginator("list_dataset_import_jobs")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 1}))
    assert [j["DatasetImportJobArn"] for page in pages for j in page["DatasetImportJobs"]] == arns[::-1]
    with pytest.raises(fc.exceptions.ResourceAlreadyExistsException):
        fc.create_dataset_import_job(**dataset_import_request("daily"))
    with pytest.raises(fc.exceptions.ResourceInUseException):
        fc.delete_dataset_import_job(DatasetImportJobArn=daily)

    finish(slow_server, weekly, status="CREATE_FAILED", failure_message="Bad CSV header")
    fc.stop_resource(ResourceArn=monthly)
    assert fc.describe_dataset_import_job(DatasetImportJobArn=monthly)["Status"] == "CREATE_STOPPING"
    advance(slow_server, 60)

    active = fc.describe_dataset_import_job(DatasetImportJobArn=daily)
    assert active["Status"] == "ACTIVE" and "FieldStatistics" in active
    failed = fc.describe_dataset_import_job(DatasetImportJobArn=weekly)
    assert (failed["Status"], failed["Message"]) == ("CREATE_FAILED", "Bad CSV header")
    assert fc.describe_dataset_import_job(DatasetImportJobArn=monthly)["Status"] == "CREATE_STOPPED"
    filters = [{"Key": "Status", "Value": "ACTIVE", "Condition": "IS"}]
    listed = fc.list_dataset_import_jobs(Filters=filters)["DatasetImportJobs"]
    assert [j["DatasetImportJobArn"] for j in listed] == [daily]

    assert fc.list_tags_for_resource(ResourceArn=daily)["Tags"] == tags
    fc.tag_resource(ResourceArn=daily, Tags=[{"Key": "stage", "Value": "prod"}])
    fc.untag_resource(ResourceArn=daily, TagKeys=["team"])
    assert fc.list_tags_for_resource(ResourceArn=daily)["Tags"] == [{"Key": "stage", "Value": "prod"}]

    fc.delete_dataset_import_job(DatasetImportJobArn=daily)
    deleting = fc.describe_dataset_import_job(DatasetImportJobArn=daily)["Status"]
    assert deleting in ("DELETE_PENDING", "DELETE_IN_PROGRESS")
    advance(slow_server, 60)
    with pytest.raises(fc.exceptions.ResourceNotFoundException):
        fc.describe_dataset_import_job(DatasetImportJobArn=daily)
    remaining = [j["DatasetImportJobArn"] for j in fc.list_dataset_import_jobs()["DatasetImportJobs"]]
    assert remaining == [monthly, weekly]


def test_describe_dataset_import_job_unknown_arn_not_found(server: ThreadedServer, connect: Connect) -> None:
    fc = connect(server, "forecast")
    unknown = f"arn:aws:forecast:us-east-1:{ACCOUNT_A}:dataset-import-job/sales/never"

    with pytest.raises(fc.exceptions.ResourceNotFoundException) as excinfo:
        fc.describe_dataset_import_job(DatasetImportJobArn=unknown)

    assert error_of(excinfo) == ("ResourceNotFoundException", 400)


def test_create_dataset_import_job_malformed_dataset_arn_invalid_input(
    server: ThreadedServer, connect: Connect
) -> None:
    fc = connect(server, "forecast")
    request = dataset_import_request("daily")
    request["DatasetArn"] = f"arn:aws:forecast:us-east-1:{ACCOUNT_A}:dataset-group/sales"

    with pytest.raises(fc.exceptions.InvalidInputException):
        fc.create_dataset_import_job(**request)


# Q in Connect import jobs


def test_start_import_job_full_life_cycle(server: ThreadedServer, connect: Connect) -> None:
    qc = connect(server, "qconnect")
    kb = str(uuid.uuid4())
    ids = []
    for _ in range(3):
        job = start_qconnect_job(qc, kb)
        assert job["status"] == "START_IN_PROGRESS" and re.fullmatch(UUID, job["importJobId"])
        assert job["knowledgeBaseId"] == kb
        ids.append(job["importJobId"])
        advance(server, 1)
    completed, failed, running = ids

    got = qc.get_import_job(knowledgeBaseId=kb, importJobId=running)["importJob"]
    assert got["status"] == "START_IN_PROGRESS"
    paginator = qc.get_paginator("list_import_jobs")
    pages = list(paginator.paginate(knowledgeBaseId=kb, PaginationConfig={"PageSize": 1}))
    assert [s["importJobId"] for page in pages for s in page["importJobSummaries"]] == ids[::-1]
    with pytest.raises(qc.exceptions.ConflictException):
        qc.delete_import_job(knowledgeBaseId=kb, importJobId=running)

    finish(server, completed)
    finish(server, failed, status="FAILED")
    assert qc.get_import_job(knowledgeBaseId=kb, importJobId=completed)["importJob"]["status"] == "COMPLETE"
    failed_job = qc.get_import_job(knowledgeBaseId=kb, importJobId=failed)["importJob"]
    assert failed_job["status"] == "FAILED"
    assert failed_job["failedRecordReport"].startswith(f"{server.url}/importmock-uploads/{ACCOUNT_A}/")

    deleted = qc.delete_import_job(knowledgeBaseId=kb, importJobId=completed)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(qc.exceptions.ResourceNotFoundException) as excinfo:
        qc.get_import_job(knowledgeBaseId=kb, importJobId=completed)
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)
    listed = qc.list_import_jobs(knowledgeBaseId=kb)["importJobSummaries"]
    assert [s["importJobId"] for s in listed] == [running, failed]


def test_get_import_job_completed_after_clock_advance(slow_server: ThreadedServer, connect: Connect) -> None:
    qc = connect(slow_server, "qconnect")
    kb = str(uuid.uuid4())
    ident = start_qconnect_job(qc, kb)["importJobId"]

    advance(slow_server, 60)

    assert qc.get_import_job(knowledgeBaseId=kb, importJobId=ident)["importJob"]["status"] == "COMPLETE"


def test_get_import_job_unknown_id_not_found(server: ThreadedServer, connect: Connect) -> None:
    qc = connect(server, "qconnect")

    with pytest.raises(qc.exceptions.ResourceNotFoundException):
        qc.get_import_job(knowledgeBaseId=str(uuid.uuid4()), importJobId=str(uuid.uuid4()))


def test_start_import_job_invented_upload_id_not_found(server: ThreadedServer, connect: Connect) -> None:
    qc = connect(server, "qconnect")

    with pytest.raises(qc.exceptions.ResourceNotFoundException):
        qc.start_import_job(
            knowledgeBaseId=str(uuid.uuid4()), importJobType="QUICK_RESPONSES", uploadId="invented-upload"
        )


def test_list_import_jobs_malformed_knowledge_base_id_validation_error(
    server: ThreadedServer, connect: Connect
) -> None:
    qc = connect(server, "qconnect")

    with pytest.raises(qc.exceptions.ValidationException):
        qc.list_import_jobs(knowledgeBaseId="kb-1")


# X-Amz-Target as every SDK sends it: botocore's targetPrefix, or (Smithy-generated SDKs:
# JavaScript v3, Go v2, Java v2) the service shape name, the prefix's last dotted part


def json_services() -> list[Any]:
    return [service for service in SERVICES if service.model.protocol == "json"]


def target_forms(service: Any) -> list[str]:
    prefix = service.model.metadata["targetPrefix"]
    return list(dict.fromkeys([prefix, prefix.rpartition(".")[2]]))


def parsed(service: Any, operation: str, reply: Reply) -> dict[str, Any]:
    """A raw JSON-protocol answer as botocore reads it, checked against the output shape."""
    model = service.model.operation_model(operation)
    assert reply.status == 200, reply.body
    return parsed_answer("json", model, reply.status, reply.headers, reply.body)


def json_call(server: ThreadedServer, service: Any, target: str, body: dict[str, Any]) -> Reply:
    version = service.model.metadata["jsonVersion"]
    return json_target_call(
        server.url, service.model.signing_name, target, json.dumps(body).encode(), version
    )


LISTINGS = {"dynamodb": "ListImports", "cloudtrail": "ListImports", "forecast": "ListDatasetImportJobs"}


@pytest.mark.parametrize(
    ("service", "prefix"),
    [pytest.param(s, form, id=f"{s.name}-{form}") for s in json_services() for form in target_forms(s)],
)
def test_list_operation_every_target_form_answered_over_http(
    server: ThreadedServer, service: Any, prefix: str
) -> None:
    operation = LISTINGS[service.name]

    answer = parsed(service, operation, json_call(server, service, f"{prefix}.{operation}", {}))

    assert not any(isinstance(value, list) and value for value in answer.values())  # an empty listing
    assert [(c.service, c.operation, c.error) for c in server.mock.calls] == [(service.name, operation, None)]


def test_start_import_smithy_targets_full_life_cycle(server: ThreadedServer) -> None:
    trail = next(s for s in json_services() if s.name == "cloudtrail")
    smithy = "CloudTrail_20131101"  # what the AWS SDK for JavaScript v3 sends

    def call(operation: str, **body: Any) -> dict[str, Any]:
        return parsed(trail, operation, json_call(server, trail, f"{smithy}.{operation}", body))

    started = call("StartImport", **lake_import_request())
    ident = started["ImportId"]
    assert started["ImportStatus"] == "INITIALIZING"
    assert call("GetImport", ImportId=ident)["ImportStatus"] == "IN_PROGRESS"
    assert call("StopImport", ImportId=ident)["ImportStatus"] == "STOPPED"
    listed = call("ListImports")["Imports"]
    assert [(i["ImportId"], i["ImportStatus"]) for i in listed] == [(ident, "STOPPED")]
    assert call("ListImportFailures", ImportId=ident)["Failures"] == []
