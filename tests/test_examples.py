"""Every script in examples/ runs as a user runs it (its own process) and prints what it says."""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys

import pytest

EXAMPLES = pathlib.Path(__file__).parent.parent / "examples"
ARN = r"arn:aws:dynamodb:us-east-1:123456789012:table/orders/import/\d{14}-[0-9a-f]{8}"
EXPORT_ID = r"\d{14}-[0-9a-f]{8}"
TRAIL_LOG = (
    r"s3://org-trail-logs/AWSLogs/123456789012/CloudTrail/us-east-1/2024/03/01/"
    r"123456789012_CloudTrail_us-east-1_20240301T0015Z_000fabcd\.json\.gz"
)
# each example's whole output, as a pattern (the README quotes quickstart.py's)
OUTPUTS = {
    "quickstart.py": (
        rf"created: (?P<arn>{ARN}) IN_PROGRESS\n"
        r"after 5 minutes: COMPLETED\n"
        r"listed: (?P=arn) COMPLETED\n"
    ),
    "export_pipeline.py": (
        rf"export COMPLETED: 5 items, s3://exports/orders/AWSDynamoDB/{EXPORT_ID}/manifest-summary\.json\n"
        + "".join(f"order-{n} total={n * 10}\n" for n in range(1, 6))
    ),
    # 15 minutes a copy, polled every 30 s: 31 polls, 30 sleeps each, all on the mock clock
    "cloudtrail_lake_import.py": (
        r"event data store ENABLED\n"
        r"import INITIALIZING\n"
        r"first copy: FAILED after 31 polls: 2 files, 3 events, 0/1 prefixes, 1 failed\n"
        rf"  FAILED InvalidFileFormat: {TRAIL_LOG}\n"
        r"retry INITIALIZING\n"
        r"retry: COMPLETED after 31 polls: 3 files, 5 events, 1/1 prefixes, 0 failed\n"
        rf"  SUCCEEDED InvalidFileFormat: {TRAIL_LOG}\n"
        r"listed: 1 import, COMPLETED\n"
        r"time\.sleep moved the mock clock by 0:30:00\n"
    ),
    # the knowledge base and the import job take 3 minutes each; polled every 15 s and every 10 s
    "qconnect_quick_responses.py": (
        r"knowledge base ACTIVE after 0:03:00\n"
        r"import job COMPLETE after 19 polls\n"
        r"  not imported: Escalation: 1 validation error detected: Value 'html' at 'contentType' "
        r"failed to satisfy constraint: .*\n"
        r"4 quick responses:\n"
        r"  Greeting \(application/x\.quickresponse;format=plain, CREATED\) \['Chat', 'Email'\]\n"
        r"  Refund timeline \(application/x\.quickresponse;format=markdown, CREATED\) \['Chat', 'Email'\]\n"
        r"  Refund policy \(application/x\.quickresponse;format=plain, CREATED\) \['Email'\]\n"
        r"  Closing \(application/x\.quickresponse;format=plain, CREATED\) \['Chat'\]\n"
        r"offered on Chat for 'refund': \['Refund timeline'\]\n"
        r"  /refund: Refunds reach your account within 5 business days\.\n"
        r"time\.sleep moved the mock clock by 0:06:00\n"
    ),
    # the dataset and the import take 12 minutes each, polled every 20 s: 36 sleeps, then ACTIVE
    "forecast_dataset_import.py": (
        r"dataset group ACTIVE\n"
        r"dataset electricity_target ACTIVE after 0:12:00: \['timestamp', 'target_value', 'item_id'\]\n"
        r"import ACTIVE after 37 polls: 5048 bytes read\n"
        r"  item_id: 144 values, 3 distinct\n"
        r"  target_value: 144 values, 64 distinct\n"
        r"  timestamp: 144 values, 48 distinct\n"
        r"dataset ACTIVE, last modified when the import ended\n"
        r"time\.sleep moved the mock clock by 0:24:00\n"
    ),
}


def clean_env() -> dict[str, str]:
    """A user's environment with no AWS settings: the mocks must supply what the script needs."""
    return {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}


def test_examples_each_run_here() -> None:
    assert sorted(path.name for path in EXAMPLES.glob("*.py")) == sorted(OUTPUTS)


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_example_prints_its_output(name: str, tmp_path: pathlib.Path) -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
        env=clean_env(),
    )

    assert done.returncode == 0, done.stderr
    assert re.fullmatch(OUTPUTS[name], done.stdout), done.stdout
