"""Forecast dataset import jobs through boto3: create, describe, the life cycle, stop and delete."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError
from forecast_support import SALES, UNKNOWN, WAITING

from importmock import mock_imports
from service_support import ACCOUNT, OTHER_ACCOUNT, T0, raw_json_call

FAMILY = "forecast:dataset-import-job"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ForecastRole"
JOB_PREFIX = f"arn:aws:forecast:us-east-1:{ACCOUNT}:dataset-import-job/"
SLOW = pytest.mark.importmock(durations={FAMILY: 60})
OPTIONAL = ("TimeZone", "UseGeolocationForTimeZone", "GeolocationFormat", "Message")


def request(name="import1", dataset_arn=SALES, role=ROLE, **overrides):
    body = {
        "DatasetImportJobName": name,
        "DatasetArn": dataset_arn,
        "DataSource": {"S3Config": {"Path": "s3://forecast-data/sales/", "RoleArn": role}},
    }
    body.update(overrides)
    return body


def describe(client, arn):
    response = client.describe_dataset_import_job(DatasetImportJobArn=arn)
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def error_of(call, *args, **kwargs):
    """The (code, message) of the ClientError `call` raises, checking the HTTP status is 400."""
    with pytest.raises(ClientError) as excinfo:
        call(*args, **kwargs)
    response = excinfo.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return response["Error"]["Code"], response["Error"]["Message"]


# CreateDatasetImportJob


def test_create_dataset_import_job_returns_only_the_arn(fc):
    response = fc.create_dataset_import_job(**request())

    assert set(response) - {"ResponseMetadata"} == {"DatasetImportJobArn"}
    assert response["DatasetImportJobArn"] == f"{JOB_PREFIX}sales/import1"


@pytest.mark.parametrize(
    ("region", "partition"),
    [("us-east-1", "aws"), ("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")],
)
def test_create_dataset_import_job_arn_carries_partition_and_region(make_client, new_job, region, partition):
    arn = new_job(client=make_client("forecast", region_name=region))

    assert arn == f"arn:{partition}:forecast:{region}:{ACCOUNT}:dataset-import-job/sales/import1"


def test_create_dataset_import_job_account_from_twelve_digit_access_key(make_client, new_job):
    client = make_client("forecast", aws_access_key_id=OTHER_ACCOUNT, aws_secret_access_key="secret")

    arn = new_job(client=client, account=OTHER_ACCOUNT)

    assert arn.startswith(f"arn:aws:forecast:us-east-1:{OTHER_ACCOUNT}:dataset-import-job/")


def test_create_dataset_import_job_account_from_account_id_option(make_client):
    with mock_imports(account_id="444455556666"):
        client = make_client("forecast")
        body = request(
            dataset_arn="arn:aws:forecast:us-east-1:444455556666:dataset/sales",
            role="arn:aws:iam::444455556666:role/ForecastRole",
        )
        arn = client.create_dataset_import_job(**body)["DatasetImportJobArn"]

    assert arn == "arn:aws:forecast:us-east-1:444455556666:dataset-import-job/sales/import1"


def test_create_dataset_import_job_same_name_same_dataset_already_exists(fc, new_job):
    new_job("daily")

    with pytest.raises(fc.exceptions.ResourceAlreadyExistsException) as excinfo:
        new_job("daily")

    assert f"{JOB_PREFIX}sales/daily" in excinfo.value.response["Error"]["Message"]


def test_create_dataset_import_job_same_name_other_dataset_accepted(new_job):
    first = new_job("daily", dataset="sales")
    second = new_job("daily", dataset="prices")

    assert (first, second) == (f"{JOB_PREFIX}sales/daily", f"{JOB_PREFIX}prices/daily")


@pytest.mark.parametrize(
    "client_kwargs",
    [{"region_name": "eu-west-1"}, {"aws_access_key_id": OTHER_ACCOUNT, "aws_secret_access_key": "x"}],
    ids=["other-region", "other-account"],
)
def test_create_dataset_import_job_same_name_elsewhere_accepted(make_client, new_job, client_kwargs):
    mine = new_job("daily")
    account = client_kwargs.get("aws_access_key_id", ACCOUNT)

    theirs = new_job("daily", client=make_client("forecast", **client_kwargs), account=account)

    assert theirs != mine and theirs.endswith("dataset-import-job/sales/daily")


@pytest.mark.parametrize(
    "dataset_arn",
    [
        f"arn:aws:forecast:eu-west-1:{ACCOUNT}:dataset/sales",
        f"arn:aws:forecast:us-east-1:{OTHER_ACCOUNT}:dataset/sales",
        f"arn:aws-cn:forecast:us-east-1:{ACCOUNT}:dataset/sales",
    ],
    ids=["other-region", "other-account", "other-partition"],
)
def test_create_dataset_import_job_dataset_out_of_reach_not_found(fc, dataset_arn):
    with pytest.raises(fc.exceptions.ResourceNotFoundException) as excinfo:
        fc.create_dataset_import_job(**request(dataset_arn=dataset_arn))

    assert dataset_arn in excinfo.value.response["Error"]["Message"]
    assert fc.list_dataset_import_jobs()["DatasetImportJobs"] == []


@pytest.mark.parametrize(
    "dataset_arn",
    [
        "sales",
        f"arn:aws:s3:us-east-1:{ACCOUNT}:dataset/sales",
        f"arn:aws:forecast:us-east-1:{ACCOUNT}:dataset-group/sales",
        f"arn:aws:forecast:us-east-1:{ACCOUNT}:dataset/1sales",
        f"arn:aws:forecast:us-east-1:{ACCOUNT}:dataset/sales-2024",
        f"arn:aws:forecast:us-east-1:{ACCOUNT}:dataset/sales/extra",
        f"arn:aws:forecast:us-east-1:{ACCOUNT}:dataset/{'s' * 64}",
    ],
    ids=["not-arn", "other-service", "dataset-group", "digit-first", "hyphen", "extra-part", "long-name"],
)
def test_create_dataset_import_job_malformed_dataset_arn_rejected(raw, dataset_arn):
    code, message = error_of(raw.create_dataset_import_job, **request(dataset_arn=dataset_arn))

    assert code == "InvalidInputException"
    assert "datasetArn" in message


def test_create_dataset_import_job_model_pattern_applied_to_dataset_arn(raw):
    code, message = error_of(raw.create_dataset_import_job, **request(dataset_arn="sales"))

    pattern = raw.meta.service_model.shape_for("Arn").metadata["pattern"]
    assert code == "InvalidInputException"
    assert message == (
        "1 validation error detected: Value 'sales' at 'datasetArn' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {pattern}"
    )


def test_create_dataset_import_job_accepts_iam_role_outside_model_arn_pattern(fc):
    # the model gives RoleArn the forecast-only Arn pattern; AWS takes IAM role ARNs
    pattern = fc.meta.service_model.shape_for("Arn").metadata["pattern"]
    assert re.fullmatch(pattern, ROLE) is None

    arn = fc.create_dataset_import_job(**request(role=ROLE))["DatasetImportJobArn"]

    assert describe(fc, arn)["DataSource"]["S3Config"]["RoleArn"] == ROLE


@pytest.mark.parametrize(
    "role",
    [
        f"arn:aws:iam::{OTHER_ACCOUNT}:role/ForecastRole",
        f"arn:aws-cn:iam::{ACCOUNT}:role/ForecastRole",
        f"arn:aws:iam::{ACCOUNT}:user/forecaster",
        "arn:aws:s3:::forecast-data",
        "ForecastRole",
    ],
    ids=["other-account", "other-partition", "user", "bucket", "bare-name"],
)
def test_create_dataset_import_job_role_not_of_caller_rejected(fc, role):
    with pytest.raises(fc.exceptions.InvalidInputException):
        fc.create_dataset_import_job(**request(role=role))

    assert fc.list_dataset_import_jobs()["DatasetImportJobs"] == []


@pytest.mark.parametrize(
    "name", ["1import", "import-1", "a" * 64, ""], ids=["digit", "hyphen", "long", "empty"]
)
def test_create_dataset_import_job_invalid_name_rejected(raw, name):
    code, message = error_of(raw.create_dataset_import_job, **request(name=name))

    assert code == "InvalidInputException"
    assert "'datasetImportJobName'" in message


@pytest.mark.parametrize("name", ["a", "a" * 63, "Import_2024_05_06"])
def test_create_dataset_import_job_name_at_limits_accepted(fc, name):
    arn = fc.create_dataset_import_job(**request(name=name))["DatasetImportJobArn"]

    assert arn == f"{JOB_PREFIX}sales/{name}"


@pytest.mark.parametrize(
    "path",
    [
        ("DatasetImportJobName",),
        ("DatasetArn",),
        ("DataSource",),
        ("DataSource", "S3Config"),
        ("DataSource", "S3Config", "Path"),
        ("DataSource", "S3Config", "RoleArn"),
    ],
    ids="/".join,
)
def test_create_dataset_import_job_missing_required_member_rejected(raw, path):
    body = request()
    *parents, leaf = path
    holder = body
    for parent in parents:
        holder = holder[parent]
    del holder[leaf]

    code, message = error_of(raw.create_dataset_import_job, **body)

    assert code == "InvalidInputException"
    assert f"{leaf[0].lower()}{leaf[1:]}' failed to satisfy constraint: Member must not be null" in message


@pytest.mark.parametrize(
    ("member", "value", "wire_name"),
    [
        ("ImportMode", "PARTIAL", "importMode"),
        ("Format", "JSON", "format"),
        ("TimestampFormat", "yyyy/MM/dd;", "timestampFormat"),
        ("GeolocationFormat", "LAT-LONG", "geolocationFormat"),
    ],
)
def test_create_dataset_import_job_invalid_option_rejected(raw, member, value, wire_name):
    code, message = error_of(raw.create_dataset_import_job, **request(**{member: value}))

    assert code == "InvalidInputException"
    assert f"'{wire_name}'" in message


@pytest.mark.parametrize(
    ("s3_config", "wire_name"),
    [
        ({"Path": "https://forecast-data/sales.csv"}, "path"),
        ({"Path": "s3://"}, "path"),
        ({"KMSKeyArn": "arn:aws:s3:::key"}, "kMSKeyArn"),
    ],
    ids=["not-s3", "too-short", "kms-key"],
)
def test_create_dataset_import_job_invalid_s3_config_rejected(raw, s3_config, wire_name):
    body = request()
    body["DataSource"]["S3Config"].update(s3_config)

    code, message = error_of(raw.create_dataset_import_job, **body)

    assert code == "InvalidInputException"
    assert f"dataSource.s3Config.{wire_name}'" in message


def test_create_dataset_import_job_wrong_json_type_is_serialization_error(raw):
    code, _ = error_of(raw.create_dataset_import_job, **request(UseGeolocationForTimeZone="yes"))

    assert code == "SerializationException"


@pytest.mark.parametrize(
    "body",
    [
        {"DatasetImportJobName": ["x"], "DatasetArn": SALES, "DataSource": {"S3Config": {}}},
        {"DatasetImportJobName": "x", "DatasetArn": SALES, "DataSource": "s3://bucket"},
        {"DatasetImportJobName": "x", "DatasetArn": SALES, "DataSource": {"S3Config": None}, "Tags": {}},
        {"DatasetImportJobName": "x", "DatasetArn": 7, "DataSource": None},
    ],
)
def test_create_dataset_import_job_odd_bodies_get_aws_errors(importmock, body):
    status, document = raw_json_call(importmock, "forecast", "AmazonForecast.CreateDatasetImportJob", body)

    assert status == 400
    assert document["__type"].split("#")[1] in {
        "SerializationException",
        "InvalidInputException",
    }


# DescribeDatasetImportJob


def test_describe_dataset_import_job_echoes_request_and_defaults(fc, new_job):
    arn = new_job("daily")

    job = describe(fc, arn)

    assert job["DatasetImportJobArn"] == arn
    assert job["DatasetImportJobName"] == "daily"
    assert job["DatasetArn"] == SALES
    assert job["DataSource"] == {"S3Config": {"Path": "s3://forecast-data/sales/", "RoleArn": ROLE}}
    assert (job["TimestampFormat"], job["Format"], job["ImportMode"]) == (
        "yyyy-MM-dd HH:mm:ss",
        "CSV",
        "FULL",
    )
    assert not set(OPTIONAL) & set(job)


def test_describe_dataset_import_job_echoes_every_option(fc):
    options = {
        "TimestampFormat": "yyyy-MM-dd",
        "TimeZone": "Europe/Paris",
        "UseGeolocationForTimeZone": False,
        "GeolocationFormat": "LAT_LONG",
        "Format": "PARQUET",
        "ImportMode": "INCREMENTAL",
    }
    body = request(**options)
    body["DataSource"]["S3Config"]["KMSKeyArn"] = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd"
    arn = fc.create_dataset_import_job(**body)["DatasetImportJobArn"]

    job = describe(fc, arn)

    assert {k: job[k] for k in options} == options
    assert job["DataSource"] == body["DataSource"]


def test_describe_dataset_import_job_unknown_arn_not_found(fc, new_job):
    new_job("daily")

    with pytest.raises(fc.exceptions.ResourceNotFoundException) as excinfo:
        describe(fc, UNKNOWN)

    assert UNKNOWN in excinfo.value.response["Error"]["Message"]


@pytest.mark.parametrize(
    "client_kwargs",
    [{"region_name": "eu-west-1"}, {"aws_access_key_id": OTHER_ACCOUNT, "aws_secret_access_key": "x"}],
    ids=["other-region", "other-account"],
)
def test_describe_dataset_import_job_not_visible_elsewhere(make_client, new_job, client_kwargs):
    arn = new_job()
    other = make_client("forecast", **client_kwargs)

    with pytest.raises(other.exceptions.ResourceNotFoundException):
        describe(other, arn)


@pytest.mark.parametrize(
    "arn",
    [SALES, f"arn:aws:forecast:us-east-1:{ACCOUNT}:predictor/p1", f"{JOB_PREFIX}sales", "import1"],
    ids=["dataset", "predictor", "no-job-name", "not-arn"],
)
def test_describe_dataset_import_job_arn_of_other_kind_rejected(raw, arn):
    code, message = error_of(raw.describe_dataset_import_job, DatasetImportJobArn=arn)

    assert code == "InvalidInputException"
    assert "datasetImportJobArn" in message


def test_describe_dataset_import_job_missing_arn_rejected(raw):
    code, message = error_of(raw.describe_dataset_import_job)

    assert code == "InvalidInputException"
    assert "'datasetImportJobArn' failed to satisfy constraint: Member must not be null" in message


# the life cycle on the mock clock


def test_describe_dataset_import_job_active_at_once_by_default(importmock, fc, new_job):
    importmock.clock.set(T0)
    job = describe(fc, new_job())

    assert job["Status"] == "ACTIVE"
    assert job["CreationTime"] == job["LastModificationTime"] == T0
    assert job["DataSize"] > 0
    assert set(job["FieldStatistics"]) == {"item_id", "timestamp", "target_value"}
    assert "EstimatedTimeRemainingInMinutes" not in job


@SLOW
def test_describe_dataset_import_job_pending_at_creation_instant(importmock, fc, new_job):
    importmock.clock.set(T0)
    job = describe(fc, new_job())

    assert job["Status"] == "CREATE_PENDING"
    assert job["CreationTime"] == job["LastModificationTime"] == T0
    assert job["EstimatedTimeRemainingInMinutes"] == 1
    assert not {"DataSize", "FieldStatistics", "Message"} & set(job)


@SLOW
def test_describe_dataset_import_job_in_progress_shows_current_time(importmock, fc, new_job):
    importmock.clock.set(T0)
    arn = new_job()
    importmock.clock.advance(0.001)
    early = describe(fc, arn)
    importmock.clock.advance(59.998)
    late = describe(fc, arn)

    assert early["Status"] == late["Status"] == "CREATE_IN_PROGRESS"
    assert early["LastModificationTime"] == T0 + timedelta(milliseconds=1)
    assert late["LastModificationTime"] == T0 + timedelta(milliseconds=59_999)
    assert early["CreationTime"] == late["CreationTime"] == T0
    assert early["EstimatedTimeRemainingInMinutes"] == late["EstimatedTimeRemainingInMinutes"] == 1
    assert late["DataSize"] > 0 and "FieldStatistics" not in late


@SLOW
def test_describe_dataset_import_job_active_once_duration_passes(importmock, fc, new_job):
    importmock.clock.set(T0)
    arn = new_job()
    importmock.clock.advance(60)
    at_end = describe(fc, arn)
    importmock.clock.advance(3600)
    later = describe(fc, arn)

    assert at_end["Status"] == "ACTIVE"
    assert at_end["LastModificationTime"] == T0 + timedelta(seconds=60)
    assert "EstimatedTimeRemainingInMinutes" not in at_end
    assert later == at_end


@pytest.mark.importmock(durations={FAMILY: 3600})
def test_describe_dataset_import_job_estimate_counts_down_in_minutes(importmock, fc, new_job):
    arn = new_job()
    estimates = []
    for seconds in (1, 59, 1, 3538):
        importmock.clock.advance(seconds)
        estimates.append(describe(fc, arn)["EstimatedTimeRemainingInMinutes"])

    assert estimates == [60, 59, 59, 1]


def test_describe_dataset_import_job_duration_none_waits_for_finish(make_client):
    with mock_imports(duration=None) as mock:
        fc = make_client("forecast")
        mock.clock.set(T0)
        arn = fc.create_dataset_import_job(**request())["DatasetImportJobArn"]
        pending = describe(fc, arn)
        mock.clock.advance(timedelta(days=2))
        running = describe(fc, arn)
        mock.finish(arn)
        mock.clock.advance(5)
        done = describe(fc, arn)

    assert (pending["Status"], running["Status"], done["Status"]) == (
        "CREATE_PENDING",
        "CREATE_IN_PROGRESS",
        "ACTIVE",
    )
    assert "EstimatedTimeRemainingInMinutes" not in running
    assert done["LastModificationTime"] == T0 + timedelta(days=2)


@WAITING
def test_finish_create_failed_shows_message(importmock, fc, new_job):
    importmock.clock.set(T0)
    arn = new_job()
    importmock.clock.advance(30)
    importmock.finish(arn, status="CREATE_FAILED", failure_message="Access denied to s3://forecast-data")
    importmock.clock.advance(30)
    job = describe(fc, arn)
    (summary,) = fc.list_dataset_import_jobs()["DatasetImportJobs"]

    assert job["Status"] == summary["Status"] == "CREATE_FAILED"
    assert job["Message"] == summary["Message"] == "Access denied to s3://forecast-data"
    assert job["LastModificationTime"] == summary["LastModificationTime"] == T0 + timedelta(seconds=30)
    assert "FieldStatistics" not in job


@WAITING
def test_finish_create_failed_without_message_gets_default(importmock, fc, new_job):
    arn = new_job()
    importmock.finish(arn, status="CREATE_FAILED")

    assert describe(fc, arn)["Message"]


@WAITING
@pytest.mark.parametrize("status", ["CREATE_STOPPED", "DELETE_PENDING", "SUCCEEDED", "CREATE_IN_PROGRESS"])
def test_finish_with_status_outside_family_raises_value_error(importmock, fc, new_job, status):
    arn = new_job()

    with pytest.raises(ValueError, match=status):
        importmock.finish(arn, status=status)

    assert describe(fc, arn)["Status"] == "CREATE_PENDING"


def test_finish_active_job_raises_value_error(importmock, fc, new_job):
    arn = new_job()

    with pytest.raises(ValueError, match="finished"):
        importmock.finish(arn, status="CREATE_FAILED")

    assert describe(fc, arn)["Status"] == "ACTIVE"


# StopResource


@WAITING
def test_stop_resource_pending_job_stopping_then_stopped(importmock, fc, new_job):
    importmock.clock.set(T0)
    arn = new_job()

    fc.stop_resource(ResourceArn=arn)
    stopping = describe(fc, arn)
    importmock.clock.advance(1)
    stopped = describe(fc, arn)
    importmock.clock.advance(3600)
    later = describe(fc, arn)

    assert stopping["Status"] == "CREATE_STOPPING" and stopping["LastModificationTime"] == T0
    assert stopped["Status"] == "CREATE_STOPPED" and stopped["LastModificationTime"] == T0
    assert later == stopped


@SLOW
def test_stop_resource_running_job_never_becomes_active(importmock, fc, new_job):
    importmock.clock.set(T0)
    arn = new_job()
    importmock.clock.advance(10)

    fc.stop_resource(ResourceArn=arn)
    importmock.clock.advance(120)
    job = describe(fc, arn)

    assert job["Status"] == "CREATE_STOPPED"
    assert job["LastModificationTime"] == T0 + timedelta(seconds=10)
    assert not {"EstimatedTimeRemainingInMinutes", "FieldStatistics", "Message"} & set(job)


@WAITING
@pytest.mark.parametrize("end", ["ACTIVE", "CREATE_FAILED", "CREATE_STOPPED", "CREATE_STOPPING"])
def test_stop_resource_on_ended_job_rejected(importmock, fc, new_job, end):
    arn = new_job()
    if end in ("ACTIVE", "CREATE_FAILED"):
        importmock.finish(arn, status=end)
    else:
        fc.stop_resource(ResourceArn=arn)
    importmock.clock.advance(0 if end == "CREATE_STOPPING" else 1)
    assert describe(fc, arn)["Status"] == end

    with pytest.raises(fc.exceptions.InvalidInputException) as excinfo:
        fc.stop_resource(ResourceArn=arn)

    assert end in excinfo.value.response["Error"]["Message"]


@pytest.mark.parametrize(
    "arn",
    [UNKNOWN, SALES, f"arn:aws:forecast:us-east-1:{ACCOUNT}:predictor/p1"],
    ids=["job", "dataset", "predictor"],
)
def test_stop_resource_unknown_resource_not_found(fc, arn):
    with pytest.raises(fc.exceptions.ResourceNotFoundException):
        fc.stop_resource(ResourceArn=arn)


def test_stop_resource_malformed_arn_rejected(raw):
    code, message = error_of(raw.stop_resource, ResourceArn="arn:aws:iam::123456789012:role/x")

    assert code == "InvalidInputException"
    assert "'resourceArn'" in message


@WAITING
def test_finish_stopped_job_raises_value_error(importmock, fc, new_job):
    arn = new_job()
    fc.stop_resource(ResourceArn=arn)

    with pytest.raises(ValueError, match="CREATE_STOPPED"):
        importmock.finish(arn)


# DeleteDatasetImportJob


def test_delete_dataset_import_job_active_job_is_gone(fc, new_job):
    arn = new_job("daily")
    kept = new_job("weekly")

    fc.delete_dataset_import_job(DatasetImportJobArn=arn)

    with pytest.raises(fc.exceptions.ResourceNotFoundException):
        describe(fc, arn)
    with pytest.raises(fc.exceptions.ResourceNotFoundException):
        fc.list_tags_for_resource(ResourceArn=arn)
    assert [j["DatasetImportJobArn"] for j in fc.list_dataset_import_jobs()["DatasetImportJobs"]] == [kept]


@WAITING
def test_delete_dataset_import_job_failed_job_is_gone(importmock, fc, new_job):
    arn = new_job()
    importmock.finish(arn, status="CREATE_FAILED")

    fc.delete_dataset_import_job(DatasetImportJobArn=arn)

    with pytest.raises(fc.exceptions.ResourceNotFoundException):
        describe(fc, arn)


@WAITING
@pytest.mark.parametrize("clock_moves", [False, True], ids=["pending", "in-progress"])
def test_delete_dataset_import_job_unfinished_job_in_use(importmock, fc, new_job, clock_moves):
    arn = new_job()
    importmock.clock.advance(1 if clock_moves else 0)
    status = describe(fc, arn)["Status"]

    with pytest.raises(fc.exceptions.ResourceInUseException) as excinfo:
        fc.delete_dataset_import_job(DatasetImportJobArn=arn)

    assert status in excinfo.value.response["Error"]["Message"]
    assert describe(fc, arn)["Status"] == status


@WAITING
def test_delete_dataset_import_job_stopped_job_in_use(importmock, fc, new_job):
    # the API reference allows deleting ACTIVE and CREATE_FAILED jobs only
    arn = new_job()
    fc.stop_resource(ResourceArn=arn)
    importmock.clock.advance(1)

    with pytest.raises(fc.exceptions.ResourceInUseException):
        fc.delete_dataset_import_job(DatasetImportJobArn=arn)

    assert describe(fc, arn)["Status"] == "CREATE_STOPPED"


@SLOW
def test_delete_dataset_import_job_pending_then_in_progress_then_gone(importmock, fc, new_job):
    importmock.clock.set(T0)
    arn = new_job()
    importmock.clock.advance(60)

    fc.delete_dataset_import_job(DatasetImportJobArn=arn)
    pending = describe(fc, arn)
    importmock.clock.advance(1)
    running = describe(fc, arn)
    listed = fc.list_dataset_import_jobs()["DatasetImportJobs"]
    importmock.clock.advance(58.999)
    last = describe(fc, arn)
    importmock.clock.advance(0.001)

    assert (pending["Status"], pending["LastModificationTime"]) == (
        "DELETE_PENDING",
        T0 + timedelta(seconds=60),
    )
    assert (running["Status"], running["LastModificationTime"]) == (
        "DELETE_IN_PROGRESS",
        T0 + timedelta(seconds=61),
    )
    assert [(j["DatasetImportJobArn"], j["Status"]) for j in listed] == [(arn, "DELETE_IN_PROGRESS")]
    assert last["Status"] == "DELETE_IN_PROGRESS"
    with pytest.raises(fc.exceptions.ResourceNotFoundException):
        describe(fc, arn)
    assert fc.list_dataset_import_jobs()["DatasetImportJobs"] == []


@SLOW
def test_delete_dataset_import_job_twice_while_deleting_in_use(importmock, fc, new_job):
    arn = new_job()
    importmock.clock.advance(60)
    fc.delete_dataset_import_job(DatasetImportJobArn=arn)

    with pytest.raises(fc.exceptions.ResourceInUseException) as excinfo:
        fc.delete_dataset_import_job(DatasetImportJobArn=arn)

    assert "DELETE_PENDING" in excinfo.value.response["Error"]["Message"]


@SLOW
def test_create_dataset_import_job_name_taken_until_deletion_ends(importmock, fc, new_job):
    arn = new_job("daily")
    importmock.clock.advance(60)
    fc.delete_dataset_import_job(DatasetImportJobArn=arn)
    importmock.clock.advance(30)

    with pytest.raises(fc.exceptions.ResourceAlreadyExistsException):
        new_job("daily")
    importmock.clock.advance(30)
    again = new_job("daily")

    assert again == arn
    assert describe(fc, again)["Status"] == "CREATE_PENDING"
    assert [j["Status"] for j in fc.list_dataset_import_jobs()["DatasetImportJobs"]] == ["CREATE_PENDING"]


@SLOW
def test_finish_deleted_job_raises_value_error(importmock, fc, new_job):
    arn = new_job()
    importmock.clock.advance(60)
    fc.delete_dataset_import_job(DatasetImportJobArn=arn)
    importmock.clock.advance(60)

    with pytest.raises(ValueError, match="no job"):
        importmock.finish(arn)


def test_delete_dataset_import_job_unknown_arn_not_found(fc):
    with pytest.raises(fc.exceptions.ResourceNotFoundException):
        fc.delete_dataset_import_job(DatasetImportJobArn=UNKNOWN)


@pytest.mark.parametrize("arn", [SALES, "import1"], ids=["dataset", "not-arn"])
def test_delete_dataset_import_job_arn_of_other_kind_rejected(raw, arn):
    code, message = error_of(raw.delete_dataset_import_job, DatasetImportJobArn=arn)

    assert code == "InvalidInputException"
    assert "datasetImportJobArn" in message


@pytest.mark.parametrize(
    "client_kwargs",
    [{"region_name": "eu-west-1"}, {"aws_access_key_id": OTHER_ACCOUNT, "aws_secret_access_key": "x"}],
    ids=["other-region", "other-account"],
)
def test_delete_dataset_import_job_of_elsewhere_not_found(fc, make_client, new_job, client_kwargs):
    arn = new_job()
    other = make_client("forecast", **client_kwargs)

    with pytest.raises(other.exceptions.ResourceNotFoundException):
        other.delete_dataset_import_job(DatasetImportJobArn=arn)

    assert describe(fc, arn)["Status"] == "ACTIVE"
