"""The data plane's plumbing: which S3, DynamoDB and CloudWatch Logs a job's work reaches.

In process it is moto's, only while moto's mock_aws is active; an upstream (endpoint URLs) is
reached past importmock's own patch, and nothing else is; clients are per service and region;
with no data plane, jobs keep their invented outcomes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError

from dataplane_support import upstream_client
from families import import_arn
from importmock import ImportMock, NotImplementedOperation, mock_imports
from importmock.dataplane import DataPlane
from importmock.server import ThreadedServer
from importmock.services.dynamodb.tables import invented_item_count

CLOSED = "http://127.0.0.1:9"  # nothing listens on port 9: a client sent there fails at once
NO_RETRY = Config(retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=1)
TABLE = {
    "TableName": "orders",
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "BillingMode": "PAY_PER_REQUEST",
}
TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/orders"


def moto_mock() -> Any:
    from moto import mock_aws  # imported here: moto is slow to import, and only these tests need it

    return mock_aws()


def bucket_names(s3: Any) -> list[str]:
    return [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]]


def test_client_is_none_without_moto_mock() -> None:
    moto_mock()  # moto imported, its mock not started

    with mock_imports():
        assert DataPlane().available() is False
        assert DataPlane().client("s3", "us-east-1") is None


def test_client_of_moto_only_while_mock_aws_active() -> None:
    plane = DataPlane()

    with moto_mock():
        s3 = plane.client("s3", "us-east-1")
        s3.create_bucket(Bucket="made-by-the-data-plane")
        assert bucket_names(boto3.client("s3", region_name="us-east-1")) == ["made-by-the-data-plane"]
    assert plane.client("s3", "us-east-1") is None
    assert plane.client("dynamodb", "us-east-1") is None


def test_client_of_moto_while_both_mocks_active(moto_world: ImportMock) -> None:
    ddb = DataPlane().client("dynamodb", "us-east-1")

    ddb.create_table(**TABLE)

    assert boto3.client("dynamodb", region_name="us-east-1").list_tables()["TableNames"] == ["orders"]
    assert moto_world.calls == []  # moto answered, importmock saw nothing


def test_client_upstream_reaches_server_while_importmock_active(moto_upstream: str) -> None:
    with mock_imports() as mock:
        DataPlane({"s3": moto_upstream}).client("s3", "us-east-1").create_bucket(Bucket="upstream-bucket")
        assert mock.calls == []

    assert bucket_names(upstream_client(moto_upstream, "s3")) == ["upstream-bucket"]


def test_client_upstream_passes_moto_mock_too() -> None:
    # moto's server in this process shares moto's in-process backends, so a closed port
    # tells where the request went: to the network, past moto's mock and importmock's
    with moto_mock(), mock_imports():
        ddb = DataPlane({"dynamodb": CLOSED}).client("dynamodb", "us-east-1")
        with pytest.raises(EndpointConnectionError, match="127.0.0.1:9"):
            ddb.create_table(**TABLE)
        assert boto3.client("dynamodb", region_name="us-east-1").list_tables()["TableNames"] == []


def test_client_upstream_pass_is_its_own(moto_upstream: str) -> None:
    with mock_imports():
        plane = DataPlane({"s3": moto_upstream}).client("s3", "us-east-1")
        plain = boto3.client("s3", region_name="us-east-1", endpoint_url=moto_upstream, config=NO_RETRY)
        for name in ("first", "second"):  # before and after a request of the data plane passed
            with pytest.raises(NotImplementedOperation, match="'s3'"):
                plain.create_bucket(Bucket=f"plain-{name}")
            plane.create_bucket(Bucket=f"plane-{name}")

    assert bucket_names(upstream_client(moto_upstream, "s3")) == ["plane-first", "plane-second"]


def test_client_per_service_and_region(moto_upstream: str) -> None:
    plane = DataPlane({"dynamodb": moto_upstream})

    east, west = plane.client("dynamodb", "us-east-1"), plane.client("dynamodb", "eu-west-1")
    west.create_table(**TABLE)

    assert plane.client("dynamodb", "us-east-1") is east
    assert (east.meta.region_name, west.meta.region_name) == ("us-east-1", "eu-west-1")
    assert plane.client("s3", "us-east-1").meta.service_model.service_name == "s3"
    assert upstream_client(moto_upstream, "dynamodb", "us-east-1").list_tables()["TableNames"] == []
    assert upstream_client(moto_upstream, "dynamodb", "eu-west-1").list_tables()["TableNames"] == ["orders"]


def test_client_logs_falls_back_to_dynamodb_endpoint(moto_upstream: str) -> None:
    plane = DataPlane({"s3": CLOSED, "dynamodb": moto_upstream})

    logs = plane.client("logs", "us-east-1")
    logs.create_log_group(logGroupName="/aws-dynamodb/imports")

    assert logs.meta.endpoint_url == moto_upstream
    groups = upstream_client(moto_upstream, "logs").describe_log_groups()["logGroups"]
    assert [group["logGroupName"] for group in groups] == ["/aws-dynamodb/imports"]


MINIO, LOCALSTACK, LOGS = "http://minio:9000", "http://localstack:4566", "https://logs.example"


@pytest.mark.parametrize(
    ("endpoints", "expected"),
    [
        ({"s3": MINIO, "dynamodb": LOCALSTACK}, (MINIO, LOCALSTACK, LOCALSTACK)),
        ({"s3": LOCALSTACK}, (LOCALSTACK, LOCALSTACK, LOCALSTACK)),  # one server for every service
        ({"dynamodb": LOCALSTACK, "logs": LOGS}, (LOCALSTACK, LOCALSTACK, LOGS)),
    ],
)
def test_client_endpoint_of_each_service(endpoints: dict[str, str], expected: tuple[str, ...]) -> None:
    plane = DataPlane(endpoints)

    urls = tuple(
        plane.client(service, "us-east-1").meta.endpoint_url for service in ("s3", "dynamodb", "logs")
    )

    assert urls == expected


def test_export_table_to_point_in_time_without_data_plane_invents_its_outcome(
    make_client: Callable[..., Any],
) -> None:
    with mock_imports():
        ddb = make_client("dynamodb")
        export = ddb.export_table_to_point_in_time(TableArn=TABLE_ARN, S3Bucket="exports")[
            "ExportDescription"
        ]
        done = ddb.describe_export(ExportArn=export["ExportArn"])["ExportDescription"]

    export_id = export["ExportArn"].rsplit("/", 1)[1]
    assert done["ExportStatus"] == "COMPLETED"
    assert done["ItemCount"] == invented_item_count(export_id)
    assert done["ExportManifest"] == f"AWSDynamoDB/{export_id}/manifest-summary.json"


def test_import_table_without_data_plane_invents_its_outcome(make_client: Callable[..., Any]) -> None:
    with mock_imports():
        ddb = make_client("dynamodb")
        arn = import_arn(ddb)
        done = ddb.describe_import(ImportArn=arn)["ImportTableDescription"]

    assert done["ImportStatus"] == "COMPLETED"
    assert done["ImportedItemCount"] == invented_item_count(arn.rsplit("/", 1)[1])


def test_export_table_to_point_in_time_created_without_data_plane_stays_invented(
    make_client: Callable[..., Any],
) -> None:
    with mock_imports(duration=None) as mock:
        ddb = make_client("dynamodb")
        arn = ddb.export_table_to_point_in_time(TableArn=TABLE_ARN, S3Bucket="exports")["ExportDescription"][
            "ExportArn"
        ]
        with moto_mock():  # moto's mock starts after the job was created: it keeps its decision
            s3 = boto3.client("s3", region_name="us-east-1")
            s3.create_bucket(Bucket="exports")
            mock.finish(arn)
            done = ddb.describe_export(ExportArn=arn)["ExportDescription"]
            written = s3.list_objects_v2(Bucket="exports")["KeyCount"]

    assert (done["ExportStatus"], written) == ("COMPLETED", 0)
    assert done["ItemCount"] == invented_item_count(arn.rsplit("/", 1)[1])


def test_export_table_to_point_in_time_with_endpoint_urls_writes_upstream(
    make_client: Callable[..., Any], moto_upstream: str
) -> None:
    s3, moto_ddb = upstream_client(moto_upstream, "s3"), upstream_client(moto_upstream, "dynamodb")
    s3.create_bucket(Bucket="exports")
    table = moto_ddb.create_table(**TABLE)["TableDescription"]
    moto_ddb.put_item(TableName="orders", Item={"pk": {"S": "only"}})
    moto_ddb.update_continuous_backups(
        TableName="orders", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )

    with mock_imports(s3_endpoint_url=moto_upstream, dynamodb_endpoint_url=moto_upstream):
        ddb = make_client("dynamodb")
        arn = ddb.export_table_to_point_in_time(TableArn=table["TableArn"], S3Bucket="exports")[
            "ExportDescription"
        ]["ExportArn"]
        done = ddb.describe_export(ExportArn=arn)["ExportDescription"]

    assert (done["ExportStatus"], done["ItemCount"]) == ("COMPLETED", 1)
    assert s3.head_object(Bucket="exports", Key=done["ExportManifest"])["ContentLength"] > 0


def test_import_table_with_endpoint_urls_fills_upstream_table(
    make_client: Callable[..., Any], moto_upstream: str
) -> None:
    s3 = upstream_client(moto_upstream, "s3")
    s3.create_bucket(Bucket="source")
    s3.put_object(Bucket="source", Key="in/data.csv", Body=b"pk,n\na,1\nb,2\n")

    with mock_imports(s3_endpoint_url=moto_upstream, dynamodb_endpoint_url=moto_upstream):
        ddb = make_client("dynamodb")
        arn = ddb.import_table(
            S3BucketSource={"S3Bucket": "source", "S3KeyPrefix": "in/"},
            InputFormat="CSV",
            TableCreationParameters=TABLE,
        )["ImportTableDescription"]["ImportArn"]
        done = ddb.describe_import(ImportArn=arn)["ImportTableDescription"]

    assert (done["ImportStatus"], done["ImportedItemCount"]) == ("COMPLETED", 2)
    items = upstream_client(moto_upstream, "dynamodb").scan(TableName="orders")["Items"]
    assert sorted((item["pk"]["S"], item["n"]["S"]) for item in items) == [("a", "1"), ("b", "2")]


def test_import_table_created_without_data_plane_stays_invented(make_client: Callable[..., Any]) -> None:
    with mock_imports(duration=None) as mock:
        ddb = make_client("dynamodb")
        arn = import_arn(ddb)
        with moto_mock():  # moto's mock starts after the job was created: it keeps its decision
            mock.finish(arn)
            done = ddb.describe_import(ImportArn=arn)["ImportTableDescription"]
            tables = boto3.client("dynamodb", region_name="us-east-1").list_tables()["TableNames"]

    assert (done["ImportStatus"], tables) == ("COMPLETED", [])
    assert done["ImportedItemCount"] == invented_item_count(arn.rsplit("/", 1)[1])


@pytest.mark.parametrize("url", ["localstack:4566", "ftp://127.0.0.1:21", "http://", "http://127.0.0.1:99999"])
def test_mock_imports_bad_endpoint_url_refused_when_made(url):
    with pytest.raises(ValueError, match=r"s3_endpoint_url: not an http\(s\) URL with a host"):
        mock_imports(s3_endpoint_url=url)
    with pytest.raises(ValueError, match="dynamodb_endpoint_url"):
        ThreadedServer(port=0, dynamodb_endpoint_url=url)
