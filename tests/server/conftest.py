"""Fixtures of the server tests: running servers and boto3 clients pointed at them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from server_support import ACCOUNT_A, SECRET

from importmock.server import ThreadedServer


@pytest.fixture
def server() -> Iterator[ThreadedServer]:
    """A server on a free loopback port whose jobs run until finished through the control API."""
    with ThreadedServer(port=0, duration=None) as running:
        yield running


@pytest.fixture
def slow_server() -> Iterator[ThreadedServer]:
    """A server whose jobs take 60 seconds of mock-clock time."""
    with ThreadedServer(port=0, duration=60) as running:
        yield running


@pytest.fixture
def connect(make_client: Callable[..., Any]) -> Callable[..., Any]:
    """boto3 clients of a server: `connect(server, service, access_key=..., region=..., attempts=1)`.

    Every successful response is checked against the operation's output shape (make_client).
    """

    def make(
        target: ThreadedServer,
        service: str,
        access_key: str = ACCOUNT_A,
        region: str = "us-east-1",
        attempts: int = 1,
        validate: bool = True,
    ) -> Any:
        return make_client(
            service,
            region_name=region,
            validate=validate,
            attempts=attempts,
            endpoint_url=target.url,
            aws_access_key_id=access_key,
            aws_secret_access_key=SECRET,
        )

    return make
