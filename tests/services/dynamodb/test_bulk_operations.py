"""DynamoDB bulk operations through boto3, without a data plane: StartBulkPutItems,
DescribeBulkOperation, ListBulkOperations, CancelBulkOperation."""

from __future__ import annotations

import re
from datetime import timedelta

import boto3
import pytest
from botocore.exceptions import ClientError, WaiterError

from families import bulk_operation_arn, bulk_put_request
from importmock import mock_imports
from service_support import (
    ACCOUNT,
    OTHER_ACCOUNT,
    T0,
    assert_error,
    assert_names_field,
    check_shape,
    epoch_ms,
)
from tampering import flip

pytestmark = pytest.mark.requires_model(
    "dynamodb", "StartBulkPutItems", "DescribeBulkOperation", "ListBulkOperations", "CancelBulkOperation"
)
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
COUNTERS = ("ProcessedItemCount", "FailedItemCount", "ProcessedInputBytes", "TotalInputBytes")
UNKNOWN_ARN = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders/bulk-operation/01700000000000-0123abcd"


def describe(client, arn):
    return client.describe_bulk_operation(BulkOperationArn=arn)["BulkOperationDescription"]


def listed(client, **params):
    return [s["BulkOperationArn"] for s in client.list_bulk_operations(**params)["BulkOperationsSummaryList"]]


@pytest.fixture
def slow():
    """A mock whose bulk operations take 100 seconds of mock-clock time."""
    with mock_imports(durations={"dynamodb:bulk-operation": 100}) as started:
        yield started


@pytest.fixture
def slow_ddb(slow, make_client):
    return make_client("dynamodb")


# life cycle


def test_start_bulk_put_items_returns_in_progress_description(mock, ddb):
    mock.clock.set(T0)
    request = bulk_put_request("orders", ClientToken="token-1", MaxWriteRequestUnits=2048)
    job = ddb.start_bulk_put_items(**request)["BulkOperationDescription"]

    prefix = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders/bulk-operation/"
    assert re.fullmatch(re.escape(prefix) + rf"{epoch_ms(T0):014d}-[0-9a-f]{{8}}", job["BulkOperationArn"])
    assert job["BulkOperationStatus"] == "IN_PROGRESS"
    assert job["StartTime"] == T0 and "EndTime" not in job
    assert job["TableDetails"][0]["TableName"] == "orders"
    assert re.fullmatch(UUID, job["TableDetails"][0]["TableId"])
    assert job["ClientToken"] == "token-1"
    assert job["InputS3Configuration"] == request["InputS3Configuration"]
    assert job["OutputS3Configuration"] == request["OutputS3Configuration"]
    assert (job["MaxWriteRequestUnits"], job["PerformanceTier"]) == (2048, "STANDARD")
    assert not set(COUNTERS) & set(job) and "BulkOperationUsage" not in job


def test_bulk_operation_runs_on_the_clock_and_invents_no_counts(slow, slow_ddb):
    slow.clock.set(T0)
    arn = bulk_operation_arn(slow_ddb)
    slow.clock.advance(99)
    running = describe(slow_ddb, arn)
    slow.clock.advance(1)
    done = describe(slow_ddb, arn)

    assert running["BulkOperationStatus"] == "IN_PROGRESS" and "EndTime" not in running
    assert done["BulkOperationStatus"] == "COMPLETED"
    assert done["EndTime"] == T0 + timedelta(seconds=100)
    assert not set(COUNTERS) & set(done)
    assert not {"BulkOperationUsage", "FailureCode", "FailureMessage"} & set(done)


def test_start_bulk_put_items_accepts_a_table_arn_of_the_caller(ddb):
    table = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders"
    job = ddb.start_bulk_put_items(**bulk_put_request(table))["BulkOperationDescription"]

    assert job["BulkOperationArn"].startswith(f"{table}/bulk-operation/")
    assert job["TableDetails"][0]["TableName"] == "orders"


