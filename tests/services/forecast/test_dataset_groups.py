"""Forecast dataset groups through boto3: life cycle, UpdateDatasetGroup, delete, the datasets
they name, pages, tags; and beside moto, which answers them while its mock is active."""

from __future__ import annotations

import pytest
from test_datasets import new_dataset

from importmock import mock_imports
from service_support import ACCOUNT, check_shape

SLOW = pytest.mark.importmock(duration=60)
GROUP = f"arn:aws:forecast:us-east-1:{ACCOUNT}:dataset-group/retail"


def new_group(client, name="retail", **overrides):
    return client.create_dataset_group(DatasetGroupName=name, Domain="RETAIL", **overrides)["DatasetGroupArn"]


def describe(client, arn=GROUP):
    return client.describe_dataset_group(DatasetGroupArn=arn)


@SLOW
def test_dataset_group_life_cycle_and_update(fc, importmock):
    arn = new_group(fc)
    created = describe(fc)
    importmock.clock.advance(60)
    dataset = new_dataset(fc)
    importmock.clock.advance(60)
    fc.update_dataset_group(DatasetGroupArn=arn, DatasetArns=[dataset])
    updating = describe(fc)
    importmock.clock.advance(1)
    running = describe(fc)
    importmock.clock.advance(59)

    updated = describe(fc)

    assert arn == GROUP
    assert (created["Status"], created["DatasetArns"], created["Domain"]) == ("CREATE_PENDING", [], "RETAIL")
    assert (updating["Status"], running["Status"], updated["Status"]) == (
        "UPDATE_PENDING",
        "UPDATE_IN_PROGRESS",
        "ACTIVE",
    )
    assert updated["DatasetArns"] == [dataset]
    assert updated["LastModificationTime"] > updated["CreationTime"]


@SLOW
def test_update_dataset_group_not_active_is_in_use(fc, importmock):
    new_group(fc)
    importmock.clock.advance(60)
    fc.update_dataset_group(DatasetGroupArn=GROUP, DatasetArns=[])

    with pytest.raises(fc.exceptions.ResourceInUseException):
        fc.update_dataset_group(DatasetGroupArn=GROUP, DatasetArns=[])  # UPDATE_PENDING at this instant
    importmock.clock.advance(60)
    fc.update_dataset_group(DatasetGroupArn=GROUP, DatasetArns=[])


def test_create_dataset_group_checks_known_datasets(fc):
    retail = new_dataset(fc)
    custom = new_dataset(fc, "custom", Domain="CUSTOM")
    second = new_dataset(fc, "second")
    gone = new_dataset(fc, "gone")
    fc.delete_dataset(DatasetArn=gone)
    never = f"arn:aws:forecast:us-east-1:{ACCOUNT}:dataset/never_made"

    with pytest.raises(fc.exceptions.InvalidInputException, match="domain"):
        new_group(fc, DatasetArns=[custom])
    with pytest.raises(fc.exceptions.InvalidInputException, match="TARGET_TIME_SERIES"):
        new_group(fc, DatasetArns=[retail, second])
    with pytest.raises(fc.exceptions.ResourceNotFoundException):
        new_group(fc, DatasetArns=[gone])

    assert describe(fc, new_group(fc, DatasetArns=[retail, never]))["DatasetArns"] == [retail, never]


def test_delete_dataset_group_leaves_its_datasets(fc):
    dataset = new_dataset(fc)
    new_group(fc, DatasetArns=[dataset])

    fc.delete_dataset_group(DatasetGroupArn=GROUP)

    with pytest.raises(fc.exceptions.ResourceNotFoundException):
        describe(fc)
    assert fc.describe_dataset(DatasetArn=dataset)["Status"] == "ACTIVE"


@SLOW
def test_delete_dataset_group_while_creating_is_in_use(fc):
    new_group(fc)

    with pytest.raises(fc.exceptions.ResourceInUseException):
        fc.delete_dataset_group(DatasetGroupArn=GROUP)


def test_create_dataset_group_twice_already_exists(fc):
    new_group(fc)

    with pytest.raises(fc.exceptions.ResourceAlreadyExistsException, match=GROUP):
        new_group(fc)


def test_list_dataset_groups_pages(fc):
    arns = [new_group(fc, f"g{i}") for i in range(5)]

    first = fc.list_dataset_groups(MaxResults=2)
    rest = fc.list_dataset_groups(NextToken=first["NextToken"])

    assert [g["DatasetGroupArn"] for g in first["DatasetGroups"] + rest["DatasetGroups"]] == arns[::-1]
    assert set(first["DatasetGroups"][0]) == {
        "DatasetGroupArn", "DatasetGroupName", "CreationTime", "LastModificationTime"
    }  # fmt: skip


def test_dataset_group_tags(fc):
    arn = new_group(fc, Tags=[{"Key": "team", "Value": "demand"}])

    fc.tag_resource(ResourceArn=arn, Tags=[{"Key": "stage", "Value": "dev"}])

    assert fc.list_tags_for_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "team", "Value": "demand"},
        {"Key": "stage", "Value": "dev"},
    ]


def test_dataset_groups_isolated_by_region(fc, make_client):
    new_group(fc)

    assert make_client("forecast", region_name="eu-west-1").list_dataset_groups()["DatasetGroups"] == []


@pytest.mark.parametrize("moto_first", [True, False])
def test_beside_moto_dataset_groups_are_moto_and_datasets_importmock(make_client, moto_first):
    from moto import mock_aws

    mock = mock_imports()
    outer, inner = (mock_aws(), mock) if moto_first else (mock, mock_aws())
    with outer, inner:
        fc = make_client("forecast")
        arn = new_group(fc)
        dataset = new_dataset(fc)
        group = describe(fc, arn)
        listed = fc.list_dataset_groups()
        with pytest.raises(fc.exceptions.InvalidInputException):  # moto knows no datasets
            fc.update_dataset_group(DatasetGroupArn=arn, DatasetArns=[dataset])
        held = mock.snapshot()

    check_shape(fc.meta.service_model.operation_model("DescribeDatasetGroup"), group)
    assert group["DatasetGroupArn"] == arn == GROUP
    assert [g["DatasetGroupArn"] for g in listed["DatasetGroups"]] == [arn]
    [state] = [b["state"] for b in held["backends"] if "_datasets" in b["state"]]
    assert state["_dataset_groups"] == []  # moto's, not importmock's
    assert [d["arn"] for d in state["_datasets"]] == [dataset]
