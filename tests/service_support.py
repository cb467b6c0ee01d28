"""What the service test suites share: client fixtures, error checks and listing traversal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


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
