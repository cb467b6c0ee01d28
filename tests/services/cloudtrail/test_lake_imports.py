"""CloudTrail Lake imports through boto3: StartImport, GetImport, StopImport and the life cycle."""

from __future__ import annotations

from datetime import timedelta

import pytest
from botocore.exceptions import ClientError
from cloudtrail_lake import (
    OTHER_STORE,
    SOURCE_URI,
    STATISTICS,
    STORE,
    UNKNOWN_ID,
    UUID,
    end_import,
    error_of,
    get,
    source,
    start,
    start_request,
    store_arn,
)

from importmock import mock_imports
from service_support import ACCOUNT, OTHER_ACCOUNT, T0


@pytest.fixture
def slow(make_client):
    """A mock whose imports take 100 seconds of mock time, its clock at T0, and a client."""
    with mock_imports(durations={"cloudtrail:import": 100}) as mock:
        mock.clock.set(T0)
        yield mock, make_client("cloudtrail")


# StartImport


def test_start_import_returns_initializing_import(mock, ct):
    mock.clock.set(T0)
    job = start(ct)

    assert UUID.fullmatch(job["ImportId"])
    assert job["ImportStatus"] == "INITIALIZING"
    assert job["Destinations"] == [STORE]
    assert job["ImportSource"] == source()
    assert job["CreatedTimestamp"] == job["UpdatedTimestamp"] == T0
    assert "StartEventTime" not in job and "EndEventTime" not in job


def test_start_import_echoes_event_time_range(ct):
    begin, end = T0 - timedelta(days=30), T0 - timedelta(days=1)

    job = start(ct, StartEventTime=begin, EndEventTime=end)

    assert (job["StartEventTime"], job["EndEventTime"]) == (begin, end)
    assert (get(ct, job["ImportId"])["StartEventTime"], get(ct, job["ImportId"])["EndEventTime"]) == (
        begin,
        end,
    )


def test_start_import_equal_start_and_end_event_times_accepted(ct):
    job = start(ct, StartEventTime=T0, EndEventTime=T0)

    assert job["StartEventTime"] == job["EndEventTime"] == T0


def test_start_import_start_after_end_event_time_rejected(ct):
    with pytest.raises(ct.exceptions.InvalidParameterException) as excinfo:
        start(ct, StartEventTime=T0, EndEventTime=T0 - timedelta(seconds=1))

    assert error_of(excinfo)[:2] == ("InvalidParameterException", 400)
    assert ct.list_imports()["Imports"] == []


def test_start_import_ids_are_distinct_uuids(ct):
    ids = [start(ct)["ImportId"] for _ in range(20)]

    assert len(set(ids)) == 20
    assert all(UUID.fullmatch(ident) for ident in ids)


@pytest.mark.parametrize(
    ("region", "partition"),
    [("us-east-1", "aws"), ("eu-west-3", "aws"), ("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")],
)
def test_start_import_store_of_own_partition_and_region_accepted(mock, make_client, region, partition):
    client = make_client("cloudtrail", region_name=region)
    arn = store_arn(region, partition=partition)
    role = f"arn:{partition}:iam::{ACCOUNT}:role/Importer"

    job = start(client, arn, ImportSource=source(region=region, role=role))

    assert job["Destinations"] == [arn]


@pytest.mark.parametrize(
    "destination",
    [
        store_arn(region="us-west-2"),
        store_arn(account=OTHER_ACCOUNT),
        store_arn(partition="aws-cn"),
        f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/my-trail",
        f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:channel/a1b2c3d4",
        f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:eventdatastore/a1b2c3d4",
        f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:eventdatastore/",
        "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
    ],
    ids=[
        "other-region",
        "other-account",
        "other-partition",
        "trail",
        "channel",
        "service",
        "no-id",
        "bare-id",
    ],
)
def test_start_import_destination_not_own_event_data_store_rejected(ct, destination):
    with pytest.raises(ct.exceptions.EventDataStoreARNInvalidException) as excinfo:
        start(ct, destination)

    assert error_of(excinfo)[:2] == ("EventDataStoreARNInvalidException", 400)
    assert ct.list_imports()["Imports"] == []