def test_describe_bulk_operation_unknown_arn_is_resource_not_found(ddb):
    with pytest.raises(ddb.exceptions.ResourceNotFoundException) as excinfo:
        describe(ddb, UNKNOWN_ARN)
    assert_error(excinfo, "ResourceNotFoundException")


def test_describe_bulk_operation_of_another_account_is_access_denied(ddb):
    with pytest.raises(ClientError) as excinfo:
        describe(ddb, UNKNOWN_ARN.replace(ACCOUNT, OTHER_ACCOUNT))
    assert_error(excinfo, "AccessDeniedException")


# the waiter


def test_bulk_operation_completed_waiter_ends_with_the_operation():
    with mock_imports(durations={"dynamodb:bulk-operation": 600}, sleep="advance") as mock:
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        mock.clock.set(T0)
        arn = bulk_operation_arn(ddb)

        ddb.get_waiter("bulk_operation_completed").wait(BulkOperationArn=arn)

        assert mock.clock.now() == T0 + timedelta(seconds=600)  # the model's 20 s delays, 30 of them
        assert describe(ddb, arn)["BulkOperationStatus"] == "COMPLETED"


@pytest.mark.parametrize("status", ["COMPLETED", "COMPLETED_WITH_ERRORS"])
def test_bulk_operation_completed_waiter_succeeds_on_completed_statuses(status):
    with mock_imports(duration=None) as mock:
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        arn = bulk_operation_arn(ddb)
        mock.finish(arn, status=status)

        ddb.get_waiter("bulk_operation_completed").wait(BulkOperationArn=arn)


@pytest.mark.parametrize("status", ["CANCELLED", "FAILED"])
def test_bulk_operation_completed_waiter_fails_on_cancelled_and_failed(status):
    with mock_imports(duration=None) as mock:
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        arn = bulk_operation_arn(ddb)
        mock.finish(arn, status=status)

        with pytest.raises(WaiterError, match=status):
            ddb.get_waiter("bulk_operation_completed").wait(BulkOperationArn=arn)


# CancelBulkOperation


def test_cancel_bulk_operation_answers_cancelling_then_cancelled(slow, slow_ddb):
    slow.clock.set(T0)
    arn = bulk_operation_arn(slow_ddb)
    slow.clock.advance(30)

    answer = slow_ddb.cancel_bulk_operation(BulkOperationArn=arn)
    slow.clock.advance(100)
    job = describe(slow_ddb, arn)

    assert (answer["BulkOperationArn"], answer["BulkOperationStatus"]) == (arn, "CANCELLING")
    assert job["BulkOperationStatus"] == "CANCELLED"
    assert job["EndTime"] == T0 + timedelta(seconds=30)
    assert not set(COUNTERS) & set(job)
    assert listed(slow_ddb) == [arn]


def test_cancel_bulk_operation_that_ended_is_refused(mock, ddb):
    arn = bulk_operation_arn(ddb)  # duration 0: completed at the next read

    with pytest.raises(ClientError) as excinfo:
        ddb.cancel_bulk_operation(BulkOperationArn=arn)

    assert_error(excinfo, "ValidationException")
    assert "COMPLETED" in excinfo.value.response["Error"]["Message"]
    assert describe(ddb, arn)["BulkOperationStatus"] == "COMPLETED"


def test_cancel_bulk_operation_twice_is_refused(slow, slow_ddb):
    arn = bulk_operation_arn(slow_ddb)
    slow_ddb.cancel_bulk_operation(BulkOperationArn=arn)

    with pytest.raises(ClientError) as excinfo:
        slow_ddb.cancel_bulk_operation(BulkOperationArn=arn)
    assert_error(excinfo, "ValidationException")


def test_cancel_bulk_operation_unknown_arn_is_resource_not_found(ddb):
    with pytest.raises(ddb.exceptions.ResourceNotFoundException):
        ddb.cancel_bulk_operation(BulkOperationArn=UNKNOWN_ARN)


