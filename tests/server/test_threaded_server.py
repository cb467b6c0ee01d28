"""ThreadedServer as a context manager, and accounts chosen by the access key id."""

from __future__ import annotations

import json
import re
import socket
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from botocore.exceptions import EndpointConnectionError
from server_support import (
    ACCOUNT_A,
    ACCOUNT_B,
    DEFAULT_ACCOUNT,
    TIMEOUT,
    Connect,
    Reply,
    control_ok,
    http_call,
    signed_call,
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
from importmock.wire.service import service_model
from service_support import parsed_answer


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert isinstance(port, int)
    return port


# ThreadedServer


def test_threaded_server_url_is_loopback_with_free_port(server: ThreadedServer) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    port = int(server.url.rsplit(":", 1)[1].rstrip("/"))
    assert port != 0

    reply = http_call(server.url, "GET", "/_importmock/health")
    assert (reply.status, reply.json()) == (200, {"status": "ok", "version": importmock.__version__})


def test_threaded_server_stops_listening_on_exit() -> None:
    with ThreadedServer(port=0) as running:
        url = running.url
        assert http_call(url, "GET", "/_importmock/health").status == 200

    with pytest.raises(ConnectionRefusedError):
        http_call(url, "GET", "/_importmock/health")


def test_threaded_server_two_servers_do_not_share_jobs(connect: Connect) -> None:
    with ThreadedServer(port=0, duration=None) as first, ThreadedServer(port=0, duration=None) as second:
        assert first.url != second.url
        connect(first, "dynamodb").import_table(**import_request())

        assert connect(second, "dynamodb").list_imports()["ImportSummaryList"] == []


def test_threaded_server_does_not_intercept_other_clients(
    server: ThreadedServer, make_client: Callable[..., Any]
) -> None:
    """The server answers over HTTP only: a client of another endpoint is not answered in process."""
    elsewhere = make_client(
        "dynamodb",
        endpoint_url=f"http://127.0.0.1:{free_port()}",
        aws_access_key_id=ACCOUNT_A,
        aws_secret_access_key="x",
    )

    with pytest.raises(EndpointConnectionError):
        elsewhere.list_imports()


def test_threaded_server_mock_controls_served_jobs(slow_server: ThreadedServer, connect: Connect) -> None:
    ddb = connect(slow_server, "dynamodb")
    arn = import_arn(ddb)

    slow_server.mock.clock.advance(60)

    assert ddb.describe_import(ImportArn=arn)["ImportTableDescription"]["ImportStatus"] == "COMPLETED"
    calls = [(c.service, c.operation, c.account_id, c.error) for c in slow_server.mock.calls]
    assert calls == [
        ("dynamodb", "ImportTable", ACCOUNT_A, None),
        ("dynamodb", "DescribeImport", ACCOUNT_A, None),
    ]


def test_threaded_server_default_duration_completes_jobs_at_once(connect: Connect) -> None:
    with ThreadedServer(port=0) as running:
        ddb = connect(running, "dynamodb")
        job = ddb.import_table(**import_request())["ImportTableDescription"]
        assert job["ImportStatus"] == "IN_PROGRESS"  # the creation response shows the initial status

        done = ddb.describe_import(ImportArn=job["ImportArn"])["ImportTableDescription"]
        assert done["ImportStatus"] == "COMPLETED"


def test_import_table_parallel_clients_lose_no_jobs(server: ThreadedServer, connect: Connect) -> None:
    def create(worker: int) -> list[str]:
        ddb = connect(server, "dynamodb")
        return [import_arn(ddb, f"t{worker}-{n}") for n in range(5)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(create, worker) for worker in range(8)]
        created = [arn for future in futures for arn in future.result(timeout=6 * TIMEOUT)]

    listed: list[str] = []
    ddb = connect(server, "dynamodb")
    kwargs: dict[str, Any] = {"PageSize": 25}
    for _ in range(10):
        page = ddb.list_imports(**kwargs)
        listed += [s["ImportArn"] for s in page["ImportSummaryList"]]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert len(created) == len(set(created)) == 40
    assert sorted(listed) == sorted(created)


# accounts from the access key id


def test_list_imports_accounts_do_not_see_each_others_imports(
    server: ThreadedServer, connect: Connect
) -> None:
    first, second = connect(server, "dynamodb", ACCOUNT_A), connect(server, "dynamodb", ACCOUNT_B)
    arn_a = import_arn(first, "orders")
    arn_b = import_arn(second, "orders")

    assert arn_a.startswith(table_arn("orders", ACCOUNT_A))
    assert arn_b.startswith(table_arn("orders", ACCOUNT_B))
    assert [s["ImportArn"] for s in first.list_imports()["ImportSummaryList"]] == [arn_a]
    assert [s["ImportArn"] for s in second.list_imports()["ImportSummaryList"]] == [arn_b]
    with pytest.raises(second.exceptions.ClientError) as excinfo:
        second.describe_import(ImportArn=arn_a)
    assert excinfo.value.response["Error"]["Code"] == "AccessDeniedException"


def test_list_import_jobs_accounts_do_not_see_each_others_jobs(
    server: ThreadedServer, connect: Connect
) -> None:
    first, second = connect(server, "qconnect", ACCOUNT_A), connect(server, "qconnect", ACCOUNT_B)
    kb = str(uuid.uuid4())
    job_a = start_qconnect_job(first, kb)["importJobId"]
    job_b = start_qconnect_job(second, kb)["importJobId"]

    assert [s["importJobId"] for s in first.list_import_jobs(knowledgeBaseId=kb)["importJobSummaries"]] == [
        job_a
    ]
    assert [s["importJobId"] for s in second.list_import_jobs(knowledgeBaseId=kb)["importJobSummaries"]] == [
        job_b
    ]
    with pytest.raises(second.exceptions.ResourceNotFoundException):
        second.get_import_job(knowledgeBaseId=kb, importJobId=job_a)


def test_start_import_ongoing_import_of_other_account_does_not_block(
    server: ThreadedServer, connect: Connect
) -> None:
    first, second = connect(server, "cloudtrail", ACCOUNT_A), connect(server, "cloudtrail", ACCOUNT_B)
    id_a = first.start_import(**lake_import_request(ACCOUNT_A))["ImportId"]
    id_b = second.start_import(**lake_import_request(ACCOUNT_B))["ImportId"]

    assert [i["ImportId"] for i in first.list_imports()["Imports"]] == [id_a]
    assert [i["ImportId"] for i in second.list_imports()["Imports"]] == [id_b]


def test_create_dataset_import_job_arn_carries_account_of_key(
    server: ThreadedServer, connect: Connect
) -> None:
    second = connect(server, "forecast", ACCOUNT_B)

    arn = second.create_dataset_import_job(**dataset_import_request("daily", ACCOUNT_B))[
        "DatasetImportJobArn"
    ]

    assert arn == f"arn:aws:forecast:us-east-1:{ACCOUNT_B}:dataset-import-job/sales/daily"
    assert connect(server, "forecast", ACCOUNT_A).list_dataset_import_jobs()["DatasetImportJobs"] == []


@pytest.mark.parametrize("key", ["AKIAIOSFODNN7EXAMPLE", "12345", "1111111111111", "test"])
def test_import_table_non_12_digit_key_uses_default_account(
    server: ThreadedServer, connect: Connect, key: str
) -> None:
    ddb = connect(server, "dynamodb", key)

    arn = import_arn(ddb)

    assert arn.startswith(f"{table_arn('orders', DEFAULT_ACCOUNT)}/import/")
    default = connect(server, "dynamodb", DEFAULT_ACCOUNT)
    assert [s["ImportArn"] for s in default.list_imports()["ImportSummaryList"]] == [arn]


def test_export_table_to_point_in_time_region_from_signature(
    server: ThreadedServer, connect: Connect
) -> None:
    ddb = connect(server, "dynamodb", region="eu-west-1")

    arn = ddb.export_table_to_point_in_time(
        TableArn=table_arn("music", region="eu-west-1"), S3Bucket="exports"
    )["ExportDescription"]["ExportArn"]

    assert arn.startswith(f"{table_arn('music', region='eu-west-1')}/export/")
    assert connect(server, "dynamodb").list_exports()["ExportSummaries"] == []


# the options ThreadedServer shares with ImportMock (docs/control.md)


def test_threaded_server_account_id_option_is_default_account(connect: Connect) -> None:
    with ThreadedServer(port=0, account_id="210987654321") as running:
        arn = import_arn(connect(running, "dynamodb", "not-twelve-digits"))

    assert arn.startswith(f"{table_arn('orders', '210987654321')}/import/")


def test_threaded_server_durations_option_per_family(connect: Connect) -> None:
    with ThreadedServer(port=0, durations={"dynamodb:export": None}) as running:
        ddb = connect(running, "dynamodb")
        export = ddb.export_table_to_point_in_time(TableArn=table_arn("music"), S3Bucket="exports")
        arn = import_arn(ddb)
        running.mock.clock.advance(86400)

        assert ddb.describe_import(ImportArn=arn)["ImportTableDescription"]["ImportStatus"] == "COMPLETED"
        described = ddb.describe_export(ExportArn=export["ExportDescription"]["ExportArn"])
        assert described["ExportDescription"]["ExportStatus"] == "IN_PROGRESS"


def saved_state(server: ThreadedServer, connect: Connect, path: Path) -> tuple[str, dict[str, Any]]:
    """Creates an import on `server`, saves its state to `path`; returns the ARN and description."""
    ddb = connect(server, "dynamodb")
    arn = import_arn(ddb)
    path.write_text(json.dumps(control_ok(server, "GET", "state")))
    return arn, ddb.describe_import(ImportArn=arn)["ImportTableDescription"]


def test_threaded_server_state_option_starts_from_snapshot(
    server: ThreadedServer, connect: Connect, tmp_path: Path
) -> None:
    arn, before = saved_state(server, connect, tmp_path / "state.json")

    with ThreadedServer(port=0, duration=None, state=tmp_path / "state.json") as restored:
        described = connect(restored, "dynamodb").describe_import(ImportArn=arn)

    assert described["ImportTableDescription"] == before


def test_reset_server_with_state_option_returns_to_snapshot(
    server: ThreadedServer, connect: Connect, tmp_path: Path
) -> None:
    """docs/control.md: the state option is what every start and reset() begin from."""
    arn, _ = saved_state(server, connect, tmp_path / "state.json")

    with ThreadedServer(port=0, duration=None, state=tmp_path / "state.json") as restored:
        ddb = connect(restored, "dynamodb")
        ddb.import_table(**import_request("customers"))
        assert control_ok(restored, "POST", "reset") == {"reset": True}

        assert [s["ImportArn"] for s in ddb.list_imports()["ImportSummaryList"]] == [arn]


# Q in Connect uploads: the server hands out URLs on itself and answers them as S3 would

CSV = b"name,content\nhello,Hello!\n"


def start_upload(server: ThreadedServer, connect: Connect, kb: str) -> dict[str, Any]:
    upload = connect(server, "qconnect").start_content_upload(knowledgeBaseId=kb, contentType="text/csv")
    assert isinstance(upload, dict)
    return upload


def target(url: str) -> str:
    """The path and query of `url`, as an HTTP request line names them."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def s3_code(reply: Reply) -> str:
    found = re.search(r"<Code>(\w+)</Code>", reply.body.decode())
    assert found is not None and reply.headers["content-type"] == "application/xml", reply.body
    return found[1]


def test_start_content_upload_url_is_a_sigv4_presigned_url_of_the_server(
    server: ThreadedServer, connect: Connect
) -> None:
    upload = start_upload(server, connect, str(uuid.uuid4()))

    parts, query = urlsplit(upload["url"]), parse_qs(urlsplit(upload["url"]).query)
    assert f"{parts.scheme}://{parts.netloc}" == server.url
    assert parts.path == f"/importmock-uploads/{ACCOUNT_A}/{upload['uploadId']}"
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    key, date, region, service, terminator = query["X-Amz-Credential"][0].split("/")
    assert (region, service, terminator) == ("us-east-1", "s3", "aws4_request")
    assert re.fullmatch(r"[A-Z0-9]{20}", key) and key != ACCOUNT_A
    assert re.fullmatch(rf"{date}T\d{{6}}Z", query["X-Amz-Date"][0])
    assert query["X-Amz-Expires"] == ["3600"]
    assert upload["headersToInclude"] == {
        "content-type": "text/csv",
        "x-amz-server-side-encryption": "aws:kms",
    }
    assert query["X-Amz-SignedHeaders"] == ["content-type;host;x-amz-server-side-encryption"]
    assert re.fullmatch(r"[0-9a-f]{64}", query["X-Amz-Signature"][0])


@pytest.mark.parametrize("host", ["importmock:5000", "localhost:4566", "[::1]:8080"])
def test_start_content_upload_url_names_the_host_the_client_reached(
    server: ThreadedServer, host: str
) -> None:
    """Behind docker-compose the server is reached by a service name, not by its bind address."""
    kb = str(uuid.uuid4())
    body = json.dumps({"contentType": "text/csv"}).encode()
    headers = {"Host": host, "Content-Type": "application/json"}

    reply = signed_call(
        server.url, "wisdom", "POST", f"/knowledgeBases/{kb}/upload", body=body, headers=headers
    )

    operation = service_model("qconnect").operation_model("StartContentUpload")
    answer = parsed_answer("rest-json", operation, reply.status, reply.headers, reply.body)
    assert answer["url"].startswith(f"http://{host}/importmock-uploads/{ACCOUNT_A}/{answer['uploadId']}?")


def test_start_import_job_after_put_with_requests_downloads_the_file(
    server: ThreadedServer, connect: Connect
) -> None:
    qc, kb = connect(server, "qconnect"), str(uuid.uuid4())
    upload = qc.start_content_upload(knowledgeBaseId=kb, contentType="text/csv")

    put = requests.put(upload["url"], data=CSV, headers=upload["headersToInclude"], timeout=TIMEOUT)
    job = qc.start_import_job(
        knowledgeBaseId=kb, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
    )

    assert put.status_code == 200 and re.fullmatch(r'"[0-9a-f]{32}"', put.headers["etag"])
    assert job["importJob"]["uploadId"] == upload["uploadId"]
    got = qc.get_import_job(knowledgeBaseId=kb, importJobId=job["importJob"]["importJobId"])["importJob"]
    download = requests.get(got["url"], timeout=TIMEOUT)
    assert (download.status_code, download.content) == (200, CSV)
    s3_calls = [
        (c.operation, c.region, c.account_id, c.error) for c in server.mock.calls if c.service == "s3"
    ]
    assert s3_calls == [
        ("PutObject", "us-east-1", ACCOUNT_A, None),
        ("GetObject", "us-east-1", ACCOUNT_A, None),
    ]


def test_start_import_job_after_put_with_http_client(server: ThreadedServer, connect: Connect) -> None:
    qc, kb = connect(server, "qconnect"), str(uuid.uuid4())
    upload = qc.start_content_upload(knowledgeBaseId=kb, contentType="text/csv")

    put = http_call(server.url, "PUT", target(upload["url"]), CSV, upload["headersToInclude"])
    job = qc.start_import_job(
        knowledgeBaseId=kb, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
    )

    assert (put.status, put.body) == (200, b"")
    server.mock.finish(job["importJob"]["importJobId"], status="FAILED")
    failed = qc.get_import_job(knowledgeBaseId=kb, importJobId=job["importJob"]["importJobId"])["importJob"]
    assert http_call(server.url, "GET", target(failed["url"])).body == CSV
    report = http_call(server.url, "GET", target(failed["failedRecordReport"]))
    assert (report.status, report.body) == (200, b"name,content,errorMessage\n")


SSE = "x-amz-server-side-encryption"


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="none"),
        pytest.param({SSE: "aws:kms"}, id="no-content-type"),
        pytest.param({"content-type": "text/plain", SSE: "aws:kms"}, id="other-content-type"),
        pytest.param({"content-type": "text/csv"}, id="no-encryption"),
        pytest.param({"content-type": "text/csv", SSE: "AES256"}, id="other-encryption"),
    ],
)
def test_put_to_upload_url_without_its_signed_headers_signature_does_not_match(
    server: ThreadedServer, connect: Connect, headers: dict[str, str]
) -> None:
    upload = start_upload(server, connect, str(uuid.uuid4()))

    refused = http_call(server.url, "PUT", target(upload["url"]), CSV, headers)

    assert (refused.status, s3_code(refused)) == (403, "SignatureDoesNotMatch")
    assert [(c.service, c.operation, c.error) for c in server.mock.calls[-1:]] == [
        ("s3", "PutObject", "SignatureDoesNotMatch")
    ]


@pytest.mark.parametrize(
    "change",
    [
        lambda q: q.replace("X-Amz-Expires=3600", "X-Amz-Expires=7200"),
        lambda q: re.sub(r"Signature=[0-9a-f]{64}", "Signature=" + "0" * 64, q),
        lambda q: q.replace("%3Bx-amz-server-side-encryption", ""),
    ],
    ids=["expires-extended", "signature-changed", "header-unsigned"],
)
def test_put_to_upload_url_altered_signature_does_not_match(
    server: ThreadedServer, connect: Connect, change: Callable[[str], str]
) -> None:
    upload = start_upload(server, connect, str(uuid.uuid4()))
    altered = change(target(upload["url"]))

    refused = http_call(server.url, "PUT", altered, CSV, upload["headersToInclude"])

    assert altered != target(upload["url"])
    assert (refused.status, s3_code(refused)) == (403, "SignatureDoesNotMatch")


def test_put_to_upload_url_after_expiry_access_denied(server: ThreadedServer, connect: Connect) -> None:
    upload = start_upload(server, connect, str(uuid.uuid4()))
    server.mock.clock.advance(3601)

    refused = requests.put(upload["url"], data=CSV, headers=upload["headersToInclude"], timeout=TIMEOUT)

    assert refused.status_code == 403 and "<Code>AccessDenied</Code>" in refused.text


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_upload_url_other_methods_signature_does_not_match(
    server: ThreadedServer, connect: Connect, method: str
) -> None:
    upload = start_upload(server, connect, str(uuid.uuid4()))

    refused = http_call(server.url, method, target(upload["url"]), CSV, upload["headersToInclude"])

    assert (refused.status, s3_code(refused)) == (403, "SignatureDoesNotMatch")


def test_get_of_download_url_before_any_put_no_such_key(server: ThreadedServer, connect: Connect) -> None:
    qc, kb = connect(server, "qconnect"), str(uuid.uuid4())
    upload = qc.start_content_upload(knowledgeBaseId=kb, contentType="text/csv")
    job = qc.start_import_job(
        knowledgeBaseId=kb, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
    )

    missing = http_call(server.url, "GET", target(job["importJob"]["url"]))

    assert (missing.status, s3_code(missing)) == (404, "NoSuchKey")
