"""What the CloudTrail Lake import tests share: ARNs, requests and small checks."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from importmock import ImportMock
from service_support import ACCOUNT

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
UNKNOWN_ID = "01234567-89ab-4cde-8f01-23456789abcd"
STORE_ID = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
SOURCE_URI = "s3://trail-bucket/logs"
STATISTICS = ("PrefixesFound", "PrefixesCompleted", "FilesCompleted", "EventsCompleted", "FailedEntries")


def store_arn(
    region: str = "us-east-1", account: str = ACCOUNT, partition: str = "aws", ident: str = STORE_ID
) -> str:
    return f"arn:{partition}:cloudtrail:{region}:{account}:eventdatastore/{ident}"


STORE = store_arn()
OTHER_STORE = store_arn(ident="b2c3d4e5-6789-01ab-cdef-EXAMPLE22222")


def source(
    uri: str = SOURCE_URI,
    region: str = "us-east-1",
    role: str = f"arn:aws:iam::{ACCOUNT}:role/CloudTrailImport",
) -> dict[str, Any]:
    return {"S3": {"S3LocationUri": uri, "S3BucketRegion": region, "S3BucketAccessRoleArn": role}}


def start_request(destination: str = STORE, **overrides: Any) -> dict[str, Any]:
    request: dict[str, Any] = {"Destinations": [destination], "ImportSource": source()}
    request.update(copy.deepcopy(overrides))
    return {k: v for k, v in request.items() if v is not None}


def start(client: Any, destination: str = STORE, **overrides: Any) -> dict[str, Any]:
    """Starts a new import; returns the StartImport response without its metadata."""
    response = client.start_import(**start_request(destination, **overrides))
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def get(client: Any, ident: str) -> dict[str, Any]:
    response = client.get_import(ImportId=ident)
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def listed_ids(client: Any, **params: Any) -> list[str]:
    return [item["ImportId"] for item in client.list_imports(**params)["Imports"]]


def error_of(excinfo: pytest.ExceptionInfo[Any]) -> tuple[str, int, str]:
    """(code, HTTP status, message) of a ClientError."""
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def end_import(mock: ImportMock, client: Any, ident: str, ending: str) -> None:
    """Ends an import: "stop" stops it, "fail" and "complete" finish it so; "run" leaves it running."""
    if ending == "stop":
        client.stop_import(ImportId=ident)
    elif ending in ("fail", "complete"):
        mock.finish(ident, status="FAILED" if ending == "fail" else None)