# mock.finish


def test_finish_failed_shows_the_default_failure(slow, slow_ddb):
    arn = bulk_operation_arn(slow_ddb)
    slow.finish(arn, status="FAILED")

    job = describe(slow_ddb, arn)
    assert (job["BulkOperationStatus"], job["FailureCode"]) == ("FAILED", "InternalServerError")
    assert job["FailureMessage"] == "An internal error occurred during the bulk operation."


def test_finish_cancelled_with_a_code_shows_it(slow, slow_ddb):
    arn = bulk_operation_arn(slow_ddb)
    slow.finish(arn, status="CANCELLED", failure_code="UserCancelled", failure_message="stopped")

    job = describe(slow_ddb, arn)
    assert (job["BulkOperationStatus"], job["FailureCode"], job["FailureMessage"]) == (
        "CANCELLED",
        "UserCancelled",
        "stopped",
    )


def test_finish_completed_with_errors_shows_no_failure_and_refuses_a_code(slow, slow_ddb):
    first, second = bulk_operation_arn(slow_ddb), bulk_operation_arn(slow_ddb)
    slow.finish(first, status="COMPLETED_WITH_ERRORS")
    with pytest.raises(ValueError, match="need a failed status"):
        slow.finish(second, status="COMPLETED_WITH_ERRORS", failure_code="X")

    job = describe(slow_ddb, first)
    assert job["BulkOperationStatus"] == "COMPLETED_WITH_ERRORS"
    assert not {"FailureCode", "FailureMessage", *COUNTERS} & set(job)


def test_finish_refuses_a_status_the_family_lacks(slow, slow_ddb):
    arn = bulk_operation_arn(slow_ddb)
    with pytest.raises(ValueError, match="COMPLETED_WITH_ERRORS"):
        slow.finish(arn, status="CANCELLING")


# idempotency


def test_start_bulk_put_items_same_token_and_request_returns_the_same_operation(slow, slow_ddb):
    request = bulk_put_request("orders", ClientToken="same")
    first = slow_ddb.start_bulk_put_items(**request)["BulkOperationDescription"]
    slow.clock.advance(200)
    again = slow_ddb.start_bulk_put_items(**request)["BulkOperationDescription"]

    assert again["BulkOperationArn"] == first["BulkOperationArn"]
    assert again["BulkOperationStatus"] == "COMPLETED"
    assert len(listed(slow_ddb)) == 1


def test_start_bulk_put_items_same_token_other_request_is_a_mismatch(ddb):
    ddb.start_bulk_put_items(**bulk_put_request("orders", ClientToken="same"))

    with pytest.raises(ddb.exceptions.IdempotentParameterMismatchException) as excinfo:
        ddb.start_bulk_put_items(
            **bulk_put_request("orders", ClientToken="same", PerformanceTier="ACCELERATED")
        )
    assert_error(excinfo, "IdempotentParameterMismatchException")


def test_start_bulk_put_items_token_is_forgotten_after_eight_hours(mock, ddb):
    request = bulk_put_request("orders", ClientToken="same")
    first = ddb.start_bulk_put_items(**request)["BulkOperationDescription"]["BulkOperationArn"]
    mock.clock.advance(timedelta(hours=8))
    second = ddb.start_bulk_put_items(**{**request, "TableName": "other"})["BulkOperationDescription"]

    assert second["BulkOperationArn"] != first


# ListBulkOperations


def test_list_bulk_operations_pages_newest_first_without_repeats(mock, ddb):
    made = []
    for n in range(7):
        made.append(bulk_operation_arn(ddb, f"table-{n}"))
        mock.clock.advance(1)
    pages = list(ddb.get_paginator("list_bulk_operations").paginate(PaginationConfig={"PageSize": 3}))

    assert [len(p["BulkOperationsSummaryList"]) for p in pages] == [3, 3, 1]
    assert [s["BulkOperationArn"] for p in pages for s in p["BulkOperationsSummaryList"]] == made[::-1]
    assert all(re.fullmatch(r"([0-9a-f]{16})+", p["NextToken"]) for p in pages[:-1])


