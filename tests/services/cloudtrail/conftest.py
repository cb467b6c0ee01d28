"""Clients of the CloudTrail tests, inside the `mock` fixture's mock."""

from __future__ import annotations

import pytest


@pytest.fixture
def ct(mock, make_client):
    return make_client("cloudtrail")


@pytest.fixture
def raw(mock, make_client):
    return make_client("cloudtrail", validate=False)
