"""DynamoDB ImportTable on a data plane: it reads S3, creates and fills its table, and counts.

Each test runs in process (moto's mock_aws with importmock's mock) and, where marked by the
`world` fixture, over HTTP too (an importmock server whose data plane is moto's server).
"""

from __future__ import annotations

import base64
import gzip
import json
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, WaiterError
from botocore.stub import Stubber

from dataplane_support import upstream_client
from importmock import ImportMock, mock_imports
from importmock.server import ThreadedServer
from importmock.services.dynamodb.import_writer import ItemWriter
from importmock.services.dynamodb.ion import dump_item
from service_support import ACCOUNT, assert_error

BUCKET = "import-source"
SERVER_ACCOUNT = "111111111111"
LOG_GROUP = "/aws-dynamodb/imports"
ITEMS_REFUSED = (
    "Some of the items failed validation checks and were not imported. "
    "Please check CloudWatch error logs for more details."
)


@dataclass
class World:
    """importmock's DynamoDB API (answers shape-checked), and the data plane's services."""

    ddb: Any
    tables: Any
    s3: Any
    logs: Any
    account: str


def in_process(make_client: Any) -> World:
    plain = {"region_name": "us-east-1"}
    world = World(
        make_client("dynamodb"),
        boto3.client("dynamodb", **plain),
        boto3.client("s3", **plain),
        boto3.client("logs", **plain),
        ACCOUNT,
    )
    world.s3.create_bucket(Bucket=BUCKET)
    return world


def over_http(make_client: Any, server: ThreadedServer, upstream: str) -> World:
    ddb = make_client(
        "dynamodb", endpoint_url=server.url, aws_access_key_id=SERVER_ACCOUNT, aws_secret_access_key="x"
    )
    world = World(
        ddb,
        upstream_client(upstream, "dynamodb"),
        upstream_client(upstream, "s3"),
        upstream_client(upstream, "logs"),
        SERVER_ACCOUNT,
    )
    world.s3.create_bucket(Bucket=BUCKET)
    return world


@pytest.fixture(params=["in-process", "over-http"])
def world(request: pytest.FixtureRequest, make_client: Any) -> World:
    if request.param == "in-process":
        request.getfixturevalue("moto_world")
        return in_process(make_client)
    server = request.getfixturevalue("upstream_server")
    return over_http(make_client, server, request.getfixturevalue("moto_upstream"))


@pytest.fixture
def local(moto_world: ImportMock, make_client: Any) -> World:
    """The in-process world alone, for what only a test in this process can arrange."""
    return in_process(make_client)


def creation(table: str, keys: tuple[tuple[str, str], ...] = (("pk", "S"),), **extra: Any) -> dict[str, Any]:
    kinds = ("HASH", "RANGE")
    params = {
        "TableName": table,
        "AttributeDefinitions": [{"AttributeName": name, "AttributeType": kind} for name, kind in keys],
        "KeySchema": [{"AttributeName": name, "KeyType": kinds[n]} for n, (name, _) in enumerate(keys)],
        "BillingMode": "PAY_PER_REQUEST",
    }
    params.update(extra)
    return params


def start(
    world: World, table: str, prefix: str = "data/", fmt: str = "DYNAMODB_JSON", **overrides: Any
) -> Any:
    request = {
        "S3BucketSource": {"S3Bucket": BUCKET, "S3KeyPrefix": prefix},
        "InputFormat": fmt,
        "TableCreationParameters": creation(table),
        **overrides,
    }
    return world.ddb.import_table(**request)["ImportTableDescription"]


def described(world: World, arn: str) -> Any:
    return world.ddb.describe_import(ImportArn=arn)["ImportTableDescription"]


def json_lines(*items: dict[str, Any]) -> bytes:
    return b"".join(json.dumps({"Item": item}).encode() + b"\n" for item in items)


def scanned(world: World, table: str) -> list[dict[str, Any]]:
    """Every item of a data-plane table, in order of its key (pk, or id)."""
    items = []
    for page in world.tables.get_paginator("scan").paginate(TableName=table):
        items.extend(page["Items"])
    return sorted(items, key=lambda item: json.dumps(item.get("pk", item.get("id")), default=repr))


