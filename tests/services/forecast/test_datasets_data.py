"""A dataset this mock made on the data plane: its schema is the one the import's rows are read against."""

from __future__ import annotations

import pytest
from test_datasets import ATTRIBUTES, new_dataset

from service_support import ACCOUNT

ROLE = f"arn:aws:iam::{ACCOUNT}:role/ForecastRole"
BUCKET = "forecast-data"


@pytest.fixture
def world(moto_world, make_client):
    s3 = make_client("s3")
    s3.create_bucket(Bucket=BUCKET)
    return make_client("forecast"), s3


def imported(fc, s3, dataset, body):
    s3.put_object(Bucket=BUCKET, Key="sales/data.csv", Body=body.encode())
    source = {"S3Config": {"Path": f"s3://{BUCKET}/sales/data.csv", "RoleArn": ROLE}}
    job = fc.create_dataset_import_job(DatasetImportJobName="i", DatasetArn=dataset, DataSource=source)
    return fc.describe_dataset_import_job(DatasetImportJobArn=job["DatasetImportJobArn"])


def test_rows_are_read_against_the_dataset_schema(world):
    fc, s3 = world
    dataset = new_dataset(fc)  # timestamp, item_id, demand: no header row in the file

    job = imported(fc, s3, dataset, "2024-01-01 00:00:00,shoes,3\n2024-01-02 00:00:00,socks,4\n")

    assert job["Status"] == "ACTIVE"
    assert set(job["FieldStatistics"]) == {"timestamp", "item_id", "demand"}
    assert job["FieldStatistics"]["demand"]["Max"] == "4.0"
    assert fc.describe_dataset(DatasetArn=dataset)["Status"] == "ACTIVE"


def test_header_row_naming_the_schema_is_dropped(world):
    fc, s3 = world
    dataset = new_dataset(fc)

    job = imported(fc, s3, dataset, "timestamp,item_id,demand\n2024-01-01 00:00:00,shoes,3\n")

    assert job["FieldStatistics"]["item_id"]["Count"] == 1


def test_a_row_that_does_not_fit_the_dataset_schema_fails(world):
    fc, s3 = world
    integers = [*ATTRIBUTES[:2], {"AttributeName": "demand", "AttributeType": "integer"}]
    dataset = new_dataset(fc, Schema={"Attributes": integers})

    job = imported(fc, s3, dataset, "2024-01-01 00:00:00,shoes,3.5\n")

    assert job["Status"] == "CREATE_FAILED"
    assert "demand of type integer" in job["Message"]


def test_a_header_of_other_names_is_a_row_of_the_dataset_schema(world):
    fc, s3 = world
    dataset = new_dataset(fc)

    job = imported(fc, s3, dataset, "when,what,how_many\n2024-01-01 00:00:00,shoes,3\n")

    assert job["Status"] == "CREATE_FAILED"  # 'when' is no timestamp of the dataset's format
    assert "Invalid timestamp 'when'" in job["Message"]
