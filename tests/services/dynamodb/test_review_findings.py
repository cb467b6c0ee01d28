"""DynamoDB answers at the edges: ARNs of other kinds, the restore lag, missing tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from botocore.exceptions import ClientError

from service_support import raw_json_call

TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
EXPORT_ID = "01700000000000-0123abcd"


def code_and_message(call) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call()
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def test_export_of_an_index_arn_is_invalid(mock, make_client) -> None:
    client = make_client("dynamodb")
    assert code_and_message(
        lambda: client.export_table_to_point_in_time(TableArn=f"{TABLE_ARN}/index/by-sk", S3Bucket="bucket")
    ) == ("ValidationException", "Invalid Request: Table ARN is invalid.")


@pytest.mark.parametrize("ago", [timedelta(0), timedelta(seconds=1), timedelta(minutes=4, seconds=59)])
def test_export_time_inside_the_restore_lag_is_refused(mock, make_client, ago) -> None:
    client = make_client("dynamodb")
    assert code_and_message(
        lambda: client.export_table_to_point_in_time(
            TableArn=TABLE_ARN, S3Bucket="bucket", ExportTime=mock.clock.now() - ago
        )
    ) == ("InvalidExportTimeException", "Point in Time Recovery is not available for specified export time")


def test_export_time_just_past_the_restore_lag_is_accepted(mock, make_client) -> None:
    client = make_client("dynamodb")
    export_time = mock.clock.now() - timedelta(minutes=5)
    response = client.export_table_to_point_in_time(
        TableArn=TABLE_ARN, S3Bucket="bucket", ExportTime=export_time
    )
    assert response["ExportDescription"]["ExportTime"] == export_time


@pytest.mark.parametrize(
    ("arn", "code"),
    [
        (f"arn:aws:s3:us-east-1:123456789012:table/orders/export/{EXPORT_ID}", "AccessDeniedException"),
        (f"arn:aws:dynamodb:us-east-1:12345678901x:table/orders/export/{EXPORT_ID}", "AccessDeniedException"),
        (
            f"arn:aws-cn:dynamodb:us-east-1:123456789012:table/orders/export/{EXPORT_ID}",
            "AccessDeniedException",
        ),
        (
            f"arn:aws:dynamodb:eu-west-1:123456789012:table/orders/export/{EXPORT_ID}",
            "ExportNotFoundException",
        ),
        (f"arn:aws:dynamodb:us-east-1:123456789012:table/orders/import/{EXPORT_ID}", "ValidationException"),
        ("x" * 40, "ValidationException"),
    ],
)
def test_describe_export_of_foreign_or_odd_arns(mock, make_client, arn, code) -> None:
    client = make_client("dynamodb")
    assert code_and_message(lambda: client.describe_export(ExportArn=arn))[0] == code


def test_import_table_without_client_token_is_refused(mock) -> None:
    # boto3 always sends one; a client that does not gets AWS's answer
    body = {
        "S3BucketSource": {"S3Bucket": "bucket"},
        "InputFormat": "CSV",
        "TableCreationParameters": {
            "TableName": "orders",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    }
    status, document = raw_json_call(mock, "dynamodb", "DynamoDB_20120810.ImportTable", body)
    assert status == 400
    assert document["__type"] == "com.amazon.coral.validate#ValidationException"
    assert "'clientToken'" in document["message"]