def counters(job: dict[str, Any]) -> tuple[Any, ...]:
    names = ("ImportStatus", "ProcessedItemCount", "ImportedItemCount", "ErrorCount")
    return tuple(job.get(name) for name in names)


def logged(world: World, arn: str) -> list[dict[str, Any]]:
    stream = arn.rsplit("/", 1)[1] + "/error"
    answer = world.logs.get_log_events(logGroupName=LOG_GROUP, logStreamName=stream, startFromHead=True)
    return [json.loads(event["message"]) for event in answer["events"]]


def table_names(world: World) -> list[str]:
    return world.tables.list_tables()["TableNames"]


# DYNAMODB_JSON


TYPED = {
    "pk": {"S": "typed"},
    "n": {"N": "12.5"},
    "b": {"B": base64.b64encode(b"\x00\xff").decode()},
    "flag": {"BOOL": True},
    "none": {"NULL": True},
    "ss": {"SS": ["x", "y"]},
    "ns": {"NS": ["1", "2"]},
    "bs": {"BS": [base64.b64encode(b"\x01").decode()]},
    "list": {"L": [{"S": "s"}, {"N": "1"}, {"M": {}}]},
    "map": {"M": {"inner": {"S": "v"}, "deep": {"M": {"x": {"BOOL": False}}}}},
}


def test_import_table_dynamodb_json_writes_every_item_with_its_types(world):
    body = json_lines(TYPED, {"pk": {"S": "plain"}}) + b"\n   \n"  # blank lines are no entries
    world.s3.put_object(Bucket=BUCKET, Key="data/part-1.json", Body=body)
    world.s3.put_object(Bucket=BUCKET, Key="data/part-2.json", Body=json_lines({"pk": {"S": "second"}}))

    job = described(world, start(world, "typed")["ImportArn"])

    assert counters(job) == ("COMPLETED", 3, 3, 0)
    assert job["ProcessedSizeBytes"] == len(body) + len(json_lines({"pk": {"S": "second"}}))
    assert "FailureCode" not in job
    got = world.tables.get_item(TableName="typed", Key={"pk": {"S": "typed"}})["Item"]
    assert got["b"] == {"B": b"\x00\xff"}
    assert got["bs"] == {"BS": [b"\x01"]}
    assert {name: got[name] for name in ("n", "flag", "none", "list", "map")} == {
        name: TYPED[name] for name in ("n", "flag", "none", "list", "map")
    }
    assert sorted(got["ss"]["SS"]) == ["x", "y"]
    assert [item["pk"]["S"] for item in scanned(world, "typed")] == ["plain", "second", "typed"]


def test_import_table_dynamodb_json_reads_values_one_after_another_on_a_line(world):
    # AWS imports `{"Item": ...}{"Item": ...}` on one line as two items (moto's AWS-verified test)
    body = b'{"Item": {"pk": {"S": "a"}}}{"Item": {"pk": {"S": "b"}}} {"Item": {"pk": {"S": "c"}}}'
    world.s3.put_object(Bucket=BUCKET, Key="data/run-on", Body=body)

    job = described(world, start(world, "runon")["ImportArn"])

    assert counters(job) == ("COMPLETED", 3, 3, 0)
    assert [item["pk"]["S"] for item in scanned(world, "runon")] == ["a", "b", "c"]


def test_import_table_gzip_counts_uncompressed_bytes(world):
    body = json_lines(*({"pk": {"S": f"k{n}"}, "v": {"S": "x" * 50}} for n in range(40)))
    world.s3.put_object(Bucket=BUCKET, Key="data/part.json.gz", Body=gzip.compress(body))

    job = described(world, start(world, "zipped", InputCompressionType="GZIP")["ImportArn"])

    assert counters(job) == ("COMPLETED", 40, 40, 0)
    assert job["ProcessedSizeBytes"] == len(body)
    assert job["InputCompressionType"] == "GZIP"
    assert len(scanned(world, "zipped")) == 40


