"""Requests of each job family, shared by the test suites that drive whole life cycles."""

from __future__ import annotations

from typing import Any

ACCOUNT_A = "111111111111"


def import_request(table: str = "orders") -> dict[str, Any]:
    """A DynamoDB ImportTable request creating `table`."""
    return {
        "S3BucketSource": {"S3Bucket": "import-bucket", "S3KeyPrefix": f"{table}/"},
        "InputFormat": "CSV",
        "TableCreationParameters": {
            "TableName": table,
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    }


def import_arn(client: Any, table: str = "orders") -> str:
    """Starts a DynamoDB import of `table` (import_request) and returns its ARN."""
    arn = client.import_table(**import_request(table))["ImportTableDescription"]["ImportArn"]
    assert isinstance(arn, str)
    return arn


def table_arn(table: str, account: str = ACCOUNT_A, region: str = "us-east-1") -> str:
    return f"arn:aws:dynamodb:{region}:{account}:table/{table}"


def store_arn(account: str = ACCOUNT_A, region: str = "us-east-1") -> str:
    """A CloudTrail Lake event data store ARN."""
    return f"arn:aws:cloudtrail:{region}:{account}:eventdatastore/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"


def lake_import_request(account: str = ACCOUNT_A, region: str = "us-east-1") -> dict[str, Any]:
    """A CloudTrail StartImport request of a new import."""
    return {
        "Destinations": [store_arn(account, region)],
        "ImportSource": {
            "S3": {
                "S3LocationUri": "s3://trail-bucket/AWSLogs",
                "S3BucketRegion": region,
                "S3BucketAccessRoleArn": f"arn:aws:iam::{account}:role/lake-import",
            }
        },
    }


def dataset_arn(account: str = ACCOUNT_A, dataset: str = "sales", region: str = "us-east-1") -> str:
    return f"arn:aws:forecast:{region}:{account}:dataset/{dataset}"


def dataset_import_request(
    name: str, account: str = ACCOUNT_A, dataset: str = "sales", region: str = "us-east-1"
) -> dict[str, Any]:
    """A Forecast CreateDatasetImportJob request."""
    return {
        "DatasetImportJobName": name,
        "DatasetArn": dataset_arn(account, dataset, region),
        "DataSource": {
            "S3Config": {
                "Path": f"s3://forecast-data/{dataset}.csv",
                "RoleArn": f"arn:aws:iam::{account}:role/forecast",
            }
        },
    }


def start_qconnect_job(client: Any, knowledge_base: str) -> dict[str, Any]:
    """Starts an import job of an upload that stays empty (a job needs only the upload id)."""
    upload = client.start_content_upload(knowledgeBaseId=knowledge_base, contentType="text/csv")
    job = client.start_import_job(
        knowledgeBaseId=knowledge_base, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
    )["importJob"]
    assert isinstance(job, dict)
    return job


# Forecast's export job kinds: noun -> (parent member, a parent's ARN resource, the filter key
# besides Status)
FORECAST_EXPORTS = {
    "ForecastExportJob": ("ForecastArn", "forecast/sales_forecast", "ForecastArn"),
    "PredictorBacktestExportJob": ("PredictorArn", "predictor/sales_predictor", "PredictorArn"),
    "ExplainabilityExport": ("ExplainabilityArn", "explainability/sales_explained", "ResourceArn"),
    "WhatIfForecastExport": (
        "WhatIfForecastArns",
        "what-if-forecast/promo/half_price",
        "WhatIfForecastExportArn",
    ),
}


def forecast_parent_arn(
    noun: str, account: str = ACCOUNT_A, region: str = "us-east-1", resource: str = ""
) -> str:
    """The ARN of the resource an export of kind `noun` exports (`resource` replaces the default)."""
    return f"arn:aws:forecast:{region}:{account}:{resource or FORECAST_EXPORTS[noun][1]}"


def forecast_export_request(
    noun: str,
    name: str,
    account: str = ACCOUNT_A,
    region: str = "us-east-1",
    parent: str = "",
    path: str = "s3://forecast-exports/out/",
    **extra: Any,
) -> dict[str, Any]:
    """A Create<noun> request of a Forecast export kind (`parent` replaces the default parent's
    ARN; `extra` members are added: Tags, Format)."""
    member = FORECAST_EXPORTS[noun][0]
    parent = parent or forecast_parent_arn(noun, account, region)
    return {
        f"{noun}Name": name,
        member: [parent] if member.endswith("s") else parent,
        "Destination": {"S3Config": {"Path": path, "RoleArn": f"arn:aws:iam::{account}:role/forecast"}},
        **extra,
    }


def forecast_export_arn(client: Any, noun: str, name: str, **request: Any) -> str:
    """Creates an export of kind `noun` (forecast_export_request) and returns its ARN."""
    create = getattr(client, "create_" + snake(noun))
    arn = create(**forecast_export_request(noun, name, **request))[f"{noun}Arn"]
    assert isinstance(arn, str)
    return arn


def snake(noun: str) -> str:
    """An operation's noun as boto3 names its methods: ``ForecastExportJob`` -> ``forecast_export_job``."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in noun).lstrip("_")


def bulk_put_request(table: str = "orders", **overrides: Any) -> dict[str, Any]:
    """A DynamoDB StartBulkPutItems request into the existing `table`, reporting errors."""
    request = {
        "TableName": table,
        "InputS3Configuration": {
            "S3Bucket": "bulk-input",
            "S3KeyPrefix": f"{table}/",
            "InputFormat": "DYNAMODB_JSON",
        },
        "OutputS3Configuration": {"S3Bucket": "bulk-output", "OutputType": ["ERROR"]},
    }
    return request | overrides


def bulk_operation_arn(client: Any, table: str = "orders", **overrides: Any) -> str:
    """Starts a DynamoDB bulk put into `table` (bulk_put_request) and returns its ARN."""
    arn = client.start_bulk_put_items(**bulk_put_request(table, **overrides))["BulkOperationDescription"]
    assert isinstance(arn["BulkOperationArn"], str)
    return arn["BulkOperationArn"]
