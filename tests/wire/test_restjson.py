"""REST-JSON: routing by method and URI template, members from the request line, wire format."""

from __future__ import annotations

import json
import uuid

import pytest

from importmock import NotImplementedOperation
from importmock.wire.http import HttpRequest

KB = "0123abcd-0123-4abc-8def-0123456789ab"
HOST = "https://wisdom.us-east-1.amazonaws.com"
SIGNED = {
    "authorization": "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/wisdom/aws4_request, Signature=0"
}


def send(mock, method: str, path: str, body: object = b"", **headers: str):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = mock.answer(HttpRequest(method, HOST + path, {**SIGNED, **headers}, data))
    return response, (json.loads(response.body) if response.body else None)


def upload_id(mock) -> str:
    _, body = send(mock, "POST", f"/knowledgeBases/{KB}/upload", {"contentType": "text/csv"})
    return str(body["uploadId"])


def start_job(mock):
    """A StartImportJob of a fresh upload, sent raw."""
    body = {"importJobType": "QUICK_RESPONSES", "uploadId": upload_id(mock)}
    return send(mock, "POST", f"/knowledgeBases/{KB}/importJobs", body)


def test_method_and_template_select_the_operation(mock) -> None:
    started, job = start_job(mock)
    listed, jobs = send(mock, "GET", f"/knowledgeBases/{KB}/importJobs?maxResults=5")
    got, same = send(mock, "GET", f"/knowledgeBases/{KB}/importJobs/{job['importJob']['importJobId']}")
    assert (started.status, listed.status, got.status) == (200, 200, 200)
    assert [c.operation for c in mock.calls] == [
        "StartContentUpload",
        "StartImportJob",
        "ListImportJobs",
        "GetImportJob",
    ]
    assert jobs["importJobSummaries"][0]["importJobId"] == same["importJob"]["importJobId"]
    assert mock.calls[2].params == {"knowledgeBaseId": KB, "maxResults": 5}


def test_delete_answers_204_with_no_body(mock) -> None:
    _, job = start_job(mock)
    response, body = send(
        mock, "DELETE", f"/knowledgeBases/{KB}/importJobs/{job['importJob']['importJobId']}"
    )
    assert (response.status, response.body, body) == (204, b"", None)


def test_errors_carry_the_error_type_header_and_modeled_status(mock) -> None:
    response, body = send(mock, "GET", f"/knowledgeBases/{KB}/importJobs/{uuid.uuid4()}")
    assert response.status == 404
    assert response.headers["x-amzn-errortype"] == "ResourceNotFoundException"
    assert set(body) == {"message", "resourceName"}


def test_label_values_are_url_decoded(mock) -> None:
    arn = f"arn:aws:wisdom:us-east-1:123456789012:knowledge-base/{KB}"
    response, body = send(
        mock, "GET", "/knowledgeBases/" + arn.replace(":", "%3A").replace("/", "%2F") + "/importJobs"
    )
    assert response.status == 200, body
    assert mock.calls[-1].params["knowledgeBaseId"] == arn


@pytest.mark.parametrize(
    ("query", "status"), [("maxResults=abc", 400), ("maxResults=0", 400), ("maxResults=100", 200)]
)
def test_query_values_are_read_as_their_shape(mock, query: str, status: int) -> None:
    response, _ = send(mock, "GET", f"/knowledgeBases/{KB}/importJobs?{query}")
    assert response.status == status


def test_a_body_that_is_not_an_object_is_refused(mock) -> None:
    response, body = send(mock, "POST", f"/knowledgeBases/{KB}/upload", b"[1]")
    assert response.status == 400
    assert response.headers["x-amzn-errortype"] == "SerializationException"


def test_unimplemented_rest_operation_names_itself(mock) -> None:
    with pytest.raises(NotImplementedOperation, match="qconnect ListAssistants"):
        send(mock, "GET", "/assistants")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/no/such/path"),
        ("PUT", f"/knowledgeBases/{KB}/importJobs"),
        ("get", f"/knowledgeBases/{KB}/upload"),
    ],
)
def test_a_request_line_naming_no_operation_is_unknown_operation(mock, method: str, path: str) -> None:
    response, body = send(mock, method, path)
    assert response.status == 404
    assert response.headers["x-amzn-errortype"] == "UnknownOperationException"
    assert path in body["message"]


def test_a_malformed_url_is_unknown_operation(mock) -> None:
    request = HttpRequest("GET", "https://[wisdom/knowledgeBases", SIGNED, b"")
    assert mock.answer(request).status == 404


@pytest.mark.parametrize("query", ["maxResults=1_0", "maxResults=%20%205", "maxResults=%D9%A3"])
def test_query_numbers_are_read_strictly(mock, query: str) -> None:
    response, body = send(mock, "GET", f"/knowledgeBases/{KB}/importJobs?{query}")
    assert response.status == 400, body


def test_a_get_body_does_not_fill_query_members(mock) -> None:
    response, _ = send(mock, "GET", f"/knowledgeBases/{KB}/importJobs", {"maxResults": 1, "nextToken": "x"})
    assert response.status == 200
    assert mock.calls[-1].params == {"knowledgeBaseId": KB}