def test_import_table_zstd_counts_uncompressed_bytes(world):
    import zstandard  # the test extras install it (Python before 3.14 has no ZSTD codec)

    body = json_lines(*({"pk": {"S": f"k{n}"}, "v": {"S": "y" * 30}} for n in range(25)))
    packed = zstandard.ZstdCompressor().compress(body)
    world.s3.put_object(Bucket=BUCKET, Key="data/part.json.zst", Body=packed)

    job = described(world, start(world, "squeezed", InputCompressionType="ZSTD")["ImportArn"])

    assert counters(job) == ("COMPLETED", 25, 25, 0)
    assert job["ProcessedSizeBytes"] == len(body)
    assert len(scanned(world, "squeezed")) == 25


def test_import_table_duplicate_keys_count_every_write_and_the_last_wins(world):
    items = [{"pk": {"S": f"k{n % 10}"}, "version": {"N": str(n)}} for n in range(30)]  # over a batch
    world.s3.put_object(Bucket=BUCKET, Key="data/dupes.json", Body=json_lines(*items))

    job = described(world, start(world, "dupes")["ImportArn"])

    assert counters(job) == ("COMPLETED", 30, 30, 0)
    versions = {item["pk"]["S"]: item["version"]["N"] for item in scanned(world, "dupes")}
    assert versions == {f"k{n}": str(20 + n) for n in range(10)}


# ION


def test_import_table_ion_writes_every_item_with_its_types(world):
    body = "".join(dump_item(item) + "\n" for item in (TYPED, {"pk": {"S": "plain"}})).encode()
    world.s3.put_object(Bucket=BUCKET, Key="data/part.ion.gz", Body=gzip.compress(body))

    job = described(world, start(world, "ioned", fmt="ION", InputCompressionType="GZIP")["ImportArn"])

    assert counters(job) == ("COMPLETED", 2, 2, 0)
    assert job["ProcessedSizeBytes"] == len(body)
    got = world.tables.get_item(TableName="ioned", Key={"pk": {"S": "typed"}})["Item"]
    assert (got["b"], got["bs"]) == ({"B": b"\x00\xff"}, {"BS": [b"\x01"]})
    assert {name: got[name] for name in ("n", "flag", "none", "list", "map")} == {
        name: TYPED[name] for name in ("n", "flag", "none", "list", "map")
    }
    assert sorted(got["ns"]["NS"]) == ["1", "2"]


def test_import_table_ion_values_spread_over_lines_as_aws_documents_them(world):
    body = b"""$ion_1_0
{
  Item:{
    pk:"103",
    Authors:$dynamodb_SS::["Author1","Author2"],
    PageCount:6d2,
    InPublication:false
  }
}
$ion_1_0 {Item:{pk:"104",Price:2d3}}
"""
    world.s3.put_object(Bucket=BUCKET, Key="data/books.ion", Body=body)

    job = described(world, start(world, "books", fmt="ION")["ImportArn"])

    assert counters(job) == ("COMPLETED", 2, 2, 0)
    got = world.tables.get_item(TableName="books", Key={"pk": {"S": "103"}})["Item"]
    assert (got["PageCount"], got["InPublication"]) == ({"N": "600"}, {"BOOL": False})
    assert sorted(got["Authors"]["SS"]) == ["Author1", "Author2"]
    assert world.tables.get_item(TableName="books", Key={"pk": {"S": "104"}})["Item"]["Price"] == {
        "N": "2000"
    }


def test_import_table_ion_text_that_stops_being_ion_abandons_the_object(world):
    body = (
        dump_item({"pk": {"S": "a"}}) + "\n$ion_1_0 {Item:{pk: \n" + dump_item({"pk": {"S": "b"}})
    ).encode()
    world.s3.put_object(Bucket=BUCKET, Key="data/bad.ion", Body=body)

    arn = start(world, "badion", fmt="ION")["ImportArn"]

    assert counters(described(world, arn)) == ("FAILED", 2, 1, 1)
    [event] = logged(world, arn)
    assert event["itemS3Pointer"] == {"bucket": BUCKET, "key": "data/bad.ion", "itemIndex": 1}
    assert event["errorMessages"][0].startswith("Unable to parse the object as Ion: ")
    assert scanned(world, "badion") == [{"pk": {"S": "a"}}]


# CSV


