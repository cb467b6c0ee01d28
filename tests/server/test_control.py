"""The control endpoints under /_importmock/, called over HTTP as small JSON calls."""

from __future__ import annotations

import json
import logging
import re
import socket
import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError
from server_support import (
    ACCOUNT_A,
    Connect,
    advance,
    control,
    control_ok,
    finish,
    http_call,
    without_metadata,
)

import importmock
from families import (
    dataset_import_request,
    import_arn,
    import_request,
    lake_import_request,
    start_qconnect_job,
    table_arn,
)
from importmock.server import ThreadedServer

T0 = datetime(2030, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc)


def clock_of(document: Any) -> datetime:
    """The instant a clock answer shows, checking that `now` and `epoch` agree."""
    assert set(document) == {"now", "epoch"}
    now = datetime.fromisoformat(document["now"])
    assert now.utcoffset() is not None
    assert isinstance(document["epoch"], (int, float)) and not isinstance(document["epoch"], bool)
    assert abs(now.timestamp() - document["epoch"]) < 0.001
    return now


def unsigned(job: dict[str, Any]) -> dict[str, Any]:
    """A Q in Connect job without the signatures of its download links, which change at every read,
    nor the server they point at."""
    return {
        key: re.sub(r"^http://[^/]+|X-Amz-Signature=[0-9a-f]+", "...", value) if key == "url" else value
        for key, value in job.items()
    }


# health


def test_health_reports_ok_and_version(server: ThreadedServer) -> None:
    reply = control(server, "GET", "health")

    assert reply.status == 200
    assert reply.headers["content-type"].startswith("application/json")
    assert reply.json() == {"status": "ok", "version": importmock.__version__}


# reset


def test_reset_forgets_jobs_calls_faults_and_clock(server: ThreadedServer, connect: Connect) -> None:
    ddb = connect(server, "dynamodb")
    import_arn(ddb)
    control_ok(server, "POST", "faults", {"service": "dynamodb", "operation": "ListImports"})
    advance(server, 10 * 86400)

    assert control_ok(server, "POST", "reset") == {"reset": True}

    assert control_ok(server, "GET", "calls") == {"calls": []}
    assert abs(clock_of(control_ok(server, "GET", "clock")).timestamp() - time.time()) < 86400
    assert ddb.list_imports()["ImportSummaryList"] == []  # no job, and the fault is gone too


# state


def test_state_snapshot_restored_into_second_server_answers_the_same(
    server: ThreadedServer, connect: Connect
) -> None:
    ddb, ct = connect(server, "dynamodb"), connect(server, "cloudtrail")
    fc, qc = connect(server, "forecast"), connect(server, "qconnect")
    kb = str(uuid.uuid4())
    imports = [import_arn(ddb, table) for table in ("orders", "customers", "invoices")]
    finish(server, imports[1], status="FAILED", failure_code="S3NoSuchBucket", failure_message="No bucket")
    export = ddb.export_table_to_point_in_time(TableArn=table_arn("music"), S3Bucket="exports")
    export_arn = export["ExportDescription"]["ExportArn"]
    lake = ct.start_import(**lake_import_request())["ImportId"]
    forecast_arn = fc.create_dataset_import_job(**dataset_import_request("daily"))["DatasetImportJobArn"]
    job = start_qconnect_job(qc, kb)["importJobId"]
    advance(server, 30)

    def reads(port: ThreadedServer) -> list[dict[str, Any]]:
        ddb, ct = connect(port, "dynamodb"), connect(port, "cloudtrail")
        fc, qc = connect(port, "forecast"), connect(port, "qconnect")
        return [
            *(without_metadata(ddb.describe_import(ImportArn=arn)) for arn in imports),
            without_metadata(ddb.list_imports()),
            without_metadata(ddb.describe_export(ExportArn=export_arn)),
            without_metadata(ct.get_import(ImportId=lake)),
            without_metadata(fc.describe_dataset_import_job(DatasetImportJobArn=forecast_arn)),
            unsigned(qc.get_import_job(knowledgeBaseId=kb, importJobId=job)["importJob"]),
            without_metadata(qc.list_import_jobs(knowledgeBaseId=kb)),
        ]

    before = reads(server)
    snapshot = control_ok(server, "GET", "state")
    first_page = ddb.list_imports(PageSize=1)

    with ThreadedServer(port=0, duration=None) as second:
        assert control_ok(second, "PUT", "state", snapshot) == {"restored": True}

        assert reads(second) == before
        assert control_ok(second, "GET", "clock") == control_ok(server, "GET", "clock")
        # the page-token secret travels with the snapshot: a token of the first server works
        following = connect(second, "dynamodb").list_imports(PageSize=1, NextToken=first_page["NextToken"])
        assert (
            following["ImportSummaryList"]
            == ddb.list_imports(PageSize=1, NextToken=first_page["NextToken"])["ImportSummaryList"]
        )