def test_start_import_own_store_seen_from_other_account_rejected(make_client, mock):
    other = make_client("cloudtrail", aws_access_key_id=OTHER_ACCOUNT, aws_secret_access_key="x")

    with pytest.raises(other.exceptions.EventDataStoreARNInvalidException):
        start(other, STORE)
    job = start(other, store_arn(account=OTHER_ACCOUNT))

    assert job["Destinations"] == [store_arn(account=OTHER_ACCOUNT)]


@pytest.mark.parametrize("missing", ["Destinations", "ImportSource"])
def test_start_import_new_import_without_destination_or_source_rejected(ct, missing):
    request = start_request()
    del request[missing]

    with pytest.raises(ct.exceptions.InvalidParameterException) as excinfo:
        ct.start_import(**request)

    assert missing in error_of(excinfo)[2]


@pytest.mark.parametrize(
    "uri", ["http://trail-bucket/logs", "trail-bucket/logs", "s3://", "s3://ab", "s3://Trail_Bucket/logs"]
)
def test_start_import_source_uri_not_s3_rejected(ct, uri):
    with pytest.raises(ct.exceptions.InvalidImportSourceException) as excinfo:
        start(ct, ImportSource=source(uri=uri))

    assert error_of(excinfo)[:2] == ("InvalidImportSourceException", 400)


@pytest.mark.parametrize("uri", ["s3://trail-bucket", "s3://trail-bucket/", "s3://my.trail-bucket/a/b/c/"])
def test_start_import_source_uri_forms_accepted(ct, uri):
    assert start(ct, ImportSource=source(uri=uri))["ImportSource"]["S3"]["S3LocationUri"] == uri


@pytest.mark.parametrize("region", ["moon-1", "us-east", "", "US-EAST-1"])
def test_start_import_unknown_bucket_region_rejected(raw, region):
    with pytest.raises(raw.exceptions.InvalidImportSourceException):
        start(raw, ImportSource=source(region=region))


def test_start_import_bucket_in_other_region_accepted(ct):
    assert start(ct, ImportSource=source(region="ap-southeast-2"))["ImportSource"] == source(
        region="ap-southeast-2"
    )


@pytest.mark.parametrize(
    "role",
    [
        "CloudTrailImport",
        f"arn:aws:iam::{ACCOUNT}:user/someone",
        f"arn:aws-cn:iam::{ACCOUNT}:role/CloudTrailImport",
        "arn:aws:iam::123:role/CloudTrailImport",
    ],
    ids=["name", "user", "other-partition", "short-account"],
)
def test_start_import_access_role_not_role_arn_rejected(ct, role):
    with pytest.raises(ct.exceptions.InvalidParameterException) as excinfo:
        start(ct, ImportSource=source(role=role))

    assert "S3BucketAccessRoleArn" in error_of(excinfo)[2]


def test_start_import_while_another_in_progress_rejected(waiting):
    _, ct = waiting
    first = start(ct)

    with pytest.raises(ct.exceptions.AccountHasOngoingImportException) as excinfo:
        start(ct, OTHER_STORE)

    assert error_of(excinfo)[:2] == ("AccountHasOngoingImportException", 400)
    assert [job["ImportId"] for job in ct.list_imports()["Imports"]] == [first["ImportId"]]


def test_start_import_after_previous_completed_accepted(slow):
    mock, ct = slow
    start(ct)
    mock.clock.advance(100)

    assert start(ct, OTHER_STORE)["ImportStatus"] == "INITIALIZING"


@pytest.mark.parametrize("ending", ["stop", "fail"])
def test_start_import_after_previous_stopped_or_failed_accepted(waiting, ending):
    mock, ct = waiting
    first = start(ct)["ImportId"]
    end_import(mock, ct, first, ending)

    assert start(ct)["ImportId"] != first


