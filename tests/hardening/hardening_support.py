"""What the hardening tests share: callers, job creation in every family, full listings.

Everything goes through ordinary boto3 clients, in process or against a server; nothing here
reads importmock's internals.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests
from botocore.exceptions import ClientError

from importmock import ImportMock, mock_imports
from importmock.server import ThreadedServer

DEFAULT_ACCOUNT = "123456789012"
SECRET = "x"
MAX_PAGES = 1000  # a traversal longer than this does not end
STORE_ID = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
TABLE = {
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "BillingMode": "PAY_PER_REQUEST",
}
HTTP_TIMEOUT = 10.0  # seconds any `requests` exchange may take


@dataclass(frozen=True)
class Caller:
    """Who calls: an access key id (12 digits selects that account) and a region."""

    access_key: str
    region: str = "us-east-1"

    @property
    def account(self) -> str:
        return self.access_key if re.fullmatch(r"\d{12}", self.access_key) else DEFAULT_ACCOUNT

    def arn(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{self.region}:{self.account}:{resource}"


# a key id that is not 12 digits: the mock's default account
DEFAULT_CALLER = Caller("AKIAHARDENINGDEFAULT")


@dataclass(frozen=True)
class Listing:
    """One list operation: how it is called, paged and what identifies its items."""

    service: str
    method: str
    items: str
    ident: str
    size_key: str
    token_key: str

    def page(self, client: Any, params: dict[str, Any], size: int, token: str | None = None) -> Any:
        more = {self.token_key: token} if token is not None else {}
        return getattr(client, self.method)(**params, **{self.size_key: size}, **more)

    def traverse(self, client: Any, params: dict[str, Any], size: int) -> tuple[list[str], list[str]]:
        """Every item id of a full traversal by hand, in order, and the tokens it went through."""
        seen: list[str] = []
        tokens: list[str] = []
        token: str | None = None
        for _ in range(MAX_PAGES):
            page = self.page(client, params, size, token)
            seen.extend(str(item[self.ident]) for item in page[self.items])
            token = page.get(self.token_key)
            if not token:
                return seen, tokens
            tokens.append(token)
        raise AssertionError(f"{self.service} {self.method} did not end after {MAX_PAGES} pages")


DDB_IMPORTS = Listing("dynamodb", "list_imports", "ImportSummaryList", "ImportArn", "PageSize", "NextToken")
DDB_EXPORTS = Listing("dynamodb", "list_exports", "ExportSummaries", "ExportArn", "MaxResults", "NextToken")
CT_IMPORTS = Listing("cloudtrail", "list_imports", "Imports", "ImportId", "MaxResults", "NextToken")
CT_FAILURES = Listing(
    "cloudtrail", "list_import_failures", "Failures", "ErrorMessage", "MaxResults", "NextToken"
)
FC_JOBS = Listing(
    "forecast",
    "list_dataset_import_jobs",
    "DatasetImportJobs",
    "DatasetImportJobArn",
    "MaxResults",
    "NextToken",
)
QC_JOBS = Listing(
    "qconnect", "list_import_jobs", "importJobSummaries", "importJobId", "maxResults", "nextToken"
)


def import_table(ddb: Any, table: str) -> str:
    response = ddb.import_table(
        S3BucketSource={"S3Bucket": "hardening-source"},
        InputFormat="CSV",
        TableCreationParameters={"TableName": table, **TABLE},
    )
    return str(response["ImportTableDescription"]["ImportArn"])


def export_table(ddb: Any, caller: Caller, table: str) -> str:
    response = ddb.export_table_to_point_in_time(
        TableArn=caller.arn("dynamodb", f"table/{table}"), S3Bucket="hardening-exports"
    )
    return str(response["ExportDescription"]["ExportArn"])


def store_arn(caller: Caller) -> str:
    return caller.arn("cloudtrail", f"eventdatastore/{STORE_ID}")


def start_lake_import(ct: Any, caller: Caller) -> str:
    source = {
        "S3": {
            "S3LocationUri": "s3://hardening-trail/logs",
            "S3BucketRegion": caller.region,
            "S3BucketAccessRoleArn": f"arn:aws:iam::{caller.account}:role/hardening-lake",
        }
    }
    return str(ct.start_import(Destinations=[store_arn(caller)], ImportSource=source)["ImportId"])


def create_forecast_job(fc: Any, caller: Caller, name: str, dataset: str) -> str:
    response = fc.create_dataset_import_job(
        DatasetImportJobName=name,
        DatasetArn=caller.arn("forecast", f"dataset/{dataset}"),
        DataSource={
            "S3Config": {
                "Path": f"s3://hardening-forecast/{dataset}/",
                "RoleArn": f"arn:aws:iam::{caller.account}:role/hardening-forecast",
            }
        },
    )
    return str(response["DatasetImportJobArn"])


def start_qconnect_job(qc: Any, knowledge_base: str, put: bool = False) -> tuple[str, str]:
    """Starts an import job (uploading a file first if `put`); returns (job id, upload id)."""
    upload = qc.start_content_upload(knowledgeBaseId=knowledge_base, contentType="text/csv")
    if put:
        answer = requests.put(
            upload["url"],
            data=b"name,content\nhello,Hello!\n",
            headers=upload["headersToInclude"],
            timeout=HTTP_TIMEOUT,
        )
        assert answer.status_code == 200, (answer.status_code, answer.text)
    job = qc.start_import_job(
        knowledgeBaseId=knowledge_base, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
    )["importJob"]
    return str(job["importJobId"]), str(upload["uploadId"])


def error_code(error: ClientError) -> tuple[str, int]:
    """(error code, HTTP status) of a ClientError."""
    response = error.response
    return str(response["Error"]["Code"]), int(response["ResponseMetadata"]["HTTPStatusCode"])


@dataclass
class World:
    """One mock, reached in process (`endpoint` None) or through a ThreadedServer."""

    mock: ImportMock
    endpoint: str | None
    make_client: Callable[..., Any]

    def client(self, service: str, caller: Caller, validate: bool = True) -> Any:
        extra = {} if self.endpoint is None else {"endpoint_url": self.endpoint}
        return self.make_client(
            service,
            region_name=caller.region,
            validate=validate,
            aws_access_key_id=caller.access_key,
            aws_secret_access_key=SECRET,
            **extra,
        )


@contextmanager
def world(transport: str, make_client: Callable[..., Any], **options: Any) -> Iterator[World]:
    """A running mock with `options`: started in process, or served by a ThreadedServer."""
    if transport == "in-process":
        with mock_imports(**options) as mock:
            yield World(mock, None, make_client)
    else:
        with ThreadedServer(port=0, **options) as server:
            yield World(server.mock, server.url, make_client)
