"""DynamoDB imports and exports as measured against AWS (ScyllaDB's import and export tests).

DescribeExport authorizes before it reads the ARN's resource part; an empty S3Prefix is refused;
an import that failed on items keeps its table; ListExports runs in reverse order of ExportArn.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError

from importmock import mock_imports
from service_support import ACCOUNT, T0, assert_error, iter_pages, raw_json_call

ID = "01700000000000-0123abcd"
MUSIC = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Music"
TABLES = [f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{name}" for name in ("Alpha", "Music", "Zulu")]
ITEMS_REFUSED = (
    "Some of the items failed validation checks and were not imported. "
    "Please check CloudWatch error logs for more details."
)


def code_and_message(call):
    with pytest.raises(ClientError) as excinfo:
        call()
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def start_export(client, table_arn=MUSIC, **overrides):
    request = {"TableArn": table_arn, "S3Bucket": "export-bucket", **overrides}
    return client.export_table_to_point_in_time(**request)["ExportDescription"]


def import_request(table="Music", **overrides):
    return {
        "S3BucketSource": {"S3Bucket": "import-bucket", "S3KeyPrefix": "data/"},
        "InputFormat": "DYNAMODB_JSON",
        "TableCreationParameters": {
            "TableName": table,
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
        **overrides,
    }


def start_import(client, table="Music", **overrides):
    return client.import_table(**import_request(table, **overrides))["ImportTableDescription"]


def export_id(arn):
    return arn.rsplit("/", 1)[1]


def listed_exports(client, **params):
    return [s["ExportArn"] for s in client.list_exports(**params)["ExportSummaries"]]


# DescribeExport and DescribeImport: authorization before the format check

FOREIGN = [
    # ScyllaDB's rows, measured against AWS: the resource part is not an export's
    "arn:qwerty:dynamodb:us-east-1:000000000000:table/nonexistent_table_xyz",
    "arn:aws:qwerty:us-east-1:000000000000:table/nonexistent_table_xyz",
    "arn:aws:dynamodb:qwerty:000000000000:table/nonexistent_table_xyz",
    "arn:aws:dynamodb:us-east-1:qwerty:table/nonexistent_table_xyz",
    # the caller's account, in another partition or service
    f"arn:aws-cn:dynamodb:us-east-1:{ACCOUNT}:table/Music",
    f"arn:aws:s3:us-east-1:{ACCOUNT}:table/Music",
    f"arn:aws:dynamodb:us-east-1:111122223333:table/Music/export/{ID}",
    "arn:aws:dynamodb:us-east-1:111122223333:x",
]


@pytest.mark.parametrize("arn", FOREIGN)
def test_describe_export_foreign_arn_access_denied_before_format_check(ddb, arn):
    assert code_and_message(lambda: ddb.describe_export(ExportArn=arn)) == (
        "AccessDeniedException",
        "Access is denied",
    )


@pytest.mark.parametrize("arn", FOREIGN)
def test_describe_import_foreign_arn_access_denied_before_format_check(ddb, arn):
    arn = arn.replace("/export/", "/import/")

    assert code_and_message(lambda: ddb.describe_import(ImportArn=arn)) == (
        "AccessDeniedException",
        "Access is denied",
    )


def test_describe_export_access_denied_wire_format(mock):
    # a common error, not in DescribeExport's model: JSON 1.0 `__type` with coral's namespace
    body = {"ExportArn": "arn:aws:dynamodb:us-east-1:000000000000:table/nonexistent_table_xyz"}
    target, json_10 = "DynamoDB_20120810.DescribeExport", {"content-type": "application/x-amz-json-1.0"}

    status, document = raw_json_call(mock, "dynamodb", target, body, headers=json_10)

    assert status == 400
    assert document["__type"] == "com.amazon.coral.service#AccessDeniedException"
    assert document["message"] == "Access is denied"


@pytest.mark.parametrize(
    "arn",
    [
        MUSIC,  # ScyllaDB: the caller's own table
        f"{MUSIC}/import/{ID}",
        f"{MUSIC}/export/",
        "arn:aws:dynamodb:eu-west-1:123456789012:table/Music",  # own account: the format decides
        "qwerty:aws:dynamodb:us-east-1:000000000000:table/nonexistent_table_xyz",  # ScyllaDB: not an ARN
        "x" * 40,
    ],
)
def test_describe_export_own_or_unparsable_arn_invalid_export_arn(raw, arn):
    assert code_and_message(lambda: raw.describe_export(ExportArn=arn)) == (
        "ValidationException",
        "Invalid Export ARN",
    )


def test_describe_export_other_region_export_arn_not_found(ddb):
    arn = f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/Music/export/{ID}"

    assert code_and_message(lambda: ddb.describe_export(ExportArn=arn)) == (
        "ExportNotFoundException",
        "Export not found: Invalid export arn",
    )


# ExportTableToPointInTime: an empty S3Prefix


def test_export_table_to_point_in_time_empty_s3_prefix_rejected(raw):
    code, message = code_and_message(lambda: start_export(raw, S3Prefix="", ClientToken="nightly"))

    assert code == "ValidationException"
    assert message == (
        "1 validation error detected: Value '' at 's3Prefix' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    )
    assert listed_exports(raw) == []


def test_export_table_to_point_in_time_empty_s3_prefix_does_not_reserve_client_token(raw):
    with pytest.raises(ClientError):
        start_export(raw, S3Prefix="", ClientToken="nightly")

    job = start_export(raw, S3Prefix="exports", ClientToken="nightly")

    assert job["ExportStatus"] == "IN_PROGRESS"
    assert job["S3Prefix"] == "exports"


def test_export_table_to_point_in_time_s3_prefix_absent_accepted(ddb):
    job = start_export(ddb)

    assert "S3Prefix" not in job
    assert job["ExportStatus"] == "IN_PROGRESS"


# ImportTable after an import that failed on items


def test_import_table_into_table_of_import_failed_on_items_in_use(make_client):
    with mock_imports(duration=None) as mock:
        ddb = make_client("dynamodb")
        failed = start_import(ddb)["ImportArn"]
        mock.finish(failed, status="FAILED", failure_code="ItemValidationError")

        code_message = code_and_message(lambda: start_import(ddb))
        listed = [s["ImportArn"] for s in ddb.list_imports()["ImportSummaryList"]]

    assert code_message == ("ResourceInUseException", "Table already exists: Music")
    assert listed == [failed]


def test_import_table_replay_of_import_failed_on_items_in_use(make_client):
    # the token is consulted only while the import runs; afterwards its table exists
    with mock_imports(duration=None) as mock:
        ddb = make_client("dynamodb")
        failed = start_import(ddb, ClientToken="nightly")["ImportArn"]
        mock.finish(failed, status="FAILED", failure_code="ItemValidationError")

        code_message = code_and_message(lambda: start_import(ddb, ClientToken="nightly"))

    assert code_message == ("ResourceInUseException", "Table already exists: Music")


@pytest.mark.parametrize(
    "ending",
    [
        {"status": "FAILED", "failure_code": "S3NoSuchBucket"},
        {"status": "FAILED"},
        {"status": "CANCELLED"},
    ],
    ids=["no-such-bucket", "internal-error", "cancelled"],
)
def test_import_table_into_table_of_import_ended_without_table_accepted(make_client, ending):
    with mock_imports(duration=None) as mock:
        ddb = make_client("dynamodb")
        first = start_import(ddb)["ImportArn"]
        mock.finish(first, **ending)

        second = start_import(ddb)

    assert second["ImportStatus"] == "IN_PROGRESS"
    assert second["ImportArn"] != first


def test_describe_import_failed_on_items_counts_refused_items(make_client):
    with mock_imports(duration=None) as mock:
        ddb = make_client("dynamodb")
        mock.clock.set(T0)
        arn = start_import(ddb)["ImportArn"]
        mock.clock.advance(90)
        mock.finish(arn, status="FAILED", failure_code="ItemValidationError")
        job = ddb.describe_import(ImportArn=arn)["ImportTableDescription"]
        (summary,) = ddb.list_imports()["ImportSummaryList"]

    assert job["ImportStatus"] == summary["ImportStatus"] == "FAILED"
    assert job["FailureCode"] == "ItemValidationError"
    assert job["FailureMessage"] == ITEMS_REFUSED
    assert job["ErrorCount"] >= 1
    assert job["ProcessedItemCount"] == job["ImportedItemCount"] + job["ErrorCount"]
    assert job["ProcessedSizeBytes"] > 0
    assert job["EndTime"] == summary["EndTime"] == T0 + timedelta(seconds=90)


def test_describe_import_failed_on_items_keeps_the_message_given(make_client):
    with mock_imports(duration=None) as mock:
        ddb = make_client("dynamodb")
        arn = start_import(ddb)["ImportArn"]
        mock.finish(arn, status="FAILED", failure_code="ItemValidationError", failure_message="bad line 3")
        job = ddb.describe_import(ImportArn=arn)["ImportTableDescription"]

    assert job["FailureMessage"] == "bad line 3"


def test_describe_import_failed_before_reading_counts_nothing(make_client):
    with mock_imports(duration=None) as mock:
        ddb = make_client("dynamodb")
        arn = start_import(ddb)["ImportArn"]
        mock.finish(arn, status="FAILED", failure_code="S3NoSuchBucket")
        job = ddb.describe_import(ImportArn=arn)["ImportTableDescription"]

    assert (job["ProcessedItemCount"], job["ImportedItemCount"], job["ErrorCount"]) == (0, 0, 0)


# ListExports: in reverse alphanumeric order of ExportArn


def test_list_exports_reverse_arn_order_within_one_millisecond(mock, ddb):
    mock.clock.set(T0)  # the clock stands still: every export starts in the same millisecond
    arns = [start_export(ddb)["ExportArn"] for _ in range(12)]

    listed = [
        arn
        for page in iter_pages(ddb, "list_exports", "MaxResults", 5)
        for arn in (s["ExportArn"] for s in page["ExportSummaries"])
    ]

    assert len({arn.rsplit("-", 1)[0] for arn in arns}) == 1  # one millisecond
    assert listed == sorted(arns, reverse=True)


def test_list_exports_filtered_by_table_reverse_arn_order(mock, ddb):
    mock.clock.set(T0)
    arns = []
    for step in range(9):
        arns.append(start_export(ddb)["ExportArn"])
        start_export(ddb, TABLES[0])
        mock.clock.advance(timedelta(milliseconds=step % 2))  # pairs share a millisecond

    listed = listed_exports(ddb, TableArn=MUSIC)

    assert listed == sorted(arns, reverse=True)


def test_list_exports_across_tables_newest_first_then_by_id(mock, ddb):
    mock.clock.set(T0)
    arns = []
    for step in range(3):
        for table in TABLES[::-1] if step % 2 else TABLES:
            arns.append(start_export(ddb, table)["ExportArn"])
        mock.clock.advance(timedelta(milliseconds=1))

    listed = [
        arn
        for page in iter_pages(ddb, "list_exports", "MaxResults", 4)
        for arn in (s["ExportArn"] for s in page["ExportSummaries"])
    ]

    assert listed == sorted(arns, key=export_id, reverse=True)
    for table in TABLES:  # within each table: reverse order of ExportArn
        mine = [arn for arn in listed if arn.startswith(f"{table}/")]
        assert mine == sorted(mine, reverse=True)


def test_list_exports_traversal_with_creates_in_the_same_millisecond(mock, ddb):
    mock.clock.set(T0)
    existing = [start_export(ddb, TABLES[n % 3])["ExportArn"] for n in range(10)]

    seen = []
    for n, page in enumerate(iter_pages(ddb, "list_exports", "MaxResults", 2)):
        seen += [s["ExportArn"] for s in page["ExportSummaries"]]
        start_export(ddb, TABLES[n % 3])  # same millisecond: may land before or after the token
        assert n < 50, "traversal does not end"

    assert max(Counter(seen).values()) == 1
    assert set(existing) <= set(seen)
    assert seen == sorted(seen, key=export_id, reverse=True)


def test_list_exports_keeps_exports_for_90_days(mock, ddb):
    mock.clock.set(T0)
    old = start_export(ddb)["ExportArn"]
    mock.clock.advance(timedelta(days=45))
    recent = start_export(ddb)["ExportArn"]

    mock.clock.advance(timedelta(days=45))
    at_90_days = listed_exports(ddb)
    mock.clock.advance(timedelta(milliseconds=1))
    after = listed_exports(ddb)

    assert at_90_days == [recent, old]
    assert after == [recent]


def test_list_exports_token_still_bound_to_parameters(mock, ddb):
    mock.clock.set(T0)
    for table in TABLES * 2:
        start_export(ddb, table)
    token = ddb.list_exports(MaxResults=1, TableArn=MUSIC)["NextToken"]

    with pytest.raises(ClientError) as excinfo:
        ddb.list_exports(MaxResults=1, NextToken=token)

    assert_error(excinfo, "ValidationException")


def test_list_exports_order_survives_snapshot_and_restore(mock, ddb):
    mock.clock.set(T0)
    arns = [start_export(ddb, TABLES[n % 3])["ExportArn"] for n in range(6)]
    snapshot = mock.snapshot()

    mock.reset()
    mock.restore(snapshot)

    assert listed_exports(ddb) == sorted(arns, key=export_id, reverse=True)


def test_restore_export_with_malformed_id_raises_value_error(mock, ddb):
    start_export(ddb)
    snapshot = mock.snapshot()
    (backend,) = snapshot["backends"]
    backend["state"]["_jobs"][0]["id"] = "not-an-export-id"

    with pytest.raises(ValueError, match="not an export id"):
        mock.restore(snapshot)


@pytest.mark.parametrize(
    "ending",
    [{"status": "FAILED", "failure_code": "S3NoSuchBucket"}, {"status": "CANCELLED"}],
    ids=["no-such-bucket", "cancelled"],
)
def test_describe_import_that_read_nothing_has_no_processed_size(make_client, ending):
    # ScyllaDB: ProcessedSizeBytes is absent until the import has read something, never a zero
    with mock_imports(duration=None) as mock:
        ddb = make_client("dynamodb")
        arn = start_import(ddb)["ImportArn"]
        mock.finish(arn, **ending)
        job = ddb.describe_import(ImportArn=arn)["ImportTableDescription"]

    assert "EndTime" in job
    assert "ProcessedSizeBytes" not in job