@pytest.mark.parametrize(
    "client_kwargs",
    [{"region_name": "us-west-2"}, {"aws_access_key_id": OTHER_ACCOUNT, "aws_secret_access_key": "x"}],
    ids=["other-region", "other-account"],
)
def test_start_import_ongoing_elsewhere_does_not_block(waiting, make_client, client_kwargs):
    _, ct = waiting
    start(ct)
    other = make_client("cloudtrail", **client_kwargs)
    region = client_kwargs.get("region_name", "us-east-1")
    account = client_kwargs.get("aws_access_key_id", ACCOUNT)

    job = start(other, store_arn(region, account), ImportSource=source(role=f"arn:aws:iam::{account}:role/R"))

    assert job["ImportStatus"] == "INITIALIZING"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"Destinations": []}, "destinations"),
        ({"Destinations": [STORE, OTHER_STORE]}, "destinations"),
        ({"Destinations": ["arn:aws:cloudtrail:us-east-1:1:eventdatastore/a b"]}, "destinations.1.member"),
        ({"Destinations": ["ab"]}, "destinations.1.member"),
        ({"ImportSource": {}}, "importSource.s3"),
        ({"ImportSource": {"S3": {"S3LocationUri": SOURCE_URI}}}, "importSource.s3.s3BucketRegion"),
        (
            {"ImportSource": {"S3": {"S3LocationUri": SOURCE_URI, "S3BucketRegion": "us-east-1"}}},
            "importSource.s3.s3BucketAccessRoleArn",
        ),
        ({"ImportId": UNKNOWN_ID[:-1]}, "importId"),
        ({"ImportId": UNKNOWN_ID.upper()}, "importId"),
    ],
    ids=[
        "no-destination",
        "two-destinations",
        "destination-pattern",
        "destination-short",
        "no-s3",
        "no-bucket-region",
        "no-role",
        "id-short",
        "id-uppercase",
    ],
)
def test_start_import_server_side_validation(raw, overrides, field):
    with pytest.raises(ClientError) as excinfo:
        raw.start_import(**start_request(**overrides))

    code, status, message = error_of(excinfo)
    assert (code, status) == ("InvalidParameterException", 400)
    assert f"at '{field}" in message and "failed to satisfy constraint" in message
    assert raw.list_imports()["Imports"] == []


def test_start_import_wrong_json_type_is_not_a_server_error(raw):
    with pytest.raises(ClientError) as excinfo:
        raw.start_import(Destinations=STORE, ImportSource=source())

    assert error_of(excinfo)[1] == 400


# StartImport with ImportId: retries


def test_retry_unknown_import_not_found(ct):
    with pytest.raises(ct.exceptions.ImportNotFoundException) as excinfo:
        ct.start_import(ImportId=UNKNOWN_ID)

    assert error_of(excinfo)[:2] == ("ImportNotFoundException", 400)


def test_retry_failed_import_restarts_it(waiting):
    mock, ct = waiting
    ident = start(ct)["ImportId"]
    mock.clock.advance(60)
    mock.finish(ident, status="FAILED", failure_code="AccessDenied")
    mock.clock.advance(60)

    retried = ct.start_import(ImportId=ident)
    mock.clock.advance(1)
    running = get(ct, ident)
    mock.finish(ident)
    done = get(ct, ident)

    assert retried["ImportId"] == ident
    assert retried["ImportStatus"] == "INITIALIZING"
    assert retried["Destinations"] == [STORE] and retried["ImportSource"] == source()
    assert retried["CreatedTimestamp"] == T0
    assert retried["UpdatedTimestamp"] == T0 + timedelta(seconds=120)
    assert running["ImportStatus"] == "IN_PROGRESS"
    assert done["ImportStatus"] == "COMPLETED"
    assert done["UpdatedTimestamp"] == T0 + timedelta(seconds=121)


def test_retry_stopped_import_restarts_it(slow):
    mock, ct = slow
    ident = start(ct)["ImportId"]
    ct.stop_import(ImportId=ident)

    assert ct.start_import(ImportId=ident)["ImportStatus"] == "INITIALIZING"
    mock.clock.advance(99)
    assert get(ct, ident)["ImportStatus"] == "IN_PROGRESS"
    mock.clock.advance(1)
    assert get(ct, ident)["ImportStatus"] == "COMPLETED"