def test_state_get_equals_mock_snapshot(server: ThreadedServer, connect: Connect) -> None:
    import_arn(connect(server, "dynamodb"))

    assert control_ok(server, "GET", "state") == json.loads(json.dumps(server.mock.snapshot()))


@pytest.mark.parametrize(
    "document",
    [{}, {"version": -1}, {"importmock": "snapshot"}],
    ids=["empty", "other-version", "not-a-snapshot"],
)
def test_state_put_bad_snapshot_rejected_and_state_kept(
    server: ThreadedServer, connect: Connect, document: dict[str, Any]
) -> None:
    ddb = connect(server, "dynamodb")
    arn = import_arn(ddb)

    reply = control(server, "PUT", "state", document)

    assert reply.status == 400
    assert isinstance(reply.json()["error"], str)
    assert [s["ImportArn"] for s in ddb.list_imports()["ImportSummaryList"]] == [arn]


# clock


def test_clock_get_shows_now_and_epoch(server: ThreadedServer) -> None:
    now = clock_of(control_ok(server, "GET", "clock"))

    assert abs(now.timestamp() - time.time()) < 86400  # it starts at the real time


def test_clock_advance_moves_the_clock_by_seconds(server: ThreadedServer) -> None:
    before = clock_of(control_ok(server, "GET", "clock"))

    after = clock_of(advance(server, 300))

    assert after - before == timedelta(seconds=300)
    assert clock_of(control_ok(server, "GET", "clock")) == after


def test_clock_advance_fractional_seconds(server: ThreadedServer) -> None:
    control_ok(server, "POST", "clock/set", {"now": T0.isoformat()})

    assert clock_of(advance(server, 1.5)) == T0 + timedelta(seconds=1.5)


@pytest.mark.parametrize(
    "text",
    ["2030-01-02T03:04:05.678000+00:00", "2030-01-02T05:04:05.678000+02:00", "2030-01-02T03:04:05.678Z"],
    ids=["utc", "offset", "zulu"],
)
def test_clock_set_now_iso_form(server: ThreadedServer, text: str) -> None:
    answer = control_ok(server, "POST", "clock/set", {"now": text})

    assert clock_of(answer) == T0
    assert clock_of(control_ok(server, "GET", "clock")) == T0


def test_clock_set_epoch_form(server: ThreadedServer) -> None:
    answer = control_ok(server, "POST", "clock/set", {"epoch": T0.timestamp()})

    assert clock_of(answer) == T0
    assert answer["epoch"] == pytest.approx(T0.timestamp(), abs=0.001)


def test_clock_set_drives_job_timestamps(server: ThreadedServer, connect: Connect) -> None:
    control_ok(server, "POST", "clock/set", {"epoch": T0.timestamp()})
    ddb = connect(server, "dynamodb")

    job = ddb.import_table(**import_request())["ImportTableDescription"]
    advance(server, 90)
    finish(server, job["ImportArn"])
    done = ddb.describe_import(ImportArn=job["ImportArn"])["ImportTableDescription"]

    assert job["StartTime"] == T0
    assert done["EndTime"] == T0 + timedelta(seconds=90)