def test_list_bulk_operations_default_page_is_ten(ddb):
    for n in range(11):
        bulk_operation_arn(ddb, f"table-{n}")
    page = ddb.list_bulk_operations()

    assert len(page["BulkOperationsSummaryList"]) == 10 and "NextToken" in page


def test_list_bulk_operations_shows_statuses_and_end_times(slow, slow_ddb):
    slow.clock.set(T0)
    running, cancelled = bulk_operation_arn(slow_ddb, "alpha"), bulk_operation_arn(slow_ddb, "beta")
    slow.clock.advance(5)
    slow_ddb.cancel_bulk_operation(BulkOperationArn=cancelled)
    summaries = {
        s["BulkOperationArn"]: s for s in slow_ddb.list_bulk_operations()["BulkOperationsSummaryList"]
    }

    assert summaries[running]["BulkOperationStatus"] == "IN_PROGRESS" and "EndTime" not in summaries[running]
    assert summaries[cancelled]["BulkOperationStatus"] == "CANCELLED"
    assert summaries[cancelled]["EndTime"] == T0 + timedelta(seconds=5)


def test_list_bulk_operations_keeps_ninety_days(mock, ddb):
    old = bulk_operation_arn(ddb, "old")
    mock.clock.advance(timedelta(days=89))
    new = bulk_operation_arn(ddb, "new")
    assert listed(ddb) == [new, old]
    mock.clock.advance(timedelta(days=2))

    assert listed(ddb) == [new]
    assert describe(ddb, old)["BulkOperationStatus"] == "COMPLETED"


def test_list_bulk_operations_tampered_token_is_refused(ddb):
    for n in range(3):
        bulk_operation_arn(ddb, f"table-{n}")
    token = ddb.list_bulk_operations(MaxResults=1)["NextToken"]

    with pytest.raises(ClientError) as excinfo:
        ddb.list_bulk_operations(MaxResults=1, NextToken=flip(token, 5))
    assert_error(excinfo, "ValidationException")


def test_list_bulk_operations_token_of_another_account_is_refused(mock, make_client):
    ddb = make_client("dynamodb")
    other = make_client("dynamodb", aws_access_key_id=OTHER_ACCOUNT, aws_secret_access_key="x")
    for n in range(3):
        bulk_operation_arn(other, f"table-{n}")
    token = other.list_bulk_operations(MaxResults=1)["NextToken"]

    with pytest.raises(ClientError) as excinfo:
        ddb.list_bulk_operations(MaxResults=1, NextToken=token)
    assert_error(excinfo, "ValidationException")


# isolation


def test_bulk_operations_are_kept_per_account_and_region(mock, make_client):
    home = make_client("dynamodb")
    other_account = make_client("dynamodb", aws_access_key_id=OTHER_ACCOUNT, aws_secret_access_key="x")
    other_region = make_client("dynamodb", region_name="eu-west-1")
    arn = bulk_operation_arn(home)
    elsewhere = bulk_operation_arn(other_region)

    assert listed(home) == [arn]
    assert listed(other_account) == []
    assert listed(other_region) == [elsewhere]
    assert elsewhere.startswith(f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:")
    with pytest.raises(ClientError) as denied:
        describe(other_account, arn)
    with pytest.raises(ClientError) as missing:
        describe(other_region, arn)
    assert_error(denied, "AccessDeniedException")
    assert_error(missing, "ResourceNotFoundException")


def test_bulk_operation_arns_carry_the_partition(mock, make_client):
    china = make_client("dynamodb", region_name="cn-north-1")
    assert bulk_operation_arn(china).startswith(f"arn:aws-cn:dynamodb:cn-north-1:{ACCOUNT}:table/orders/")


# validation (a client that skips botocore's checks: the mock validates)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"MaxWriteRequestUnits": 10}, "maxWriteRequestUnits"),
        ({"TableName": ""}, "tableName"),
        ({"TableName": "ab"}, "tableName"),
        ({"PerformanceTier": "FAST"}, "performanceTier"),
        ({"ClientToken": "a$b"}, "clientToken"),
        ({"InputS3Configuration": {"S3Bucket": "bulk-input", "InputFormat": "CSV"}}, "inputFormat"),
        ({"InputS3Configuration": {"InputFormat": "ION"}}, "s3Bucket"),
        ({"OutputS3Configuration": {"OutputType": ["ERROR"]}}, "s3Bucket"),
        ({"OutputS3Configuration": {"S3Bucket": "out", "OutputType": ["ALL"]}}, "outputType"),
    ],
)
def test_start_bulk_put_items_refuses_invalid_members(raw, change, field):
    with pytest.raises(ClientError) as excinfo:
        raw.start_bulk_put_items(**bulk_put_request("orders") | change)
    assert_error(excinfo, "ValidationException")
    assert_names_field(excinfo, field)


