"""CloudTrail Lake ListImportFailures through boto3: the failures of failed imports."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError
from cloudtrail_lake import SOURCE_URI, UNKNOWN_ID, end_import, error_of, get, source, start

from service_support import ACCOUNT, OTHER_ACCOUNT, T0
from tampering import flip

LOG_FILE = re.compile(
    re.escape(f"{SOURCE_URI}/AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/")
    + rf"\d{{4}}/\d{{2}}/\d{{2}}/{ACCOUNT}_CloudTrail_us-east-1_\d{{8}}T\d{{4}}Z_[0-9A-F]{{16}}\.json\.gz"
)


def failures(client, ident, **params):
    return client.list_import_failures(ImportId=ident, **params)["Failures"]


def failed_import(mock, ct, code="AccessDenied", message="Access to the bucket was denied."):
    ident = start(ct)["ImportId"]
    mock.clock.advance(30)
    mock.finish(ident, status="FAILED", failure_code=code, failure_message=message)
    return ident


def test_list_import_failures_of_failed_import(waiting):
    mock, ct = waiting
    ident = failed_import(mock, ct)
    mock.clock.advance(600)

    response = ct.list_import_failures(ImportId=ident)

    (failure,) = response["Failures"]
    assert LOG_FILE.fullmatch(failure["Location"]), failure["Location"]
    assert failure["Location"].startswith(SOURCE_URI + "/")
    assert failure["Status"] == "FAILED"
    assert failure["ErrorType"] == "AccessDenied"
    assert failure["ErrorMessage"] == "Access to the bucket was denied."
    assert failure["LastUpdatedTime"] == T0 + timedelta(seconds=30)
    assert "NextToken" not in response
    assert get(ct, ident)["ImportStatistics"]["FailedEntries"] == 1


def test_list_import_failures_default_failure_of_finish(waiting):
    mock, ct = waiting
    ident = start(ct)["ImportId"]
    mock.finish(ident, status="FAILED")

    (failure,) = failures(ct, ident)

    assert failure["Status"] == "FAILED"
    assert failure["ErrorType"] and failure["ErrorMessage"]


@pytest.mark.parametrize("ending", ["complete", "stop", "run"])
def test_list_import_failures_of_import_without_failures_empty(waiting, ending):
    mock, ct = waiting
    ident = start(ct)["ImportId"]
    end_import(mock, ct, ident, ending)

    response = ct.list_import_failures(ImportId=ident)

    assert response["Failures"] == []
    assert "NextToken" not in response


def test_list_import_failures_of_unknown_import_empty(ct):
    assert failures(ct, UNKNOWN_ID) == []


def test_list_import_failures_retry_then_success(waiting):
    mock, ct = waiting
    ident = failed_import(mock, ct)
    failed = failures(ct, ident)
    mock.clock.advance(60)
    ct.start_import(ImportId=ident)
    retrying = failures(ct, ident)
    mock.clock.advance(60)
    mock.finish(ident)
    succeeded = failures(ct, ident)

    assert [f["Status"] for f in failed + retrying + succeeded] == ["FAILED", "RETRY", "SUCCEEDED"]
    assert retrying[0]["LastUpdatedTime"] == T0 + timedelta(seconds=90)
    assert succeeded[0]["LastUpdatedTime"] == T0 + timedelta(seconds=150)
    assert failed[0]["Location"] == retrying[0]["Location"] == succeeded[0]["Location"]
    assert get(ct, ident)["ImportStatistics"]["FailedEntries"] == 0


def test_list_import_failures_retry_fails_again(waiting):
    mock, ct = waiting
    ident = failed_import(mock, ct, code="AccessDenied", message="first")
    ct.start_import(ImportId=ident)
    mock.clock.advance(30)
    mock.finish(ident, status="FAILED", failure_code="NoSuchBucket", failure_message="second")

    listed = failures(ct, ident)

    assert [(f["ErrorType"], f["ErrorMessage"], f["Status"]) for f in listed] == [
        ("AccessDenied", "first", "FAILED"),
        ("NoSuchBucket", "second", "FAILED"),
    ]
    assert listed[0]["Location"] != listed[1]["Location"]
    assert get(ct, ident)["ImportStatistics"]["FailedEntries"] == 2


def test_list_import_failures_retry_stopped_marks_failure_failed(waiting):
    mock, ct = waiting
    ident = failed_import(mock, ct)
    ct.start_import(ImportId=ident)
    mock.clock.advance(5)
    ct.stop_import(ImportId=ident)

    (failure,) = failures(ct, ident)

    assert failure["Status"] == "FAILED"
    assert failure["LastUpdatedTime"] == T0 + timedelta(seconds=35)


def several_failures(mock, ct, count):
    ident = failed_import(mock, ct, message="attempt 0")
    for attempt in range(1, count):
        ct.start_import(ImportId=ident)
        mock.clock.advance(1)
        mock.finish(ident, status="FAILED", failure_message=f"attempt {attempt}")
    return ident


def test_list_import_failures_paginator_one_per_page(waiting):
    mock, ct = waiting
    ident = several_failures(mock, ct, 4)

    pages = list(
        ct.get_paginator("list_import_failures").paginate(ImportId=ident, PaginationConfig={"PageSize": 1})
    )

    assert [len(page["Failures"]) for page in pages] == [1, 1, 1, 1]
    assert [f["ErrorMessage"] for page in pages for f in page["Failures"]] == [
        f"attempt {n}" for n in range(4)
    ]


def test_list_import_failures_traversal_with_retry_between_pages(waiting):
    mock, ct = waiting
    ident = several_failures(mock, ct, 2)

    first = ct.list_import_failures(ImportId=ident, MaxResults=1)
    ct.start_import(ImportId=ident)
    mock.finish(ident, status="FAILED", failure_message="attempt 2")
    rest = ct.list_import_failures(ImportId=ident, MaxResults=1, NextToken=first["NextToken"])
    last = ct.list_import_failures(ImportId=ident, MaxResults=1, NextToken=rest["NextToken"])

    messages = [f["ErrorMessage"] for page in (first, rest, last) for f in page["Failures"]]
    assert messages == ["attempt 0", "attempt 1", "attempt 2"]
    assert "NextToken" not in last


def test_list_import_failures_token_of_other_import_rejected(waiting):
    mock, ct = waiting
    first = several_failures(mock, ct, 2)
    second = several_failures(mock, ct, 2)
    token = ct.list_import_failures(ImportId=first, MaxResults=1)["NextToken"]

    with pytest.raises(ct.exceptions.InvalidNextTokenException) as excinfo:
        ct.list_import_failures(ImportId=second, MaxResults=1, NextToken=token)

    assert error_of(excinfo)[:2] == ("InvalidNextTokenException", 400)


def test_list_import_failures_tampered_token_rejected(waiting):
    mock, ct = waiting
    ident = several_failures(mock, ct, 3)
    token = ct.list_import_failures(ImportId=ident, MaxResults=1)["NextToken"]

    for index in (0, len(token) // 2, len(token) - 1):
        with pytest.raises(ct.exceptions.InvalidNextTokenException):
            ct.list_import_failures(ImportId=ident, MaxResults=1, NextToken=flip(token, index))


def test_list_import_failures_and_list_imports_tokens_do_not_mix(waiting):
    mock, ct = waiting
    ident = several_failures(mock, ct, 2)
    ct.stop_import(ImportId=start(ct)["ImportId"])
    imports_token = ct.list_imports(MaxResults=1)["NextToken"]
    failures_token = ct.list_import_failures(ImportId=ident, MaxResults=1)["NextToken"]

    with pytest.raises(ct.exceptions.InvalidNextTokenException):
        ct.list_import_failures(ImportId=ident, NextToken=imports_token)
    with pytest.raises(ct.exceptions.InvalidNextTokenException):
        ct.list_imports(NextToken=failures_token)


def test_list_import_failures_not_visible_to_other_account(waiting, make_client):
    mock, ct = waiting
    ident = failed_import(mock, ct)
    other = make_client("cloudtrail", aws_access_key_id=OTHER_ACCOUNT, aws_secret_access_key="x")

    assert failures(other, ident) == []
    assert len(failures(ct, ident)) == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"ImportId": UNKNOWN_ID, "MaxResults": 0}, "maxResults"),
        ({"ImportId": UNKNOWN_ID, "MaxResults": 1001}, "maxResults"),
        ({"ImportId": UNKNOWN_ID, "NextToken": "ab"}, "nextToken"),
        ({"ImportId": "short"}, "importId"),
        ({}, "importId"),
    ],
)
def test_list_import_failures_server_side_validation(mock, make_client, params, field):
    raw = make_client("cloudtrail", validate=False)

    with pytest.raises(ClientError) as excinfo:
        raw.list_import_failures(**params)

    code, status, message = error_of(excinfo)
    assert (code, status) == ("InvalidParameterException", 400)
    assert f"at '{field}'" in message


def test_list_import_failures_location_under_a_source_uri_naming_awslogs(waiting):
    mock, ct = waiting
    uri = "s3://trail-bucket/AWSLogs"
    ident = start(ct, ImportSource=source(uri))["ImportId"]
    mock.finish(ident, status="FAILED", failure_code="AccessDenied", failure_message="Denied")

    (failure,) = ct.list_import_failures(ImportId=ident)["Failures"]

    assert failure["Location"].startswith(f"{uri}/{ACCOUNT}/CloudTrail/us-east-1/"), failure["Location"]
