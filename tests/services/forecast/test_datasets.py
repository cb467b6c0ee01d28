"""Forecast datasets through boto3: life cycle on the mock clock, validation, pages, isolation,
tags, snapshots, and the check dataset import jobs make of a dataset this mock made."""

from __future__ import annotations

import pytest
from forecast_support import SALES

from importmock import mock_imports
from service_support import ACCOUNT, OTHER_ACCOUNT, assert_error, iter_pages

ROLE = f"arn:aws:iam::{ACCOUNT}:role/ForecastRole"
ATTRIBUTES = [
    {"AttributeName": "timestamp", "AttributeType": "timestamp"},
    {"AttributeName": "item_id", "AttributeType": "string"},
    {"AttributeName": "demand", "AttributeType": "float"},
]
SLOW = pytest.mark.importmock(duration=60)


def new_dataset(client, name="sales", **overrides):
    request = {
        "DatasetName": name,
        "Domain": "RETAIL",
        "DatasetType": "TARGET_TIME_SERIES",
        "DataFrequency": "D",
        "Schema": {"Attributes": ATTRIBUTES},
        **overrides,
    }
    return client.create_dataset(**request)["DatasetArn"]


def new_import(client, dataset=SALES, name="import1", account=ACCOUNT):
    source = {"S3Config": {"Path": "s3://forecast-data/sales/", "RoleArn": ROLE.replace(ACCOUNT, account)}}
    request = {"DatasetImportJobName": name, "DatasetArn": dataset, "DataSource": source}
    return client.create_dataset_import_job(**request)["DatasetImportJobArn"]


def describe(client, arn):
    return client.describe_dataset(DatasetArn=arn)


@SLOW
def test_create_dataset_life_cycle_on_the_mock_clock(fc, importmock):
    arn = new_dataset(fc)
    created = describe(fc, arn)
    importmock.clock.advance(30)
    running = describe(fc, arn)
    importmock.clock.advance(30)

    ended = describe(fc, arn)

    assert arn == SALES
    assert created["Status"] == "CREATE_PENDING"
    assert running["Status"] == "CREATE_IN_PROGRESS"
    assert ended["Status"] == "ACTIVE"
    assert ended["LastModificationTime"] == ended["CreationTime"] == created["CreationTime"]
    assert ended["Schema"] == {"Attributes": ATTRIBUTES}
    assert (ended["Domain"], ended["DatasetType"], ended["DataFrequency"]) == (
        "RETAIL",
        "TARGET_TIME_SERIES",
        "D",
    )


def test_create_dataset_zero_duration_is_active_at_once(fc):
    assert describe(fc, new_dataset(fc))["Status"] == "ACTIVE"


@pytest.mark.importmock(duration=None)
def test_create_dataset_duration_none_is_active_at_once(fc):
    assert describe(fc, new_dataset(fc))["Status"] == "ACTIVE"


@SLOW
def test_import_shows_in_the_dataset_status_and_last_modification(fc, importmock):
    arn = new_dataset(fc)
    importmock.clock.advance(60)
    new_import(fc, arn)
    pending = describe(fc, arn)
    importmock.clock.advance(10)
    running = describe(fc, arn)
    importmock.clock.advance(50)
    imported = describe(fc, arn)
    importmock.clock.advance(100)

    assert pending["Status"] == "UPDATE_PENDING"
    assert running["Status"] == "UPDATE_IN_PROGRESS"
    assert running["LastModificationTime"] > pending["LastModificationTime"]  # the call's time
    assert imported["Status"] == "ACTIVE"
    assert imported["LastModificationTime"] > imported["CreationTime"]
    assert describe(fc, arn)["LastModificationTime"] == imported["LastModificationTime"]


@pytest.mark.importmock(duration=None)
def test_failed_import_leaves_the_dataset_active(fc, importmock):
    arn = new_dataset(fc)
    job = new_import(fc, arn)
    importmock.clock.advance(1)
    importing = describe(fc, arn)["Status"]

    importmock.finish(job, status="CREATE_FAILED")

    assert importing == "UPDATE_IN_PROGRESS"
    assert describe(fc, arn)["Status"] == "ACTIVE"


