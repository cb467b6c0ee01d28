"""Wire encoding: json_bytes and the serializer write what json.dumps would, however often."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from importmock.services import SERVICES
from importmock.wire.http import HttpRequest, json_bytes
from importmock.wire.protocols import target_prefixes
from importmock.wire.serializer import serialize
from importmock.wire.service import service_model
from service_support import parsed_answer

DOCUMENTS = [
    {"a": "plain", "b": 'quote " and \\ backslash', "c": "tab\tnew\nline\x00", "d": "é ☃ 🚀"},
    {"nested": [{"n": 1, "f": 0.1, "t": True, "no": None, "big": 10**30}, [], {}], "x" * 300: "y" * 300},
    {"1795410000.123": "1795410000.123", "key": ["1795410000.123", 1795410000.123]},
    ["a", 1, 2.5, None, False, {"k": "v"}],
]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_json_bytes_writes_what_json_dumps_writes_every_time(document: object) -> None:
    expected = json.dumps(document, separators=(",", ":")).encode()
    assert [json_bytes(document) for _ in range(3)] == [expected] * 3


def test_json_bytes_refuses_what_json_refuses() -> None:
    with pytest.raises(TypeError):
        json_bytes({"a": object()})


def _summary_shape():  # a structure with two timestamps and optional members
    model = service_model("qconnect")
    return model.operation_model("ListImportJobs").output_shape.members["importJobSummaries"]


@pytest.mark.parametrize(
    "when",
    [
        datetime(2026, 11, 23, 5, 0, 0, 123000, tzinfo=timezone.utc),
        datetime(2026, 11, 23, 7, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2))),
        datetime(1969, 12, 31, 23, 59, 59, tzinfo=timezone.utc),
        # naive: local time, as datetime.timestamp reads it
        datetime(2026, 11, 23, 5, 0, 0, tzinfo=timezone.utc).replace(tzinfo=None),
    ],
)
def test_timestamps_are_written_as_epoch_seconds_numbers(when: datetime) -> None:
    seconds = when.timestamp()
    job = {"importJobId": str(seconds), "createdTime": when, "lastModifiedTime": when, "metadata": None}
    for _ in range(2):  # the second time from what the first kept
        written = json_bytes(serialize(_summary_shape(), [job]))
        assert json.loads(written) == [
            {"importJobId": str(seconds), "createdTime": seconds, "lastModifiedTime": seconds}
        ]
        assert written == json.dumps(json.loads(written), separators=(",", ":")).encode()


def test_a_string_spelled_like_a_kept_timestamp_stays_a_string() -> None:
    when = datetime(2026, 11, 23, 5, 0, 0, 123000, tzinfo=timezone.utc)
    text = repr(when.timestamp())
    serialized = serialize(_summary_shape(), [{"createdTime": when, "importJobId": text}])
    assert json_bytes([text, serialized, text]) == (
        f'["{text}",[{{"createdTime":{text},"importJobId":"{text}"}}],"{text}"]'.encode()
    )


def test_a_repeated_request_line_routes_alike_with_its_own_query(mock) -> None:
    kb = "0123abcd-0123-4abc-8def-0123456789ab"
    auth = "AWS4-HMAC-SHA256 Credential=AKID/20260101/{}/wisdom/aws4_request, Signature=0"
    for region, size in [("us-east-1", 5), ("us-east-1", 5), ("eu-west-1", 5), ("us-east-1", 7)]:
        url = f"https://wisdom.{region}.amazonaws.com/knowledgeBases/{kb}/importJobs?maxResults={size}"
        response = mock.answer(HttpRequest("GET", url, {"authorization": auth.format(region)}, b""))
        assert response.status == 200
    assert [(c.region, c.params) for c in mock.calls] == [
        ("us-east-1", {"knowledgeBaseId": kb, "maxResults": 5}),
        ("us-east-1", {"knowledgeBaseId": kb, "maxResults": 5}),
        ("eu-west-1", {"knowledgeBaseId": kb, "maxResults": 5}),
        ("us-east-1", {"knowledgeBaseId": kb, "maxResults": 7}),
    ]


# X-Amz-Target: every form AWS accepts


def _json_services():
    return [service for service in SERVICES if service.model.protocol == "json"]


def _listing(service) -> str:
    """A handled operation of `service` whose input has no required member (a listing)."""
    return next(
        name
        for name in sorted(service.handlers)
        if not service.model.operation_model(name).input_shape.required_members
    )


def _forms(service) -> list[str]:
    """botocore's targetPrefix, and the service shape name Smithy-generated SDKs send."""
    prefix = service.model.metadata["targetPrefix"]
    return list(dict.fromkeys([prefix, prefix.rpartition(".")[2]]))  # often one and the same


TARGETS = [
    pytest.param(service, form, id=f"{service.name}-{form}")
    for service in _json_services()
    for form in _forms(service)
]


def _post(mock, service, target: str):
    scope = f"AKID/20260101/us-east-1/{service.model.signing_name}/aws4_request"
    auth = f"AWS4-HMAC-SHA256 Credential={scope}, Signature=0"
    version = service.model.metadata["jsonVersion"]
    headers = {
        "authorization": auth,
        "x-amz-target": target,
        "content-type": f"application/x-amz-json-{version}",
    }
    return mock.answer(HttpRequest("POST", "https://example.amazonaws.com/", headers, b"{}"))


def _parsed(operation, response) -> dict:
    """The response as botocore's JSON parser reads it, checked against the output shape."""
    return parsed_answer("json", operation, response.status, response.headers, response.body)


@pytest.mark.parametrize(("service", "prefix"), TARGETS)
def test_json_target_every_form_aws_accepts_routes_to_the_operation(mock, service, prefix: str) -> None:
    name = _listing(service)

    response = _post(mock, service, f"{prefix}.{name}")

    assert response.status == 200, response.body
    _parsed(service.model.operation_model(name), response)
    assert [(c.service, c.operation, c.error) for c in mock.calls] == [(service.name, name, None)]


@pytest.mark.parametrize("service", _json_services(), ids=lambda service: service.name)
def test_json_target_of_another_service_is_unknown_operation(mock, service) -> None:
    name = _listing(service)
    others = {form for other in _json_services() if other is not service for form in _forms(other)}

    for prefix in sorted(others - set(_forms(service))):
        response = _post(mock, service, f"{prefix}.{name}")
        assert response.status == 400
        assert json.loads(response.body)["__type"].endswith("UnknownOperationException")
    assert mock.calls == []


def test_target_prefixes_are_the_model_prefix_and_its_last_part() -> None:
    assert target_prefixes(service_model("cloudtrail")) == {
        "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101",
        "CloudTrail_20131101",
    }
    assert target_prefixes(service_model("dynamodb")) == {"DynamoDB_20120810"}
    assert target_prefixes(service_model("qconnect")) == set()  # REST-JSON: no X-Amz-Target
