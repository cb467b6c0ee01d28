"""DynamoDB ExportTableToPointInTime on a data plane: AWS's export files, written to S3.

Each test runs in process (moto's mock_aws with importmock's mock) and, where marked by the
`world` fixture, over HTTP too (an importmock server whose data plane is moto's server). The
files are read as a user's pipeline reads them: manifest-summary.json, then
manifest-files.json, then each gzip data file, checking every checksum and count.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, WaiterError

from dataplane_support import upstream_client
from importmock import ImportMock, mock_imports
from importmock.server import ThreadedServer
from importmock.services.dynamodb import export_files
from importmock.services.dynamodb.ion import iter_items, iter_records
from service_support import assert_error

BUCKET = "export-target"
TABLE = "Catalog"
SERVER_ACCOUNT = "123456789012"  # moto's server names its tables in this account
# every type, as DynamoDB gives them back (numbers without trailing zeros or exponents)
ITEMS = [
    {
        "pk": {"S": f"item-{n}"},
        "count": {"N": str(n * 100)},
        "price": {"N": f"-{n}.25"},
        "big": {"N": "12345678901234567890123456789012345678"},
        "blob": {"B": bytes(range(n, 256, 7))},
        "flag": {"BOOL": n % 2 == 0},
        "nothing": {"NULL": True},
        "tags": {"SS": [f"t{n}", "shared"]},
        "scores": {"NS": ["1.5", str(n)]},
        "blobs": {"BS": [b"\x00\xff", bytes([n])]},
        "list": {"L": [{"S": 'quote " and \\ and\nnewline'}, {"N": "0.001"}, {"L": []}]},
        "map": {"M": {"héllo wörld": {"S": "ünïcode ✓"}, "null": {"M": {"deep": {"BOOL": False}}}}},
    }
    for n in range(1, 8)
]


@dataclass
class World:
    """importmock's DynamoDB API (answers shape-checked), and the data plane's services."""

    ddb: Any
    tables: Any
    s3: Any
    table_arn: str

    def table(self, name: str = TABLE, recovery: bool = True, items: list[Any] = ITEMS) -> str:
        arn: str = self.tables.create_table(
            TableName=name,
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )["TableDescription"]["TableArn"]
        if recovery:
            self.tables.update_continuous_backups(
                TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
            )
        for item in items:
            self.tables.put_item(TableName=name, Item=item)
        return arn

    def export(self, **request: Any) -> Any:
        request = {"TableArn": self.table_arn, "S3Bucket": BUCKET, **request}
        return self.ddb.export_table_to_point_in_time(**request)["ExportDescription"]

    def describe(self, arn: str) -> Any:
        return self.ddb.describe_export(ExportArn=arn)["ExportDescription"]

    def objects(self, bucket: str = BUCKET) -> list[str]:
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(entry["Key"] for page in pages for entry in page.get("Contents", []))

    def read(self, key: str) -> bytes:
        body: bytes = self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        return body


def make_world(ddb: Any, tables: Any, s3: Any) -> World:
    s3.create_bucket(Bucket=BUCKET)
    world = World(ddb, tables, s3, "")
    world.table_arn = world.table()
    return world


def in_process(make_client: Any) -> World:
    plain = {"region_name": "us-east-1"}
    return make_world(make_client("dynamodb"), boto3.client("dynamodb", **plain), boto3.client("s3", **plain))


@pytest.fixture(params=["in-process", "over-http"])
def world(request: pytest.FixtureRequest, make_client: Any) -> World:
    if request.param == "in-process":
        request.getfixturevalue("moto_world")
        return in_process(make_client)
    server: ThreadedServer = request.getfixturevalue("upstream_server")
    upstream = request.getfixturevalue("moto_upstream")
    ddb = make_client(
        "dynamodb", endpoint_url=server.url, aws_access_key_id=SERVER_ACCOUNT, aws_secret_access_key="x"
    )
    return make_world(ddb, upstream_client(upstream, "dynamodb"), upstream_client(upstream, "s3"))


@pytest.fixture
def local(moto_world: ImportMock, make_client: Any) -> World:
    """The in-process world alone, for what only a test in this process can arrange."""
    return in_process(make_client)


@pytest.fixture
def waiting(make_client: Any) -> Iterator[tuple[ImportMock, World]]:
    """An in-process world whose exports wait for mock.finish (duration=None)."""
    from moto import mock_aws

    with mock_aws(), mock_imports(duration=None) as mock:
        yield mock, in_process(make_client)


def md5(body: bytes) -> str:
    return base64.b64encode(hashlib.md5(body).digest()).decode()


def json_form(item: dict[str, Any]) -> dict[str, Any]:
    """An item as DynamoDB JSON writes it (binary as base64), sets sorted for comparison."""
    plain = json.loads(json.dumps(item, default=lambda data: base64.b64encode(data).decode()))
    return {name: _sorted_sets(value) for name, value in plain.items()}


def _sorted_sets(value: dict[str, Any]) -> dict[str, Any]:
    ((kind, inner),) = value.items()
    if kind in ("SS", "NS", "BS"):
        return {kind: sorted(inner)}
    if kind == "L":
        return {kind: [_sorted_sets(element) for element in inner]}
    if kind == "M":
        return {kind: {name: _sorted_sets(element) for name, element in inner.items()}}
    return value


def by_key(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {item["pk"]["S"]: json_form(item) for item in items}


def read_export(world: World, manifest: str) -> tuple[dict[str, Any], list[Any], list[bytes]]:
    """A pipeline's read: the summary, the files manifest's entries, each data file's lines.

    Every checksum is checked on the way: the two .md5 files, and each data file's
    md5Checksum and itemCount.
    """
    summary_body = world.read(manifest)
    assert world.read(manifest.replace(".json", ".md5")).decode() == md5(summary_body)
    summary = json.loads(summary_body)
    files_body = world.read(summary["manifestFilesS3Key"])
    assert world.read(summary["manifestFilesS3Key"].replace(".json", ".md5")).decode() == md5(files_body)
    entries = [json.loads(line) for line in files_body.decode().splitlines()]
    lines: list[bytes] = []
    for entry in entries:
        body = world.read(entry["dataFileS3Key"])
        assert entry["md5Checksum"] == md5(body)
        head = world.s3.head_object(Bucket=BUCKET, Key=entry["dataFileS3Key"])
        assert entry["etag"] == head["ETag"].strip('"')
        found = gzip.decompress(body).splitlines()
        assert entry["itemCount"] == len(found)
        lines.extend(found)
    assert summary["itemCount"] == sum(entry["itemCount"] for entry in entries)
    return summary, entries, lines


def items_of(lines: list[bytes], form: str) -> list[dict[str, Any]]:
    if form == "ION":
        return [item for line in lines for item in iter_items(line.decode())]
    return [json.loads(line)["Item"] for line in lines]


def iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


# ExportTableToPointInTime: the files


@pytest.mark.parametrize("form", ["DYNAMODB_JSON", "ION"])
def test_export_table_to_point_in_time_writes_every_item(world: World, form: str) -> None:
    started = world.export(S3Prefix="nightly/run", ExportFormat=form)
    done = world.describe(started["ExportArn"])

    assert done["ExportStatus"] == "COMPLETED"
    export_id = started["ExportArn"].rsplit("/", 1)[1]
    root = f"nightly/run/AWSDynamoDB/{export_id}/"
    assert done["ExportManifest"] == f"{root}manifest-summary.json"
    summary, entries, lines = read_export(world, done["ExportManifest"])
    assert by_key(items_of(lines, form)) == by_key(ITEMS)
    assert done["ItemCount"] == summary["itemCount"] == len(ITEMS)
    assert done["BilledSizeBytes"] == summary["billedSizeBytes"] > 0
    suffix = ".ion.gz" if form == "ION" else ".json.gz"
    data = [key for key in world.objects() if "/data/" in key]
    assert all(key.startswith(f"{root}data/") and key.endswith(suffix) for key in data)
    assert sorted(entry["dataFileS3Key"] for entry in entries) == data
    names = {key[len(root) :] for key in world.objects() if "/data/" not in key}
    expected = {"_started", "manifest-files.json", "manifest-files.md5", "manifest-summary.json"}
    assert names == expected | {"manifest-summary.md5"}
    assert world.read(f"{root}_started") == b""


def test_export_table_to_point_in_time_summary_is_awss_manifest(world: World) -> None:
    started = world.export(S3Prefix="exports", ExportFormat="ION")
    done = world.describe(started["ExportArn"])

    summary, _, _ = read_export(world, done["ExportManifest"])

    assert summary == {
        "version": "2020-06-30",
        "exportArn": started["ExportArn"],
        "startTime": iso(done["StartTime"]),
        "endTime": iso(done["EndTime"]),
        "tableArn": world.table_arn,
        "tableId": done["TableId"],
        "exportTime": iso(done["ExportTime"]),
        "s3Bucket": BUCKET,
        "s3Prefix": "exports",
        "s3SseAlgorithm": "AES256",
        "s3SseKmsKeyId": None,
        "manifestFilesS3Key": done["ExportManifest"].replace("summary", "files"),
        "billedSizeBytes": done["BilledSizeBytes"],
        "itemCount": len(ITEMS),
        "outputFormat": "ION",
        "exportType": "FULL_EXPORT",
    }


def test_export_table_to_point_in_time_without_prefix_writes_under_awsdynamodb(local: World) -> None:
    done = local.describe(local.export()["ExportArn"])

    summary, _, _ = read_export(local, done["ExportManifest"])

    assert done["ExportManifest"].startswith("AWSDynamoDB/")
    assert summary["s3Prefix"] is None
    assert all(key.startswith("AWSDynamoDB/") for key in local.objects())


def test_export_table_to_point_in_time_splits_data_files_above_item_limit(
    local: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_files, "ITEMS_PER_FILE", 3)

    done = local.describe(local.export()["ExportArn"])

    _, entries, lines = read_export(local, done["ExportManifest"])
    assert [entry["itemCount"] for entry in entries] == [3, 3, 1]
    assert len({entry["dataFileS3Key"] for entry in entries}) == 3
    assert by_key(items_of(lines, "DYNAMODB_JSON")) == by_key(ITEMS)


def test_export_table_to_point_in_time_of_empty_table_writes_one_empty_data_file(local: World) -> None:
    empty = local.table("EmptyTable", items=[])

    done = local.describe(local.export(TableArn=empty)["ExportArn"])

    summary, entries, lines = read_export(local, done["ExportManifest"])
    assert (done["ItemCount"], done["BilledSizeBytes"], summary["itemCount"]) == (0, 0, 0)
    assert [entry["itemCount"] for entry in entries] == [0]
    assert lines == []


def test_export_table_to_point_in_time_with_kms_encrypts_the_files(local: World) -> None:
    done = local.describe(local.export(S3SseAlgorithm="KMS", S3SseKmsKeyId="alias/exports")["ExportArn"])

    summary, entries, _ = read_export(local, done["ExportManifest"])

    assert (summary["s3SseAlgorithm"], summary["s3SseKmsKeyId"]) == ("KMS", "alias/exports")
    head = local.s3.head_object(Bucket=BUCKET, Key=entries[0]["dataFileS3Key"])
    assert head["ServerSideEncryption"] == "aws:kms"


# ExportTableToPointInTime: AWS's checks at the call


def test_export_table_to_point_in_time_of_missing_table_is_table_not_found(world: World) -> None:
    missing = world.table_arn.replace(TABLE, "NoSuchTable")

    with pytest.raises(ClientError) as excinfo:
        world.export(TableArn=missing)

    assert_error(excinfo, "TableNotFoundException")
    assert excinfo.value.response["Error"]["Message"] == f"Table not found: {missing}"
    assert world.ddb.list_exports()["ExportSummaries"] == []


@pytest.mark.parametrize("kind", ["FULL_EXPORT", "INCREMENTAL_EXPORT"])
def test_export_table_to_point_in_time_without_recovery_is_unavailable(world: World, kind: str) -> None:
    plain = world.table("NoRecovery", recovery=False)
    now = datetime.now(timezone.utc)
    window = {"ExportFromTime": now - timedelta(hours=2), "ExportToTime": now - timedelta(hours=1)}
    extra = {"IncrementalExportSpecification": window} if kind == "INCREMENTAL_EXPORT" else {}

    with pytest.raises(ClientError) as excinfo:
        world.export(TableArn=plain, ExportType=kind, **extra)

    assert_error(excinfo, "PointInTimeRecoveryUnavailableException")
    message = "Point in time recovery is not enabled for table 'NoRecovery'"
    assert excinfo.value.response["Error"]["Message"] == message
    assert world.objects() == []


# ExportTableToPointInTime: failures of the work


def test_export_table_to_point_in_time_to_missing_bucket_fails_and_writes_nothing(world: World) -> None:
    started = world.export(S3Bucket="no-such-bucket", S3Prefix="x")
    done = world.describe(started["ExportArn"])

    assert done["ExportStatus"] == "FAILED"
    assert done["FailureCode"] == "S3NoSuchBucket"
    assert done["FailureMessage"].startswith("The specified bucket does not exist (Service: Amazon S3;")
    assert "Error Code: NoSuchBucket" in done["FailureMessage"]
    for member in ("ExportManifest", "ItemCount", "BilledSizeBytes"):
        assert member not in done
    assert done["EndTime"] == done["StartTime"]
    assert [bucket["Name"] for bucket in world.s3.list_buckets()["Buckets"]] == [BUCKET]
    assert world.objects() == []


def test_export_table_to_point_in_time_of_table_deleted_since_fails(
    waiting: tuple[ImportMock, World],
) -> None:
    mock, world = waiting
    arn = world.export()["ExportArn"]
    world.tables.delete_table(TableName=TABLE)

    mock.finish(arn)

    done = world.describe(arn)
    assert (done["ExportStatus"], done["FailureCode"]) == ("FAILED", "DynamoDBTableNotFound")
    assert done["FailureMessage"] == "The specified table does not exist"


def test_export_table_to_point_in_time_after_moto_stopped_fails_internal_error(make_client: Any) -> None:
    from moto import mock_aws

    with mock_imports(duration=None) as mock:
        with mock_aws():
            world = in_process(make_client)
            arn = world.export()["ExportArn"]
        mock.finish(arn)
        done = world.describe(arn)

    assert (done["ExportStatus"], done["FailureCode"]) == ("FAILED", "InternalServerError")
    assert done["FailureMessage"] == "An internal error occurred during the export."


# ExportTableToPointInTime: when the work happens


def test_export_table_to_point_in_time_does_its_work_when_finished(waiting: tuple[ImportMock, World]) -> None:
    mock, world = waiting
    arn = world.export()["ExportArn"]
    assert world.objects() == []
    late = {**ITEMS[0], "pk": {"S": "put-after-the-call"}}
    world.tables.put_item(TableName=TABLE, Item=late)

    mock.clock.advance(300)
    mock.finish(arn)

    done = world.describe(arn)
    assert done["ExportStatus"] == "COMPLETED"
    assert done["EndTime"] == mock.clock.now()
    summary, _, lines = read_export(world, done["ExportManifest"])
    assert by_key(items_of(lines, "DYNAMODB_JSON")) == by_key([*ITEMS, late])
    assert summary["endTime"] == iso(mock.clock.now())


def test_export_table_to_point_in_time_finished_failed_writes_nothing(
    waiting: tuple[ImportMock, World],
) -> None:
    mock, world = waiting
    arn = world.export()["ExportArn"]

    mock.finish(arn, status="FAILED")

    done = world.describe(arn)
    assert (done["ExportStatus"], done["FailureCode"]) == ("FAILED", "InternalServerError")
    assert "ItemCount" not in done
    assert world.objects() == []


def test_export_table_to_point_in_time_does_its_work_when_the_clock_reaches_it(make_client: Any) -> None:
    from moto import mock_aws

    with mock_aws(), mock_imports(duration=60) as mock:
        world = in_process(make_client)
        arn = world.export()["ExportArn"]
        mock.clock.advance(59)
        before = world.objects()
        mock.clock.advance(3600)
        done = world.describe(arn)
        after = world.objects()

    assert before == []
    assert done["ExportStatus"] == "COMPLETED"
    assert done["EndTime"] == done["StartTime"] + timedelta(seconds=60)
    assert done["ExportManifest"] in after


def test_export_table_to_point_in_time_restored_keeps_its_counts(
    local: World, moto_world: ImportMock
) -> None:
    arn = local.export()["ExportArn"]
    before = local.describe(arn)

    moto_world.restore(moto_world.snapshot())

    after = local.describe(arn)
    assert (after["ItemCount"], after["BilledSizeBytes"]) == (before["ItemCount"], before["BilledSizeBytes"])
    assert after["ExportManifest"] == before["ExportManifest"]


# botocore's waiter


def test_export_completed_waiter_returns_once_completed(world: World) -> None:
    arn = world.export()["ExportArn"]

    world.ddb.get_waiter("export_completed").wait(ExportArn=arn, WaiterConfig={"Delay": 1, "MaxAttempts": 2})

    assert world.describe(arn)["ExportStatus"] == "COMPLETED"


def test_export_completed_waiter_stops_on_failed_export(world: World) -> None:
    arn = world.export(S3Bucket="no-such-bucket")["ExportArn"]

    with pytest.raises(WaiterError) as excinfo:
        world.ddb.get_waiter("export_completed").wait(
            ExportArn=arn, WaiterConfig={"Delay": 1, "MaxAttempts": 2}
        )

    assert excinfo.value.last_response["ExportDescription"]["FailureCode"] == "S3NoSuchBucket"


# incremental exports


@pytest.mark.parametrize("form", ["DYNAMODB_JSON", "ION"])
def test_export_table_to_point_in_time_incremental_writes_items_as_new_images(
    world: World, form: str
) -> None:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    start, end = now - timedelta(hours=3), now - timedelta(hours=1)
    window = {"ExportFromTime": start, "ExportToTime": end, "ExportViewType": "NEW_AND_OLD_IMAGES"}
    started = world.export(
        S3Prefix="cdc",
        ExportFormat=form,
        ExportType="INCREMENTAL_EXPORT",
        IncrementalExportSpecification=window,
    )
    done = world.describe(started["ExportArn"])

    summary, entries, lines = read_export(world, done["ExportManifest"])
    if form == "ION":
        records = [record for line in lines for record in iter_records(line.decode())]
        records = [{name: value["M"] for name, value in record.items()} for record in records]
    else:
        records = [json.loads(line) for line in lines]
    micros = (end - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(microseconds=1)
    written = str(micros - 1)  # the window's last moment
    assert all(record["Metadata"] == {"WriteTimestampMicros": {"N": written}} for record in records)
    assert all(set(record) == {"Metadata", "Keys", "NewImage"} for record in records)
    assert all(record["Keys"] == {"pk": record["NewImage"]["pk"]} for record in records)
    assert by_key([record["NewImage"] for record in records]) == by_key(ITEMS)
    assert all(entry["dataFileS3Key"].startswith("cdc/AWSDynamoDB/data/") for entry in entries)
    assert summary["version"] == "2023-08-01"
    assert (summary["exportFromTime"], summary["exportToTime"]) == (iso(start), iso(end))
    assert (summary["outputView"], summary["exportType"]) == ("NEW_AND_OLD_IMAGES", "INCREMENTAL_EXPORT")
    assert "exportTime" not in summary
    assert done["ItemCount"] == len(ITEMS)


# the round trip: an export's data files, imported into a new table


@pytest.mark.parametrize("form", ["DYNAMODB_JSON", "ION"])
def test_export_table_to_point_in_time_files_import_into_a_new_table(world: World, form: str) -> None:
    done = world.describe(world.export(S3Prefix="round-trip", ExportFormat=form)["ExportArn"])
    data = done["ExportManifest"].replace("manifest-summary.json", "data/")

    started = world.ddb.import_table(
        S3BucketSource={"S3Bucket": BUCKET, "S3KeyPrefix": data},
        InputFormat=form,
        InputCompressionType="GZIP",
        TableCreationParameters={
            "TableName": "Restored",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )["ImportTableDescription"]

    imported = world.ddb.describe_import(ImportArn=started["ImportArn"])["ImportTableDescription"]
    assert (imported["ImportStatus"], imported["ImportedItemCount"], imported["ErrorCount"]) == (
        "COMPLETED",
        len(ITEMS),
        0,
    )
    pages = world.tables.get_paginator("scan").paginate(TableName="Restored", ConsistentRead=True)
    assert by_key([item for page in pages for item in page["Items"]]) == by_key(ITEMS)


def test_export_table_to_point_in_time_with_failing_upstream_is_internal_server_error(
    make_client: Any,
) -> None:
    # an importmock server as the data plane: it answers DescribeContinuousBackups NotImplemented
    with (
        ThreadedServer(port=0) as failing,
        mock_imports(s3_endpoint_url=failing.url, dynamodb_endpoint_url=failing.url),
    ):
        ddb = make_client("dynamodb")
        with pytest.raises(ClientError) as excinfo:
            ddb.export_table_to_point_in_time(
                TableArn=f"arn:aws:dynamodb:us-east-1:123456789012:table/{TABLE}", S3Bucket=BUCKET
            )
        listed = ddb.list_exports()["ExportSummaries"]

    assert_error(excinfo, "InternalServerError", 500)
    message = excinfo.value.response["Error"]["Message"]
    assert message.startswith("The data plane's DynamoDB failed: An error occurred (NotImplemented)")
    assert listed == []
