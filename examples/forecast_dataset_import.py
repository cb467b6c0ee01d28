"""Load a Forecast dataset from S3 as AWS's Forecast samples do, run under the mocks.

The program is what a user writes against AWS: put the training data in S3, create a role
Forecast may read it with, a dataset group and a target time series dataset with its schema,
each polled until ACTIVE, import the CSV, and poll DescribeDatasetImportJob every 20 seconds
until the import is ACTIVE (or has failed), then read what Forecast says of the data.

`main()` runs it under moto (S3, IAM, dataset groups) and importmock (datasets and import
jobs), with `sleep="advance"`: the unmodified `time.sleep(20)` moves importmock's clock instead
of waiting, so the 12 minutes the dataset and then the import take pass at once, and each loop
ends on the poll it would end on in AWS.

The samples also add the dataset to its group (UpdateDatasetGroup with `DatasetArns`). While
moto's `mock_aws` is active, moto answers dataset groups and knows no datasets, so it refuses
that call: this program leaves the step out (see docs/forecast.md, "Beside moto").

    pip install 'importmock[moto]'
    python examples/forecast_dataset_import.py
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
from moto import mock_aws

from importmock import mock_imports

REGION = "us-east-1"
BUCKET = "forecast-training-data"
KEY = "electricity/usage.csv"
SCHEMA = {  # a target time series of the CUSTOM domain, in the file's column order
    "Attributes": [
        {"AttributeName": "timestamp", "AttributeType": "timestamp"},
        {"AttributeName": "target_value", "AttributeType": "float"},
        {"AttributeName": "item_id", "AttributeType": "string"},
    ]
}
TRUST = {  # Forecast may assume the role
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "forecast.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}

READ_BUCKET = {  # what Forecast needs of the bucket to import from it
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
        }
    ],
}


def usage_csv(clients: int = 3, hours: int = 48) -> bytes:
    """Hourly electricity use per client, without a header row, as the samples' training data."""
    start = datetime(2014, 1, 1, tzinfo=timezone.utc)
    rows = [  # timestamp, target_value, item_id: the dataset's schema, in its order
        f"{start + timedelta(hours=hour):%Y-%m-%d %H:%M:%S},{(client + 1) * 2.5 + hour % 24 / 8:.3f},"
        f"client_{client}"
        for hour in range(hours)
        for client in range(clients)
    ]
    return ("\n".join(rows) + "\n").encode()


def forecast_role(iam: Any) -> str:
    """An IAM role Forecast may assume to read the bucket; its ARN."""
    role = iam.create_role(RoleName="ForecastReadTrainingData", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.put_role_policy(
        RoleName="ForecastReadTrainingData",
        PolicyName="ReadTrainingData",
        PolicyDocument=json.dumps(READ_BUCKET),
    )
    arn: str = role["Role"]["Arn"]
    return arn


def wait_until_active(describe: Any, every: int = 20) -> dict[str, Any]:
    """Call `describe` every `every` seconds until the resource is ACTIVE; its description."""
    while True:
        described: dict[str, Any] = describe()
        if described["Status"] == "ACTIVE":
            return described
        if described["Status"].endswith("FAILED"):
            raise RuntimeError(f"{described['Status']}: {described.get('Message')}")
        time.sleep(every)


def create_dataset(forecast: Any, project: str) -> tuple[str, str]:
    """The dataset group and its target time series dataset, once ACTIVE; their ARNs."""
    group: str = forecast.create_dataset_group(DatasetGroupName=f"{project}_group", Domain="CUSTOM")[
        "DatasetGroupArn"
    ]
    wait_until_active(lambda: forecast.describe_dataset_group(DatasetGroupArn=group))
    dataset: str = forecast.create_dataset(
        DatasetName=f"{project}_target",
        Domain="CUSTOM",
        DatasetType="TARGET_TIME_SERIES",
        DataFrequency="H",
        Schema=SCHEMA,
    )["DatasetArn"]
    wait_until_active(lambda: forecast.describe_dataset(DatasetArn=dataset))
    return group, dataset


def import_data(
    forecast: Any, dataset: str, path: str, role: str, every: int = 20
) -> tuple[dict[str, Any], int]:
    """Import the CSV into the dataset, poll until the job has ended; its last description, the polls."""
    job = forecast.create_dataset_import_job(
        DatasetImportJobName="electricity_import",
        DatasetArn=dataset,
        DataSource={"S3Config": {"Path": path, "RoleArn": role}},
        TimestampFormat="yyyy-MM-dd HH:mm:ss",
    )["DatasetImportJobArn"]
    polls = 0
    while True:
        polls += 1
        described: dict[str, Any] = forecast.describe_dataset_import_job(DatasetImportJobArn=job)
        if described["Status"] in ("ACTIVE", "CREATE_FAILED"):
            return described, polls
        time.sleep(every)


def main() -> None:
    with (
        mock_aws(),
        mock_imports(durations={"forecast:dataset-import-job": 12 * 60}, sleep="advance") as mock,
    ):
        began = mock.clock.now()
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET)
        data = usage_csv()
        s3.put_object(Bucket=BUCKET, Key=KEY, Body=data)
        role = forecast_role(boto3.client("iam", region_name=REGION))

        forecast = boto3.client("forecast", region_name=REGION)
        group, dataset = create_dataset(forecast, "electricity")
        print(f"dataset group {forecast.describe_dataset_group(DatasetGroupArn=group)['Status']}")
        described = forecast.describe_dataset(DatasetArn=dataset)
        attributes = [attribute["AttributeName"] for attribute in described["Schema"]["Attributes"]]
        waited = mock.clock.now() - began
        print(f"dataset {described['DatasetName']} {described['Status']} after {waited}: {attributes}")

        job, polls = import_data(forecast, dataset, f"s3://{BUCKET}/{KEY}", role)
        print(f"import {job['Status']} after {polls} polls: {job['DataSize'] * 1e9:.0f} bytes read")
        for name, stats in sorted(job["FieldStatistics"].items()):
            print(f"  {name}: {stats['Count']} values, {stats['CountDistinct']} distinct")
        described = forecast.describe_dataset(DatasetArn=dataset)
        print(f"dataset {described['Status']}, last modified when the import ended")
        print(f"time.sleep moved the mock clock by {mock.clock.now() - began}")


if __name__ == "__main__":
    main()
