"""CloudTrail Lake imports ended by `mock.finish(..., status="STOPPED")`, a terminal status of the family."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cloudtrail_lake import STORE, error_of, get, listed_ids, start

from service_support import T0


def test_get_import_stopped_by_finish(waiting):
    mock, ct = waiting
    ident = start(ct)["ImportId"]
    mock.clock.advance(30)

    mock.finish(ident, status="STOPPED")
    mock.clock.advance(timedelta(days=1))
    job = get(ct, ident)

    assert job["ImportStatus"] == "STOPPED"
    assert job["CreatedTimestamp"] == T0
    assert job["UpdatedTimestamp"] == T0 + timedelta(seconds=30)
    assert job["ImportStatistics"]["FailedEntries"] == 0
    assert job["ImportStatistics"]["PrefixesCompleted"] < job["ImportStatistics"]["PrefixesFound"]


def test_list_imports_shows_import_stopped_by_finish(waiting):
    mock, ct = waiting
    ident = start(ct)["ImportId"]

    mock.finish(ident, status="STOPPED")
    (summary,) = ct.list_imports()["Imports"]

    assert summary["ImportId"] == ident
    assert summary["ImportStatus"] == "STOPPED"
    assert summary["Destinations"] == [STORE]
    assert listed_ids(ct, ImportStatus="STOPPED") == [ident]
    assert listed_ids(ct, ImportStatus="IN_PROGRESS") == []


def test_list_import_failures_of_import_stopped_by_finish_empty(waiting):
    mock, ct = waiting
    ident = start(ct)["ImportId"]

    mock.finish(ident, status="STOPPED")
    response = ct.list_import_failures(ImportId=ident)

    assert response["Failures"] == []


def test_start_import_retry_of_import_stopped_by_finish(waiting):
    mock, ct = waiting
    ident = start(ct)["ImportId"]
    mock.finish(ident, status="STOPPED")

    retried = ct.start_import(ImportId=ident)
    mock.finish(ident)

    assert retried["ImportStatus"] == "INITIALIZING"
    assert get(ct, ident)["ImportStatus"] == "COMPLETED"


def test_stop_import_of_import_stopped_by_finish_not_permitted(waiting):
    mock, ct = waiting
    ident = start(ct)["ImportId"]
    mock.finish(ident, status="STOPPED")

    with pytest.raises(ct.exceptions.OperationNotPermittedException) as excinfo:
        ct.stop_import(ImportId=ident)

    assert error_of(excinfo)[:2] == ("OperationNotPermittedException", 400)


def test_start_import_after_import_stopped_by_finish_accepted(waiting):
    # the stopped import no longer holds the account's one running import
    mock, ct = waiting
    first = start(ct)["ImportId"]
    mock.finish(first, status="STOPPED")

    second = start(ct)

    assert second["ImportStatus"] == "INITIALIZING"
    assert second["ImportId"] != first


@pytest.mark.parametrize("failure", [{"failure_code": "AccessDenied"}, {"failure_message": "stopped"}])
def test_finish_stopped_with_failure_raises_value_error(waiting, failure):
    # a stopped import shows no failure, so a failure given with STOPPED would be lost
    mock, ct = waiting
    ident = start(ct)["ImportId"]

    with pytest.raises(ValueError, match="STOPPED"):
        mock.finish(ident, status="STOPPED", **failure)

    assert get(ct, ident)["ImportStatus"] == "IN_PROGRESS"


def test_finish_import_stopped_by_stop_import_raises_value_error(waiting):
    mock, ct = waiting
    ident = start(ct)["ImportId"]
    ct.stop_import(ImportId=ident)

    with pytest.raises(ValueError, match="finished"):
        mock.finish(ident, status="STOPPED")

    assert get(ct, ident)["ImportStatus"] == "STOPPED"
