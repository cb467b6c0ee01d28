"""Shared fixtures: a started mock, and boto3 clients whose every response is shape-checked.

Collection rules: a test marked `requires_model(service, *operations)` runs only where the
installed botocore models that service and those operations, and one marked
`requires_aiobotocore` only where aiobotocore is installed; elsewhere it is deselected, never
skipped. The suite runs against botocore's newest release without aiobotocore, and at the
supported floor with it (.ci/run), so every test runs in one of the two.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import botocore
import botocore.loaders
import pytest
from botocore.config import Config
from botocore.exceptions import UnknownServiceError

import importmock.wire.serializer
from importmock import ImportMock, mock_imports
from service_support import check_shape

# the data plane's fixtures (moto_world, moto_upstream, upstream_server), for every test folder
pytest_plugins = ["dataplane_support"]

# every handler output is checked against the model before it is sent
importmock.wire.serializer.CHECK_OUTPUTS = True
# handlers are written against botocore 1.44's models; on an older botocore (the floor of
# .ci/run) the members its models lack are left out of the answers, and so of the check
importmock.wire.serializer.OLDER_MODEL = tuple(map(int, botocore.__version__.split(".")[:2])) < (1, 44)


@functools.cache
def _modeled_operations(service: str) -> frozenset[str]:
    try:
        model = botocore.loaders.create_loader().load_service_model(service, "service-2")
    except UnknownServiceError:
        return frozenset()
    return frozenset(model["operations"])


def _runs_here(item: pytest.Item) -> bool:
    for mark in item.iter_markers("requires_model"):
        if not mark.args or mark.kwargs:
            raise pytest.UsageError(f"{item.nodeid}: requires_model(service, *operations), not {mark}")
        service, *operations = mark.args
        modeled = _modeled_operations(service)
        if not modeled or not modeled.issuperset(operations):
            return False
    return not (
        item.get_closest_marker("requires_aiobotocore") and importlib.util.find_spec("aiobotocore") is None
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    elsewhere = [item for item in items if not _runs_here(item)]
    if elsewhere:
        config.hook.pytest_deselected(items=elsewhere)
        gone = set(elsewhere)
        items[:] = [item for item in items if item not in gone]


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