def test_import_table_csv_header_from_first_line_every_value_a_string(world):
    body = b"pk,name,age\na,Alice,30\nb,Bob,\n"  # an empty column is left out of the item
    world.s3.put_object(Bucket=BUCKET, Key="data/people.csv", Body=body)

    job = described(world, start(world, "people", fmt="CSV")["ImportArn"])

    assert counters(job) == ("COMPLETED", 2, 2, 0)
    assert job["ProcessedSizeBytes"] == len(body)
    assert scanned(world, "people") == [
        {"pk": {"S": "a"}, "name": {"S": "Alice"}, "age": {"S": "30"}},
        {"pk": {"S": "b"}, "name": {"S": "Bob"}},
    ]


def test_import_table_csv_header_list_reads_the_first_line_as_values(world):
    world.s3.put_object(Bucket=BUCKET, Key="data/rows.csv", Body=b"a,Alice\nb,Bob\n")
    options = {"Csv": {"HeaderList": ["pk", "name"]}}

    job = described(world, start(world, "rows", fmt="CSV", InputFormatOptions=options)["ImportArn"])

    assert counters(job) == ("COMPLETED", 2, 2, 0)
    assert job["InputFormatOptions"] == options
    assert world.tables.get_item(TableName="rows", Key={"pk": {"S": "a"}})["Item"] == {
        "pk": {"S": "a"},
        "name": {"S": "Alice"},
    }


def test_import_table_csv_delimiter_and_number_keys_typed_from_definitions(world):
    body = b'id|sort|note|count\n1|x|hello|7\n2|y||\n10|z|"quoted|bar"|3\n'
    world.s3.put_object(Bucket=BUCKET, Key="data/numbers.csv", Body=body)
    params = creation("numbers", keys=(("id", "N"), ("sort", "S")))

    arn = start(
        world,
        "numbers",
        fmt="CSV",
        TableCreationParameters=params,
        InputFormatOptions={"Csv": {"Delimiter": "|"}},
    )["ImportArn"]

    assert counters(described(world, arn)) == ("COMPLETED", 3, 3, 0)
    key = {"id": {"N": "10"}, "sort": {"S": "z"}}
    assert world.tables.get_item(TableName="numbers", Key=key)["Item"] == {
        **key,
        "note": {"S": "quoted|bar"},
        "count": {"S": "3"},  # not a key: a string, though it reads as a number
    }
    assert world.tables.get_item(TableName="numbers", Key={"id": {"N": "2"}, "sort": {"S": "y"}})["Item"] == {
        "id": {"N": "2"},
        "sort": {"S": "y"},
    }


def test_import_table_csv_binary_key_read_as_base64(world):
    world.s3.put_object(Bucket=BUCKET, Key="data/blobs.csv", Body=b"k,v\nAAH/,one\n")
    params = creation("blobs", keys=(("k", "B"),))

    arn = start(world, "blobs", fmt="CSV", TableCreationParameters=params)["ImportArn"]

    assert counters(described(world, arn)) == ("COMPLETED", 1, 1, 0)
    got = world.tables.get_item(TableName="blobs", Key={"k": {"B": b"\x00\x01\xff"}})["Item"]
    assert got == {"k": {"B": b"\x00\x01\xff"}, "v": {"S": "one"}}


def test_import_table_csv_refuses_rows_that_do_not_fit(world):
    body = b"id,v\n1,ok\nnot-a-number,x\n2,a,extra\n,empty-key\n3,fine\n"
    world.s3.put_object(Bucket=BUCKET, Key="data/bad.csv", Body=body)
    params = creation("badcsv", keys=(("id", "N"),))

    arn = start(world, "badcsv", fmt="CSV", TableCreationParameters=params)["ImportArn"]

    assert counters(described(world, arn)) == ("FAILED", 5, 2, 3)
    assert [event["errorMessages"] for event in logged(world, arn)] == [
        ["The parameter cannot be converted to a numeric value: not-a-number"],
        ["The line has 3 columns where the header has 2"],
        ["One or more parameter values were invalid: Missing the key id in the item"],
    ]
    assert [item["id"]["N"] for item in scanned(world, "badcsv")] == ["1", "3"]


# refused items


