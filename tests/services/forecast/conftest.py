"""Forecast fixtures: clients on the `importmock` fixture (options from its marker), and jobs."""

from __future__ import annotations

import pytest

ACCOUNT = "123456789012"


@pytest.fixture
def fc(importmock, make_client):
    """A Forecast client of the default account in us-east-1, inside the marker's mock."""
    return make_client("forecast")


@pytest.fixture
def raw(importmock, make_client):
    """A client that skips botocore's own checks, as a client of the server mode may."""
    return make_client("forecast", validate=False)


@pytest.fixture
def new_job(fc):
    """Creates a dataset import job and returns its ARN."""

    def create(name="import1", dataset="sales", client=None, **overrides):
        client = client or fc
        region = client.meta.region_name
        partition = client.meta.partition
        account = overrides.pop("account", ACCOUNT)
        request = {
            "DatasetImportJobName": name,
            "DatasetArn": f"arn:{partition}:forecast:{region}:{account}:dataset/{dataset}",
            "DataSource": {
                "S3Config": {
                    "Path": f"s3://forecast-data/{dataset}/",
                    "RoleArn": f"arn:{partition}:iam::{account}:role/ForecastRole",
                }
            },
        }
        request.update(overrides)
        return client.create_dataset_import_job(**request)["DatasetImportJobArn"]

    return create
