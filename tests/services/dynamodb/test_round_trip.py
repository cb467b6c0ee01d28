"""A table exported by ExportTableToPointInTime and imported again by ImportTable is the same table.

In process (moto's mock_aws and importmock's mock) and over HTTP (an importmock server whose
data plane is moto's server), in both export formats: the export's data files are found as a
user's pipeline finds them (manifest-summary.json -> manifest-files.json), and the import
reads them from their folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import boto3
import pytest

from dataplane_support import upstream_client
from importmock.services.dynamodb import export_files

BUCKET = "round-trip"
MOTO_ACCOUNT = "123456789012"  # moto's own: the account of the tables the upstream holds
KEYS = {
    "AttributeDefinitions": [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "N"},
    ],
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    "BillingMode": "PAY_PER_REQUEST",
}


@dataclass
class World:
    """importmock's DynamoDB API (answers shape-checked), and the data plane's services."""

    ddb: Any
    tables: Any
    s3: Any


@pytest.fixture(params=["in-process", "over-http"])
def world(request: pytest.FixtureRequest, make_client: Any) -> World:
    if request.param == "in-process":
        request.getfixturevalue("moto_world")
        plain = {"region_name": "us-east-1"}
        made = World(make_client("dynamodb"), boto3.client("dynamodb", **plain), boto3.client("s3", **plain))
    else:
        server, upstream = (
            request.getfixturevalue("upstream_server"),
            request.getfixturevalue("moto_upstream"),
        )
        ddb = make_client(
            "dynamodb", endpoint_url=server.url, aws_access_key_id=MOTO_ACCOUNT, aws_secret_access_key="x"
        )
        made = World(ddb, upstream_client(upstream, "dynamodb"), upstream_client(upstream, "s3"))
    made.s3.create_bucket(Bucket=BUCKET)
    return made


def items() -> list[dict[str, Any]]:
    """Items of every attribute type, as botocore takes and gives them."""
    typed = {
        "pk": {"S": "typed"},
        "sk": {"N": "0"},
        "text": {"S": 'quote" backslash\\ newline\n tab\t zażółć 日本語 🦑'},
        "empty": {"S": ""},
        "number": {"N": "-17.5"},
        "big": {"N": "9" * 38},
        "small": {"N": "1E-130"},
        "bytes": {"B": b"\x00\x01\xfe\xff"},
        "yes": {"BOOL": True},
        "no": {"BOOL": False},
        "nothing": {"NULL": True},
        "strings": {"SS": ["a", "b", "c"]},
        "numbers": {"NS": ["1", "-2", "3.5"]},
        "blobs": {"BS": [b"\x00", b"\x01"]},
        "list": {
            "L": [{"S": "s"}, {"N": "1"}, {"BOOL": True}, {"NULL": True}, {"B": b"b"}, {"L": []}, {"M": {}}]
        },
        "map": {"M": {"a": {"N": "1"}, "b": {"M": {"c": {"S": "d"}}}, "a.b": {"S": "dotted"}}},
        "weird name $ with spaces": {"S": "awkward"},
    }
    plain = [
        {"pk": {"S": f"item-{n % 5}"}, "sk": {"N": str(n)}, "payload": {"S": "x" * n}} for n in range(1, 23)
    ]
    return [typed, *plain]


def canonical(value: Any) -> Any:
    """An attribute value (or an item) with its sets sorted and its numbers as values."""
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)) in ("SS", "NS", "BS"):
            ((kind, inner),) = value.items()
            return {kind: sorted(Decimal(v) if kind == "NS" else v for v in inner)}
        if len(value) == 1 and next(iter(value)) == "N":
            return {"N": Decimal(value["N"])}
        return {name: canonical(inner) for name, inner in value.items()}
    if isinstance(value, list):
        return [canonical(inner) for inner in value]
    return value


def scanned(world: World, table: str) -> list[Any]:
    found = []
    for page in world.tables.get_paginator("scan").paginate(TableName=table):
        found.extend(canonical(item) for item in page["Items"])
    return sorted(found, key=lambda item: (item["pk"]["S"], item["sk"]["N"]))


def read(world: World, key: str) -> bytes:
    body: bytes = world.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    return body


def exported_data_prefix(world: World, manifest: str) -> tuple[str, int]:
    """The folder of an export's data files and how many there are, read from its manifests."""
    summary = json.loads(read(world, manifest))
    files = [json.loads(line) for line in read(world, summary["manifestFilesS3Key"]).splitlines()]
    folders = {entry["dataFileS3Key"].rsplit("/", 1)[0] + "/" for entry in files}
    [folder] = folders
    return folder, len(files)


@pytest.mark.parametrize("form", ["DYNAMODB_JSON", "ION"])
def test_import_table_of_an_exported_table_holds_every_item(world, form, monkeypatch):
    monkeypatch.setattr(export_files, "ITEMS_PER_FILE", 7)  # several data files, one import prefix
    source = world.tables.create_table(TableName="source", **KEYS)["TableDescription"]
    for item in items():
        world.tables.put_item(TableName="source", Item=item)
    world.tables.update_continuous_backups(
        TableName="source", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )

    export = world.ddb.export_table_to_point_in_time(
        TableArn=source["TableArn"], S3Bucket=BUCKET, S3Prefix="exports", ExportFormat=form
    )["ExportDescription"]
    done = world.ddb.describe_export(ExportArn=export["ExportArn"])["ExportDescription"]
    assert (done["ExportStatus"], done["ItemCount"]) == ("COMPLETED", len(items()))
    folder, files = exported_data_prefix(world, done["ExportManifest"])
    assert files == 4
    imported = world.ddb.import_table(
        S3BucketSource={"S3Bucket": BUCKET, "S3KeyPrefix": folder},
        InputFormat=form,
        InputCompressionType="GZIP",
        TableCreationParameters={"TableName": "copy", **KEYS},
    )["ImportTableDescription"]
    job = world.ddb.describe_import(ImportArn=imported["ImportArn"])["ImportTableDescription"]

    assert (job["ImportStatus"], job["ImportedItemCount"], job["ErrorCount"]) == (
        "COMPLETED",
        len(items()),
        0,
    )
    assert scanned(world, "copy") == scanned(world, "source")
    typed = world.tables.get_item(TableName="copy", Key={"pk": {"S": "typed"}, "sk": {"N": "0"}})["Item"]
    assert typed["bytes"] == {"B": b"\x00\x01\xfe\xff"}  # the bytes, not their base64 text
