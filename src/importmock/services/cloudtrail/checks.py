"""StartImport's and ListImports' checks of their references: the event data store and the S3 source."""

from __future__ import annotations

import re

from importmock.jobs.backend import BackendContext
from importmock.jobs.regions import is_region
from importmock.services.cloudtrail.errors import (
    EventDataStoreARNInvalidException,
    InvalidImportSourceException,
    InvalidParameterException,
)
from importmock.types import Params

_EVENT_DATA_STORE = re.compile(
    r"arn:(?P<partition>[\w-]+):cloudtrail:(?P<region>[\w-]+):(?P<account>\d{12}):eventdatastore/[A-Za-z0-9-]+"
)
_S3_URI = re.compile(r"s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](?:/.*)?", re.DOTALL)
_ROLE_ARN = re.compile(r"arn:(?P<partition>[\w-]+):iam::\d{12}:role/[\w+=,.@/-]+")


def check_destination(arn: str, context: BackendContext) -> None:
    """An event data store ARN of the caller's partition, region and account."""
    found, c = _EVENT_DATA_STORE.fullmatch(arn), context
    where = (found["partition"], found["region"], found["account"]) if found else None
    if where != (c.partition, c.region, c.account_id):
        raise EventDataStoreARNInvalidException(
            f"The specified event data store ARN is not valid or does not map to an event "
            f"data store in your account: {arn}"
        )


def check_source(s3: Params, context: BackendContext) -> None:
    """An S3 URI, a Region, and an IAM role of the caller's partition."""
    if not _S3_URI.fullmatch(s3["S3LocationUri"]):
        raise InvalidImportSourceException(
            f"S3LocationUri must be an S3 URI such as s3://bucket/prefix: {s3['S3LocationUri']}"
        )
    if not is_region(s3["S3BucketRegion"]):
        raise InvalidImportSourceException(f"S3BucketRegion is not a Region: {s3['S3BucketRegion']}")
    role = _ROLE_ARN.fullmatch(s3["S3BucketAccessRoleArn"])
    if role is None or role["partition"] != context.partition:
        raise InvalidParameterException(
            f"S3BucketAccessRoleArn is not an IAM role ARN: {s3['S3BucketAccessRoleArn']}"
        )
