"""Requests the server cannot answer, sent raw: each gets an AWS-style JSON error, never a 500 or a hang.

Each row of docs/server.md's table "Requests it cannot answer" is checked for its status and
error code; one test checks, over a request of every row, that the code is both in the body
(`__type`) and in the `x-amzn-ErrorType` header, as the contract promises.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import urllib.parse
import uuid
from collections.abc import Callable

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from server_support import (
    ACCOUNT_A,
    SECRET,
    TIMEOUT,
    Reply,
    error_message,
    http_call,
    json_target_call,
    signed_call,
)

from importmock.server import ThreadedServer

DDB = "DynamoDB_20120810"
CLOUDTRAIL = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101"
JSON_10 = {"Content-Type": "application/x-amz-json-1.0"}
LIMIT = 16 * 1024 * 1024
KB_JOBS = f"/knowledgeBases/{uuid.uuid4()}/importJobs"


def code_of(reply: Reply) -> str:
    """The error code as an SDK reads it: `__type` of the body (namespace dropped), else the header."""
    document = reply.json()
    assert isinstance(document, dict), reply.body
    if "__type" in document:
        return str(document["__type"]).rsplit("#", 1)[-1]
    assert "x-amzn-errortype" in reply.headers, f"no error code in {reply.body!r} nor the headers"
    return reply.headers["x-amzn-errortype"].split(":", 1)[0]


def assert_aws_error(reply: Reply, status: int, *codes: str) -> str:
    """Checks an error answer: never a 500, the status, a JSON object body, one of the codes."""
    assert reply.status != 500, reply.body
    assert reply.status == status, (reply.status, reply.body)
    code = code_of(reply)
    assert code in codes, reply.body
    return code


def send_large(url: str, service: str, target: str, body: bytes) -> Reply:
    """A signed POST of a large body, sent in pieces; the server may answer before reading it all."""
    headers = {"X-Amz-Target": target, **JSON_10}
    request = AWSRequest(method="POST", url=url.rstrip("/") + "/", data=body, headers=headers)
    SigV4Auth(Credentials(ACCOUNT_A, SECRET), service, "us-east-1").add_auth(request)
    parts = urllib.parse.urlsplit(url)
    assert parts.hostname is not None and parts.port is not None
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
    try:
        connection.putrequest("POST", "/", skip_host=True, skip_accept_encoding=True)
        for name, value in request.headers.items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders()
        view = memoryview(body)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the answer is still to be read
            for start in range(0, len(body), 1 << 20):
                connection.send(view[start : start + (1 << 20)])
        response = connection.getresponse()
        data = response.read()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    finally:
        connection.close()


# unsigned


@pytest.mark.parametrize(
    ("method", "path", "headers", "body"),
    [
        ("POST", "/", {"X-Amz-Target": f"{DDB}.ListImports", **JSON_10}, b"{}"),
        ("GET", KB_JOBS, {}, b""),
        ("GET", "/", {}, b""),
        ("POST", "/", {"X-Amz-Target": f"{DDB}.ListImports", "Authorization": "Basic dXNlcjpwYXNz"}, b"{}"),
    ],
    ids=["json", "rest-json", "bare", "basic-auth"],
)
def test_request_unsigned_missing_authentication_token(
    server: ThreadedServer, method: str, path: str, headers: dict[str, str], body: bytes
) -> None:
    reply = http_call(server.url, method, path, body or None, headers)

    assert_aws_error(reply, 403, "MissingAuthenticationTokenException")


# not mocked


def test_request_unknown_json_service_not_implemented(server: ThreadedServer) -> None:
    reply = json_target_call(server.url, "sqs", "AmazonSQS.ListQueues")

    assert_aws_error(reply, 501, "NotImplemented")
    assert "sqs" in error_message(reply).lower()


def test_request_unknown_rest_service_not_implemented(server: ThreadedServer) -> None:
    reply = signed_call(server.url, "s3", "GET", "/some-bucket?list-type=2")

    assert_aws_error(reply, 501, "NotImplemented")
    assert "s3" in error_message(reply).lower()


@pytest.mark.parametrize(
    ("service", "target", "version", "operation"),
    [
        ("dynamodb", f"{DDB}.CreateTable", "1.0", "CreateTable"),
        ("cloudtrail", f"{CLOUDTRAIL}.CreateTrail", "1.1", "CreateTrail"),
        ("forecast", "AmazonForecast.CreatePredictor", "1.1", "CreatePredictor"),
    ],
)
def test_request_unimplemented_operation_of_mocked_service_not_implemented(
    server: ThreadedServer, service: str, target: str, version: str, operation: str
) -> None:
    reply = json_target_call(server.url, service, target, b'{"TableName": "t"}', version)

    assert_aws_error(reply, 501, "NotImplemented")
    message = error_message(reply)
    assert operation in message and service in message.lower()


def test_request_unimplemented_rest_json_operation_not_implemented(server: ThreadedServer) -> None:
    reply = signed_call(server.url, "wisdom", "GET", "/assistants")  # ListAssistants

    assert_aws_error(reply, 501, "NotImplemented")
    assert "ListAssistants" in error_message(reply)


# unknown operations


@pytest.mark.parametrize(
    "target",
    [f"{DDB}.NoSuchOperation", "AmazonSQS.ListImports", DDB, f"{DDB}.", None],
    ids=["unknown-operation", "other-prefix", "no-operation", "empty-operation", "no-target"],
)
def test_request_unknown_target_unknown_operation(server: ThreadedServer, target: str | None) -> None:
    reply = signed_call(server.url, "dynamodb", "POST", "/", target=target, body=b"{}", headers=JSON_10)

    assert_aws_error(reply, 400, "UnknownOperationException")


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_request_json_protocol_not_post_unknown_operation(server: ThreadedServer, method: str) -> None:
    body = b"{}" if method == "PUT" else b""

    reply = signed_call(
        server.url, "dynamodb", method, "/", target=f"{DDB}.ListImports", body=body, headers=JSON_10
    )

    assert_aws_error(reply, 400, "UnknownOperationException")


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/no/such/path"), ("PATCH", KB_JOBS), ("GET", f"{KB_JOBS}/{uuid.uuid4()}/extra")],
    ids=["unknown-path", "unknown-method", "extra-segment"],
)
def test_request_rest_json_unknown_request_line_not_found(
    server: ThreadedServer, method: str, path: str
) -> None:
    reply = signed_call(server.url, "wisdom", method, path)

    assert_aws_error(reply, 404, "UnknownOperationException")


# bodies


@pytest.mark.parametrize(
    ("service", "target", "version"),
    [("dynamodb", f"{DDB}.ListImports", "1.0"), ("cloudtrail", f"{CLOUDTRAIL}.ListImports", "1.1")],
    ids=["dynamodb", "cloudtrail"],
)
@pytest.mark.parametrize(
    "body", [b"{not json", b"\xff\xfe\x00", b'{"PageSize": 1'], ids=["garbage", "binary", "cut"]
)
def test_request_body_not_json_serialization_error(
    server: ThreadedServer, service: str, target: str, version: str, body: bytes
) -> None:
    reply = json_target_call(server.url, service, target, body, version)

    assert_aws_error(reply, 400, "SerializationException")


@pytest.mark.parametrize(
    "body",
    [b"[]", b'"text"', b"42", b'{"PageSize": "ten"}', b'{"TableArn": {"a": 1}}', b'{"PageSize": 1000}'],
    ids=["array", "string", "number", "wrong-type", "structure-for-string", "out-of-range"],
)
def test_request_body_not_of_input_shape_rejected(server: ThreadedServer, body: bytes) -> None:
    reply = json_target_call(server.url, "dynamodb", f"{DDB}.ListImports", body)

    assert_aws_error(reply, 400, "SerializationException", "ValidationException")


def test_request_rest_json_body_not_json_rejected(server: ThreadedServer) -> None:
    headers = {"Content-Type": "application/json"}

    reply = signed_call(server.url, "wisdom", "POST", KB_JOBS, body=b"{nope", headers=headers)

    assert_aws_error(reply, 400, "SerializationException", "ValidationException")


def test_request_empty_body_not_a_server_error(server: ThreadedServer) -> None:
    reply = json_target_call(server.url, "dynamodb", f"{DDB}.ListImports", b"")

    if reply.status == 200:  # AWS reads an empty body as {}
        assert reply.json() == {"ImportSummaryList": []}
    else:
        assert_aws_error(reply, 400, "SerializationException", "ValidationException")


def test_request_signed_list_imports_answered(server: ThreadedServer) -> None:
    reply = json_target_call(server.url, "dynamodb", f"{DDB}.ListImports", b'{"PageSize": 5}')

    assert reply.status == 200
    assert reply.headers["content-type"].startswith("application/x-amz-json-1.0")
    assert reply.json() == {"ImportSummaryList": []}


def test_request_service_error_body_has_message(server: ThreadedServer) -> None:
    body = json.dumps({"ImportArn": "not-an-arn"}).encode()

    reply = json_target_call(server.url, "dynamodb", f"{DDB}.DescribeImport", body)

    assert_aws_error(reply, 400, "ValidationException")
    assert error_message(reply)


# sizes


def test_request_body_over_16_mib_too_large(server: ThreadedServer) -> None:
    body = b"{" + b" " * (LIMIT - 1) + b"}"  # 16 MiB + 1 byte

    reply = send_large(server.url, "dynamodb", f"{DDB}.ListImports", body)

    assert len(body) == LIMIT + 1
    assert_aws_error(reply, 413, "RequestEntityTooLargeException")


def test_request_body_of_16_mib_accepted(server: ThreadedServer) -> None:
    document = b'{"PageSize": 5}'
    body = document + b" " * (LIMIT - len(document))  # valid JSON of exactly 16 MiB

    reply = send_large(server.url, "dynamodb", f"{DDB}.ListImports", body)

    assert (reply.status, reply.json()) == (200, {"ImportSummaryList": []})


# the code in the body and in the header


BAD_REQUESTS: dict[str, Callable[[str], Reply]] = {
    "unsigned": lambda url: http_call(
        url, "POST", "/", b"{}", {"X-Amz-Target": f"{DDB}.ListImports", **JSON_10}
    ),
    "unknown-service": lambda url: json_target_call(url, "sqs", "AmazonSQS.ListQueues"),
    "unimplemented-operation": lambda url: json_target_call(url, "dynamodb", f"{DDB}.CreateTable"),
    "unimplemented-rest-json-operation": lambda url: signed_call(url, "wisdom", "GET", "/assistants"),
    "unknown-target": lambda url: json_target_call(url, "dynamodb", f"{DDB}.NoSuchOperation"),
    "json-not-post": lambda url: signed_call(url, "dynamodb", "GET", "/", target=f"{DDB}.ListImports"),
    "rest-json-unknown-path": lambda url: signed_call(url, "wisdom", "GET", "/no/such/path"),
    "body-not-json": lambda url: json_target_call(url, "dynamodb", f"{DDB}.ListImports", b"{not json"),
    "rest-json-body-not-json": lambda url: signed_call(
        url, "wisdom", "POST", KB_JOBS, body=b"{nope", headers={"Content-Type": "application/json"}
    ),
    "body-not-of-shape": lambda url: json_target_call(
        url, "dynamodb", f"{DDB}.ListImports", b'{"PageSize": "x"}'
    ),
    "body-too-large": lambda url: send_large(url, "dynamodb", f"{DDB}.ListImports", b" " * (LIMIT + 1)),
}


# what the server answers itself, with no service model to follow, carries the code both ways
SERVER_BUILT = {"unsigned", "unknown-service", "unimplemented-operation"}
SERVER_BUILT |= {"unimplemented-rest-json-operation", "body-too-large"}


@pytest.mark.parametrize("case", list(BAD_REQUESTS))
def test_request_error_code_in_body_type_or_error_type_header(server: ThreadedServer, case: str) -> None:
    reply = BAD_REQUESTS[case](server.url)

    assert 400 <= reply.status < 600 and reply.status != 500, reply.body
    document = reply.json()
    assert isinstance(document, dict), reply.body
    in_body = str(document["__type"]).rsplit("#", 1)[-1] if "__type" in document else None
    in_header = reply.headers.get("x-amzn-errortype", "").split(":", 1)[0] or None
    if case in SERVER_BUILT:
        assert in_body is not None and in_header == in_body, (reply.headers, document)
    else:  # the service's wire format: JSON names the code in the body, REST-JSON in the header
        assert in_body is not None or in_header is not None, (reply.headers, document)
        if in_body is not None and in_header is not None:
            assert in_body == in_header
