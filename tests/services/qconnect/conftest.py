"""Q in Connect clients and knowledge base ids for the qconnect tests."""

from __future__ import annotations

import uuid

import pytest

from service_support import client_fixture

qc = client_fixture("qconnect")
raw = client_fixture("qconnect", validate=False)


@pytest.fixture
def kb() -> str:
    """A knowledge base id: knowledge bases are not modelled, any UUID names one."""
    return str(uuid.uuid4())