def test_retry_keeps_the_import_parameters(waiting):
    mock, ct = waiting
    begin = T0 - timedelta(days=2)
    ident = start(ct, StartEventTime=begin)["ImportId"]
    ct.stop_import(ImportId=ident)

    retried = ct.start_import(ImportId=ident, Destinations=[OTHER_STORE])

    assert retried["Destinations"] == [STORE]
    assert retried["StartEventTime"] == begin
    assert [item["ImportId"] for item in ct.list_imports()["Imports"]] == [ident]


def test_retry_completed_import_not_permitted(ct):
    ident = start(ct)["ImportId"]

    with pytest.raises(ct.exceptions.OperationNotPermittedException) as excinfo:
        ct.start_import(ImportId=ident)

    assert error_of(excinfo)[:2] == ("OperationNotPermittedException", 400)
    assert get(ct, ident)["ImportStatus"] == "COMPLETED"


def test_retry_import_in_progress_rejected(waiting):
    _, ct = waiting
    ident = start(ct)["ImportId"]

    with pytest.raises(ct.exceptions.AccountHasOngoingImportException):
        ct.start_import(ImportId=ident)

    assert get(ct, ident)["CreatedTimestamp"] == get(ct, ident)["UpdatedTimestamp"] == T0


def test_retry_while_another_import_in_progress_rejected(waiting):
    mock, ct = waiting
    failed = start(ct)["ImportId"]
    mock.finish(failed, status="FAILED")
    start(ct, OTHER_STORE)

    with pytest.raises(ct.exceptions.AccountHasOngoingImportException):
        ct.start_import(ImportId=failed)

    assert get(ct, failed)["ImportStatus"] == "FAILED"


def test_retry_of_other_accounts_import_not_found(waiting, make_client):
    mock, ct = waiting
    ident = start(ct)["ImportId"]
    mock.finish(ident, status="FAILED")
    other = make_client("cloudtrail", aws_access_key_id=OTHER_ACCOUNT, aws_secret_access_key="x")

    with pytest.raises(other.exceptions.ImportNotFoundException):
        other.start_import(ImportId=ident)


# GetImport and the life cycle


def test_get_import_in_progress_until_duration_passes(slow):
    mock, ct = slow
    ident = start(ct)["ImportId"]

    at_start = get(ct, ident)
    mock.clock.advance(99.999)
    before_end = get(ct, ident)

    assert at_start["ImportStatus"] == before_end["ImportStatus"] == "IN_PROGRESS"
    assert before_end["UpdatedTimestamp"] == T0


def test_get_import_completed_with_final_statistics(slow):
    mock, ct = slow
    ident = start(ct)["ImportId"]
    mock.clock.advance(100)
    at_end = get(ct, ident)
    mock.clock.advance(timedelta(days=3))
    later = get(ct, ident)

    stats = at_end["ImportStatistics"]
    assert at_end["ImportStatus"] == "COMPLETED"
    assert at_end["UpdatedTimestamp"] == T0 + timedelta(seconds=100)
    assert at_end["CreatedTimestamp"] == T0
    assert stats["PrefixesCompleted"] == stats["PrefixesFound"] >= 1
    assert stats["EventsCompleted"] >= stats["FilesCompleted"] >= stats["PrefixesCompleted"]
    assert stats["FailedEntries"] == 0
    assert later == at_end


def test_get_import_statistics_grow_with_progress(slow):
    mock, ct = slow
    ident = start(ct)["ImportId"]
    samples = []
    for _ in range(5):
        samples.append(get(ct, ident)["ImportStatistics"])
        mock.clock.advance(25)

    for name in STATISTICS:
        values = [sample[name] for sample in samples]
        assert values == sorted(values), name
    assert samples[1]["EventsCompleted"] < samples[-1]["EventsCompleted"]
    assert samples[0]["EventsCompleted"] == 0
    assert samples[-1]["PrefixesCompleted"] == samples[-1]["PrefixesFound"]