def test_import_table_refused_items_counted_logged_and_the_table_kept(world):
    good = [{"pk": {"S": f"good-{n}"}} for n in range(3)]
    first = json_lines(
        good[0],
        {"other": {"S": "no key"}},
        {"pk": {"N": "1"}},
        {"pk": {"S": "big"}, "blob": {"S": "y" * (400 * 1024)}},
        good[1],
    )
    second = json_lines(good[2]) + b'{"Item": {"pk": \n' + json_lines({"pk": {"S": "never-read"}})
    world.s3.put_object(Bucket=BUCKET, Key="data/a.json", Body=first)
    world.s3.put_object(Bucket=BUCKET, Key="data/b.json", Body=second)

    arn = start(world, "refused")["ImportArn"]
    job = described(world, arn)

    assert counters(job) == ("FAILED", 7, 3, 4)
    assert (job["FailureCode"], job["FailureMessage"]) == ("ItemValidationError", ITEMS_REFUSED)
    assert [item["pk"]["S"] for item in scanned(world, "refused")] == ["good-0", "good-1", "good-2"]
    events = logged(world, arn)
    assert [event["itemS3Pointer"] for event in events] == [
        {"bucket": BUCKET, "key": "data/a.json", "itemIndex": 1},
        {"bucket": BUCKET, "key": "data/a.json", "itemIndex": 2},
        {"bucket": BUCKET, "key": "data/a.json", "itemIndex": 3},
        {"bucket": BUCKET, "key": "data/b.json", "itemIndex": 1},
    ]
    assert {event["importArn"] for event in events} == {arn}
    messages = [event["errorMessages"][0] for event in events]
    assert messages[:3] == [
        "One or more parameter values were invalid: Missing the key pk in the item",
        "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N",
        "Item size has exceeded the maximum allowed size",
    ]
    assert messages[3].startswith("Unable to parse the line as DynamoDB JSON")
    with pytest.raises(ClientError) as excinfo:  # the table it kept is in use
        start(world, "refused")
    assert_error(excinfo, "ResourceInUseException")


def test_import_table_refuses_index_keys_of_another_type_but_not_their_absence(world):
    items = [{"pk": {"S": "a"}, "g": {"N": "1"}}, {"pk": {"S": "b"}}, {"pk": {"S": "c"}, "g": {"S": "x"}}]
    world.s3.put_object(Bucket=BUCKET, Key="data/gsi.json", Body=json_lines(*items))
    index = {
        "IndexName": "by-g",
        "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"},
    }
    params = creation("indexed", GlobalSecondaryIndexes=[index])
    params["AttributeDefinitions"].append({"AttributeName": "g", "AttributeType": "N"})

    arn = start(world, "indexed", TableCreationParameters=params)["ImportArn"]

    assert counters(described(world, arn)) == ("FAILED", 3, 2, 1)
    assert logged(world, arn)[0]["errorMessages"] == [
        "One or more parameter values were invalid: Type mismatch for Index Key g Expected: N Actual: S "
        "IndexName: by-g"
    ]
    queried = world.tables.query(
        TableName="indexed",
        IndexName="by-g",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"N": "1"}},
    )
    assert [item["pk"]["S"] for item in queried["Items"]] == ["a"]


def test_import_table_creates_the_table_as_its_parameters_describe(world):
    world.s3.put_object(
        Bucket=BUCKET, Key="data/one.json", Body=json_lines({"pk": {"S": "a"}, "sk": {"N": "1"}})
    )
    index = {
        "IndexName": "by-sk",
        "KeySchema": [{"AttributeName": "sk", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "KEYS_ONLY"},
        "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 3},
    }
    params = creation(
        "shaped",
        keys=(("pk", "S"), ("sk", "N")),
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 4, "WriteCapacityUnits": 5},
        GlobalSecondaryIndexes=[index],
        SSESpecification={"Enabled": True},
    )

    arn = start(world, "shaped", TableCreationParameters=params)["ImportArn"]

    assert counters(described(world, arn)) == ("COMPLETED", 1, 1, 0)
    table = world.tables.describe_table(TableName="shaped")["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert table["KeySchema"] == params["KeySchema"]
    assert (
        sorted(table["AttributeDefinitions"], key=lambda d: d["AttributeName"])
        == params["AttributeDefinitions"]
    )
    throughput = table["ProvisionedThroughput"]
    assert (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]) == (4, 5)
    [made] = table["GlobalSecondaryIndexes"]
    assert (made["IndexName"], made["KeySchema"], made["Projection"]) == (
        "by-sk",
        index["KeySchema"],
        index["Projection"],
    )
    assert table["SSEDescription"]["Status"] == "ENABLED"


