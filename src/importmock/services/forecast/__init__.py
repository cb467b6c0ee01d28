"""Amazon Forecast: datasets, dataset groups, dataset import jobs and the four export job
kinds, in one backend."""

from __future__ import annotations

from importmock.services.forecast.dataset_import_jobs import DatasetImportJobs
from importmock.services.forecast.errors import NAMESPACE, InvalidInputException
from importmock.wire.service import Service

SERVICE = Service(
    name="forecast",
    backends=(DatasetImportJobs,),
    namespace=NAMESPACE,
    validation_error=InvalidInputException,
    unenforced_patterns={
        # one Arn shape serves every ARN member, with a forecast-only pattern AWS does not
        # apply where the value is no Forecast ARN
        "S3Config.RoleArn": "an IAM role ARN",
        "EncryptionConfig.RoleArn": "an IAM role ARN",
        # the model's pattern refuses the counted form (3M, 15min) CreateDataset documents;
        # datasets.py checks that form instead
        "Frequency": "a count and a unit, as DataFrequency documents",
        "Filter.Value": "a parent resource's ARN, or a status",
    },
)