def test_import_into_a_deleted_dataset_is_not_found(fc):
    arn = new_dataset(fc)
    fc.delete_dataset(DatasetArn=arn)

    with pytest.raises(fc.exceptions.ResourceNotFoundException) as excinfo:
        new_import(fc, arn)

    assert_error(excinfo, "ResourceNotFoundException")
    assert arn in excinfo.value.response["Error"]["Message"]


@SLOW
def test_import_into_a_dataset_being_deleted_is_not_found(fc, importmock):
    arn = new_dataset(fc)
    with pytest.raises(fc.exceptions.ResourceInUseException):
        fc.delete_dataset(DatasetArn=arn)  # CREATE_PENDING: only ACTIVE or CREATE_FAILED ones
    importmock.clock.advance(60)
    fc.delete_dataset(DatasetArn=arn)

    with pytest.raises(fc.exceptions.ResourceNotFoundException):
        new_import(fc, arn)


def test_import_into_a_dataset_never_created_here_is_accepted(fc):
    assert new_import(fc, SALES).endswith("dataset-import-job/sales/import1")


def test_recreated_dataset_takes_imports_again(fc):
    arn = new_dataset(fc)
    fc.delete_dataset(DatasetArn=arn)

    assert new_dataset(fc) == arn
    assert new_import(fc, arn)


def test_delete_dataset_with_import_jobs_is_in_use(fc):
    arn = new_dataset(fc)
    job = new_import(fc, arn)

    with pytest.raises(fc.exceptions.ResourceInUseException) as excinfo:
        fc.delete_dataset(DatasetArn=arn)
    fc.delete_dataset_import_job(DatasetImportJobArn=job)
    fc.delete_dataset(DatasetArn=arn)

    assert job in excinfo.value.response["Error"]["Message"]
    with pytest.raises(fc.exceptions.ResourceNotFoundException):
        describe(fc, arn)


@SLOW
def test_delete_dataset_pending_then_gone(fc, importmock):
    arn = new_dataset(fc)
    importmock.clock.advance(60)
    fc.delete_dataset(DatasetArn=arn)
    pending = describe(fc, arn)["Status"]
    importmock.clock.advance(1)
    deleting = describe(fc, arn)["Status"]
    importmock.clock.advance(60)

    assert (pending, deleting) == ("DELETE_PENDING", "DELETE_IN_PROGRESS")
    with pytest.raises(fc.exceptions.ResourceNotFoundException):
        describe(fc, arn)
    assert fc.list_datasets()["Datasets"] == []


def test_create_dataset_twice_already_exists(fc):
    new_dataset(fc)

    with pytest.raises(fc.exceptions.ResourceAlreadyExistsException):
        new_dataset(fc)


@pytest.mark.parametrize(
    ("overrides", "names"),
    [
        ({"DataFrequency": "60min"}, "DataFrequency"),
        ({"DataFrequency": "7D"}, "DataFrequency"),
        ({"DatasetType": "RELATED_TIME_SERIES", "DataFrequency": None}, "DataFrequency"),
        ({"Schema": {"Attributes": ATTRIBUTES + ATTRIBUTES[:1]}}, "timestamp"),
        (
            {
                "EncryptionConfig": {
                    "RoleArn": "arn:aws:forecast:us-east-1:1:x/y",
                    "KMSKeyArn": "arn:aws:kms:x:key/k",
                }
            },
            "roleArn",
        ),
    ],
)
def test_create_dataset_documented_rules(fc, overrides, names):
    request = {k: v for k, v in overrides.items() if v is not None}
    dropped = [k for k, v in overrides.items() if v is None]
    with pytest.raises(fc.exceptions.InvalidInputException) as excinfo:
        fc.create_dataset(
            **{
                k: v
                for k, v in {
                    "DatasetName": "sales",
                    "Domain": "RETAIL",
                    "DatasetType": "TARGET_TIME_SERIES",
                    "DataFrequency": "D",
                    "Schema": {"Attributes": ATTRIBUTES},
                    **request,
                }.items()
                if k not in dropped
            }
        )

    assert names.lower() in excinfo.value.response["Error"]["Message"].lower()


