"""Clients of the CloudTrail tests, inside the `mock` fixture's mock, and a mock that waits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from importmock import ImportMock, mock_imports
from service_support import T0, client_fixture

ct = client_fixture("cloudtrail")
raw = client_fixture("cloudtrail", validate=False)


@pytest.fixture
def waiting(make_client: Callable[..., Any]) -> Iterator[tuple[ImportMock, Any]]:
    """A mock whose imports run until finished or stopped, its clock at T0, and a client."""
    with mock_imports(duration=None) as mock:
        mock.clock.set(T0)
        yield mock, make_client("cloudtrail")
