"""Tags of dataset import jobs through boto3: at creation, TagResource, UntagResource, ListTagsForResource."""

from __future__ import annotations

import pytest
from forecast_support import SALES, UNKNOWN

from service_support import ACCOUNT, OTHER_ACCOUNT


def tags_of(client, arn):
    return client.list_tags_for_resource(ResourceArn=arn)["Tags"]


def tag_list(count, prefix="k"):
    return [{"Key": f"{prefix}{i}", "Value": f"v{i}"} for i in range(count)]


def test_tags_given_at_creation_are_listed(fc, new_job):
    tags = [{"Key": "team", "Value": "demand"}, {"Key": "stage", "Value": ""}]

    arn = new_job(Tags=tags)

    assert tags_of(fc, arn) == tags


def test_list_tags_for_resource_untagged_job_empty(fc, new_job):
    assert tags_of(fc, new_job()) == []


def test_tag_resource_adds_and_overwrites(fc, new_job):
    arn = new_job(Tags=[{"Key": "team", "Value": "demand"}, {"Key": "stage", "Value": "dev"}])

    response = fc.tag_resource(
        ResourceArn=arn, Tags=[{"Key": "stage", "Value": "prod"}, {"Key": "cost", "Value": "7"}]
    )

    assert set(response) == {"ResponseMetadata"}
    assert {t["Key"]: t["Value"] for t in tags_of(fc, arn)} == {
        "team": "demand",
        "stage": "prod",
        "cost": "7",
    }


def test_untag_resource_removes_only_named_keys(fc, new_job):
    arn = new_job(Tags=tag_list(3))

    fc.untag_resource(ResourceArn=arn, TagKeys=["k0", "k2", "absent"])

    assert tags_of(fc, arn) == [{"Key": "k1", "Value": "v1"}]


def test_tags_round_trip_unicode_and_allowed_punctuation(fc, new_job):
    tags = [
        {"Key": "Équipe prévision", "Value": "données 2024"},
        {"Key": "a_b.c:d/e=f+g-h@i", "Value": "AWS:ok"},
    ]
    arn = new_job()

    fc.tag_resource(ResourceArn=arn, Tags=tags)

    assert tags_of(fc, arn) == tags


def test_tags_are_case_sensitive(fc, new_job):
    arn = new_job(Tags=[{"Key": "Team", "Value": "a"}])

    fc.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "b"}])

    assert tags_of(fc, arn) == [{"Key": "Team", "Value": "a"}, {"Key": "team", "Value": "b"}]


def test_create_with_fifty_tags_accepted(fc, new_job):
    assert len(tags_of(fc, new_job(Tags=tag_list(50)))) == 50


def test_create_with_fifty_one_tags_exceeds_limit(fc, new_job):
    with pytest.raises(fc.exceptions.LimitExceededException):
        new_job(Tags=tag_list(51))

    assert fc.list_dataset_import_jobs()["DatasetImportJobs"] == []


def test_tag_resource_past_fifty_tags_exceeds_limit_and_changes_nothing(fc, new_job):
    arn = new_job(Tags=tag_list(49))
    fc.tag_resource(ResourceArn=arn, Tags=[{"Key": "k0", "Value": "again"}, {"Key": "extra", "Value": "x"}])

    with pytest.raises(fc.exceptions.LimitExceededException):
        fc.tag_resource(ResourceArn=arn, Tags=[{"Key": "one-too-many", "Value": "x"}])

    tags = tags_of(fc, arn)
    assert len(tags) == 50 and {"Key": "k0", "Value": "again"} in tags


@pytest.mark.parametrize("key", ["aws:team", "AWS:team", "Aws:team"])
def test_tags_with_reserved_prefix_rejected(fc, new_job, key):
    arn = new_job(Tags=[{"Key": "team", "Value": "demand"}])

    with pytest.raises(fc.exceptions.InvalidInputException):
        new_job("other", Tags=[{"Key": key, "Value": "x"}])
    with pytest.raises(fc.exceptions.InvalidInputException):
        fc.tag_resource(ResourceArn=arn, Tags=[{"Key": key, "Value": "x"}])
    with pytest.raises(fc.exceptions.InvalidInputException):
        fc.untag_resource(ResourceArn=arn, TagKeys=["team", key])

    assert tags_of(fc, arn) == [{"Key": "team", "Value": "demand"}]


def test_tag_resource_duplicate_keys_in_one_request_rejected(fc, new_job):
    arn = new_job()

    with pytest.raises(fc.exceptions.InvalidInputException) as excinfo:
        fc.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "a"}, {"Key": "team", "Value": "b"}])

    assert "team" in excinfo.value.response["Error"]["Message"]
    assert tags_of(fc, arn) == []


@pytest.mark.parametrize(
    ("tags", "wire_name"),
    [
        ([{"Key": "bad#key", "Value": "x"}], "tags.1.member.key"),
        ([{"Key": "k" * 129, "Value": "x"}], "tags.1.member.key"),
        ([{"Key": "", "Value": "x"}], "tags.1.member.key"),
        ([{"Key": "k", "Value": "v" * 257}], "tags.1.member.value"),
        ([{"Key": "k"}], "tags.1.member.value"),
        (tag_list(201), "tags"),
    ],
    ids=["pattern", "long-key", "empty-key", "long-value", "no-value", "too-many"],
)
def test_tag_resource_malformed_tags_rejected(fc, raw, new_job, tags, wire_name):
    arn = new_job()

    with pytest.raises(raw.exceptions.InvalidInputException) as excinfo:
        raw.tag_resource(ResourceArn=arn, Tags=tags)

    assert f"'{wire_name}'" in excinfo.value.response["Error"]["Message"]
    assert tags_of(fc, arn) == []


@pytest.mark.parametrize(
    "arn",
    [UNKNOWN, SALES, f"arn:aws:forecast:us-east-1:{ACCOUNT}:predictor/p1"],
    ids=["job", "dataset", "predictor"],
)
@pytest.mark.parametrize(
    ("operation", "extra"),
    [
        ("list_tags_for_resource", {}),
        ("tag_resource", {"Tags": tag_list(1)}),
        ("untag_resource", {"TagKeys": ["k0"]}),
    ],
)
def test_tag_operations_on_unknown_resource_not_found(fc, arn, operation, extra):
    with pytest.raises(fc.exceptions.ResourceNotFoundException) as excinfo:
        getattr(fc, operation)(ResourceArn=arn, **extra)

    assert arn in excinfo.value.response["Error"]["Message"]


def test_tag_operations_malformed_arn_rejected(raw):
    with pytest.raises(raw.exceptions.InvalidInputException) as excinfo:
        raw.list_tags_for_resource(ResourceArn="sales")

    assert "'resourceArn'" in excinfo.value.response["Error"]["Message"]


def test_tags_of_other_account_not_visible(fc, make_client, new_job):
    arn = new_job(Tags=tag_list(1))
    other = make_client("forecast", aws_access_key_id=OTHER_ACCOUNT, aws_secret_access_key="x")

    with pytest.raises(other.exceptions.ResourceNotFoundException):
        other.tag_resource(ResourceArn=arn, Tags=[{"Key": "theirs", "Value": "x"}])

    assert tags_of(fc, arn) == tag_list(1)


def test_tags_of_deleted_job_are_deleted_with_it(fc, new_job):
    arn = new_job(Tags=tag_list(2))
    fc.delete_dataset_import_job(DatasetImportJobArn=arn)

    again = new_job()

    assert again == arn
    assert tags_of(fc, again) == []
