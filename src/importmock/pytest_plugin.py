"""pytest plugin: the `importmock` fixture and the `importmock` marker that passes it options."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from importmock.core.mock import ImportMock


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "importmock(**options): options for the importmock fixture (account_id, duration, durations)",
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