def test_get_import_default_duration_completes_at_once(mock, ct):
    ident = start(ct)["ImportId"]

    assert get(ct, ident)["ImportStatus"] == "COMPLETED"


def test_get_import_duration_none_waits_for_finish(waiting):
    mock, ct = waiting
    ident = start(ct)["ImportId"]
    mock.clock.advance(timedelta(days=1))
    waiting_job = get(ct, ident)
    mock.finish(ident)
    done = get(ct, ident)

    assert waiting_job["ImportStatus"] == "IN_PROGRESS"
    assert waiting_job["ImportStatistics"]["EventsCompleted"] == 0
    assert done["ImportStatus"] == "COMPLETED"
    assert done["UpdatedTimestamp"] == T0 + timedelta(days=1)
    assert done["ImportStatistics"]["PrefixesCompleted"] == done["ImportStatistics"]["PrefixesFound"]


def test_get_import_failed_by_finish_keeps_partial_statistics(slow):
    mock, ct = slow
    ident = start(ct)["ImportId"]
    mock.clock.advance(50)
    mock.finish(ident, status="FAILED", failure_code="AccessDenied", failure_message="no access")
    failed = get(ct, ident)
    mock.clock.advance(500)

    assert failed["ImportStatus"] == "FAILED"
    assert failed["UpdatedTimestamp"] == T0 + timedelta(seconds=50)
    assert failed["ImportStatistics"]["FailedEntries"] == 1
    assert failed["ImportStatistics"]["PrefixesCompleted"] < failed["ImportStatistics"]["PrefixesFound"]
    assert failed["ImportStatistics"]["EventsCompleted"] > 0
    assert get(ct, ident) == failed


def test_get_import_retry_goes_on_from_where_it_failed(slow):
    mock, ct = slow
    ident = start(ct)["ImportId"]
    mock.clock.advance(50)
    mock.finish(ident, status="FAILED")
    at_failure = get(ct, ident)["ImportStatistics"]
    ct.start_import(ImportId=ident)
    at_retry = get(ct, ident)["ImportStatistics"]
    mock.clock.advance(100)
    done = get(ct, ident)["ImportStatistics"]

    assert at_retry["EventsCompleted"] == at_failure["EventsCompleted"]
    assert at_retry["FailedEntries"] == 0
    assert done["PrefixesCompleted"] == done["PrefixesFound"]
    assert done["EventsCompleted"] > at_failure["EventsCompleted"]


def test_get_import_family_duration_option(make_client):
    with mock_imports(duration=None, durations={"cloudtrail:import": 10}) as mock:
        ct = make_client("cloudtrail")
        ident = start(ct)["ImportId"]
        mock.clock.advance(10)
        status = get(ct, ident)["ImportStatus"]

    assert status == "COMPLETED"


@pytest.mark.parametrize("status", ["INITIALIZING", "IN_PROGRESS", "SUCCEEDED", "CANCELLED"])
def test_finish_with_status_outside_family_raises_value_error(waiting, status):
    mock, ct = waiting
    ident = start(ct)["ImportId"]

    with pytest.raises(ValueError, match=status):
        mock.finish(ident, status=status)

    assert get(ct, ident)["ImportStatus"] == "IN_PROGRESS"


def test_finish_completed_import_raises_value_error(mock, ct):
    ident = start(ct)["ImportId"]

    with pytest.raises(ValueError, match="finished"):
        mock.finish(ident, status="FAILED")

    assert get(ct, ident)["ImportStatus"] == "COMPLETED"


def test_get_import_unknown_id_not_found(ct):
    start(ct)

    with pytest.raises(ct.exceptions.ImportNotFoundException) as excinfo:
        ct.get_import(ImportId=UNKNOWN_ID)

    code, status, message = error_of(excinfo)
    assert (code, status) == ("ImportNotFoundException", 400)
    assert UNKNOWN_ID in message


