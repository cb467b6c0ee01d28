"""Partitions of regions, from botocore's partition data."""

from __future__ import annotations

import pytest

from importmock.jobs.regions import partition_of


@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("us-east-1", "aws"),
        ("eu-central-2", "aws"),
        ("cn-north-1", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
        ("us-iso-east-1", "aws-iso"),
        ("us-isob-east-1", "aws-iso-b"),
        ("cn-farwest-9", "aws-cn"),  # not yet listed: matched by the partition's pattern
        ("ap-future-7", "aws"),
        ("moon-base-1", "aws"),  # unknown to every partition: the commercial one
    ],
)
def test_partition_of(region: str, partition: str) -> None:
    assert partition_of(region) == partition