@pytest.mark.parametrize("frequency", ["Y", "1Y", "11M", "4W", "6D", "23H", "59min", "15min"])
def test_create_dataset_documented_frequencies(fc, frequency):
    assert describe(fc, new_dataset(fc, DataFrequency=frequency))["DataFrequency"] == frequency


def test_create_dataset_model_validation_server_side(raw):
    with pytest.raises(raw.exceptions.InvalidInputException) as excinfo:
        raw.create_dataset(DatasetName="9bad", Domain="RETAIL", DatasetType="TARGET_TIME_SERIES", Schema={})

    assert "DatasetName".lower() in excinfo.value.response["Error"]["Message"].lower()


def test_describe_dataset_unknown_and_malformed(fc):
    with pytest.raises(fc.exceptions.ResourceNotFoundException):
        describe(fc, SALES)
    with pytest.raises(fc.exceptions.InvalidInputException):
        describe(fc, f"arn:aws:forecast:us-east-1:{ACCOUNT}:dataset-group/sales")


def test_list_datasets_pages_newest_first_never_repeat(fc):
    arns = [new_dataset(fc, f"d{i}") for i in range(7)]

    pages = list(iter_pages(fc, "list_datasets", "MaxResults", 3))

    listed = [d["DatasetArn"] for page in pages for d in page["Datasets"]]
    assert listed == arns[::-1]
    assert [len(page["Datasets"]) for page in pages] == [3, 3, 1]
    assert set(pages[0]["Datasets"][0]) == {
        "DatasetArn", "DatasetName", "DatasetType", "Domain", "CreationTime", "LastModificationTime"
    }  # fmt: skip


def test_list_datasets_tampered_token_invalid(fc):
    [new_dataset(fc, f"d{i}") for i in range(2)]
    token = fc.list_datasets(MaxResults=1)["NextToken"]

    with pytest.raises(fc.exceptions.InvalidNextTokenException):
        fc.list_datasets(NextToken=token[:-2] + "xx")
    with pytest.raises(fc.exceptions.InvalidNextTokenException):
        fc.list_dataset_groups(NextToken=token)


def test_datasets_isolated_by_account_and_region(fc, make_client):
    new_dataset(fc)
    west = make_client("forecast", region_name="us-west-2")

    assert west.list_datasets()["Datasets"] == []
    with mock_imports(account_id=OTHER_ACCOUNT):
        other = make_client("forecast")
        assert other.list_datasets()["Datasets"] == []
        assert new_import(
            other, f"arn:aws:forecast:us-east-1:{OTHER_ACCOUNT}:dataset/sales", account=OTHER_ACCOUNT
        )


def test_dataset_tags_and_stop_refused(fc):
    arn = new_dataset(fc, Tags=[{"Key": "team", "Value": "demand"}])

    fc.tag_resource(ResourceArn=arn, Tags=[{"Key": "stage", "Value": "dev"}])
    fc.untag_resource(ResourceArn=arn, TagKeys=["team"])

    assert fc.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "stage", "Value": "dev"}]
    with pytest.raises(fc.exceptions.InvalidInputException):
        fc.stop_resource(ResourceArn=arn)


def test_finish_does_not_take_a_dataset(fc, importmock):
    arn = new_dataset(fc)

    with pytest.raises(ValueError, match="no job"):
        importmock.finish(arn)


def test_snapshot_round_trip_keeps_datasets_and_their_import(fc, importmock):
    arn = new_dataset(fc, Tags=[{"Key": "team", "Value": "demand"}])
    new_import(fc, arn)
    fc.delete_dataset(DatasetArn=new_dataset(fc, "gone"))
    before = {k: v for k, v in describe(fc, arn).items() if k != "ResponseMetadata"}

    importmock.restore(importmock.snapshot())

    assert {k: v for k, v in describe(fc, arn).items() if k != "ResponseMetadata"} == before
    assert before["Status"] == "ACTIVE"
    assert fc.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "demand"}]
    with pytest.raises(fc.exceptions.ResourceNotFoundException):
        new_import(fc, arn.replace("/sales", "/gone"))