@pytest.mark.parametrize(
    ("path", "document"),
    [
        ("clock/advance", {}),
        ("clock/advance", {"seconds": "300"}),
        ("clock/advance", {"seconds": None}),
        ("clock/set", {}),
        ("clock/set", {"now": "yesterday"}),
        ("clock/set", {"now": "2030-01-02T03:04:05"}),
        ("clock/set", {"now": 1795410000}),
        ("clock/set", {"epoch": "1795410000"}),
    ],
    ids=[
        "advance-no-seconds",
        "advance-string",
        "advance-null",
        "set-empty",
        "set-not-iso",
        "set-no-offset",
        "set-now-number",
        "set-epoch-string",
    ],
)
def test_clock_bad_value_rejected(server: ThreadedServer, path: str, document: dict[str, Any]) -> None:
    before = control_ok(server, "GET", "clock")

    reply = control(server, "POST", path, document)

    assert reply.status == 400
    assert isinstance(reply.json()["error"], str)
    assert control_ok(server, "GET", "clock") == before


# finish


def test_finish_default_status_completes_job(server: ThreadedServer, connect: Connect) -> None:
    ddb = connect(server, "dynamodb")
    arn = import_arn(ddb)

    assert control_ok(server, "POST", "finish", {"job": arn}) == {"finished": arn}

    done = ddb.describe_import(ImportArn=arn)["ImportTableDescription"]
    assert done["ImportStatus"] == "COMPLETED"


def test_finish_failed_shows_failure_code_through_describe(server: ThreadedServer, connect: Connect) -> None:
    ddb = connect(server, "dynamodb")
    arn = import_arn(ddb)
    document = {
        "job": arn,
        "status": "FAILED",
        "failure_code": "S3NoSuchBucket",
        "failure_message": "The specified bucket does not exist",
    }

    assert control_ok(server, "POST", "finish", document) == {"finished": arn}

    failed = ddb.describe_import(ImportArn=arn)["ImportTableDescription"]
    assert (failed["ImportStatus"], failed["FailureCode"], failed["FailureMessage"]) == (
        "FAILED",
        "S3NoSuchBucket",
        "The specified bucket does not exist",
    )


def test_finish_job_by_id(server: ThreadedServer, connect: Connect) -> None:
    ct = connect(server, "cloudtrail")
    ident = ct.start_import(**lake_import_request())["ImportId"]

    assert control_ok(server, "POST", "finish", {"job": ident, "status": "COMPLETED"}) == {"finished": ident}

    assert ct.get_import(ImportId=ident)["ImportStatus"] == "COMPLETED"


@pytest.mark.parametrize(
    "case",
    ["missing-job", "unknown-job", "status-of-other-family", "already-ended", "job-not-string"],
)
def test_finish_bad_request_rejected(server: ThreadedServer, connect: Connect, case: str) -> None:
    ddb = connect(server, "dynamodb")
    arn = import_arn(ddb)
    document: dict[str, Any] = {
        "missing-job": {"status": "COMPLETED"},
        "unknown-job": {"job": f"{table_arn('nope')}/import/01700000000000-0123abcd"},
        "status-of-other-family": {"job": arn, "status": "ACTIVE"},
        "already-ended": {"job": arn},
        "job-not-string": {"job": 42},
    }[case]
    if case == "already-ended":
        finish(server, arn, status="CANCELLED")

    reply = control(server, "POST", "finish", document)

    assert reply.status == 400
    assert isinstance(reply.json()["error"], str)
    expected = "CANCELLED" if case == "already-ended" else "IN_PROGRESS"
    assert ddb.describe_import(ImportArn=arn)["ImportTableDescription"]["ImportStatus"] == expected


# faults


