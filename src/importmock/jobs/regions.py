"""Partitions of regions, read from botocore's own partition data."""

from __future__ import annotations

import functools
import re

import botocore.loaders


@functools.lru_cache(maxsize=256)
def partition_of(region: str) -> str:
    """The ARN partition of `region` (aws, aws-cn, aws-us-gov, ...); unknown regions: aws."""
    partitions = _partitions()
    for partition in partitions:
        if region in partition["regions"]:  # type: ignore[operator]
            return str(partition["id"])
    for partition in partitions:
        if re.match(str(partition["regionRegex"]), region):
            return str(partition["id"])
    return "aws"


@functools.lru_cache(maxsize=256)
def is_region(name: str) -> bool:
    """Whether `name` is a region botocore knows, or one a partition's pattern admits."""
    return any(
        name in partition["regions"] or re.match(str(partition["regionRegex"]), name)  # type: ignore[operator]
        for partition in _partitions()
    )


@functools.lru_cache(maxsize=1)
def _partitions() -> list[dict[str, object]]:
    data = botocore.loaders.create_loader().load_data("partitions")
    partitions: list[dict[str, object]] = data["partitions"]
    return partitions
