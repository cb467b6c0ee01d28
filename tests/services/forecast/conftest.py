"""Forecast fixtures: clients on the `importmock` fixture (options from its marker), and jobs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from service_support import ACCOUNT, client_fixture

fc = client_fixture("forecast", within="importmock")
raw = client_fixture("forecast", validate=False, within="importmock")


@pytest.fixture
def new_job(fc: Any) -> Callable[..., str]:
    """Creates a dataset import job and returns its ARN."""

    def create(name: str = "import1", dataset: str = "sales", client: Any = None, **overrides: Any) -> str:
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
        arn = client.create_dataset_import_job(**request)["DatasetImportJobArn"]
        assert isinstance(arn, str)
        return arn

    return create