def test_faults_throttling_seen_by_client(server: ThreadedServer, connect: Connect) -> None:
    ddb = connect(server, "dynamodb", attempts=1)
    arn = import_arn(ddb)

    queued = control_ok(server, "POST", "faults", {"service": "dynamodb", "operation": "DescribeImport"})
    assert queued == {"queued": 1}

    with pytest.raises(ClientError) as excinfo:
        ddb.describe_import(ImportArn=arn)
    assert excinfo.value.response["Error"]["Code"] == "ThrottlingException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert ddb.describe_import(ImportArn=arn)["ImportTableDescription"]["ImportArn"] == arn


def test_faults_times_fail_that_many_attempts(server: ThreadedServer, connect: Connect) -> None:
    ct = connect(server, "cloudtrail", attempts=1)
    document = {"service": "cloudtrail", "operation": "ListImports", "times": 2}
    control_ok(server, "POST", "faults", document)

    for _ in range(2):
        with pytest.raises(ct.exceptions.ClientError) as excinfo:
            ct.list_imports()
        assert excinfo.value.response["Error"]["Code"] == "ThrottlingException"

    assert ct.list_imports()["Imports"] == []


def test_faults_code_message_and_status_reach_modeled_exception(
    server: ThreadedServer, connect: Connect
) -> None:
    fc = connect(server, "forecast", attempts=1)
    document = {
        "service": "forecast",
        "operation": "ListDatasetImportJobs",
        "code": "LimitExceededException",
        "message": "Too many requests",
        "status": 400,
        "times": 1,
    }
    assert control_ok(server, "POST", "faults", document) == {"queued": 1}

    with pytest.raises(fc.exceptions.LimitExceededException) as excinfo:
        fc.list_dataset_import_jobs()

    assert excinfo.value.response["Error"]["Message"] == "Too many requests"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_faults_server_error_status_on_rest_json_service(server: ThreadedServer, connect: Connect) -> None:
    qc = connect(server, "qconnect", attempts=1)
    document = {
        "service": "qconnect",
        "operation": "ListImportJobs",
        "code": "InternalServerError",
        "status": 503,
    }
    control_ok(server, "POST", "faults", document)

    with pytest.raises(ClientError) as excinfo:
        qc.list_import_jobs(knowledgeBaseId=str(uuid.uuid4()))

    assert excinfo.value.response["Error"]["Code"] == "InternalServerError"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503


@pytest.mark.parametrize(
    "document",
    [
        {"operation": "ListImports"},
        {"service": "dynamodb"},
        {"service": "dynamodb", "operation": "CreateTable"},
        {"service": "sqs", "operation": "ListQueues"},
        {"service": "dynamodb", "operation": "ListImports", "times": 0},
        {"service": "dynamodb", "operation": "ListImports", "status": 200},
        {"service": "dynamodb", "operation": "ListImports", "times": "two"},
    ],
    ids=[
        "no-service",
        "no-operation",
        "unanswered-op",
        "unknown-service",
        "times-0",
        "status-200",
        "times-str",
    ],
)
def test_faults_bad_request_rejected(
    server: ThreadedServer, connect: Connect, document: dict[str, Any]
) -> None:
    reply = control(server, "POST", "faults", document)

    assert reply.status == 400
    assert isinstance(reply.json()["error"], str)
    assert connect(server, "dynamodb").list_imports()["ImportSummaryList"] == []  # nothing was queued


# calls


