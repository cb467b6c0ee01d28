"""FAMILIES: how sections 1 and 4 create, describe and list each job family's jobs through boto3.

One table drives both sections, so a new family is measured by adding one row. Jobs wait for
``mock.finish`` (harness.job_mock), except CloudTrail's, which complete at once. The helpers for
DynamoDB tables and exports also serve moto's side of sections 1, 4 and 6.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import botocore.session

from .harness import PAGE, REGION, Client

KNOWLEDGE_BASE = "0b1c2d3e-4f50-4617-8899-aabbccddeeff"  # Q in Connect: any UUID names one
Creator = Callable[[int], str]  # job number -> the new job's ARN or id


def modeled(family: Family) -> bool:
    """Whether the installed botocore models the family's operations."""
    model = botocore.session.get_session().get_service_model(family.service)
    return {family.create_op, family.describe_op, family.list_op} <= set(model.operation_names)


def import_table(client: Client, name: str) -> dict[str, Any]:
    """ImportTable of a one-key table `name`; the ImportTableDescription."""
    return client.import_table(  # type: ignore[no-any-return]
        S3BucketSource={"S3Bucket": "benchmark-bucket"},
        InputFormat="DYNAMODB_JSON",
        TableCreationParameters={
            "TableName": name,
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )["ImportTableDescription"]


def export_table(client: Client, table_arn: str) -> str:
    """ExportTableToPointInTime of `table_arn`; the export's ARN."""
    return client.export_table_to_point_in_time(  # type: ignore[no-any-return]
        TableArn=table_arn, S3Bucket="benchmark-bucket", S3Prefix="exports"
    )["ExportDescription"]["ExportArn"]


def moto_pitr_table(client: Client) -> str:
    """A table with point-in-time recovery (exports need it) in moto; returns its ARN."""
    arn: str = client.create_table(
        TableName="bench-export",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )["TableDescription"]["TableArn"]
    client.update_continuous_backups(
        TableName="bench-export", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    return arn


# -- the creators: (client, account) -> a maker of that account's jobs ---------------------------


def dynamodb_imports(client: Client, account: str) -> Creator:
    return lambda i: import_table(client, f"bench-{i:07d}")["ImportArn"]


def dynamodb_exports(client: Client, account: str) -> Creator:
    # without a data plane importmock exports any table; with moto's, moto's (moto_pitr_table)
    table_arn = f"arn:aws:dynamodb:{REGION}:{account}:table/bench-export"
    return lambda i: export_table(client, table_arn)


def cloudtrail_imports(client: Client, account: str) -> Creator:
    params = {
        "Destinations": [f"arn:aws:cloudtrail:{REGION}:{account}:eventdatastore/store-1"],
        "ImportSource": {
            "S3": {
                "S3LocationUri": "s3://benchmark-bucket/trail",
                "S3BucketRegion": REGION,
                "S3BucketAccessRoleArn": f"arn:aws:iam::{account}:role/benchmark",
            }
        },
    }
    return lambda i: client.start_import(**params)["ImportId"]


def forecast_jobs(client: Client, account: str) -> Creator:
    dataset = f"arn:aws:forecast:{REGION}:{account}:dataset/sales"
    source = {
        "S3Config": {"Path": "s3://benchmark-bucket/sales.csv", "RoleArn": f"arn:aws:iam::{account}:role/r"}
    }
    return lambda i: client.create_dataset_import_job(
        DatasetImportJobName=f"job{i}", DatasetArn=dataset, DataSource=source
    )["DatasetImportJobArn"]


def dynamodb_bulk_puts(client: Client, account: str) -> Creator:
    """StartBulkPutItems into moto_pitr_table's table (with moto's data plane it must exist)."""
    params = {
        "TableName": "bench-export",
        "InputS3Configuration": {"S3Bucket": "benchmark-bucket", "InputFormat": "DYNAMODB_JSON"},
        "OutputS3Configuration": {"S3Bucket": "benchmark-bucket", "OutputType": ["ERROR"]},
    }
    return lambda i: client.start_bulk_put_items(**params)["BulkOperationDescription"]["BulkOperationArn"]


# Forecast's export kinds: noun -> (the member naming what it exports, that resource's ARN part)
FORECAST_EXPORTS = {
    "ForecastExportJob": ("ForecastArn", "forecast/sales"),
    "PredictorBacktestExportJob": ("PredictorArn", "predictor/sales"),
    "ExplainabilityExport": ("ExplainabilityArn", "explainability/sales"),
    "WhatIfForecastExport": ("WhatIfForecastArns", "what-if-forecast/sales/promo"),
}


def forecast_exports(noun: str) -> Callable[[Client, str], Creator]:
    """The creator of Forecast export jobs of kind `noun` (Create<noun>)."""
    member, resource = FORECAST_EXPORTS[noun]
    create = "create_" + "".join(f"_{c.lower()}" if c.isupper() else c for c in noun).lstrip("_")

    def creator(client: Client, account: str) -> Creator:
        parent = f"arn:aws:forecast:{REGION}:{account}:{resource}"
        role = f"arn:aws:iam::{account}:role/r"
        params = {
            member: [parent] if member.endswith("s") else parent,
            "Destination": {"S3Config": {"Path": "s3://benchmark-bucket/out/", "RoleArn": role}},
        }
        return lambda i: getattr(client, create)(**{f"{noun}Name": f"job{i}"}, **params)[f"{noun}Arn"]

    return creator


def forecast_export_family(noun: str) -> Family:
    """The Family of a Forecast export kind: its operations are named after the noun alike."""
    plural = f"{noun}s"
    return Family(
        label="Forecast",
        service="forecast",
        creator=forecast_exports(noun),
        create_op=f"Create{noun}",
        describe_op=f"Describe{noun}",
        describe_args=lambda arn: {f"{noun}Arn": arn},
        list_op=f"List{plural}",
        list_args={"MaxResults": PAGE},
        token="NextToken",
        items=plural,
        paged=False,  # the same paging code as ListDatasetImportJobs
    )


def qconnect_jobs(client: Client, account: str) -> Creator:
    """StartImportJob needs an upload id: one StartContentUpload serves every job."""
    upload = client.start_content_upload(knowledgeBaseId=KNOWLEDGE_BASE, contentType="text/csv")
    return lambda i: client.start_import_job(
        knowledgeBaseId=KNOWLEDGE_BASE, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
    )["importJob"]["importJobId"]


@dataclass(frozen=True)
class Family:
    """How the benchmark creates, describes and lists the jobs of one family through boto3."""

    label: str  # prefixes the family's operations in the output
    service: str  # botocore's name of the service
    creator: Callable[[Client, str], Creator]  # (client, account) -> a maker of that account's jobs
    create_op: str  # the operation the creator calls, for the output
    describe_op: str  # the describe call, as the API names it
    describe_args: Callable[[str], dict[str, Any]]  # a job's ARN or id -> the describe's parameters
    list_op: str  # the list call
    list_args: dict[str, Any]  # the list's parameters for a first page of PAGE jobs
    token: str  # the list's pagination token member, in request and response alike
    items: str  # the list response's member holding the page's jobs
    paged: bool = True  # section 4 measures its list's page cost

    @property
    def describe_name(self) -> str:
        return f"{self.label} {self.describe_op}"

    @property
    def list_name(self) -> str:
        return f"{self.label} {self.list_op}"


DYNAMODB_IMPORTS = Family(
    label="DynamoDB",
    service="dynamodb",
    creator=dynamodb_imports,
    create_op="ImportTable",
    describe_op="DescribeImport",
    describe_args=lambda arn: {"ImportArn": arn},
    list_op="ListImports",
    list_args={"PageSize": PAGE},
    token="NextToken",
    items="ImportSummaryList",
)
FAMILIES = (
    DYNAMODB_IMPORTS,
    Family(
        label="DynamoDB",
        service="dynamodb",
        creator=dynamodb_exports,
        create_op="ExportTableToPointInTime",
        describe_op="DescribeExport",
        describe_args=lambda arn: {"ExportArn": arn},
        list_op="ListExports",
        list_args={"MaxResults": PAGE},
        token="NextToken",
        items="ExportSummaries",
        paged=False,  # same paging code as ListImports
    ),
    Family(
        label="CloudTrail",
        service="cloudtrail",
        creator=cloudtrail_imports,
        create_op="StartImport",
        describe_op="GetImport",
        describe_args=lambda ident: {"ImportId": ident},
        list_op="ListImports",
        list_args={"MaxResults": PAGE},
        token="NextToken",
        items="Imports",
    ),
    Family(
        label="Forecast",
        service="forecast",
        creator=forecast_jobs,
        create_op="CreateDatasetImportJob",
        describe_op="DescribeDatasetImportJob",
        describe_args=lambda arn: {"DatasetImportJobArn": arn},
        list_op="ListDatasetImportJobs",
        list_args={"MaxResults": PAGE},
        token="NextToken",
        items="DatasetImportJobs",
    ),
    Family(
        label="Q in Connect",
        service="qconnect",
        creator=qconnect_jobs,
        create_op="StartImportJob",
        describe_op="GetImportJob",
        describe_args=lambda ident: {"knowledgeBaseId": KNOWLEDGE_BASE, "importJobId": ident},
        list_op="ListImportJobs",
        list_args={"knowledgeBaseId": KNOWLEDGE_BASE, "maxResults": PAGE},
        token="nextToken",
        items="importJobSummaries",
    ),
)
# the families of issue 15, where the installed botocore models them (section 1 measures them)
NEWER_FAMILIES = tuple(
    family
    for family in (
        Family(
            label="DynamoDB",
            service="dynamodb",
            creator=dynamodb_bulk_puts,
            create_op="StartBulkPutItems",
            describe_op="DescribeBulkOperation",
            describe_args=lambda arn: {"BulkOperationArn": arn},
            list_op="ListBulkOperations",
            list_args={"MaxResults": PAGE},
            token="NextToken",
            items="BulkOperationsSummaryList",
            paged=False,  # the same paging code as ListImports
        ),
        *(forecast_export_family(noun) for noun in FORECAST_EXPORTS),
    )
    if modeled(family)
)
PAGED = tuple(family for family in FAMILIES if family.paged)
