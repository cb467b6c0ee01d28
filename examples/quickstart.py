"""importmock in thirty lines: import a table, watch the job progress, list it."""

from __future__ import annotations

import boto3

from importmock import mock_imports

TABLE = {
    "TableName": "orders",
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "BillingMode": "PAY_PER_REQUEST",
}

with mock_imports(duration=300) as mock:  # an import takes five minutes of mock time
    ddb = boto3.client("dynamodb", region_name="us-east-1")
    job = ddb.import_table(
        S3BucketSource={"S3Bucket": "my-exports", "S3KeyPrefix": "orders/"},
        InputFormat="DYNAMODB_JSON",
        TableCreationParameters=TABLE,
    )["ImportTableDescription"]
    print("created:", job["ImportArn"], job["ImportStatus"])

    mock.clock.advance(300)
    print(
        "after 5 minutes:",
        ddb.describe_import(ImportArn=job["ImportArn"])["ImportTableDescription"]["ImportStatus"],
    )

    for summary in ddb.list_imports()["ImportSummaryList"]:
        print("listed:", summary["ImportArn"], summary["ImportStatus"])