def test_calls_lists_answered_requests_in_order(server: ThreadedServer, connect: Connect) -> None:
    ddb = connect(server, "dynamodb", region="eu-west-1")
    request = import_request("orders")
    arn = ddb.import_table(**request, ClientToken="token-1")["ImportTableDescription"]["ImportArn"]
    unknown = f"{table_arn('nope', region='eu-west-1')}/import/01700000000000-0123abcd"
    with pytest.raises(ddb.exceptions.ImportNotFoundException):
        ddb.describe_import(ImportArn=unknown)
    qc = connect(server, "qconnect")
    kb = str(uuid.uuid4())
    qc.list_import_jobs(knowledgeBaseId=kb, maxResults=5)

    calls = control_ok(server, "GET", "calls")["calls"]

    assert [set(call) for call in calls] == [
        {"service", "operation", "region", "account_id", "params", "error"}
    ] * 3
    first, second, third = calls
    assert (first["service"], first["operation"], first["region"], first["account_id"], first["error"]) == (
        "dynamodb",
        "ImportTable",
        "eu-west-1",
        ACCOUNT_A,
        None,
    )
    assert first["params"]["TableCreationParameters"] == request["TableCreationParameters"]
    assert first["params"]["ClientToken"] == "token-1"
    assert (second["operation"], second["params"], second["error"]) == (
        "DescribeImport",
        {"ImportArn": unknown},
        "ImportNotFoundException",
    )
    assert (third["service"], third["operation"], third["region"]) == (
        "qconnect",
        "ListImportJobs",
        "us-east-1",
    )
    assert third["params"] == {"knowledgeBaseId": kb, "maxResults": 5}
    assert arn.startswith(table_arn("orders", region="eu-west-1"))


def test_calls_timestamps_in_params_are_iso_strings(server: ThreadedServer, connect: Connect) -> None:
    control_ok(server, "POST", "clock/set", {"epoch": T0.timestamp()})
    ddb = connect(server, "dynamodb")
    export_time = T0.replace(microsecond=0) - timedelta(hours=1)
    ddb.export_table_to_point_in_time(TableArn=table_arn("music"), S3Bucket="exports", ExportTime=export_time)

    (call,) = control_ok(server, "GET", "calls")["calls"]

    assert call["operation"] == "ExportTableToPointInTime"
    assert isinstance(call["params"]["ExportTime"], str)
    assert datetime.fromisoformat(call["params"]["ExportTime"].replace("Z", "+00:00")) == export_time


def test_calls_record_injected_failures(server: ThreadedServer, connect: Connect) -> None:
    control_ok(server, "POST", "faults", {"service": "dynamodb", "operation": "ListExports"})
    ddb = connect(server, "dynamodb", ACCOUNT_A, attempts=1)
    with pytest.raises(ClientError):
        ddb.list_exports()
    ddb.list_exports()

    calls = control_ok(server, "GET", "calls")["calls"]

    assert [(c["operation"], c["error"]) for c in calls] == [
        ("ListExports", "ThrottlingException"),
        ("ListExports", None),
    ]


# the control API's own errors


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "nope"), ("POST", "clock/rewind"), ("GET", "health/extra"), ("POST", "jobs"), ("GET", "")],
)
def test_control_unknown_path_not_found(server: ThreadedServer, method: str, path: str) -> None:
    reply = control(server, method, path)

    assert reply.status == 404
    assert isinstance(reply.json(), dict)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "health"),
        ("GET", "reset"),
        ("DELETE", "state"),
        ("POST", "state"),
        ("PUT", "clock"),
        ("GET", "clock/advance"),
        ("GET", "clock/set"),
        ("GET", "finish"),
        ("GET", "faults"),
        ("POST", "calls"),
    ],
)
def test_control_wrong_method_not_allowed(server: ThreadedServer, method: str, path: str) -> None:
    reply = control(server, method, path, {} if method in ("POST", "PUT") else None)

    assert reply.status == 405
    assert isinstance(reply.json(), dict)


@pytest.mark.parametrize("path", ["clock/advance", "clock/set", "finish", "faults"])
@pytest.mark.parametrize(
    "body",
    [b"not json", b"[1, 2]", b'"text"', b"", b"\xff\xfe"],
    ids=["garbage", "array", "string", "empty", "binary"],
)
def test_control_body_not_json_object_rejected(server: ThreadedServer, path: str, body: bytes) -> None:
    reply = http_call(server.url, "POST", f"/_importmock/{path}", body, {"Content-Type": "application/json"})

    assert reply.status == 400
    assert isinstance(reply.json()["error"], str)


