"""CloudTrail Lake event data stores: life cycle, validation, listing, accounts and regions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError
from cloudtrail_lake import error_of, store_arn
from lake_stores import CONFIG_ITEMS, INSIGHTS, MANAGEMENT, S3_DATA, create, listed_names, status, unprotected

from importmock import mock_imports
from service_support import ACCOUNT, OTHER_ACCOUNT, T0, assert_error, assert_names_field, iter_pages

UUID_TAIL = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


@pytest.fixture
def clocked(make_client):
    """A mock with its clock at T0, and a cloudtrail client."""
    with mock_imports() as mock:
        mock.clock.set(T0)
        yield mock, make_client("cloudtrail")


def test_create_event_data_store_answers_created_with_documented_defaults(clocked):
    _, ct = clocked
    created = create(ct, "lake")

    assert created["EventDataStoreArn"].startswith(f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:eventdatastore/")
    assert created == {
        "EventDataStoreArn": created["EventDataStoreArn"],
        "Name": "lake",
        "Status": "CREATED",
        "AdvancedEventSelectors": MANAGEMENT,
        "MultiRegionEnabled": True,
        "OrganizationEnabled": False,
        "RetentionPeriod": 366,
        "TerminationProtectionEnabled": True,
        "BillingMode": "EXTENDABLE_RETENTION_PRICING",
        "CreatedTimestamp": T0,
        "UpdatedTimestamp": T0,
    }


def test_create_event_data_store_keeps_given_settings_and_tags(clocked):
    _, ct = clocked
    tags = [{"Key": "team", "Value": "security"}]
    created = create(
        ct,
        "fixed",
        AdvancedEventSelectors=S3_DATA,
        MultiRegionEnabled=False,
        RetentionPeriod=90,
        BillingMode="FIXED_RETENTION_PRICING",
        KmsKeyId="12345678-1234-1234-1234-123456789012",
        TagsList=tags,
    )

    assert created["TagsList"] == tags
    assert created["AdvancedEventSelectors"] == S3_DATA
    assert (created["MultiRegionEnabled"], created["RetentionPeriod"]) == (False, 90)
    assert created["KmsKeyId"] == f"arn:aws:kms:us-east-1:{ACCOUNT}:key/12345678-1234-1234-1234-123456789012"
    assert create(ct, "fixed-default", BillingMode="FIXED_RETENTION_PRICING")["RetentionPeriod"] == 2557


def test_get_event_data_store_by_arn_or_id_shows_enabled(clocked):
    _, ct = clocked
    arn = create(ct)["EventDataStoreArn"]

    by_arn = ct.get_event_data_store(EventDataStore=arn)
    by_id = ct.get_event_data_store(EventDataStore=arn.rpartition("/")[2])

    assert by_arn["Status"] == by_id["Status"] == "ENABLED"
    assert by_arn["FederationStatus"] == "DISABLED"
    assert by_id["EventDataStoreArn"] == arn


def test_create_event_data_store_start_ingestion_false_is_stopped_ingestion(clocked):
    _, ct = clocked
    arn = create(ct, StartIngestion=False)["EventDataStoreArn"]

    assert status(ct, arn) == "STOPPED_INGESTION"


def test_start_and_stop_ingestion_switch_status_and_refuse_the_wrong_one(clocked):
    _, ct = clocked
    arn = create(ct)["EventDataStoreArn"]

    with pytest.raises(ClientError) as excinfo:
        ct.start_event_data_store_ingestion(EventDataStore=arn)
    assert_error(excinfo, "InvalidEventDataStoreStatusException")
    ct.stop_event_data_store_ingestion(EventDataStore=arn)
    assert status(ct, arn) == "STOPPED_INGESTION"
    with pytest.raises(ClientError) as excinfo:
        ct.stop_event_data_store_ingestion(EventDataStore=arn)
    assert_error(excinfo, "InvalidEventDataStoreStatusException")
    ct.start_event_data_store_ingestion(EventDataStore=arn)
    assert status(ct, arn) == "ENABLED"


def test_stop_ingestion_of_insights_store_is_invalid_category(clocked):
    _, ct = clocked
    arn = create(ct, AdvancedEventSelectors=INSIGHTS)["EventDataStoreArn"]

    with pytest.raises(ClientError) as excinfo:
        ct.stop_event_data_store_ingestion(EventDataStore=arn)

    assert_error(excinfo, "InvalidEventDataStoreCategoryException")


def test_get_event_data_store_unknown_is_not_found(clocked):
    _, ct = clocked

    for ref in (store_arn(), "01234567-89ab-4cde-8f01-23456789abcd"):
        with pytest.raises(ct.exceptions.EventDataStoreNotFoundException) as excinfo:
            ct.get_event_data_store(EventDataStore=ref)
        assert_error(excinfo, "EventDataStoreNotFoundException")


def test_get_event_data_store_arn_of_other_account_or_region_is_arn_invalid(clocked):
    _, ct = clocked
    arn = create(ct)["EventDataStoreArn"]

    for other in (arn.replace(ACCOUNT, OTHER_ACCOUNT), arn.replace("us-east-1", "eu-west-1")):
        with pytest.raises(ClientError) as excinfo:
            ct.get_event_data_store(EventDataStore=other)
        assert_error(excinfo, "EventDataStoreARNInvalidException")


def test_delete_protected_store_is_refused_and_store_kept(clocked):
    _, ct = clocked
    arn = create(ct)["EventDataStoreArn"]

    with pytest.raises(ct.exceptions.EventDataStoreTerminationProtectedException) as excinfo:
        ct.delete_event_data_store(EventDataStore=arn)

    assert_error(excinfo, "EventDataStoreTerminationProtectedException")
    assert status(ct, arn) == "ENABLED"


def test_delete_after_protection_is_turned_off_is_pending_deletion(clocked):
    mock, ct = clocked
    arn = create(ct)["EventDataStoreArn"]
    mock.clock.advance(60)

    updated = ct.update_event_data_store(EventDataStore=arn, TerminationProtectionEnabled=False)
    ct.delete_event_data_store(EventDataStore=arn)

    assert updated["TerminationProtectionEnabled"] is False
    assert updated["UpdatedTimestamp"] == T0 + timedelta(seconds=60)
    assert status(ct, arn) == "PENDING_DELETION"


def test_pending_deletion_lasts_seven_days_keeps_name_then_store_is_gone(clocked):
    mock, ct = clocked
    arn = unprotected(ct, "lake")
    ct.delete_event_data_store(EventDataStore=arn)

    mock.clock.advance(timedelta(days=7) - timedelta(microseconds=1000))
    assert status(ct, arn) == "PENDING_DELETION"
    assert listed_names(ct) == ["lake"]
    with pytest.raises(ct.exceptions.EventDataStoreAlreadyExistsException):
        create(ct, "lake")

    mock.clock.advance(timedelta(microseconds=1000))
    with pytest.raises(ct.exceptions.EventDataStoreNotFoundException):
        ct.get_event_data_store(EventDataStore=arn)
    assert listed_names(ct) == []
    assert create(ct, "lake")["EventDataStoreArn"] != arn


def test_pending_deletion_store_refuses_update_delete_and_ingestion(clocked):
    _, ct = clocked
    arn = unprotected(ct)
    ct.delete_event_data_store(EventDataStore=arn)

    inactive, invalid = "InactiveEventDataStoreException", "InvalidEventDataStoreStatusException"
    for call, code in (
        (lambda: ct.update_event_data_store(EventDataStore=arn, RetentionPeriod=30), inactive),
        (lambda: ct.delete_event_data_store(EventDataStore=arn), inactive),
        (lambda: ct.stop_event_data_store_ingestion(EventDataStore=arn), invalid),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert_error(excinfo, code)


def test_restore_event_data_store_brings_it_back_within_seven_days(clocked):
    mock, ct = clocked
    arn = unprotected(ct, StartIngestion=False)
    ct.delete_event_data_store(EventDataStore=arn)
    mock.clock.advance(timedelta(days=6))

    restored = ct.restore_event_data_store(EventDataStore=arn)

    assert restored["Status"] == "STOPPED_INGESTION"
    assert restored["UpdatedTimestamp"] == T0 + timedelta(days=6)
    mock.clock.advance(timedelta(days=30))
    assert status(ct, arn) == "STOPPED_INGESTION"


def test_restore_event_data_store_not_deleted_is_invalid_status(clocked):
    _, ct = clocked
    arn = create(ct)["EventDataStoreArn"]

    with pytest.raises(ClientError) as excinfo:
        ct.restore_event_data_store(EventDataStore=arn)

    assert_error(excinfo, "InvalidEventDataStoreStatusException")


def test_create_event_data_store_name_taken_is_already_exists(clocked):
    _, ct = clocked
    create(ct, "lake")

    with pytest.raises(ct.exceptions.EventDataStoreAlreadyExistsException) as excinfo:
        create(ct, "lake")

    assert_error(excinfo, "EventDataStoreAlreadyExistsException")
    assert "lake" in error_of(excinfo)[2]


def test_update_event_data_store_to_a_taken_name_is_already_exists(clocked):
    _, ct = clocked
    create(ct, "first")
    second = create(ct, "second")["EventDataStoreArn"]

    with pytest.raises(ClientError) as excinfo:
        ct.update_event_data_store(EventDataStore=second, Name="first")

    assert_error(excinfo, "EventDataStoreAlreadyExistsException")
    assert ct.update_event_data_store(EventDataStore=second, Name="renamed")["Name"] == "renamed"
    assert listed_names(ct) == ["first", "renamed"]


def test_create_event_data_store_eleventh_is_max_limit_exceeded_pending_deletion_counted(clocked):
    _, ct = clocked
    first = unprotected(ct, "store-0")
    for number in range(1, 10):
        create(ct, f"store-{number}")
    ct.delete_event_data_store(EventDataStore=first)

    with pytest.raises(ct.exceptions.EventDataStoreMaxLimitExceededException) as excinfo:
        create(ct, "store-10")

    assert_error(excinfo, "EventDataStoreMaxLimitExceededException")


def selector(**field):
    return [{"FieldSelectors": [field]}]


BROKEN_RULES = {
    "fixed retention": (
        {"RetentionPeriod": 2558, "BillingMode": "FIXED_RETENTION_PRICING"},
        "InvalidParameterException",
    ),
    "six selectors": ({"AdvancedEventSelectors": MANAGEMENT * 6}, "InvalidEventSelectorsException"),
    "two kinds": ({"AdvancedEventSelectors": MANAGEMENT + INSIGHTS}, "InvalidEventSelectorsException"),
    "no category": ({"AdvancedEventSelectors": selector(Field="eventName", Equals=["x"])}, ""),
    "data without type": ({"AdvancedEventSelectors": selector(Field="eventCategory", Equals=["Data"])}, ""),
    "unknown category": ({"AdvancedEventSelectors": selector(Field="eventCategory", Equals=["Logs"])}, ""),
    "category not equals": (
        {"AdvancedEventSelectors": selector(Field="eventCategory", StartsWith=["M"])},
        "",
    ),
}


@pytest.mark.parametrize(("params", "code"), list(BROKEN_RULES.values()), ids=list(BROKEN_RULES))
def test_create_event_data_store_broken_rules_are_refused(clocked, params, code):
    _, ct = clocked

    with pytest.raises(ClientError) as excinfo:
        create(ct, "lake", **params)

    assert_error(excinfo, code or "InvalidEventSelectorsException")
    assert listed_names(ct) == []


def test_create_event_data_store_retention_out_of_model_range_is_invalid_parameter(mock, raw):
    with pytest.raises(ClientError) as excinfo:
        raw.create_event_data_store(Name="lake", RetentionPeriod=3)

    assert_error(excinfo, "InvalidParameterException")
    assert_names_field(excinfo, "RetentionPeriod")


def test_update_event_data_store_rules(clocked):
    _, ct = clocked
    arn = create(ct, KmsKeyId="alias/lake")["EventDataStoreArn"]

    for params, code in (
        ({}, "InvalidParameterException"),
        ({"BillingMode": "FIXED_RETENTION_PRICING"}, "InvalidParameterException"),
        ({"KmsKeyId": "alias/other"}, "InvalidParameterException"),
        ({"AdvancedEventSelectors": INSIGHTS + CONFIG_ITEMS}, "InvalidEventSelectorsException"),
    ):
        with pytest.raises(ClientError) as excinfo:
            ct.update_event_data_store(EventDataStore=arn, **params)
        assert_error(excinfo, code)

    updated = ct.update_event_data_store(
        EventDataStore=arn, RetentionPeriod=3653, AdvancedEventSelectors=S3_DATA
    )
    assert (updated["RetentionPeriod"], updated["AdvancedEventSelectors"]) == (3653, S3_DATA)
    assert updated["KmsKeyId"] == "alias/lake"
    assert ct.get_event_data_store(EventDataStore=arn)["RetentionPeriod"] == 3653


def test_list_event_data_stores_pages_in_creation_order_without_repeats(clocked):
    mock, ct = clocked
    names = [f"store-{number}" for number in range(7)]
    for name in names:
        create(ct, name)
        mock.clock.advance(1)

    pages = list(iter_pages(ct, "list_event_data_stores", "MaxResults", 3))

    assert [len(page["EventDataStores"]) for page in pages] == [3, 3, 1]
    assert [s["Name"] for page in pages for s in page["EventDataStores"]] == names
    assert all(set(s) == {"EventDataStoreArn", "Name"} for page in pages for s in page["EventDataStores"])


def test_list_event_data_stores_token_bound_to_its_request(clocked):
    _, ct = clocked
    for number in range(3):
        create(ct, f"store-{number}")
    token = ct.list_event_data_stores(MaxResults=1)["NextToken"]

    with pytest.raises(ct.exceptions.InvalidNextTokenException) as excinfo:
        ct.list_event_data_stores(MaxResults=2, NextToken=token)

    assert_error(excinfo, "InvalidNextTokenException")
    assert listed_names(ct, MaxResults=1, NextToken=token) == ["store-1"]


def test_event_data_stores_are_isolated_by_account_and_region(make_client):
    with mock_imports():
        home = make_client("cloudtrail")
        west = make_client("cloudtrail", region_name="eu-west-1")
        other = make_client("cloudtrail", aws_access_key_id=OTHER_ACCOUNT, aws_secret_access_key="x")
        arn = create(home, "lake")["EventDataStoreArn"]

        west_arn = create(west, "lake")["EventDataStoreArn"]  # a name is unique per account and region
        other_arn = create(other, "lake")["EventDataStoreArn"]

        assert west_arn.split(":")[3:5] == ["eu-west-1", ACCOUNT]
        assert other_arn.split(":")[3:5] == ["us-east-1", OTHER_ACCOUNT]
        assert [listed_names(c) for c in (home, west, other)] == [["lake"]] * 3
        with pytest.raises(ClientError) as excinfo:
            west.get_event_data_store(EventDataStore=arn.rpartition("/")[2])
        assert_error(excinfo, "EventDataStoreNotFoundException")


def test_store_ids_are_version_4_uuids(clocked):
    _, ct = clocked
    arn = create(ct)["EventDataStoreArn"]

    assert re.fullmatch(UUID_TAIL, arn.rpartition("/")[2])
