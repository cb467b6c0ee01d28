"""mock.fail_next and mock.calls: retries, waiters and error paths exercised through boto3."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, WaiterError

from importmock import mock_imports

TABLE = {
    "TableName": "orders",
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "BillingMode": "PAY_PER_REQUEST",
}
KB = "0123abcd-0123-4abc-8def-0123456789ab"


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """botocore's retry and waiter pauses, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr("botocore.endpoint.time.sleep", slept.append)
    return slept


def retrying_client(make_client, attempts: int = 3):
    return make_client("dynamodb", attempts=attempts)


def start_import(client) -> str:
    response = client.import_table(
        S3BucketSource={"S3Bucket": "bucket"}, InputFormat="CSV", TableCreationParameters=TABLE
    )
    return str(response["ImportTableDescription"]["ImportArn"])


def test_fail_next_two_throttles_are_absorbed_by_standard_retries(mock, make_client, sleeps) -> None:
    client = retrying_client(make_client)
    arn = start_import(client)
    mock.fail_next("dynamodb", "DescribeImport", times=2)
    response = client.describe_import(ImportArn=arn)
    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    attempts = [(call.operation, call.error) for call in mock.calls if call.operation == "DescribeImport"]
    assert attempts == [("DescribeImport", "ThrottlingException")] * 2 + [("DescribeImport", None)]
    assert all(call.params == {"ImportArn": arn} for call in mock.calls[1:])
    assert len(sleeps) == 2


def test_fail_next_beyond_the_retry_budget_reaches_the_caller(mock, make_client, sleeps) -> None:
    client = retrying_client(make_client, attempts=2)
    arn = start_import(client)
    mock.fail_next("dynamodb", "DescribeImport", times=5, message="Slow down")
    with pytest.raises(ClientError) as caught:
        client.describe_import(ImportArn=arn)
    assert caught.value.response["Error"] == {"Code": "ThrottlingException", "Message": "Slow down"}
    assert caught.value.response["ResponseMetadata"]["RetryAttempts"] == 1
    with pytest.raises(ClientError):  # attempts 3 and 4 fail too
        client.describe_import(ImportArn=arn)
    assert client.describe_import(ImportArn=arn)["ResponseMetadata"]["RetryAttempts"] == 1
    assert sum(call.error == "ThrottlingException" for call in mock.calls) == 5


def test_fail_next_modeled_code_is_caught_by_its_class_with_the_given_status(mock, make_client) -> None:
    client = make_client("qconnect")
    mock.fail_next("qconnect", "ListImportJobs", code="AccessDeniedException", status=403)
    with pytest.raises(client.exceptions.AccessDeniedException) as caught:
        client.list_import_jobs(knowledgeBaseId=KB)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert client.list_import_jobs(knowledgeBaseId=KB)["importJobSummaries"] == []


def test_fail_next_server_errors_are_retried_too(mock, make_client, sleeps) -> None:
    client = make_client("forecast", attempts=3)
    mock.fail_next("forecast", "ListDatasetImportJobs", code="InternalServerError", status=500)
    assert client.list_dataset_import_jobs()["DatasetImportJobs"] == []
    assert [call.error for call in mock.calls] == ["InternalServerError", None]


@pytest.mark.parametrize(
    ("service", "operation", "kwargs", "message"),
    [
        ("s3", "GetObject", {}, "does not answer"),
        ("dynamodb", "CreateTable", {}, "does not answer"),
        ("dynamodb", "describe_import", {}, "does not answer"),
        ("dynamodb", "DescribeImport", {"times": 0}, "times must be"),
        ("dynamodb", "DescribeImport", {"status": 200}, "status 400..599"),
    ],
)
def test_fail_next_refuses_what_it_cannot_do(mock, service, operation, kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        mock.fail_next(service, operation, **kwargs)


def test_calls_record_every_request_in_order(mock, make_client) -> None:
    ddb, other = make_client("dynamodb"), make_client("dynamodb", region_name="eu-west-1")
    start_import(ddb)
    other.list_exports()
    with pytest.raises(ClientError):
        ddb.describe_export(ExportArn="arn:aws:dynamodb:us-east-1:123456789012:table/t1/export/x")
    assert [(c.service, c.operation, c.region, c.account_id, c.error) for c in mock.calls] == [
        ("dynamodb", "ImportTable", "us-east-1", "123456789012", None),
        ("dynamodb", "ListExports", "eu-west-1", "123456789012", None),
        ("dynamodb", "DescribeExport", "us-east-1", "123456789012", "ValidationException"),
    ]
    assert mock.calls[0].params["TableCreationParameters"]["TableName"] == "orders"


def test_import_completed_waiter_ends_after_the_clock_advances(make_client) -> None:
    with mock_imports(duration=300) as mock:
        client = make_client("dynamodb")
        arn = start_import(client)
        mock.clock.advance(300)
        client.get_waiter("import_completed").wait(ImportArn=arn, WaiterConfig={"Delay": 0, "MaxAttempts": 2})
        assert [c.operation for c in mock.calls] == ["ImportTable", "DescribeImport"]


def test_import_completed_waiter_fails_on_a_failed_import(make_client) -> None:
    with mock_imports(duration=None) as mock:
        client = make_client("dynamodb")
        arn = start_import(client)
        mock.finish(arn, status="FAILED", failure_code="S3NoSuchBucket", failure_message="No such bucket")
        with pytest.raises(WaiterError, match="terminal failure state"):
            client.get_waiter("import_completed").wait(
                ImportArn=arn, WaiterConfig={"Delay": 0, "MaxAttempts": 3}
            )


def test_reset_forgets_jobs_calls_and_faults(mock, make_client) -> None:
    client = make_client("dynamodb")
    start_import(client)
    mock.fail_next("dynamodb", "ListImports")
    mock.reset()
    assert mock.calls == []
    assert client.list_imports()["ImportSummaryList"] == []  # the fault went too