@pytest.mark.parametrize("body", [b"not json", b"[]", b""], ids=["garbage", "array", "empty"])
def test_state_put_body_not_json_object_rejected(server: ThreadedServer, body: bytes) -> None:
    reply = http_call(server.url, "PUT", "/_importmock/state", body, {"Content-Type": "application/json"})

    assert reply.status == 400
    assert isinstance(reply.json()["error"], str)


# hostile bodies and snapshots


def test_state_put_job_request_of_wrong_type_rejected_and_state_kept(
    server: ThreadedServer, connect: Connect
) -> None:
    ddb, fc = connect(server, "dynamodb"), connect(server, "forecast")
    arn = import_arn(ddb)
    fc.create_dataset_import_job(**dataset_import_request("daily"))
    snapshot = control_ok(server, "GET", "state")
    for backend in snapshot["backends"]:
        for job in backend["state"].get("_jobs", []):
            if job["$class"].endswith(":TableImport"):
                job["request"]["S3BucketSource"] = "s3://bucket/prefix"
            else:
                job["request"]["DataSource"] = 7

    reply = control(server, "PUT", "state", snapshot)

    assert reply.status == 400
    assert re.search(
        r"TableImport \S+: its request is no ImportTable input: .*s3BucketSource", reply.json()["error"]
    )
    assert [s["ImportArn"] for s in ddb.list_imports()["ImportSummaryList"]] == [arn]
    assert [j["DatasetImportJobName"] for j in fc.list_dataset_import_jobs()["DatasetImportJobs"]] == [
        "daily"
    ]


