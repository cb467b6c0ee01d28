"""An export pipeline, run against moto and importmock in process: export a table, read its files.

moto holds the table and the bucket; importmock runs the export, which writes AWS's export
layout into moto's bucket. The pipeline then reads it as it would read AWS's:
manifest-summary.json -> manifest-files.json -> the gzipped data files, one item a line.

    pip install 'importmock[moto]'
    python examples/export_pipeline.py
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer
from moto import mock_aws

from importmock import mock_imports

BUCKET = "exports"
ORDERS = [{"pk": {"S": f"order-{n}"}, "total": {"N": str(n * 10)}} for n in range(1, 6)]


def seed(ddb: Any, s3: Any) -> str:
    """moto's side: a bucket, a table with point-in-time recovery on, its items; the table's ARN."""
    s3.create_bucket(Bucket=BUCKET)
    arn: str = ddb.create_table(
        TableName="orders",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )["TableDescription"]["TableArn"]
    for item in ORDERS:
        ddb.put_item(TableName="orders", Item=item)
    # AWS exports only tables with point-in-time recovery on (else PointInTimeRecoveryUnavailableException)
    ddb.update_continuous_backups(
        TableName="orders", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    return arn


def wait_for_export(ddb: Any, arn: str) -> dict[str, Any]:
    """The export's description once it completed: botocore's waiter, or polling without one."""
    if "export_completed" in ddb.waiter_names:
        ddb.get_waiter("export_completed").wait(ExportArn=arn, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    else:
        while ddb.describe_export(ExportArn=arn)["ExportDescription"]["ExportStatus"] == "IN_PROGRESS":
            time.sleep(1)
    export: dict[str, Any] = ddb.describe_export(ExportArn=arn)["ExportDescription"]
    if export["ExportStatus"] != "COMPLETED":
        raise RuntimeError(f"export {export['ExportStatus']}: {export.get('FailureMessage')}")
    return export


def exported_items(s3: Any, bucket: str, manifest_summary: str) -> Iterator[dict[str, Any]]:
    """Every item of a DYNAMODB_JSON export, one data file in memory at a time."""
    summary = json.loads(s3.get_object(Bucket=bucket, Key=manifest_summary)["Body"].read())
    files = s3.get_object(Bucket=bucket, Key=summary["manifestFilesS3Key"])["Body"].read()
    for line in files.decode().splitlines():  # one JSON object per data file
        data_file = json.loads(line)["dataFileS3Key"]
        with gzip.open(s3.get_object(Bucket=bucket, Key=data_file)["Body"], "rt") as records:
            for record in records:  # one {"Item": {...}} per line
                yield json.loads(record)["Item"]


def main() -> None:
    with mock_aws(), mock_imports():
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        s3 = boto3.client("s3", region_name="us-east-1")
        table_arn = seed(ddb, s3)

        arn = ddb.export_table_to_point_in_time(
            TableArn=table_arn, S3Bucket=BUCKET, S3Prefix="orders", ExportFormat="DYNAMODB_JSON"
        )["ExportDescription"]["ExportArn"]
        export = wait_for_export(ddb, arn)
        manifest = export["ExportManifest"]
        print(f"export {export['ExportStatus']}: {export['ItemCount']} items, s3://{BUCKET}/{manifest}")

        plain = TypeDeserializer()
        items = [
            {name: plain.deserialize(value) for name, value in item.items()}
            for item in exported_items(s3, BUCKET, manifest)
        ]
        for item in sorted(items, key=lambda item: item["pk"]):
            print(f"{item['pk']} total={item['total']}")


if __name__ == "__main__":
    main()
