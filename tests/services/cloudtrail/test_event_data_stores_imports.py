"""Event data stores with the rest of importmock: StartImport's destination rule, snapshots,
the server, the AWS CLI, and moto's mock_aws beside importmock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from cloudtrail_lake import STORE, start, store_arn
from lake_stores import CONFIG_ITEMS, INSIGHTS, create, listed_names, status, unprotected

from importmock import mock_imports
from importmock.server import ThreadedServer
from service_support import ACCOUNT, T0, assert_error

CLI_TIMEOUT = 120  # seconds: the CLI loads every service model at start-up


def test_start_import_into_known_enabled_store(ct, mock):
    arn = create(ct)["EventDataStoreArn"]

    started = start(ct, arn)

    assert started["Destinations"] == [arn]
    assert ct.get_import(ImportId=started["ImportId"])["ImportStatus"] == "COMPLETED"


def test_start_import_into_stopped_ingestion_store_is_accepted(ct, mock):
    arn = create(ct, StartIngestion=False)["EventDataStoreArn"]

    assert start(ct, arn)["ImportStatus"] == "INITIALIZING"


def test_start_import_into_store_never_created_here_is_still_accepted(ct, mock):
    create(ct)  # stores are known in this account and region now

    assert start(ct, STORE)["Destinations"] == [STORE]


def test_start_import_into_store_pending_deletion_is_inactive(ct, mock):
    arn = unprotected(ct)
    ct.delete_event_data_store(EventDataStore=arn)

    with pytest.raises(ct.exceptions.InactiveEventDataStoreException) as excinfo:
        start(ct, arn)

    assert_error(excinfo, "InactiveEventDataStoreException")
    assert ct.list_imports()["Imports"] == []


def test_start_import_into_store_deleted_for_good_is_not_found(ct, mock):
    arn = unprotected(ct)
    ct.delete_event_data_store(EventDataStore=arn)
    mock.clock.advance(timedelta(days=7))

    with pytest.raises(ct.exceptions.EventDataStoreNotFoundException) as excinfo:
        start(ct, arn)

    assert_error(excinfo, "EventDataStoreNotFoundException")
    assert ct.list_imports()["Imports"] == []


@pytest.mark.parametrize("selectors", [INSIGHTS, CONFIG_ITEMS], ids=["insights", "config items"])
def test_start_import_into_store_of_other_events_is_invalid_category(ct, mock, selectors):
    arn = create(ct, AdvancedEventSelectors=selectors)["EventDataStoreArn"]

    with pytest.raises(ct.exceptions.InvalidEventDataStoreCategoryException) as excinfo:
        start(ct, arn)

    assert_error(excinfo, "InvalidEventDataStoreCategoryException")


def test_start_import_into_organization_store_of_the_caller_is_accepted(ct, mock):
    arn = create(ct, OrganizationEnabled=True)["EventDataStoreArn"]

    assert start(ct, arn)["Destinations"] == [arn]


def test_retry_of_import_into_store_pending_deletion_is_inactive(waiting):
    mock, ct = waiting
    arn = unprotected(ct)
    ident = start(ct, arn)["ImportId"]
    mock.finish(ident, status="FAILED")
    ct.delete_event_data_store(EventDataStore=arn)

    with pytest.raises(ClientError) as excinfo:
        ct.start_import(ImportId=ident)

    assert_error(excinfo, "InactiveEventDataStoreException")
    assert ct.get_import(ImportId=ident)["ImportStatus"] == "FAILED"


def test_update_and_delete_while_import_runs_are_refused_then_allowed(waiting):
    mock, ct = waiting
    arn = unprotected(ct)
    ident = start(ct, arn)["ImportId"]

    for call in (
        lambda: ct.update_event_data_store(EventDataStore=arn, RetentionPeriod=30),
        lambda: ct.delete_event_data_store(EventDataStore=arn),
    ):
        with pytest.raises(ct.exceptions.EventDataStoreHasOngoingImportException) as excinfo:
            call()
        assert_error(excinfo, "EventDataStoreHasOngoingImportException")

    mock.finish(ident)
    ct.delete_event_data_store(EventDataStore=arn)
    assert status(ct, arn) == "PENDING_DELETION"


def test_import_into_another_store_does_not_block_update(waiting):
    _, ct = waiting
    arn = create(ct)["EventDataStoreArn"]
    start(ct, store_arn())

    assert ct.update_event_data_store(EventDataStore=arn, RetentionPeriod=30)["RetentionPeriod"] == 30


def test_snapshot_round_trip_keeps_stores_pending_deletion_and_gone(make_client):
    with mock_imports() as mock:
        mock.clock.set(T0)
        ct = make_client("cloudtrail")
        kept = create(ct, "kept", StartIngestion=False)["EventDataStoreArn"]
        pending = unprotected(ct, "pending")
        gone = unprotected(ct, "gone")
        ct.delete_event_data_store(EventDataStore=gone)
        mock.clock.advance(timedelta(days=3))
        ct.delete_event_data_store(EventDataStore=pending)
        mock.clock.advance(timedelta(days=4))
        token = ct.list_event_data_stores(MaxResults=1)["NextToken"]
        snapshot = json.loads(json.dumps(mock.snapshot()))

    with mock_imports(state=snapshot) as restored:
        ct = make_client("cloudtrail")
        assert restored.snapshot() == snapshot
        assert [status(ct, kept), status(ct, pending)] == ["STOPPED_INGESTION", "PENDING_DELETION"]
        assert listed_names(ct, MaxResults=1, NextToken=token) == ["pending"]
        with pytest.raises(ClientError) as excinfo:
            start(ct, gone)
        assert_error(excinfo, "EventDataStoreNotFoundException")
        with pytest.raises(ClientError) as excinfo:
            create(ct, "kept")
        assert_error(excinfo, "EventDataStoreAlreadyExistsException")


def test_snapshot_store_with_request_its_operation_refuses_is_not_restored(make_client):
    with mock_imports() as mock:
        create(make_client("cloudtrail"), "lake")
        snapshot = mock.snapshot()
    (entry,) = snapshot["backends"]
    (record,) = entry["state"]["_stores"].values()
    record["settings"]["RetentionPeriod"] = "a year"

    with pytest.raises(ValueError, match="CreateEventDataStore"):
        mock_imports(state=snapshot).start()


def server_client(make_client, server, access_key):
    """A cloudtrail client of `server`, whose access key selects the account."""
    return make_client(
        "cloudtrail", endpoint_url=server.url, aws_access_key_id=access_key, aws_secret_access_key="x"
    )


def test_server_answers_event_data_stores_per_account(make_client):
    with ThreadedServer(port=0) as server:
        mine, other = (server_client(make_client, server, key) for key in (ACCOUNT, "222222222222"))
        arn = create(mine, "lake")["EventDataStoreArn"]

        assert status(mine, arn) == "ENABLED"
        assert listed_names(mine) == ["lake"]
        assert listed_names(other) == []
        with pytest.raises(ClientError) as excinfo:
            mine.delete_event_data_store(EventDataStore=arn)
        assert_error(excinfo, "EventDataStoreTerminationProtectedException")


def test_aws_cli_lists_event_data_stores_boto3_created(make_client, assert_shape, tmp_path: Path):
    with ThreadedServer(port=0) as server:
        ct = server_client(make_client, server, ACCOUNT)
        arn = create(ct, "lake")["EventDataStoreArn"]
        env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
        env.update(
            AWS_ACCESS_KEY_ID=ACCOUNT,
            AWS_SECRET_ACCESS_KEY="x",
            AWS_DEFAULT_REGION="us-east-1",
            AWS_CONFIG_FILE=str(tmp_path / "no-config"),
            AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
            AWS_EC2_METADATA_DISABLED="true",
            AWS_MAX_ATTEMPTS="1",
            NO_PROXY="127.0.0.1,localhost",
        )
        command = [sys.executable, "-m", "awscli", "cloudtrail", "list-event-data-stores"]
        command += ["--endpoint-url", server.url, "--output", "json"]
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=CLI_TIMEOUT, check=False, cwd=tmp_path
        )

    assert done.returncode == 0, (done.stdout, done.stderr)
    listed = json.loads(done.stdout)
    assert_shape(ct, "ListEventDataStores", listed)
    assert listed == {"EventDataStores": [{"EventDataStoreArn": arn, "Name": "lake"}]}


@pytest.mark.parametrize("order", ["moto-first", "importmock-first"])
def test_event_data_stores_answered_by_importmock_beside_moto(order, make_client):
    from moto import mock_aws  # imported here: moto is slow to import

    outer, inner = (mock_aws(), mock_imports()) if order == "moto-first" else (mock_imports(), mock_aws())
    with outer, inner:
        ct = make_client("cloudtrail")
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="trail-bucket")
        plain = boto3.client("cloudtrail", region_name="us-east-1")  # moto's answers are not shape-checked
        plain.create_trail(Name="trail", S3BucketName="trail-bucket")

        arn = create(ct, "lake")["EventDataStoreArn"]

        assert listed_names(ct) == ["lake"]
        assert [t["Name"] for t in plain.describe_trails()["trailList"]] == ["trail"]
        assert start(ct, arn)["Destinations"] == [arn]
