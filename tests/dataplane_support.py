"""Fixtures for tests of the data plane: moto in process, and moto's server as an upstream.

`moto_world` runs a test inside moto's `mock_aws` and importmock's mock (jobs do their work
on moto's S3 and DynamoDB); `moto_upstream` is one ThreadedMotoServer on a free loopback
port for the session, emptied before each test that asks for it; `upstream_server` is an
importmock server whose data plane is that upstream. tests/conftest.py registers this module
as a plugin, so every test can ask for these fixtures by name.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from importmock import ImportMock, mock_imports
from importmock.server import ThreadedServer


@pytest.fixture
def moto_world() -> Iterator[ImportMock]:
    """importmock and moto's mock_aws both active; yields importmock's mock."""
    from moto import mock_aws  # imported here: moto is slow to import, and only these tests need it

    with mock_aws(), mock_imports() as mock:
        yield mock


@pytest.fixture(scope="session")
def _moto_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def moto_upstream(_moto_server: str) -> str:
    """The URL of moto's server, emptied first (POST /moto-api/reset)."""
    request = urllib.request.Request(f"{_moto_server}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=30) as reply:
        reply.read()
    return _moto_server


@pytest.fixture
def upstream_server(moto_upstream: str) -> Iterator[ThreadedServer]:
    """An importmock server whose jobs read and write moto's server."""
    with ThreadedServer(port=0, s3_endpoint_url=moto_upstream, dynamodb_endpoint_url=moto_upstream) as server:
        yield server


def upstream_client(url: str, service: str, region: str = "us-east-1") -> Any:
    """A boto3 client of the upstream itself (to put data in, and read what jobs wrote)."""
    import boto3

    return boto3.client(
        service,
        region_name=region,
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