# failures before the table


def test_import_table_missing_bucket_fails_without_making_the_table(world):
    arn = start(world, "nobucket", S3BucketSource={"S3Bucket": "no-such-bucket-here"})["ImportArn"]
    job = described(world, arn)

    assert counters(job) == ("FAILED", 0, 0, 0)
    assert job["FailureCode"] == "S3NoSuchBucket"
    assert job["FailureMessage"].startswith(
        "The specified bucket does not exist (Service: Amazon S3; Status Code: 404; "
        "Error Code: NoSuchBucket; Request ID: "
    )
    assert job["FailureMessage"].endswith("; Proxy: null)")
    assert "ProcessedSizeBytes" not in job
    assert "nobucket" not in table_names(world)
    again = start(world, "nobucket")  # no table was made: the name is free
    assert described(world, again["ImportArn"])["ImportStatus"] == "COMPLETED"


def test_import_table_bucket_of_another_owner_fails_access_denied(world):
    world.s3.put_object(Bucket=BUCKET, Key="data/x.json", Body=json_lines({"pk": {"S": "a"}}))
    source = {"S3Bucket": BUCKET, "S3KeyPrefix": "data/", "S3BucketOwner": "999999999999"}

    job = described(world, start(world, "foreign", S3BucketSource=source)["ImportArn"])

    assert counters(job) == ("FAILED", 0, 0, 0)
    assert job["FailureCode"] == "S3AccessDenied"
    assert job["FailureMessage"].startswith("Access Denied (Service: Amazon S3; Status Code: 403;")
    assert "foreign" not in table_names(world)


def test_import_table_prefix_matching_nothing_completes_with_an_empty_table(world):
    # measured against AWS (ScyllaDB's and moto's tests): COMPLETED, not FAILED, and the table kept
    world.s3.put_object(Bucket=BUCKET, Key="elsewhere/x.json", Body=json_lines({"pk": {"S": "a"}}))

    job = described(world, start(world, "emptied", prefix="data/")["ImportArn"])

    assert counters(job) == ("COMPLETED", 0, 0, 0)
    assert "ProcessedSizeBytes" not in job
    assert world.tables.describe_table(TableName="emptied")["Table"]["TableStatus"] == "ACTIVE"
    assert scanned(world, "emptied") == []


def test_import_table_zero_length_object_is_no_items(world):
    world.s3.put_object(Bucket=BUCKET, Key="data/empty.json", Body=b"")
    world.s3.put_object(Bucket=BUCKET, Key="data/one.json", Body=json_lines({"pk": {"S": "a"}}))

    job = described(world, start(world, "zerolen")["ImportArn"])

    assert counters(job) == ("COMPLETED", 1, 1, 0)


# the table's name


def test_import_table_into_a_table_the_data_plane_holds_is_resource_in_use(world):
    world.tables.create_table(**creation("existing"))

    with pytest.raises(ClientError) as excinfo:
        start(world, "existing")

    assert_error(excinfo, "ResourceInUseException")
    assert excinfo.value.response["Error"]["Message"] == "Table already exists: existing"


def test_import_table_name_free_again_once_its_table_is_deleted(world):
    world.s3.put_object(Bucket=BUCKET, Key="data/x.json", Body=json_lines({"pk": {"S": "a"}}))
    first = start(world, "reused")
    world.tables.delete_table(TableName="reused")

    second = start(world, "reused")

    assert second["ImportArn"] != first["ImportArn"]
    assert counters(described(world, second["ImportArn"])) == ("COMPLETED", 1, 1, 0)


# when the work runs


def test_import_table_waiter_import_completed(world):
    world.s3.put_object(Bucket=BUCKET, Key="data/x.json", Body=json_lines({"pk": {"S": "a"}}))
    assert "import_completed" in world.ddb.waiter_names
    arn = start(world, "waited")["ImportArn"]

    world.ddb.get_waiter("import_completed").wait(ImportArn=arn, WaiterConfig={"Delay": 1, "MaxAttempts": 1})

    assert world.tables.get_item(TableName="waited", Key={"pk": {"S": "a"}})["Item"] == {"pk": {"S": "a"}}