@pytest.mark.parametrize(
    "client_kwargs",
    [{"region_name": "us-west-2"}, {"aws_access_key_id": OTHER_ACCOUNT, "aws_secret_access_key": "x"}],
    ids=["other-region", "other-account"],
)
def test_get_import_not_visible_elsewhere(ct, make_client, client_kwargs):
    ident = start(ct)["ImportId"]
    other = make_client("cloudtrail", **client_kwargs)

    with pytest.raises(other.exceptions.ImportNotFoundException):
        other.get_import(ImportId=ident)


@pytest.mark.parametrize("ident", ["", "abc", UNKNOWN_ID + "0", UNKNOWN_ID.upper(), "g" * 36])
def test_get_import_malformed_id_rejected(raw, ident):
    with pytest.raises(ClientError) as excinfo:
        raw.get_import(ImportId=ident)

    code, status, message = error_of(excinfo)
    assert (code, status) == ("InvalidParameterException", 400)
    assert "importId" in message


def test_get_import_missing_id_rejected(raw):
    with pytest.raises(ClientError) as excinfo:
        raw.get_import()

    assert error_of(excinfo)[:2] == ("InvalidParameterException", 400)
    assert "Member must not be null" in error_of(excinfo)[2]


# StopImport


def test_stop_import_stops_running_import(slow):
    mock, ct = slow
    ident = start(ct, StartEventTime=T0 - timedelta(days=1))["ImportId"]
    mock.clock.advance(40)

    stopped = ct.stop_import(ImportId=ident)
    mock.clock.advance(1000)
    later = get(ct, ident)

    assert stopped["ImportStatus"] == "STOPPED"
    assert stopped["UpdatedTimestamp"] == T0 + timedelta(seconds=40)
    assert stopped["StartEventTime"] == T0 - timedelta(days=1)
    assert stopped["ImportSource"] == source() and stopped["Destinations"] == [STORE]
    assert later["ImportStatus"] == "STOPPED"
    assert later["ImportStatistics"] == stopped["ImportStatistics"]


def test_stop_import_freezes_statistics_below_totals(slow):
    mock, ct = slow
    ident = start(ct)["ImportId"]
    mock.clock.advance(50)
    stopped = ct.stop_import(ImportId=ident)["ImportStatistics"]
    ct.start_import(ImportId=ident)
    mock.clock.advance(100)
    done = get(ct, ident)["ImportStatistics"]

    assert stopped["EventsCompleted"] < done["EventsCompleted"]
    assert stopped["FailedEntries"] == 0


@pytest.mark.parametrize("ending", ["complete", "fail", "stop"])
def test_stop_import_ended_import_not_permitted(waiting, ending):
    mock, ct = waiting
    ident = start(ct)["ImportId"]
    end_import(mock, ct, ident, ending)
    before = get(ct, ident)
    mock.clock.advance(5)

    with pytest.raises(ct.exceptions.OperationNotPermittedException) as excinfo:
        ct.stop_import(ImportId=ident)

    assert error_of(excinfo)[:2] == ("OperationNotPermittedException", 400)
    assert get(ct, ident) == before


def test_stop_import_unknown_id_not_found(ct):
    with pytest.raises(ct.exceptions.ImportNotFoundException):
        ct.stop_import(ImportId=UNKNOWN_ID)


def test_stop_import_malformed_id_rejected(raw):
    with pytest.raises(ClientError) as excinfo:
        raw.stop_import(ImportId="not-an-import-id")

    assert error_of(excinfo)[:2] == ("InvalidParameterException", 400)


def test_import_calls_are_recorded(mock, ct):
    ident = start(ct)["ImportId"]
    with pytest.raises(ClientError):
        ct.get_import(ImportId=UNKNOWN_ID)

    calls = [(c.service, c.operation, c.account_id, c.error) for c in mock.calls]
    assert calls == [
        ("cloudtrail", "StartImport", ACCOUNT, None),
        ("cloudtrail", "GetImport", ACCOUNT, "ImportNotFoundException"),
    ]
    assert mock.calls[0].params["Destinations"] == [STORE] and ident
