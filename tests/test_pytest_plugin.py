"""The pytest plugin, run in a separate pytest through pytester."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

USES_FIXTURE = """
import boto3

TABLE = {
    "TableName": "orders",
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "BillingMode": "PAY_PER_REQUEST",
}

def start(region="us-east-1"):
    ddb = boto3.client("dynamodb", region_name=region)
    return ddb.import_table(S3BucketSource={"S3Bucket": "bucket"}, InputFormat="CSV",
                            TableCreationParameters=TABLE)["ImportTableDescription"]

def test_first(importmock):
    assert start()["ImportArn"].startswith("arn:aws:dynamodb:us-east-1:123456789012:")
    assert len(importmock.calls) == 1

def test_second_sees_nothing_of_the_first(importmock):
    ddb = boto3.client("dynamodb", region_name="us-east-1")
    assert ddb.list_imports()["ImportSummaryList"] == []
"""

USES_MARKER = """
import boto3
import pytest

@pytest.mark.importmock(account_id="111122223333", duration=None)
def test_marker_options_reach_the_mock(importmock):
    ddb = boto3.client("dynamodb", region_name="eu-west-1")
    arn = ddb.import_table(
        S3BucketSource={"S3Bucket": "bucket"}, InputFormat="CSV",
        TableCreationParameters={
            "TableName": "orders",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )["ImportTableDescription"]["ImportArn"]
    assert ":111122223333:" in arn
    importmock.clock.advance(10**6)
    status = ddb.describe_import(ImportArn=arn)["ImportTableDescription"]["ImportStatus"]
    assert status == "IN_PROGRESS"

@pytest.mark.importmock("positional")
def test_positional_marker_arguments_are_refused(importmock):
    pass
"""


def test_fixture_works_without_any_import_and_isolates_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_uses_fixture=USES_FIXTURE)
    result = pytester.runpytest_subprocess("--strict-markers", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_marker_is_registered_and_passes_options(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_uses_marker=USES_MARKER)
    result = pytester.runpytest_subprocess("--strict-markers", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*keyword options only*"])


def test_marker_is_listed(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.importmock(**options)*"])


WORKERS = """
import boto3
import pytest

@pytest.mark.parametrize("n", range(6))
def test_each_test_has_its_own_world(importmock, n):
    ddb = boto3.client("dynamodb", region_name="us-east-1")
    ddb.export_table_to_point_in_time(
        TableArn="arn:aws:dynamodb:us-east-1:123456789012:table/orders", S3Bucket="bucket"
    )
    assert len(ddb.list_exports()["ExportSummaries"]) == 1
    assert len(importmock.calls) == 2
"""


def test_fixture_runs_under_xdist_workers(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_workers=WORKERS)
    result = pytester.runpytest_subprocess(
        "-p", "xdist", "-n", "2", "--strict-markers", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=6)
    result.stdout.fnmatch_lines(["*2 workers*"])
