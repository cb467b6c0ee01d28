"""Shared fixtures: a started mock, and boto3 clients whose every response is shape-checked."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

import importmock.wire.serializer
from importmock import ImportMock, mock_imports
from service_support import check_shape

# the data plane's fixtures (moto_world, moto_upstream, upstream_server), for every test folder
pytest_plugins = ["dataplane_support"]

# every handler output is checked against the model before it is sent
importmock.wire.serializer.CHECK_OUTPUTS = True


def _check_after_call(http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
    if http_response.status_code < 300:
        check_shape(model, parsed)


@pytest.fixture
def mock() -> Iterator[ImportMock]:
    with mock_imports() as started:
        yield started


@pytest.fixture
def make_client() -> Callable[..., Any]:
    """boto3 clients whose successful responses are checked against the output shape.

    `attempts` is botocore's standard-mode budget (1: no retries, so tests see each error).
    """

    def make(
        service: str, region_name: str = "us-east-1", validate: bool = True, attempts: int = 1, **kwargs: Any
    ) -> Any:
        retries = {"mode": "standard", "total_max_attempts": attempts}  # max_attempts counts retries
        config = Config(parameter_validation=validate, retries=retries)  # type: ignore[arg-type]
        client = boto3.client(service, region_name=region_name, config=config, **kwargs)
        client.meta.events.register("after-call.*.*", _check_after_call)
        return client

    return make


@pytest.fixture
def assert_shape() -> Callable[[Any, str, dict[str, Any]], None]:
    def check(client: Any, operation: str, response: dict[str, Any]) -> None:
        check_shape(client.meta.service_model.operation_model(operation), response)

    return check
