"""Forecast datasets and dataset groups on the server: boto3 and the control API's clock drive
them, the AWS CLI (in a subprocess) lists them, one account's stay its own."""

from __future__ import annotations

from typing import Any

from server_support import ACCOUNT_A, ACCOUNT_B, Connect, advance
from test_aws_cli import aws  # noqa: F401 - the fixture, shared with the other CLI tests

from importmock.server import ThreadedServer

SCHEMA = {
    "Attributes": [
        {"AttributeName": "timestamp", "AttributeType": "timestamp"},
        {"AttributeName": "item_id", "AttributeType": "string"},
        {"AttributeName": "demand", "AttributeType": "float"},
    ]
}


def new_dataset(fc: Any, name: str) -> str:
    arn: str = fc.create_dataset(
        DatasetName=name, Domain="RETAIL", DatasetType="TARGET_TIME_SERIES", DataFrequency="D", Schema=SCHEMA
    )["DatasetArn"]
    return arn


def test_server_dataset_and_group_life_cycle(slow_server: ThreadedServer, connect: Connect) -> None:
    fc = connect(slow_server, "forecast")
    dataset = new_dataset(fc, "sales")
    group = fc.create_dataset_group(DatasetGroupName="retail", Domain="RETAIL", DatasetArns=[dataset])[
        "DatasetGroupArn"
    ]
    pending = fc.describe_dataset(DatasetArn=dataset)["Status"]

    advance(slow_server, 60)

    assert pending == "CREATE_PENDING"
    assert fc.describe_dataset(DatasetArn=dataset)["Status"] == "ACTIVE"
    assert fc.describe_dataset_group(DatasetGroupArn=group)["DatasetArns"] == [dataset]
    assert dataset.startswith(f"arn:aws:forecast:us-east-1:{ACCOUNT_A}:dataset/")
    other = connect(slow_server, "forecast", access_key=ACCOUNT_B)
    assert other.list_datasets()["Datasets"] == other.list_dataset_groups()["DatasetGroups"] == []


def test_aws_cli_lists_datasets_and_dataset_groups(
    server: ThreadedServer,
    connect: Connect,
    aws: Any,  # noqa: F811 - the fixture imported above
) -> None:
    fc = connect(server, "forecast")
    arns = [new_dataset(fc, name) for name in ("monday", "tuesday")]
    fc.create_dataset_group(DatasetGroupName="retail", Domain="RETAIL", DatasetArns=arns[:1])

    datasets = aws(server, "forecast", "list-datasets", fits="ListDatasets")
    groups = aws(server, "forecast", "list-dataset-groups", fits="ListDatasetGroups")

    assert [d["DatasetArn"] for d in datasets["Datasets"]] == arns[::-1]
    assert [g["DatasetGroupName"] for g in groups["DatasetGroups"]] == ["retail"]
