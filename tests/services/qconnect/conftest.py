"""Q in Connect clients and knowledge base ids for the qconnect tests."""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture
def qc(mock, make_client):
    """A validating client in us-east-1 of the default account."""
    return make_client("qconnect")


@pytest.fixture
def raw(mock, make_client):
    """A client that skips botocore's own validation, so the mock has to validate."""
    return make_client("qconnect", validate=False)


@pytest.fixture
def kb():
    """A knowledge base id: knowledge bases are not modelled, any UUID names one."""
    return str(uuid.uuid4())
