"""What the test suites share: accounts, client fixtures, shape checks, raw requests, error
checks and listing traversal (family requests: families.py)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from botocore.model import OperationModel
from botocore.parsers import create_parser
from botocore.validate import validate_parameters

from importmock import ImportMock
from importmock.wire.http import HttpRequest

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
ACCOUNT = "123456789012"  # the mock's default account
OTHER_ACCOUNT = "111122223333"
# whole milliseconds, so the value survives the services' epoch-seconds wire format exactly
T0 = datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=timezone.utc)


def check_shape(operation_model: OperationModel, response: Mapping[str, Any]) -> None:
    """Fails unless `response` (a parsed boto3 response) fits the operation's output shape."""
    body = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    if operation_model.output_shape is not None:
        validate_parameters(body, operation_model.output_shape)


def parsed_answer(
    protocol: str, operation_model: OperationModel, status: int, headers: Mapping[str, str], body: bytes
) -> dict[str, Any]:
    """A raw answer as botocore's `protocol` parser reads it, checked against the output shape."""
    http = {"status_code": status, "headers": headers, "body": body}
    answer: dict[str, Any] = create_parser(protocol).parse(http, operation_model.output_shape)
    check_shape(operation_model, answer)
    return answer


def client_fixture(service: str, *, validate: bool = True, within: str = "mock") -> Any:
    """A fixture of a `service` client in us-east-1 of the default account, inside fixture `within`.

    Args:
        service: botocore's name of the service.
        validate: False for a client that skips botocore's own checks, as a client of the server
            mode may, so the mock has to validate.
        within: the fixture of the mock the client talks to: `mock`, or `importmock` for a mock
            that takes its options from the marker.

    Returns:
        The fixture, to be bound to a name in a conftest module (the name is the fixture's).
    """

    def client(request: pytest.FixtureRequest, make_client: Callable[..., Any]) -> Any:
        request.getfixturevalue(within)
        return make_client(service, validate=validate)

    checks = "validating" if validate else "non-validating (the mock has to validate)"
    client.__doc__ = f"A {checks} {service} client in us-east-1, inside the `{within}` fixture's mock."
    return pytest.fixture(client)


def assert_error(excinfo: pytest.ExceptionInfo[Any], code: str, status: int = 400) -> None:
    """Fails unless the ClientError of `excinfo` has error code `code` and HTTP status `status`."""
    response = excinfo.value.response
    assert response["Error"]["Code"] == code
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status


def assert_names_field(excinfo: pytest.ExceptionInfo[Any], field: str) -> None:
    """Fails unless the error message of `excinfo` names `field` (in any case)."""
    assert field.lower() in excinfo.value.response["Error"]["Message"].lower()


def epoch_ms(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(milliseconds=1)


def iter_pages(client: Any, operation: str, size_key: str, size: int, **params: Any) -> Iterator[Any]:
    """Pages of a listing: botocore's paginator when the client has one, else NextToken by hand."""
    if client.can_paginate(operation):
        pages = client.get_paginator(operation).paginate(PaginationConfig={"PageSize": size}, **params)
        yield from pages
        return
    call, token = getattr(client, operation), None
    while True:
        page = call(**params, **{size_key: size}, **({"NextToken": token} if token else {}))
        yield page
        if not (token := page.get("NextToken")):
            return


def raw_json_call(
    mock: ImportMock,
    service: str,
    target: str,
    body: object,
    region: str = "us-east-1",
    headers: Mapping[str, str] | None = None,
) -> tuple[int, Any]:
    """A JSON-protocol request sent as a client that validates nothing would, to `mock.answer`.

    Args:
        mock: the active mock.
        service: the endpoint's and the SigV4 scope's service name (`dynamodb`, `forecast`).
        target: the X-Amz-Target value (`DynamoDB_20120810.ImportTable`).
        body: the JSON body, or bytes sent as they are.
        region: the endpoint's and the scope's region.
        headers: more headers (a Content-Type, say); none is sent unless given.

    Returns:
        The HTTP status and the JSON document of the answer.
    """
    scope = f"AKID/20260101/{region}/{service}/aws4_request"
    request = HttpRequest(
        "POST",
        f"https://{service}.{region}.amazonaws.com/",
        {
            "x-amz-target": target,
            "authorization": f"AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders=host, Signature=0",
            **(headers or {}),
        },
        body if isinstance(body, bytes) else json.dumps(body).encode(),
    )
    response = mock.answer(request)
    return response.status, json.loads(response.body)
