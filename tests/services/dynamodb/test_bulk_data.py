"""DynamoDB bulk put on a data plane: items read from S3 into the existing table, counts, report.

Each test marked with the `world` fixture runs in process (moto's mock_aws with importmock's
mock) and over HTTP (an importmock server whose data plane is moto's server).
"""

from __future__ import annotations

import gzip
import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from dataplane_support import upstream_client
from families import bulk_put_request
from importmock import ImportMock, mock_imports
from importmock.server import ThreadedServer
from importmock.services.dynamodb.ion import dump_item
from importmock.services.dynamodb.item_size import item_size
from service_support import ACCOUNT, assert_error

pytestmark = pytest.mark.requires_model(
    "dynamodb", "StartBulkPutItems", "DescribeBulkOperation", "ListBulkOperations", "CancelBulkOperation"
)
SERVER_ACCOUNT = "111111111111"
INPUT, OUTPUT = "bulk-input", "bulk-output"


@dataclass
class World:
    """importmock's DynamoDB API (answers shape-checked), and the data plane's services."""

    ddb: Any
    tables: Any
    s3: Any


def make_world(ddb: Any, tables: Any, s3: Any) -> World:
    world = World(ddb, tables, s3)
    for bucket in (INPUT, OUTPUT):
        s3.create_bucket(Bucket=bucket)
    return world


@pytest.fixture(params=["in-process", "over-http"])
def world(request: pytest.FixtureRequest, make_client: Any) -> World:
    if request.param == "in-process":
        request.getfixturevalue("moto_world")
        plain = {"region_name": "us-east-1"}
        return make_world(
            make_client("dynamodb"), boto3.client("dynamodb", **plain), boto3.client("s3", **plain)
        )
    server: ThreadedServer = request.getfixturevalue("upstream_server")
    upstream = request.getfixturevalue("moto_upstream")
    ddb = make_client(
        "dynamodb", endpoint_url=server.url, aws_access_key_id=SERVER_ACCOUNT, aws_secret_access_key="x"
    )
    return make_world(ddb, upstream_client(upstream, "dynamodb"), upstream_client(upstream, "s3"))


@pytest.fixture
def local(moto_world: ImportMock, make_client: Any) -> World:
    """The in-process world alone, for what only a test in this process can arrange."""
    plain = {"region_name": "us-east-1"}
    return make_world(make_client("dynamodb"), boto3.client("dynamodb", **plain), boto3.client("s3", **plain))


@pytest.fixture
def slow() -> Iterator[tuple[ImportMock, World]]:
    """moto in process, and importmock's bulk operations taking 100 seconds of mock-clock time."""
    from moto import mock_aws

    with mock_aws(), mock_imports(durations={"dynamodb:bulk-operation": 100}) as mock:
        plain = {"region_name": "us-east-1"}
        ddb, tables, s3 = (boto3.client(name, **plain) for name in ("dynamodb", "dynamodb", "s3"))
        yield mock, make_world(ddb, tables, s3)


def make_table(world: World, name: str = "orders", **extra: Any) -> None:
    definitions = [{"AttributeName": "pk", "AttributeType": "S"}]
    if "GlobalSecondaryIndexes" in extra:
        definitions.append({"AttributeName": "g", "AttributeType": "S"})
    world.tables.create_table(
        TableName=name,
        AttributeDefinitions=definitions,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        **extra,
    )


def json_lines(*items: dict[str, Any]) -> bytes:
    return b"".join(json.dumps({"Item": item}).encode() + b"\n" for item in items)


def item(n: int, **more: Any) -> dict[str, Any]:
    return {"pk": {"S": f"k{n:03d}"}, "v": {"N": str(n)}, **more}


def put_input(world: World, key: str, body: bytes) -> None:
    world.s3.put_object(Bucket=INPUT, Key=key, Body=body)


def describe(world: World, arn: str) -> dict[str, Any]:
    return world.ddb.describe_bulk_operation(BulkOperationArn=arn)["BulkOperationDescription"]


def start(world: World, table: str = "orders", **overrides: Any) -> str:
    job = world.ddb.start_bulk_put_items(**bulk_put_request(table, **overrides))["BulkOperationDescription"]
    assert job["BulkOperationStatus"] == "IN_PROGRESS" and "ProcessedItemCount" not in job
    return str(job["BulkOperationArn"])


def keys_in(world: World, table: str = "orders") -> list[str]:
    items = world.tables.scan(TableName=table)["Items"]
    return sorted(entry["pk"]["S"] for entry in items)


