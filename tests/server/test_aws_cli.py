"""The AWS CLI, in a subprocess, lists the jobs that boto3 created on the same server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from server_support import ACCOUNT_A, ACCOUNT_B, SECRET, Connect

from families import (
    dataset_import_request,
    import_arn,
    import_request,
    lake_import_request,
    start_qconnect_job,
)
from importmock.server import ThreadedServer

Shape = Callable[[Any, str, dict[str, Any]], None]
CLI_TIMEOUT = 120  # seconds: the CLI loads every service model at start-up


def run_cli(
    server: ThreadedServer, home: Path, *args: str, access_key: str = ACCOUNT_A, region: str = "us-east-1"
) -> subprocess.CompletedProcess[str]:
    """`aws <args> --endpoint-url URL --output json` in a subprocess, with no configuration but the key."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=access_key,
        AWS_SECRET_ACCESS_KEY=SECRET,
        AWS_DEFAULT_REGION=region,
        AWS_CONFIG_FILE=str(home / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "no-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        AWS_MAX_ATTEMPTS="1",
        NO_PROXY="127.0.0.1,localhost",
    )
    command = [sys.executable, "-m", "awscli", *args, "--endpoint-url", server.url, "--output", "json"]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=CLI_TIMEOUT, check=False, cwd=home
    )


@pytest.fixture
def aws(tmp_path: Path, connect: Connect, assert_shape: Shape) -> Callable[..., Any]:
    """Runs the AWS CLI against a server; returns its parsed JSON output, failing unless it exits 0.

    With `fits="Operation"` the output must also fit that operation's output shape in the model of
    the CLI's service (the first argument).
    """

    def run(server: ThreadedServer, *args: str, access_key: str = ACCOUNT_A, fits: str | None = None) -> Any:
        done = run_cli(server, tmp_path, *args, access_key=access_key)
        assert done.returncode == 0, (done.returncode, done.stdout, done.stderr)
        output = json.loads(done.stdout)
        if fits is not None:
            assert_shape(connect(server, args[0]), fits, output)
        return output

    return run


def test_dynamodb_list_imports_shows_boto3_import(server: ThreadedServer, connect: Connect, aws: Any) -> None:
    arn = import_arn(connect(server, "dynamodb"))

    listed = aws(server, "dynamodb", "list-imports", fits="ListImports")

    assert [(s["ImportArn"], s["ImportStatus"]) for s in listed["ImportSummaryList"]] == [
        (arn, "IN_PROGRESS")
    ]


def test_dynamodb_list_imports_other_account_sees_none(
    server: ThreadedServer, connect: Connect, aws: Any
) -> None:
    connect(server, "dynamodb").import_table(**import_request())

    assert aws(server, "dynamodb", "list-imports", access_key=ACCOUNT_B)["ImportSummaryList"] == []


def test_dynamodb_describe_export_shows_boto3_export(
    server: ThreadedServer, connect: Connect, aws: Any
) -> None:
    table = f"arn:aws:dynamodb:us-east-1:{ACCOUNT_A}:table/music"
    arn = connect(server, "dynamodb").export_table_to_point_in_time(TableArn=table, S3Bucket="exports")[
        "ExportDescription"
    ]["ExportArn"]

    described = aws(server, "dynamodb", "describe-export", "--export-arn", arn, fits="DescribeExport")

    assert (described["ExportDescription"]["ExportArn"], described["ExportDescription"]["ExportStatus"]) == (
        arn,
        "IN_PROGRESS",
    )


def test_forecast_list_dataset_import_jobs_shows_boto3_job(
    server: ThreadedServer, connect: Connect, aws: Any
) -> None:
    fc = connect(server, "forecast")
    arn = fc.create_dataset_import_job(**dataset_import_request("daily"))["DatasetImportJobArn"]

    listed = aws(server, "forecast", "list-dataset-import-jobs", fits="ListDatasetImportJobs")

    assert [job["DatasetImportJobArn"] for job in listed["DatasetImportJobs"]] == [arn]
    assert listed["DatasetImportJobs"][0]["DatasetImportJobName"] == "daily"


def test_cloudtrail_list_imports_shows_boto3_import(
    server: ThreadedServer, connect: Connect, aws: Any
) -> None:
    ident = connect(server, "cloudtrail").start_import(**lake_import_request())["ImportId"]

    listed = aws(server, "cloudtrail", "list-imports", fits="ListImports")

    assert [(i["ImportId"], i["ImportStatus"]) for i in listed["Imports"]] == [(ident, "IN_PROGRESS")]


def test_qconnect_list_import_jobs_shows_boto3_job(
    server: ThreadedServer, connect: Connect, aws: Any
) -> None:
    kb = str(uuid.uuid4())
    job = start_qconnect_job(connect(server, "qconnect"), kb)["importJobId"]

    listed = aws(server, "qconnect", "list-import-jobs", "--knowledge-base-id", kb, fits="ListImportJobs")

    assert [(s["importJobId"], s["status"]) for s in listed["importJobSummaries"]] == [
        (job, "START_IN_PROGRESS")
    ]


def test_cloudtrail_list_imports_cli_pagination_sees_every_import(
    server: ThreadedServer, connect: Connect, aws: Any
) -> None:
    ct = connect(server, "cloudtrail")
    idents = []
    for _ in range(3):
        ident = ct.start_import(**lake_import_request())["ImportId"]
        ct.stop_import(ImportId=ident)
        idents.append(ident)
        server.mock.clock.advance(1)

    listed = aws(server, "cloudtrail", "list-imports", "--page-size", "1")

    assert [i["ImportId"] for i in listed["Imports"]] == idents[::-1]


def test_dynamodb_describe_import_unknown_arn_fails_with_error_code(
    server: ThreadedServer, tmp_path: Path
) -> None:
    unknown = f"arn:aws:dynamodb:us-east-1:{ACCOUNT_A}:table/nope/import/01700000000000-0123abcd"

    done = run_cli(server, tmp_path, "dynamodb", "describe-import", "--import-arn", unknown)

    assert done.returncode != 0
    assert "ImportNotFoundException" in done.stderr