@pytest.mark.parametrize(
    "output",
    [
        {"S3Bucket": "out", "OutputType": []},
        {"S3Bucket": "out", "OutputType": ["ERROR"], "S3SseAlgorithm": "AES256", "S3SseKmsKeyId": "key"},
    ],
)
def test_start_bulk_put_items_refuses_inconsistent_output(raw, output):
    with pytest.raises(ClientError) as excinfo:
        raw.start_bulk_put_items(**bulk_put_request("orders", OutputS3Configuration=output))
    assert_error(excinfo, "ValidationException")


@pytest.mark.parametrize(
    ("table", "code"),
    [
        (f"arn:aws:dynamodb:us-east-1:{OTHER_ACCOUNT}:table/orders", "AccessDeniedException"),
        (f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/orders", "ResourceNotFoundException"),
        (f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders/index/byDate", "ValidationException"),
    ],
)
def test_start_bulk_put_items_refuses_table_arns_not_of_the_caller(ddb, table, code):
    with pytest.raises(ClientError) as excinfo:
        ddb.start_bulk_put_items(**bulk_put_request(table))
    assert_error(excinfo, code)
    assert listed(ddb) == []


def test_list_bulk_operations_refuses_a_page_over_25(raw):
    with pytest.raises(ClientError) as excinfo:
        raw.list_bulk_operations(MaxResults=26)
    assert_error(excinfo, "ValidationException")
    assert_names_field(excinfo, "maxResults")


# snapshots


def test_snapshot_restores_bulk_operations_and_their_tokens(slow, slow_ddb):
    slow.clock.set(T0)
    done = bulk_operation_arn(slow_ddb, "alpha", ClientToken="kept")
    slow.clock.advance(100)
    running = bulk_operation_arn(slow_ddb, "beta")
    snapshot = slow.snapshot()

    with mock_imports(state=snapshot, durations={"dynamodb:bulk-operation": 100}) as restored:
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        again = ddb.start_bulk_put_items(**bulk_put_request("alpha", ClientToken="kept"))
        restored.clock.advance(100)

        assert again["BulkOperationDescription"]["BulkOperationArn"] == done
        assert listed(ddb) == [running, done]
        assert describe(ddb, running)["BulkOperationStatus"] == "COMPLETED"
        check_shape(ddb.meta.service_model.operation_model("StartBulkPutItems"), again)


def test_snapshot_with_a_request_the_operation_would_refuse_is_refused(mock, ddb):
    bulk_operation_arn(ddb)
    snapshot = mock.snapshot()
    entry = next(b for b in snapshot["backends"] if b["backend"].endswith(":BulkOperations"))
    entry["state"]["_jobs"][0]["request"]["InputS3Configuration"]["InputFormat"] = "CSV"

    with pytest.raises(ValueError, match="StartBulkPutItems"):
        mock_imports(state=snapshot).start()