def test_import_table_waiter_import_completed_stops_on_failure(world):
    arn = start(world, "waitfail", S3BucketSource={"S3Bucket": "no-such-bucket-here"})["ImportArn"]

    with pytest.raises(WaiterError, match="terminal failure state"):
        world.ddb.get_waiter("import_completed").wait(
            ImportArn=arn, WaiterConfig={"Delay": 1, "MaxAttempts": 1}
        )


@pytest.fixture
def held(make_client: Any) -> Iterator[tuple[ImportMock, World]]:
    """In process, jobs that wait for `mock.finish`."""
    from moto import mock_aws

    with mock_aws(), mock_imports(duration=None) as mock:
        yield mock, in_process(make_client)


def test_import_table_finish_does_the_work_then(held):
    mock, world = held
    world.s3.put_object(Bucket=BUCKET, Key="data/x.json", Body=json_lines({"pk": {"S": "a"}}))
    arn = start(world, "later")["ImportArn"]
    assert counters(described(world, arn)) == ("IN_PROGRESS", 0, 0, 0)
    assert "later" not in table_names(world)  # enters the data plane when the import ends

    mock.finish(arn)

    assert counters(described(world, arn)) == ("COMPLETED", 1, 1, 0)
    assert scanned(world, "later") == [{"pk": {"S": "a"}}]


def test_import_table_finished_failed_does_no_work(held):
    mock, world = held
    world.s3.put_object(Bucket=BUCKET, Key="data/x.json", Body=json_lines({"pk": {"S": "a"}}))
    arn = start(world, "never")["ImportArn"]

    mock.finish(arn, status="FAILED", failure_code="ItemValidationError")

    job = described(world, arn)
    assert counters(job) == ("FAILED", 0, 0, 0)
    assert "ProcessedSizeBytes" not in job
    assert "never" not in table_names(world)
    assert start(world, "never")["ImportStatus"] == "IN_PROGRESS"  # no table: the name is free


def test_import_table_clock_reaching_due_time_does_the_work(make_client):
    from moto import mock_aws

    with mock_aws(), mock_imports(duration=60) as mock:
        world = in_process(make_client)
        world.s3.put_object(Bucket=BUCKET, Key="data/x.json", Body=json_lines({"pk": {"S": "a"}}))
        started = start(world, "clocked")
        assert "clocked" not in table_names(world)

        mock.clock.advance(60)

        job = described(world, started["ImportArn"])
        assert counters(job) == ("COMPLETED", 1, 1, 0)
        assert job["EndTime"] - job["StartTime"] == timedelta(seconds=60)
        assert scanned(world, "clocked") == [{"pk": {"S": "a"}}]