@pytest.mark.parametrize(
    ("method", "path", "opener"),
    [
        ("PUT", "state", b"["),
        ("PUT", "state", b'{"a":'),
        ("POST", "clock/advance", b"["),
        ("POST", "faults", b'{"a":'),
        ("POST", "finish", b"["),
        ("GET", "calls", b"["),
    ],
    ids=["state-arrays", "state-objects", "clock-advance", "faults", "finish", "calls"],
)
def test_control_deeply_nested_body_rejected(
    server: ThreadedServer, method: str, path: str, opener: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    body = opener * 100_000

    reply = http_call(server.url, method, f"/_importmock/{path}", body, {"Content-Type": "application/json"})

    assert reply.status == 400
    assert reply.json() == {"error": "the body is nested too deeply"}
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert control_ok(server, "GET", "calls") == {"calls": []}


# calls a web page could make (cross-site requests)

EVIL = "http://attacker.example"


def _queued_faults(server: ThreadedServer) -> list[Any]:
    return list(control_ok(server, "GET", "state")["faults"])


@pytest.mark.parametrize(
    ("method", "path", "document", "origin"),
    [
        ("POST", "reset", None, EVIL),
        ("POST", "reset", None, "null"),  # a sandboxed page, a file: URL
        ("POST", "reset", None, "http://127.0.0.1"),  # the same host on another port
        ("POST", "faults", {"service": "dynamodb", "operation": "ListImports"}, EVIL),
        ("PUT", "state", {}, EVIL),
        ("GET", "state", None, EVIL),
        ("GET", "health", None, EVIL),
    ],
    ids=["reset", "reset-null", "reset-other-port", "faults", "state-put", "state-get", "health"],
)
def test_control_call_from_another_origin_forbidden(
    server: ThreadedServer, connect: Connect, method: str, path: str, document: Any, origin: str
) -> None:
    arn = import_arn(connect(server, "dynamodb"))
    body = None if document is None else json.dumps(document).encode()
    headers = {"Origin": origin, "Content-Type": "application/json"}

    reply = http_call(server.url, method, f"/_importmock/{path}", body, headers)

    assert reply.status == 403
    assert reply.headers["content-type"] == "application/json"
    assert f"Origin {origin}" in reply.json()["error"]
    assert not [name for name in reply.headers if name.startswith("access-control-")]
    assert _queued_faults(server) == []
    assert [s["ImportArn"] for s in connect(server, "dynamodb").list_imports()["ImportSummaryList"]] == [arn]


@pytest.mark.parametrize("case", ["exact", "upper-case", "default-port"])
def test_control_call_from_own_origin_answered(case: str) -> None:
    with ThreadedServer(port=0, duration=None) as own:
        host = f"127.0.0.1:{own.port}"
        origin, sent_host = {
            "exact": (f"http://{host}", host),
            "upper-case": (f"HTTP://{host}".upper(), host),
            "default-port": ("http://localhost", "localhost:80"),
        }[case]
        body = json.dumps({"service": "dynamodb", "operation": "ListImports"}).encode()
        headers = {"Origin": origin, "Host": sent_host, "Content-Type": "application/json"}

        reply = http_call(own.url, "POST", "/_importmock/faults", body, headers)

        assert reply.status == 200, reply.body
        assert reply.json() == {"queued": 1}
        assert not [name for name in reply.headers if name.startswith("access-control-")]


FAULT = {"service": "dynamodb", "operation": "ListImports"}


@pytest.mark.parametrize(
    ("method", "path", "document", "content_type"),
    [
        ("POST", "faults", FAULT, "text/plain"),
        ("POST", "faults", FAULT, "application/x-www-form-urlencoded"),  # curl -d
        ("POST", "faults", FAULT, "multipart/form-data; boundary=x"),
        ("POST", "faults", FAULT, None),
        ("POST", "clock/advance", {"seconds": 86400}, "text/plain"),
        ("PUT", "state", {"importmock_snapshot": 1, "clock": "2030-01-02T03:04:05Z"}, "text/plain"),
        ("POST", "reset", {}, "text/plain"),
    ],
    ids=["text-plain", "form", "multipart", "none", "clock-advance", "state-put", "reset"],
)
def test_control_change_with_body_not_declared_json_unsupported_media_type(
    server: ThreadedServer, method: str, path: str, document: Any, content_type: str | None
) -> None:
    clock = control_ok(server, "GET", "clock")
    headers = {} if content_type is None else {"Content-Type": content_type}

    reply = http_call(server.url, method, f"/_importmock/{path}", json.dumps(document).encode(), headers)

    assert reply.status == 415
    assert "application/json" in reply.json()["error"]
    assert _queued_faults(server) == []
    assert control_ok(server, "GET", "clock") == clock


def test_control_reset_with_empty_body_declared_text_unsupported_media_type(server: ThreadedServer) -> None:
    """A form a page submits may be empty: only a call with neither body nor Content-Type is let in."""
    reply = http_call(server.url, "POST", "/_importmock/reset", b"", {"Content-Type": "text/plain"})

    assert reply.status == 415


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "Application/JSON"])
def test_control_change_with_json_media_type_parameters_answered(
    server: ThreadedServer, content_type: str
) -> None:
    body = json.dumps({"seconds": 60}).encode()

    reply = http_call(server.url, "POST", "/_importmock/clock/advance", body, {"Content-Type": content_type})

    assert reply.status == 200, reply.body


def test_control_reset_as_curl_sends_it_answered(server: ThreadedServer, connect: Connect) -> None:
    """`curl -X POST .../reset`: no body, no Content-Length, no Content-Type."""
    import_arn(connect(server, "dynamodb"))
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"POST /_importmock/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk

    assert answer.startswith(b"HTTP/1.1 200 ")
    assert answer.endswith(b'{"reset":true}')
    assert connect(server, "dynamodb").list_imports()["ImportSummaryList"] == []


def test_control_preflight_gets_no_cors_grant(server: ThreadedServer) -> None:
    """A browser asks before it sends JSON to another origin; the answer grants nothing."""
    headers = {
        "Origin": EVIL,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    for origin in (EVIL, None):
        sent = {k: v for k, v in headers.items() if origin is not None or k != "Origin"}

        reply = http_call(server.url, "OPTIONS", "/_importmock/reset", None, sent)

        assert reply.status in (403, 405)
        assert not [name for name in reply.headers if name.startswith("access-control-")]
