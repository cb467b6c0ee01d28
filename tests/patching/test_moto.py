"""importmock beside moto's mock_aws: each answers its own operations, in either order of starting."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import boto3
import pytest

from families import import_request, lake_import_request
from importmock import NotImplementedOperation, mock_imports

KEY = [{"AttributeName": "pk", "KeyType": "HASH"}]
ATTRIBUTES = [{"AttributeName": "pk", "AttributeType": "S"}]


def moto_mock() -> AbstractContextManager[Any]:
    from moto import mock_aws  # imported here: moto is slow to import, and only these tests need it

    return mock_aws()


ORDERS: dict[str, Callable[[], tuple[AbstractContextManager[Any], AbstractContextManager[Any]]]] = {
    "moto-first": lambda: (moto_mock(), mock_imports()),
    "importmock-first": lambda: (mock_imports(), moto_mock()),
}


def client(service: str) -> Any:
    """A plain client: moto's answers are moto's business, so only importmock's are shape-checked."""
    return boto3.client(service, region_name="us-east-1")


@pytest.mark.parametrize("order", list(ORDERS))
def test_list_imports_from_importmock_while_tables_and_buckets_come_from_moto(
    order: str, assert_shape: Callable[[Any, str, dict[str, Any]], None]
) -> None:
    outer, inner = ORDERS[order]()
    with outer, inner:
        ddb = client("dynamodb")
        ddb.create_table(
            TableName="orders", KeySchema=KEY, AttributeDefinitions=ATTRIBUTES, BillingMode="PAY_PER_REQUEST"
        )
        ddb.put_item(TableName="orders", Item={"pk": {"S": "1"}})
        assert ddb.get_item(TableName="orders", Key={"pk": {"S": "1"}})["Item"] == {"pk": {"S": "1"}}
        imported = ddb.import_table(**import_request("imported"))
        assert_shape(ddb, "ImportTable", imported)
        listed = ddb.list_imports()
        assert_shape(ddb, "ListImports", listed)
        arn = imported["ImportTableDescription"]["ImportArn"]
        assert [s["ImportArn"] for s in listed["ImportSummaryList"]] == [arn]
        s3 = client("s3")
        s3.create_bucket(Bucket="moto-bucket")
        s3.put_object(Bucket="moto-bucket", Key="data.csv", Body=b"pk\n1\n")  # a streamed, chunked body
        assert s3.get_object(Bucket="moto-bucket", Key="data.csv")["Body"].read() == b"pk\n1\n"
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["moto-bucket"]
        cloudtrail = client("cloudtrail")
        started = cloudtrail.start_import(**lake_import_request("123456789012"))
        got = cloudtrail.get_import(ImportId=started["ImportId"])
        assert_shape(cloudtrail, "GetImport", got)
        assert got["ImportStatus"] == "FAILED"  # it copies from moto's S3, which has no trail-bucket
        assert cloudtrail.describe_trails()["trailList"] == []  # moto's


def test_operations_importmock_lacks_still_raise_when_moto_is_imported_but_inactive(
    make_client: Callable[..., Any],
) -> None:
    moto_mock()  # imported, never started
    with mock_imports():
        ddb = make_client("dynamodb")
        with pytest.raises(NotImplementedOperation, match="CreateTable"):
            ddb.create_table(TableName="orders", KeySchema=KEY, AttributeDefinitions=ATTRIBUTES)
        assert ddb.list_imports()["ImportSummaryList"] == []


def test_moto_answers_alone_after_importmock_stops() -> None:
    with moto_mock():
        with mock_imports():
            pass
        ddb = client("dynamodb")
        ddb.create_table(
            TableName="orders", KeySchema=KEY, AttributeDefinitions=ATTRIBUTES, BillingMode="PAY_PER_REQUEST"
        )
        with pytest.raises(NotImplementedError):  # moto's own gap, as without importmock
            ddb.list_imports()


def test_s3_put_object_without_moto_raises_naming_the_service() -> None:
    with mock_imports(), pytest.raises(NotImplementedOperation, match="s3"):
        client("s3").put_object(Bucket="some-bucket", Key="data.csv", Body=b"pk\n1\n")


def test_mock_imports_does_not_import_moto() -> None:
    code = "import sys, importmock\nwith importmock.mock_imports(): pass\nprint('moto' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "False"