def test_import_table_server_control_finish_does_the_work(make_client, moto_upstream):
    options = {"s3_endpoint_url": moto_upstream, "dynamodb_endpoint_url": moto_upstream}
    with ThreadedServer(port=0, duration=None, **options) as server:
        world = over_http(make_client, server, moto_upstream)
        world.s3.put_object(Bucket=BUCKET, Key="data/x.json", Body=json_lines({"pk": {"S": "a"}}))
        arn = start(world, "controlled")["ImportArn"]
        assert "controlled" not in table_names(world)

        request = urllib.request.Request(
            f"{server.url}/_importmock/finish",
            data=json.dumps({"job": arn}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as reply:
            assert json.loads(reply.read()) == {"finished": arn}

        assert counters(described(world, arn)) == ("COMPLETED", 1, 1, 0)
        assert scanned(world, "controlled") == [{"pk": {"S": "a"}}]


def test_import_table_counts_survive_a_snapshot(moto_world, local):
    local.s3.put_object(
        Bucket=BUCKET, Key="data/x.json", Body=json_lines({"pk": {"S": "a"}}, {"x": {"S": "b"}})
    )
    arn = start(local, "snapped")["ImportArn"]
    before = described(local, arn)

    moto_world.restore(json.loads(json.dumps(moto_world.snapshot())))

    after = described(local, arn)
    assert counters(after) == counters(before) == ("FAILED", 2, 1, 1)
    assert after["ProcessedSizeBytes"] == before["ProcessedSizeBytes"]


def test_import_table_upstream_that_does_not_answer_fails_the_import(make_client):
    closed = "http://127.0.0.1:9"  # nothing listens on port 9
    with mock_imports(s3_endpoint_url=closed, dynamodb_endpoint_url=closed):
        world = World(make_client("dynamodb"), None, None, None, ACCOUNT)

        job = described(world, start(world, "unreachable")["ImportArn"])

    assert counters(job) == ("FAILED", 0, 0, 0)
    assert job["FailureCode"] == "InternalServerError"
    assert job["FailureMessage"].startswith("An internal error occurred during the import. (Could not")


# in process only: an unreadable object, and the writer's retries


def test_import_table_zstd_without_a_codec_counts_each_object_unreadable(local, monkeypatch):
    for codec in ("compression.zstd", "zstandard"):
        monkeypatch.setitem(sys.modules, codec, None)  # an import of it raises ImportError
    frame = b"\x28\xb5\x2f\xfd\x20\x05\x29\x00\x00hello"  # a ZSTD frame of one raw block
    local.s3.put_object(Bucket=BUCKET, Key="data/a.zst", Body=frame)
    local.s3.put_object(Bucket=BUCKET, Key="data/b.zst", Body=frame)

    arn = start(local, "zstd", InputCompressionType="ZSTD")["ImportArn"]

    job = described(local, arn)
    assert counters(job) == ("FAILED", 2, 0, 2)
    assert job["FailureCode"] == "ItemValidationError"
    assert [event["errorMessages"][0] for event in logged(local, arn)] == [
        "Unable to decompress the object as ZSTD: no ZSTD codec in this Python "
        "(Python 3.14's compression.zstd, or the zstandard package)"
    ] * 2
    assert scanned(local, "zstd") == []


def test_import_table_broken_gzip_abandons_the_object(local):
    body = gzip.compress(json_lines(*({"pk": {"S": f"k{n}"}} for n in range(5))))
    local.s3.put_object(Bucket=BUCKET, Key="data/broken.gz", Body=body[: len(body) // 2])

    arn = start(local, "broken", InputCompressionType="GZIP")["ImportArn"]

    job = described(local, arn)
    assert job["ErrorCount"] == 1
    assert job["ProcessedItemCount"] == job["ImportedItemCount"] + 1
    [event] = logged(local, arn)
    assert event["errorMessages"][0].startswith("Unable to decompress the object as GZIP")


def writer_of(ddb: Any, refused: list[tuple[Any, str]]) -> ItemWriter:
    return ItemWriter(ddb, "orders", ["pk"], lambda pointer, message: refused.append((pointer, message)))


def test_item_writer_retries_unprocessed_items_until_written():
    ddb = boto3.client("dynamodb", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    item = {"pk": {"S": "a"}}
    unprocessed = {"orders": [{"PutRequest": {"Item": item}}]}
    with Stubber(ddb) as stub:
        stub.add_response(
            "batch_write_item", {"UnprocessedItems": unprocessed}, {"RequestItems": unprocessed}
        )
        stub.add_response("batch_write_item", {"UnprocessedItems": {}}, {"RequestItems": unprocessed})
        refused: list[tuple[Any, str]] = []
        writer = writer_of(ddb, refused)
        writer.put(item, ("data/x.json", 0))
        writer.flush()
        stub.assert_no_pending_responses()

    assert (writer.written, refused) == (1, [])


def test_item_writer_batch_refused_whole_is_written_item_by_item():
    ddb = boto3.client("dynamodb", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    good, bad = {"pk": {"S": "good"}}, {"pk": {"S": "bad"}}
    refused: list[tuple[Any, str]] = []
    with Stubber(ddb) as stub:
        stub.add_client_error("batch_write_item", "ValidationException", "one bad item")
        stub.add_response("put_item", {}, {"TableName": "orders", "Item": good})
        stub.add_client_error("put_item", "ValidationException", "refused by the table")
        writer = writer_of(ddb, refused)
        writer.put(good, ("data/x.json", 0))
        writer.put(bad, ("data/x.json", 1))
        writer.flush()
        stub.assert_no_pending_responses()

    assert writer.written == 1
    assert refused == [(("data/x.json", 1), "refused by the table")]
