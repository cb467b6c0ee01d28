"""pytest plugin: the `importmock` fixture, its `importmock` marker, and `importmock_server`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from importmock.mock import ImportMock

if TYPE_CHECKING:
    from importmock.server import ThreadedServer


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "importmock(**options): options for the importmock fixture (account_id, duration, durations, "
        "state, s3_endpoint_url, dynamodb_endpoint_url, logs_endpoint_url, sleep, tick)",
    )


@pytest.fixture
def importmock(request: pytest.FixtureRequest) -> Iterator[ImportMock]:
    """An active ImportMock for one test, stopped after it; options from the marker."""
    marker = request.node.get_closest_marker("importmock")
    options = dict(marker.kwargs) if marker is not None else {}
    if marker is not None and marker.args:
        raise pytest.UsageError("@pytest.mark.importmock takes keyword options only")
    with ImportMock(**options) as mock:
        yield mock


@pytest.fixture(scope="session")
def importmock_server() -> Iterator[ThreadedServer]:
    """A running importmock server for the whole session (``.url``, ``.mock``), on a free port.

    Tests share it: keep them apart with an account each (a 12-digit access key id), or
    call ``importmock_server.mock.reset()``. The server module loads only when it is used.
    """
    from importmock.server import ThreadedServer

    with ThreadedServer(port=0) as server:
        yield server
