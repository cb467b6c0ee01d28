"""DynamoDB table exports through boto3: ExportTableToPointInTime, DescribeExport, ListExports."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

from importmock import mock_imports
from service_support import ACCOUNT, OTHER_ACCOUNT, assert_error, epoch_ms, iter_pages
from tampering import flip

# whole seconds: botocore sends request timestamps to DynamoDB as whole epoch seconds
T0 = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
MUSIC = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Music"
FILMS = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Films"
UNKNOWN_ARN = f"{MUSIC}/export/01700000000000-0123abcd"


def export_request(table_arn=MUSIC, **overrides):
    request = {"TableArn": table_arn, "S3Bucket": "export-bucket", "S3Prefix": "exports"}
    request.update(overrides)
    return request


def start_export(client, table_arn=MUSIC, **overrides):
    response = client.export_table_to_point_in_time(**export_request(table_arn, **overrides))
    return response["ExportDescription"]


def describe(client, arn):
    return client.describe_export(ExportArn=arn)["ExportDescription"]


def listed_arns(client, **params):
    return [s["ExportArn"] for s in client.list_exports(**params)["ExportSummaries"]]


def incremental(start, window):
    return {
        "ExportType": "INCREMENTAL_EXPORT",
        "IncrementalExportSpecification": {
            "ExportFromTime": start,
            "ExportToTime": start + window,
            "ExportViewType": "NEW_AND_OLD_IMAGES",
        },
    }


# ExportTableToPointInTime


def test_export_table_to_point_in_time_returns_in_progress_description(mock, ddb):
    mock.clock.set(T0)
    job = start_export(ddb, ClientToken="token-1")

    assert job["ExportStatus"] == "IN_PROGRESS"
    assert job["ExportFormat"] == "DYNAMODB_JSON"
    assert "ExportType" not in job
    for member in ("EndTime", "ExportManifest", "ItemCount", "BilledSizeBytes"):
        assert member not in job
    assert job["StartTime"] == T0
    assert job["TableArn"] == MUSIC
    assert job["S3Bucket"] == "export-bucket"
    assert job["ClientToken"] == "token-1"


def test_export_table_to_point_in_time_arn_embeds_start_time_in_milliseconds(mock, ddb):
    moment = T0 + timedelta(milliseconds=45)
    mock.clock.set(moment)
    job = start_export(ddb)

    prefix = f"{MUSIC}/export/"
    assert re.fullmatch(re.escape(prefix) + r"\d{14}-[0-9a-f]{8}", job["ExportArn"])
    assert job["ExportArn"][len(prefix) :].split("-")[0] == f"{epoch_ms(moment):014d}"
    assert job["StartTime"] == moment


def test_export_table_to_point_in_time_start_time_is_mock_clock_now(mock, ddb):
    mock.clock.set(T0)
    mock.clock.advance(timedelta(hours=5, milliseconds=250))
    job = start_export(ddb)

    assert job["StartTime"] == mock.clock.now() == T0 + timedelta(hours=5, milliseconds=250)
    assert describe(ddb, job["ExportArn"])["StartTime"] == job["StartTime"]


@pytest.mark.parametrize(("member", "value"), [("ExportType", "FULL_EXPORT"), ("ExportFormat", "ION")])
def test_export_table_to_point_in_time_echoes_passed_options(ddb, member, value):
    assert start_export(ddb, **{member: value})[member] == value


def test_export_table_to_point_in_time_past_export_time_accepted(mock, ddb):
    mock.clock.set(T0)

    job = start_export(ddb, ExportTime=T0 - timedelta(hours=1))

    assert job["ExportTime"] == T0 - timedelta(hours=1)


def test_export_table_to_point_in_time_future_export_time_rejected(mock, ddb):
    mock.clock.set(T0)

    with pytest.raises(ddb.exceptions.InvalidExportTimeException) as excinfo:
        start_export(ddb, ExportTime=T0 + timedelta(hours=1))

    assert_error(excinfo, "InvalidExportTimeException")


@pytest.mark.parametrize(
    ("region", "partition"),
    [("us-east-1", "aws"), ("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")],
)
def test_export_table_to_point_in_time_arn_carries_partition(make_client, mock, region, partition):
    table = f"arn:{partition}:dynamodb:{region}:{ACCOUNT}:table/Music"

    job = start_export(make_client("dynamodb", region_name=region), table)

    assert job["ExportArn"].startswith(f"{table}/export/")


def test_export_table_to_point_in_time_account_from_twelve_digit_access_key(mock, make_client):
    client = make_client("dynamodb", aws_access_key_id=OTHER_ACCOUNT, aws_secret_access_key="x")
    table = f"arn:aws:dynamodb:us-east-1:{OTHER_ACCOUNT}:table/Music"

    assert start_export(client, table)["ExportArn"].startswith(f"{table}/export/")


@pytest.mark.parametrize(
    "table_arn",
    [
        "Music",
        "arn:aws:dynamodb:us-east-1:123456789012:Music",
        "arn:aws:s3:::music",
        f"arn:aws:dynamodb:us-west-2:{ACCOUNT}:table/Music",
        "arn:aws:dynamodb:us-east-1:210987654321:table/Music",
        f"arn:aws-cn:dynamodb:us-east-1:{ACCOUNT}:table/Music",
    ],
    ids=["name", "no-resource-type", "other-service", "other-region", "other-account", "other-partition"],
)
def test_export_table_to_point_in_time_bad_table_arn_rejected(ddb, table_arn):
    operation = ddb.meta.service_model.operation_model("ExportTableToPointInTime")
    # AccessDeniedException: a DynamoDB common error, what AWS answers for another account's table
    common = {"ValidationException", "AccessDeniedException"}
    allowed = {shape.name for shape in operation.error_shapes} | common

    with pytest.raises(ClientError) as excinfo:
        start_export(ddb, table_arn)

    response = excinfo.value.response
    assert response["Error"]["Code"] in allowed - {"InternalServerError"}
    assert 400 <= response["ResponseMetadata"]["HTTPStatusCode"] < 500


def test_export_table_to_point_in_time_incremental_without_specification_rejected(ddb):
    with pytest.raises(ClientError) as excinfo:
        start_export(ddb, ExportType="INCREMENTAL_EXPORT")

    assert_error(excinfo, "ValidationException")


def test_export_table_to_point_in_time_incremental_window_under_15_minutes_rejected(mock, ddb):
    # AWS: InvalidExportTimeException "Difference between export period from time and export
    # period to time is less than 15 minutes", not a ValidationException
    mock.clock.set(T0)

    with pytest.raises(ddb.exceptions.InvalidExportTimeException) as excinfo:
        start_export(ddb, **incremental(T0 - timedelta(hours=1), timedelta(minutes=14, seconds=59)))

    assert_error(excinfo, "InvalidExportTimeException")


def test_export_table_to_point_in_time_incremental_window_of_15_minutes_accepted(mock, ddb):
    mock.clock.set(T0)
    request = incremental(T0 - timedelta(hours=1), timedelta(minutes=15))

    job = start_export(ddb, **request)

    assert job["ExportType"] == "INCREMENTAL_EXPORT"
    assert job["IncrementalExportSpecification"] == request["IncrementalExportSpecification"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"S3Bucket": "bad bucket!"},
        {"S3Bucket": "b" * 256},
        {"ExportFormat": "CSV"},
        {"ExportType": "PARTIAL_EXPORT"},
        {"S3SseAlgorithm": "ROT13"},
        {"S3BucketOwner": "not-an-account"},
    ],
    ids=["bucket-pattern", "bucket-long", "format", "type", "sse", "owner"],
)
def test_export_table_to_point_in_time_invalid_member_rejected(raw, overrides):
    with pytest.raises(ClientError) as excinfo:
        start_export(raw, **overrides)

    assert_error(excinfo, "ValidationException")
    assert next(iter(overrides)).lower() in excinfo.value.response["Error"]["Message"].lower()


@pytest.mark.parametrize("member", ["TableArn", "S3Bucket"])
def test_export_table_to_point_in_time_missing_required_member_rejected(raw, member):
    request = export_request()
    del request[member]

    with pytest.raises(ClientError) as excinfo:
        raw.export_table_to_point_in_time(**request)

    assert_error(excinfo, "ValidationException")
    assert member.lower() in excinfo.value.response["Error"]["Message"].lower()


def test_export_table_to_point_in_time_same_client_token_and_request_returns_same_export(ddb):
    first = start_export(ddb, ClientToken="once")

    again = start_export(ddb, ClientToken="once")

    assert again["ExportArn"] == first["ExportArn"]
    assert listed_arns(ddb) == [first["ExportArn"]]


def test_export_table_to_point_in_time_same_client_token_other_request_conflicts(ddb):
    first = start_export(ddb, ClientToken="once")

    with pytest.raises(ddb.exceptions.ExportConflictException) as excinfo:
        start_export(ddb, ClientToken="once", S3Bucket="another-bucket")

    assert_error(excinfo, "ExportConflictException")
    assert listed_arns(ddb) == [first["ExportArn"]]


# DescribeExport and the life cycle


def test_describe_export_in_progress_until_duration_passes(make_client):
    with mock_imports(durations={"dynamodb:export": 300}) as mock:
        ddb = make_client("dynamodb")
        arn = start_export(ddb)["ExportArn"]
        mock.clock.advance(299)
        job = describe(ddb, arn)

    assert job["ExportStatus"] == "IN_PROGRESS"
    for member in ("EndTime", "ExportManifest", "ItemCount", "BilledSizeBytes"):
        assert member not in job


def test_describe_export_completed_after_duration(make_client):
    with mock_imports(duration=300) as mock:
        ddb = make_client("dynamodb")
        mock.clock.set(T0)
        arn = start_export(ddb)["ExportArn"]
        mock.clock.advance(300)
        job = describe(ddb, arn)

    assert job["ExportStatus"] == "COMPLETED"
    assert job["EndTime"] == T0 + timedelta(seconds=300)
    assert job["ItemCount"] >= 0
    assert job["BilledSizeBytes"] >= 0
    assert arn.rsplit("/", 1)[1] in job["ExportManifest"]
    assert job["ExportManifest"].endswith("manifest-summary.json")
    assert "FailureCode" not in job


def test_describe_export_duration_none_waits_for_finish(make_client):
    with mock_imports(duration=None) as mock:
        ddb = make_client("dynamodb")
        mock.clock.set(T0)
        arn = start_export(ddb)["ExportArn"]
        mock.clock.advance(timedelta(days=2))
        waiting = describe(ddb, arn)
        mock.finish(arn)
        done = describe(ddb, arn)

    assert waiting["ExportStatus"] == "IN_PROGRESS"
    assert done["ExportStatus"] == "COMPLETED"
    assert done["EndTime"] == T0 + timedelta(days=2)


def test_describe_export_failed_by_finish_shows_failure(make_client):
    with mock_imports(duration=None) as mock:
        ddb = make_client("dynamodb")
        arn = start_export(ddb)["ExportArn"]
        mock.finish(arn, status="FAILED", failure_code="S3AccessDenied", failure_message="no")
        job = describe(ddb, arn)

    assert job["ExportStatus"] == "FAILED"
    assert job["FailureCode"] == "S3AccessDenied"
    assert job["FailureMessage"] == "no"
    assert "EndTime" in job


def test_describe_export_finished_by_bare_id(make_client):
    with mock_imports(duration=None) as mock:
        ddb = make_client("dynamodb")
        arn = start_export(ddb)["ExportArn"]
        mock.finish(arn.rsplit("/", 1)[1])
        job = describe(ddb, arn)

    assert job["ExportStatus"] == "COMPLETED"


@pytest.mark.parametrize("status", ["CANCELLED", "IN_PROGRESS"])
def test_finish_export_with_status_outside_family_raises_value_error(make_client, status):
    with mock_imports(duration=None) as mock:
        ddb = make_client("dynamodb")
        arn = start_export(ddb)["ExportArn"]
        with pytest.raises(ValueError, match=status):
            mock.finish(arn, status=status)
        job = describe(ddb, arn)

    assert job["ExportStatus"] == "IN_PROGRESS"


def test_finish_export_completed_by_clock_raises_value_error(mock, ddb):
    arn = start_export(ddb)["ExportArn"]

    with pytest.raises(ValueError, match="finished"):
        mock.finish(arn, status="FAILED")

    assert describe(ddb, arn)["ExportStatus"] == "COMPLETED"


def test_describe_export_unknown_arn_not_found(ddb):
    start_export(ddb)

    with pytest.raises(ddb.exceptions.ExportNotFoundException) as excinfo:
        describe(ddb, UNKNOWN_ARN)

    assert_error(excinfo, "ExportNotFoundException")


def test_describe_export_of_other_account_not_visible(ddb, make_client):
    arn = start_export(ddb)["ExportArn"]
    other = make_client("dynamodb", aws_access_key_id=OTHER_ACCOUNT, aws_secret_access_key="x")

    with pytest.raises(ClientError) as excinfo:
        describe(other, arn)

    code = excinfo.value.response["Error"]["Code"]
    assert code in {"AccessDeniedException", "ExportNotFoundException"}


@pytest.mark.parametrize(
    "arn",
    [MUSIC, f"{MUSIC}/export/", "x" * 40, "arn:aws:dynamodb"],
    ids=["table-arn", "no-id", "not-arn", "too-short"],
)
def test_describe_export_malformed_arn_rejected(raw, arn):
    with pytest.raises(ClientError) as excinfo:
        describe(raw, arn)

    assert_error(excinfo, "ValidationException")


# ListExports


def test_list_exports_empty(ddb):
    response = ddb.list_exports()

    assert response["ExportSummaries"] == []
    assert "NextToken" not in response


def test_list_exports_summary_matches_describe(ddb):
    arn = start_export(ddb)["ExportArn"]

    (summary,) = ddb.list_exports()["ExportSummaries"]

    assert summary["ExportArn"] == arn
    assert summary["ExportStatus"] == describe(ddb, arn)["ExportStatus"] == "COMPLETED"


@pytest.mark.parametrize("size", [1, 25])
def test_list_exports_max_results_limits_page(ddb, size):
    for _ in range(26):
        start_export(ddb)

    response = ddb.list_exports(MaxResults=size)

    assert len(response["ExportSummaries"]) == size
    assert "NextToken" in response


@pytest.mark.parametrize("size", [0, 26])
def test_list_exports_max_results_out_of_range_rejected(raw, size):
    with pytest.raises(ClientError) as excinfo:
        raw.list_exports(MaxResults=size)

    assert_error(excinfo, "ValidationException")
    assert "maxresults" in excinfo.value.response["Error"]["Message"].lower()


def test_list_exports_filters_by_table_arn(ddb):
    wanted = {start_export(ddb, MUSIC)["ExportArn"] for _ in range(2)}
    start_export(ddb, FILMS)

    assert set(listed_arns(ddb, TableArn=MUSIC)) == wanted


def test_list_exports_traversal_with_creates_between_pages(mock, ddb):
    existing = []
    for i in range(7):
        existing.append(start_export(ddb, MUSIC if i % 2 else FILMS)["ExportArn"])
        mock.clock.advance(1)

    seen = []
    for n, page in enumerate(iter_pages(ddb, "list_exports", "MaxResults", 1)):
        assert len(page["ExportSummaries"]) <= 1
        seen += [s["ExportArn"] for s in page["ExportSummaries"]]
        start_export(ddb)
        assert n < 50, "traversal does not end"

    assert max(Counter(seen).values()) == 1
    assert set(existing) <= set(seen)


def test_list_exports_filtered_traversal_sees_only_that_table(mock, ddb):
    music = [start_export(ddb, MUSIC)["ExportArn"] for _ in range(3)]
    start_export(ddb, FILMS)

    seen = []
    for page in iter_pages(ddb, "list_exports", "MaxResults", 1, TableArn=MUSIC):
        seen += [s["ExportArn"] for s in page["ExportSummaries"]]
        start_export(ddb, FILMS)

    assert sorted(seen) == sorted(music)


@pytest.mark.parametrize("where", ["first", "middle"])
def test_list_exports_tampered_token_rejected(ddb, where):
    for _ in range(3):
        start_export(ddb)
    token = ddb.list_exports(MaxResults=1)["NextToken"]
    index = {"first": 0, "middle": len(token) // 2}[where]

    with pytest.raises(ClientError) as excinfo:
        ddb.list_exports(MaxResults=1, NextToken=flip(token, index))

    assert_error(excinfo, "ValidationException")


def test_list_exports_token_bound_to_table_arn(ddb):
    for _ in range(3):
        start_export(ddb, MUSIC)
        start_export(ddb, FILMS)
    token = ddb.list_exports(MaxResults=1, TableArn=MUSIC)["NextToken"]

    with pytest.raises(ClientError) as excinfo:
        ddb.list_exports(MaxResults=1, NextToken=token, TableArn=FILMS)

    assert_error(excinfo, "ValidationException")


@pytest.mark.parametrize(
    ("client_kwargs", "table"),
    [
        ({"region_name": "us-west-2"}, f"arn:aws:dynamodb:us-west-2:{ACCOUNT}:table/Films"),
        (
            {"aws_access_key_id": OTHER_ACCOUNT, "aws_secret_access_key": "secret"},
            f"arn:aws:dynamodb:us-east-1:{OTHER_ACCOUNT}:table/Films",
        ),
    ],
    ids=["other-region", "other-account"],
)
def test_list_exports_isolated_by_account_and_region(ddb, make_client, client_kwargs, table):
    mine = start_export(ddb)["ExportArn"]
    other = make_client("dynamodb", **client_kwargs)
    theirs = start_export(other, table)["ExportArn"]

    assert listed_arns(ddb) == [mine]
    assert listed_arns(other) == [theirs]
