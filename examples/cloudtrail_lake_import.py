"""Copy a trail's events into CloudTrail Lake, as CloudTrail's import guide does it, run under the mocks.

The program is what a user writes against AWS: create an event data store, start an import of
the trail's log files from S3, poll GetImport every 30 seconds until the import ends, read
ListImportFailures, and retry the import once the failed file is fixed. `main()` runs it under
moto (S3, where the trail's log files are) and importmock (CloudTrail Lake), with
`sleep="advance"`: the unmodified `time.sleep(30)` moves importmock's clock instead of waiting,
so the 15 minutes each copy takes pass at once, and the loop ends on the poll it would end on
in AWS.

    pip install 'importmock[moto]'
    python examples/cloudtrail_lake_import.py
"""

from __future__ import annotations

import gzip
import json
import time
from typing import Any

import boto3
from moto import mock_aws

from importmock import mock_imports

REGION = "us-east-1"
ACCOUNT = "123456789012"
BUCKET = "org-trail-logs"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/CloudTrailLakeImport"  # a role CloudTrail may read the bucket with
DAY = f"AWSLogs/{ACCOUNT}/CloudTrail/{REGION}/2024/03/01"
RUNNING = ("INITIALIZING", "IN_PROGRESS")


def log_file(minute: int, *events: str) -> tuple[str, dict[str, Any]]:
    """A trail log file's key and content, named and shaped as CloudTrail delivers them."""
    key = f"{DAY}/{ACCOUNT}_CloudTrail_{REGION}_20240301T00{minute:02d}Z_{minute:04x}abcd.json.gz"
    records = [
        {
            "eventVersion": "1.09",
            "eventTime": f"2024-03-01T00:{minute:02d}:{n:02d}Z",
            "eventSource": "s3.amazonaws.com",
            "eventName": name,
            "awsRegion": REGION,
        }
        for n, name in enumerate(events)
    ]
    return key, {"Records": records}


def deliver_trail(s3: Any) -> str:
    """What the trail left in S3: three log files, one of which was saved without its gzip compression."""
    s3.create_bucket(Bucket=BUCKET)
    for minute, events in ((5, ("ListBuckets", "GetObject")), (10, ("PutObject",))):
        key, log = log_file(minute, *events)
        s3.put_object(Bucket=BUCKET, Key=key, Body=gzip.compress(json.dumps(log).encode()))
    key, log = log_file(15, "DeleteObject", "GetObject")
    s3.put_object(Bucket=BUCKET, Key=key, Body=json.dumps(log).encode())  # not gzip: it cannot be copied
    return key


def create_event_data_store(cloudtrail: Any) -> str:
    """An event data store for the copied events; its ARN."""
    store = cloudtrail.create_event_data_store(
        Name="trail-history",
        RetentionPeriod=366,
        TerminationProtectionEnabled=True,
        AdvancedEventSelectors=[
            {
                "Name": "Management events",
                "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
            }
        ],
    )
    arn: str = store["EventDataStoreArn"]
    return arn


def wait_for_import(cloudtrail: Any, import_id: str, every: int = 30) -> tuple[dict[str, Any], int]:
    """Poll GetImport until the import has ended; its last description and the number of polls."""
    polls = 0
    while True:
        polls += 1
        described: dict[str, Any] = cloudtrail.get_import(ImportId=import_id)
        if described["ImportStatus"] not in RUNNING:
            return described, polls
        time.sleep(every)


def import_failures(cloudtrail: Any, import_id: str) -> list[dict[str, Any]]:
    """Every failure entry of the import, page by page."""
    failures: list[dict[str, Any]] = []
    for page in cloudtrail.get_paginator("list_import_failures").paginate(ImportId=import_id):
        failures.extend(page["Failures"])
    return failures


def report(cloudtrail: Any, attempt: str, import_id: str) -> None:
    """Print how an attempt of the import ended, its statistics and its failures."""
    described, polls = wait_for_import(cloudtrail, import_id)
    stats = described["ImportStatistics"]
    print(
        f"{attempt}: {described['ImportStatus']} after {polls} polls: "
        f"{stats['FilesCompleted']} files, {stats['EventsCompleted']} events, "
        f"{stats['PrefixesCompleted']}/{stats['PrefixesFound']} prefixes, "
        f"{stats['FailedEntries']} failed"
    )
    for failure in import_failures(cloudtrail, import_id):
        print(f"  {failure['Status']} {failure['ErrorType']}: {failure['Location']}")


def main() -> None:
    with mock_aws(), mock_imports(durations={"cloudtrail:import": 15 * 60}, sleep="advance") as mock:
        began = mock.clock.now()
        s3 = boto3.client("s3", region_name=REGION)
        cloudtrail = boto3.client("cloudtrail", region_name=REGION)
        broken = deliver_trail(s3)

        store = create_event_data_store(cloudtrail)
        print(f"event data store {cloudtrail.get_event_data_store(EventDataStore=store)['Status']}")
        started = cloudtrail.start_import(
            Destinations=[store],
            ImportSource={
                "S3": {
                    "S3LocationUri": f"s3://{BUCKET}/AWSLogs/",
                    "S3BucketRegion": REGION,
                    "S3BucketAccessRoleArn": ROLE,
                }
            },
        )
        import_id = started["ImportId"]
        print(f"import {started['ImportStatus']}")
        report(cloudtrail, "first copy", import_id)

        # fix the file that failed (compress it as CloudTrail delivers it), then retry the same import
        body = s3.get_object(Bucket=BUCKET, Key=broken)["Body"].read()
        s3.put_object(Bucket=BUCKET, Key=broken, Body=gzip.compress(body))
        print(f"retry {cloudtrail.start_import(ImportId=import_id)['ImportStatus']}")
        report(cloudtrail, "retry", import_id)

        listed = cloudtrail.list_imports(Destination=store)["Imports"]
        print(f"listed: {len(listed)} import, {listed[0]['ImportStatus']}")
        print(f"time.sleep moved the mock clock by {mock.clock.now() - began}")


if __name__ == "__main__":
    main()
