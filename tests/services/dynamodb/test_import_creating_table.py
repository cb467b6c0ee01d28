"""DescribeTable while an import creates the table: CREATING, as AWS shows it; then the data plane's."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from test_import_data import BUCKET, creation, in_process, json_lines, over_http, start

from importmock import mock_imports
from importmock.server import ThreadedServer
from service_support import assert_error

GSI = {
    "IndexName": "by-sk",
    "KeySchema": [{"AttributeName": "sk", "KeyType": "HASH"}],
    "Projection": {"ProjectionType": "KEYS_ONLY"},
    "ProvisionedThroughput": {"ReadCapacityUnits": 4, "WriteCapacityUnits": 2},
}


def provisioned(table: str) -> dict[str, Any]:
    return creation(
        table,
        (("pk", "S"), ("sk", "N")),
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 3},
        GlobalSecondaryIndexes=[GSI],
        SSESpecification={
            "Enabled": True,
            "SSEType": "KMS",
            "KMSMasterKeyId": "arn:aws:kms:us-east-1:123456789012:key/k",
        },
    )


@pytest.mark.parametrize("moto_first", [True, False], ids=["moto-outside", "moto-inside"])
def test_describe_table_shows_creating_while_the_import_runs_then_moto_answers(make_client, moto_first):
    from moto import mock_aws

    outer, inner = (
        (mock_aws(), mock_imports(duration=60)) if moto_first else (mock_imports(duration=60), mock_aws())
    )
    with outer as first, inner as second:
        mock = first if not moto_first else second
        world = in_process(make_client)
        world.s3.put_object(
            Bucket=BUCKET, Key="data/x.json", Body=json_lines({"pk": {"S": "a"}, "sk": {"N": "1"}})
        )
        job = start(world, "growing", TableCreationParameters=provisioned("growing"))

        table = world.ddb.describe_table(TableName="growing")["Table"]  # shape-checked

        assert table["TableStatus"] == "CREATING"
        assert (table["TableArn"], table["ItemCount"], table["TableSizeBytes"]) == (job["TableArn"], 0, 0)
        assert table["KeySchema"] == provisioned("growing")["KeySchema"]
        assert table["ProvisionedThroughput"] == {"ReadCapacityUnits": 5, "WriteCapacityUnits": 3}
        [index] = table["GlobalSecondaryIndexes"]
        assert (index["IndexName"], index["IndexStatus"]) == ("by-sk", "CREATING")
        assert index["IndexArn"] == f"{job['TableArn']}/index/by-sk"
        assert table["SSEDescription"]["Status"] == "ENABLED"
        assert world.ddb.describe_table(TableName=job["TableArn"])["Table"]["TableStatus"] == "CREATING"
        with pytest.raises(ClientError) as missing:  # any other table is moto's
            world.ddb.describe_table(TableName="never-made")
        assert_error(missing, "ResourceNotFoundException")
        with pytest.raises(ClientError) as writing:  # AWS refuses writes to a CREATING table too
            world.tables.put_item(TableName="growing", Item={"pk": {"S": "b"}, "sk": {"N": "2"}})
        assert_error(writing, "ResourceNotFoundException")

        mock.clock.advance(60)

        table = world.tables.describe_table(TableName="growing")["Table"]  # moto's, not shape-checked:
        assert (table["TableStatus"], table["ItemCount"]) == ("ACTIVE", 1)  # it shows 0 decreases
        assert [call.operation for call in mock.calls if call.operation == "DescribeTable"] == [
            "DescribeTable"
        ] * 2


def test_describe_table_pay_per_request_table_shows_its_billing_mode(moto_world, make_client):
    world = in_process(make_client)
    with mock_imports(duration=None):  # the innermost mock answers: its jobs wait for finish
        start(world, "on-demand")

        table = world.ddb.describe_table(TableName="on-demand")["Table"]

    assert table["BillingModeSummary"] == {"BillingMode": "PAY_PER_REQUEST"}
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 0
    assert "SSEDescription" not in table and "GlobalSecondaryIndexes" not in table


def test_describe_table_over_http_creating_then_other_tables_not_importmocks(make_client, moto_upstream):
    options = {"s3_endpoint_url": moto_upstream, "dynamodb_endpoint_url": moto_upstream}
    with ThreadedServer(port=0, duration=None, **options) as server:
        world = over_http(make_client, server, moto_upstream)
        world.s3.put_object(Bucket=BUCKET, Key="data/x.json", Body=json_lines({"pk": {"S": "a"}}))
        job = start(world, "served")

        assert world.ddb.describe_table(TableName="served")["Table"]["TableStatus"] == "CREATING"
        with pytest.raises(ClientError) as other:  # the server answers only the job APIs
            world.ddb.describe_table(TableName="elsewhere")
        assert_error(other, "NotImplemented", 501)

        server.mock.finish(job["ImportArn"])

        with pytest.raises(ClientError) as ended:
            world.ddb.describe_table(TableName="served")
        assert_error(ended, "NotImplemented", 501)
        assert world.tables.describe_table(TableName="served")["Table"]["TableStatus"] == "ACTIVE"


def test_describe_table_without_a_data_plane_creating_while_running_then_not_answered():
    with mock_imports(duration=60) as mock:
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        ddb.import_table(
            S3BucketSource={"S3Bucket": BUCKET},
            InputFormat="CSV",
            TableCreationParameters=creation("invented"),
        )
        assert ddb.describe_table(TableName="invented")["Table"]["TableStatus"] == "CREATING"
        mock.clock.advance(60)
        with pytest.raises(NotImplementedError, match="only for tables being imported"):
            ddb.describe_table(TableName="invented")
    assert json.dumps(mock.calls[-1].params) == '{"TableName": "invented"}'
