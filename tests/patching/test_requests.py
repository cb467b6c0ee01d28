"""`requests` inside the mock: signed AWS calls answered, strangers refused, a user's responses kept."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import responses
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.session import get_session

from importmock import ImportMock, NotImplementedOperation, mock_imports

KB = "0123abcd-0123-4abc-8def-0123456789ab"
DYNAMODB = "https://dynamodb.us-east-1.amazonaws.com/"


def signed(method: str, url: str, service: str, body: bytes, headers: dict[str, str]) -> dict[str, str]:
    """The headers of a SigV4-signed request, as code that signs its own HTTP calls sends them."""
    request = AWSRequest(method=method, url=url, data=body, headers=headers)
    SigV4Auth(Credentials("111111111111", "secret"), service, "us-east-1").add_auth(request)
    return dict(request.headers.items())


def list_imports_with_requests() -> requests.Response:
    headers = {"X-Amz-Target": "DynamoDB_20120810.ListImports", "Content-Type": "application/x-amz-json-1.0"}
    return requests.post(
        DYNAMODB, data=b"{}", headers=signed("POST", DYNAMODB, "dynamodb", b"{}", headers), timeout=10
    )


def output_shape(service: str, operation: str) -> Any:
    return get_session().get_service_model(service).operation_model(operation).output_shape


@pytest.fixture
def mock() -> Iterator[ImportMock]:
    with mock_imports() as started:
        yield started


def test_signed_requests_call_is_answered_by_the_mock(mock: ImportMock) -> None:
    from botocore.validate import validate_parameters

    answer = list_imports_with_requests()

    assert answer.status_code == 200
    validate_parameters(answer.json(), output_shape("dynamodb", "ListImports"))
    assert answer.json() == {"ImportSummaryList": []}
    assert (mock.calls[-1].operation, mock.calls[-1].account_id) == ("ListImports", "111111111111")


def test_signed_requests_call_gets_the_services_error_in_its_wire_format(mock: ImportMock) -> None:
    url = f"https://wisdom.us-east-1.amazonaws.com/knowledgeBases/{KB}/importJobs/0123abcd-0123-4abc-8def-00000000000f"
    answer = requests.get(url, headers=signed("GET", url, "wisdom", b"", {}), timeout=10)

    assert answer.status_code == 404
    assert answer.headers["x-amzn-ErrorType"].startswith("ResourceNotFoundException")


def test_aws_call_importmock_does_not_answer_raises_instead_of_reaching_the_network(mock: ImportMock) -> None:
    url = "https://sqs.us-east-1.amazonaws.com/"
    with pytest.raises(NotImplementedOperation, match="sqs"):
        requests.post(url, data=b"{}", headers=signed("POST", url, "sqs", b"{}", {}), timeout=10)
    with pytest.raises(NotImplementedOperation, match="s3"):
        requests.get("https://some-bucket.s3.amazonaws.com/key", timeout=10)  # unsigned, too


def test_users_responses_mock_keeps_answering_its_own_urls() -> None:
    with responses.RequestsMock() as users:
        users.add(responses.GET, "https://api.example.test/orders", json={"orders": 3})
        with mock_imports():
            assert requests.get("https://api.example.test/orders", timeout=10).json() == {"orders": 3}
            assert list_imports_with_requests().status_code == 200
        assert requests.get("https://api.example.test/orders", timeout=10).json() == {"orders": 3}


def test_upload_put_inside_a_users_responses_mock_is_recorded(make_client: Callable[..., Any]) -> None:
    with responses.RequestsMock() as users:
        users.add(responses.GET, "https://api.example.test/ping", body="pong")
        with mock_imports() as mock:
            qconnect = make_client("qconnect")
            upload = qconnect.start_content_upload(knowledgeBaseId=KB, contentType="text/csv")
            put = requests.put(upload["url"], data=b"a,b\n", headers=upload["headersToInclude"], timeout=10)
            assert put.status_code == 200
            assert requests.get("https://api.example.test/ping", timeout=10).text == "pong"
    assert [(c.service, c.operation, c.params["ContentLength"]) for c in mock.calls[1:]] == [
        ("s3", "PutObject", 4)
    ]


def test_requests_patch_is_gone_after_the_mock_stops() -> None:
    from requests.adapters import HTTPAdapter

    before = HTTPAdapter.__dict__["send"]
    with mock_imports():
        assert HTTPAdapter.__dict__["send"] is not before
    assert HTTPAdapter.__dict__["send"] is before


def test_signed_call_body_is_json_the_mock_reads(mock: ImportMock) -> None:
    body = json.dumps({"PageSize": 0}).encode()
    headers = {"X-Amz-Target": "DynamoDB_20120810.ListImports", "Content-Type": "application/x-amz-json-1.0"}
    answer = requests.post(
        DYNAMODB, data=body, headers=signed("POST", DYNAMODB, "dynamodb", body, headers), timeout=10
    )

    assert answer.status_code == 400
    assert answer.json()["__type"].endswith("ValidationException")
