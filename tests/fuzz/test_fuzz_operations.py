"""Issue 7: every operation, fuzzed from botocore's input shape, in process and over HTTP.

Each test seeds the mock with real jobs of the operation's family (so that hints can name
them), snapshots it, and restores that snapshot before every example: each example starts
from the same state, so a failure replays and shrinks. Requests are sent with client-side
validation off; the answer must be a success that fits the output shape or a modeled 4xx.

`IMPORTMOCK_FUZZ_EXAMPLES=300 pytest tests/fuzz` runs 300 examples per operation (default 20).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fuzz_strategies import requests
from fuzz_support import (
    CASES,
    DEFAULT_ACCOUNT,
    SEEDERS,
    SERVER_ACCOUNT,
    Client,
    ClientFactory,
    Seeded,
    Sender,
    check_answer,
    fuzz_settings,
    in_process_clients,
    server_clients,
)
from hypothesis import given

from importmock import ImportMock, mock_imports
from importmock.server import ThreadedServer

ShapeAssert = Callable[[Any, str, dict[str, Any]], None]


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedServer]:
    """One server for the module's tests; each test resets it and seeds its own jobs."""
    with ThreadedServer(port=0, duration=None) as running:
        yield running


def fuzz_operation(
    client: Client, operation: str, seeded: Seeded, mock: ImportMock, assert_shape: ShapeAssert
) -> None:
    """Runs the property for one operation against the mock behind `client`."""
    model = client.meta.service_model.operation_model(operation)
    sender = Sender(client)

    def check_shape(operation_model: Any, response: dict[str, Any]) -> None:
        assert_shape(client, operation_model.name, response)

    @fuzz_settings()
    @given(params=requests(model, seeded.hints_for(operation)))
    def answers_are_successes_or_modeled_errors(params: dict[str, Any]) -> None:
        mock.restore(seeded.snapshot)
        answer, shown = sender.send(model, params)
        check_answer(model, answer, shown, check_shape)

    answers_are_successes_or_modeled_errors()


def _ids(case: tuple[str, str]) -> str:
    return "-".join(case)


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_in_process(case: tuple[str, str], assert_shape: ShapeAssert) -> None:
    service, operation = case
    with mock_imports(duration=None) as mock:
        seeded = SEEDERS[service](in_process_clients, mock, DEFAULT_ACCOUNT, operation)
        client = in_process_clients(service, validate=False)
        fuzz_operation(client, operation, seeded, mock, assert_shape)


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_server(case: tuple[str, str], server: ThreadedServer, assert_shape: ShapeAssert) -> None:
    service, operation = case
    server.mock.reset()
    clients: ClientFactory = server_clients(server.url)
    seeded = SEEDERS[service](clients, server.mock, SERVER_ACCOUNT, operation)
    fuzz_operation(clients(service, validate=False), operation, seeded, server.mock, assert_shape)
