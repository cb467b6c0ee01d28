"""Clients of the DynamoDB tests, inside the `mock` fixture's mock."""

from __future__ import annotations

from service_support import client_fixture

ddb = client_fixture("dynamodb")
raw = client_fixture("dynamodb", validate=False)
