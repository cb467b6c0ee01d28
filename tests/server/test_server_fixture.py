"""The pytest plugin's session-scoped `importmock_server` fixture, run in a separate pytest."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

SHARES_SERVER = """
import urllib.request

import boto3

SEEN = []

TABLE = {
    "TableName": "orders",
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "BillingMode": "PAY_PER_REQUEST",
}


def client(server, key):
    return boto3.client(
        "dynamodb", endpoint_url=server.url, region_name="us-east-1",
        aws_access_key_id=key, aws_secret_access_key="x",
    )


def test_first_creates_an_import(importmock_server):
    assert importmock_server.url.startswith("http://127.0.0.1:")
    SEEN.append(importmock_server.url)
    ddb = client(importmock_server, "210987654321")
    ddb.import_table(S3BucketSource={"S3Bucket": "bucket"}, InputFormat="CSV", TableCreationParameters=TABLE)
    assert importmock_server.mock.calls[-1].account_id == "210987654321"
    with urllib.request.urlopen(importmock_server.url + "/_importmock/health", timeout=10) as answer:
        assert answer.status == 200


def test_second_shares_the_server(importmock_server):
    assert SEEN == [importmock_server.url]
    assert len(client(importmock_server, "210987654321").list_imports()["ImportSummaryList"]) == 1
    assert client(importmock_server, "310987654321").list_imports()["ImportSummaryList"] == []


def test_third_resets_it(importmock_server):
    importmock_server.mock.reset()
    assert client(importmock_server, "210987654321").list_imports()["ImportSummaryList"] == []
"""


def test_importmock_server_fixture_is_one_server_per_session(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_shares_server=SHARES_SERVER)

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "error", timeout=120)

    result.assert_outcomes(passed=3)