def outputs(world: World) -> dict[str, bytes]:
    listed = world.s3.list_objects_v2(Bucket=OUTPUT).get("Contents", [])
    return {o["Key"]: world.s3.get_object(Bucket=OUTPUT, Key=o["Key"])["Body"].read() for o in listed}


def test_bulk_put_writes_every_item_and_counts(world):
    make_table(
        world,
        GlobalSecondaryIndexes=[
            {
                "IndexName": "byG",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    world.tables.put_item(TableName="orders", Item={"pk": {"S": "k000"}, "old": {"S": "replaced"}})
    first, second = json_lines(*(item(n) for n in range(30))), json_lines(item(30, g={"S": "x"}))
    put_input(world, "orders/a.json", first)
    put_input(world, "orders/b.json", second)

    job = describe(world, start(world))

    assert job["BulkOperationStatus"] == "COMPLETED" and "FailureCode" not in job
    assert (job["ProcessedItemCount"], job["FailedItemCount"]) == (31, 0)
    assert job["ProcessedInputBytes"] == job["TotalInputBytes"] == len(first) + len(second)
    usage = job["BulkOperationUsage"][0]
    indexed = item_size(item(30, g={"S": "x"}))  # the one item with the index's key
    assert usage["TableName"] == "orders"
    assert usage["Table"] == {"BulkPutBytes": sum(item_size(item(n)) for n in range(30)) + indexed}
    assert usage["GlobalSecondaryIndexes"] == {"byG": {"BulkPutBytes": indexed}}
    assert usage["BulkPutBytes"] == usage["Table"]["BulkPutBytes"] + indexed
    assert keys_in(world) == [f"k{n:03d}" for n in range(31)]
    assert "old" not in world.tables.get_item(TableName="orders", Key={"pk": {"S": "k000"}})["Item"]
    manifest = json.loads(
        outputs(world)[f"AWSDynamoDB/{job['BulkOperationArn'].rsplit('/', 1)[1]}/manifest.json"]
    )
    assert (manifest["processedItemCount"], manifest["failedItemCount"], manifest["files"]) == (31, 0, [])


def test_bulk_put_refused_items_complete_with_errors_and_are_reported(world):
    make_table(world)
    body = json_lines(item(1), {"nokey": {"S": "a"}}, {"pk": {"S": ""}}) + b"not json\n" + json_lines(item(3))
    put_input(world, "orders/a.json", body)

    arn = start(
        world, OutputS3Configuration={"S3Bucket": OUTPUT, "S3KeyPrefix": "reports/", "OutputType": ["ERROR"]}
    )
    job = describe(world, arn)

    assert job["BulkOperationStatus"] == "COMPLETED_WITH_ERRORS" and "FailureCode" not in job
    assert (job["ProcessedItemCount"], job["FailedItemCount"]) == (4, 3)  # the object ends at the bad line
    assert keys_in(world) == ["k001"]
    root = f"reports/AWSDynamoDB/{arn.rsplit('/', 1)[1]}/"
    written = outputs(world)
    records = [json.loads(line) for line in written[root + "errors/00000.json"].splitlines()]
    assert [r["itemS3Pointer"]["itemIndex"] for r in records] == [1, 2, 3]
    assert records[0]["itemS3Pointer"] == {"bucket": INPUT, "key": "orders/a.json", "itemIndex": 1}
    assert "Missing the key pk" in records[0]["errorMessages"][0]
    assert "empty string value" in records[1]["errorMessages"][0]
    assert "DynamoDB JSON" in records[2]["errorMessages"][0]
    assert json.loads(written[root + "manifest.json"])["files"][0]["recordCount"] == 3


def test_bulk_put_into_a_missing_table_is_resource_not_found(world):
    with pytest.raises(world.ddb.exceptions.ResourceNotFoundException) as excinfo:
        world.ddb.start_bulk_put_items(**bulk_put_request("missing"))

    assert_error(excinfo, "ResourceNotFoundException")
    assert world.ddb.list_bulk_operations()["BulkOperationsSummaryList"] == []


def test_bulk_put_of_a_missing_input_bucket_fails(world):
    make_table(world)

    job = describe(
        world, start(world, InputS3Configuration={"S3Bucket": "nowhere", "InputFormat": "DYNAMODB_JSON"})
    )

    assert (job["BulkOperationStatus"], job["FailureCode"]) == ("FAILED", "S3NoSuchBucket")
    assert job["ProcessedItemCount"] == 0 and "TotalInputBytes" not in job


def test_bulk_put_without_error_output_writes_no_error_records(local):
    make_table(local)
    put_input(local, "orders/a.json", json_lines({"nokey": {"S": "a"}}))

    arn = start(local, OutputS3Configuration={"S3Bucket": OUTPUT, "OutputType": ["CONDITION_CHECK_FAILURE"]})

    assert describe(local, arn)["FailedItemCount"] == 1
    assert list(outputs(local)) == [f"AWSDynamoDB/{arn.rsplit('/', 1)[1]}/manifest.json"]


def test_bulk_put_reads_gzip_and_ion(local):
    make_table(local)
    put_input(local, "orders/a.json.gz", gzip.compress(json_lines(item(1), item(2))))
    put_input(local, "ions/a.ion", "".join(dump_item(item(n)) + "\n" for n in (3, 4)).encode())

    gz = start(
        local,
        InputS3Configuration={
            "S3Bucket": INPUT,
            "S3KeyPrefix": "orders/",
            "InputFormat": "DYNAMODB_JSON",
            "InputCompressionType": "GZIP",
        },
    )
    ion = start(local, InputS3Configuration={"S3Bucket": INPUT, "S3KeyPrefix": "ions/", "InputFormat": "ION"})

    assert [describe(local, arn)["BulkOperationStatus"] for arn in (gz, ion)] == ["COMPLETED", "COMPLETED"]
    assert keys_in(local) == ["k001", "k002", "k003", "k004"]


def test_cancel_keeps_the_objects_read_by_then(slow):
    mock, world = slow
    make_table(world)
    for n in range(4):  # four objects of the same size
        put_input(world, f"orders/{n}.json", json_lines(item(2 * n), item(2 * n + 1)))
    arn = start(world)
    mock.clock.advance(50)

    answer = world.ddb.cancel_bulk_operation(BulkOperationArn=arn)
    mock.clock.advance(100)
    job = describe(world, arn)

    assert answer["BulkOperationStatus"] == "CANCELLING"
    assert job["BulkOperationStatus"] == "CANCELLED" and "FailureCode" not in job
    assert keys_in(world) == ["k000", "k001", "k002", "k003"]
    assert (job["ProcessedItemCount"], job["FailedItemCount"]) == (4, 0)
    assert job["ProcessedInputBytes"] * 2 == job["TotalInputBytes"]


def test_cancel_of_an_operation_waiting_for_finish_writes_nothing():
    from moto import mock_aws

    with mock_aws(), mock_imports(duration=None) as mock:
        world = make_world(
            *(boto3.client(n, region_name="us-east-1") for n in ("dynamodb", "dynamodb", "s3"))
        )
        make_table(world)
        put_input(world, "orders/a.json", json_lines(item(1)))
        arn = start(world)
        mock.clock.advance(3600)
        world.ddb.cancel_bulk_operation(BulkOperationArn=arn)

        assert describe(world, arn)["ProcessedItemCount"] == 0
        assert keys_in(world) == []


def test_cancelled_by_finish_writes_nothing(slow):
    mock, world = slow
    make_table(world)
    put_input(world, "orders/a.json", json_lines(item(1)))
    arn = start(world)
    mock.finish(arn, status="CANCELLED")
    mock.clock.advance(200)

    assert describe(world, arn)["BulkOperationStatus"] == "CANCELLED"
    assert keys_in(world) == []


def test_bulk_put_finished_by_the_control_api_does_the_work(make_client, moto_upstream):
    options = {"s3_endpoint_url": moto_upstream, "dynamodb_endpoint_url": moto_upstream}
    with ThreadedServer(port=0, duration=None, **options) as server:
        ddb = make_client(
            "dynamodb", endpoint_url=server.url, aws_access_key_id=SERVER_ACCOUNT, aws_secret_access_key="x"
        )
        world = make_world(
            ddb, upstream_client(moto_upstream, "dynamodb"), upstream_client(moto_upstream, "s3")
        )
        make_table(world)
        put_input(world, "orders/a.json", json_lines(item(1), item(2)))
        arn = start(world)
        assert keys_in(world) == []

        body, headers = json.dumps({"job": arn}).encode(), {"Content-Type": "application/json"}
        finish = urllib.request.Request(f"{server.url}/_importmock/finish", body, headers)
        with urllib.request.urlopen(finish, timeout=30) as reply:
            assert json.loads(reply.read()) == {"finished": arn}

        assert describe(world, arn)["ProcessedItemCount"] == 2
        assert keys_in(world) == ["k001", "k002"]


def test_bulk_operation_arn_names_the_callers_account(world):
    make_table(world)
    arn = start(world)
    account = ACCOUNT if world.ddb.meta.endpoint_url.startswith("https://") else SERVER_ACCOUNT
    assert arn.startswith(f"arn:aws:dynamodb:us-east-1:{account}:table/orders/bulk-operation/")
