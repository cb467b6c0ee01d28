"""Forecast's checks beyond the shapes SERVICE applies: resource ARNs, IAM roles and tags."""

from __future__ import annotations

import functools
import re

from botocore.model import Shape

from importmock.jobs.backend import BackendContext
from importmock.services.forecast.errors import (
    InvalidInputException,
    LimitExceededException,
    ResourceNotFoundException,
)
from importmock.types import Params
from importmock.wire.service import service_model
from importmock.wire.validation import ShapeReader

MAX_TAGS = 50  # per resource, as the Tag shape documents

_SCOPE = r"arn:(?P<partition>[^:]+):forecast:(?P<region>[^:]*):(?P<account>[^:]*):"
ROLE_ARN = re.compile(r"arn:(?P<partition>[^:]+):iam::(?P<account>\d{12}):role/[\w+=,.@/-]+")


def not_found(arn: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"No resource found {arn}")


def parent_name(arn: str, resource: str, member: str, context: BackendContext, *, parts: int = 1) -> str:
    """The name of the `resource` `arn` names, if it can be one of the caller's (`parts` path
    segments after the resource type, each a Name: a what-if forecast's names its analysis too)."""
    found = re.fullmatch(rf"{_SCOPE}{re.escape(resource)}/(?P<path>[^/]+(?:/[^/]+){{0,{parts - 1}}})", arn)
    if found is None or any(_violations("Name", name, "name") for name in found["path"].split("/")):
        raise InvalidInputException(f"{member} {arn} is not a valid {resource.replace('-', ' ')} ARN")
    c = context
    if (found["partition"], found["region"], found["account"]) != (c.partition, c.region, c.account_id):
        raise not_found(arn)  # another region's or account's resources are not visible
    return str(found["path"]).rpartition("/")[2]


def dataset_name(arn: str, context: BackendContext) -> str:
    """The name of the dataset `arn` names, if it can be one of the caller's datasets."""
    return parent_name(arn, "dataset", "datasetArn", context)


def check_job_arn(arn: str, resource: str, parts: int, member: str, title: str) -> None:
    """A job ARN member must name a job of its kind (`parts` path segments), not another resource."""
    if re.fullmatch(rf"{_SCOPE}{re.escape(resource)}" + "/[^/]+" * parts, arn) is None:
        raise InvalidInputException(f"{member} {arn} is not a valid {title} ARN")


def check_role(arn: str, context: BackendContext, member: str = "dataSource") -> None:
    """An IAM role of the caller's account: the S3Config.RoleArn documentation's rule."""
    found = ROLE_ARN.fullmatch(arn)
    if found is None:
        raise InvalidInputException(f"{member}.s3Config.roleArn {arn} is not a valid IAM role ARN")
    if (found["partition"], found["account"]) != (context.partition, context.account_id):
        raise InvalidInputException(
            f"Passing a role across accounts is not allowed: {arn} is not in account {context.account_id}"
        )


def merged_tags(current: dict[str, str], tags: list[Params]) -> dict[str, str]:
    """`current` with `tags` added, after the Tag shape's documented restrictions."""
    keys = [tag["Key"] for tag in tags]
    for key in keys:
        check_tag_key(key)
        if keys.count(key) > 1:
            raise InvalidInputException(f"Tag keys must be unique per resource; {key} is given twice")
    merged = current | {tag["Key"]: tag["Value"] for tag in tags}
    if len(merged) > MAX_TAGS:
        raise LimitExceededException(
            f"A resource can have at most {MAX_TAGS} tags; this one would have {len(merged)}"
        )
    return merged


def check_tag_key(key: str) -> None:
    """Keys starting aws: (any case) are AWS's: users can neither set nor remove them."""
    if key.lower().startswith("aws:"):
        raise InvalidInputException(f"Tag key {key}: the aws: prefix is reserved for AWS use")


def _violations(shape: str, value: str, path: str) -> list[str]:
    reader = ShapeReader()
    reader.value(_shape(shape), value, path)
    return reader.violations


@functools.cache
def _shape(name: str) -> Shape:
    return service_model("forecast").shape_for(name)
