"""CloudTrail Lake ListImports through boto3: filters, pages, tokens and isolation."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from botocore.exceptions import ClientError
from cloudtrail_lake import OTHER_STORE, STORE, error_of, get, listed_ids, source, start, store_arn

from importmock import mock_imports
from service_support import ACCOUNT, OTHER_ACCOUNT, T0
from tampering import flip


def started(mock, ct, count, destination=STORE):
    """Ids of `count` imports started one second apart, oldest first."""
    ids = []
    for _ in range(count):
        ids.append(start(ct, destination)["ImportId"])
        mock.clock.advance(1)
    return ids


def test_list_imports_empty(ct):
    response = ct.list_imports()

    assert response["Imports"] == []
    assert "NextToken" not in response


def test_list_imports_newest_first(mock, ct):
    ids = started(mock, ct, 4)

    assert listed_ids(ct) == ids[::-1]


def test_list_imports_item_matches_get_import(mock, ct):
    mock.clock.set(T0)
    ident = start(ct)["ImportId"]

    (item,) = ct.list_imports()["Imports"]
    full = get(ct, ident)

    members = ct.meta.service_model.shape_for("ImportsListItem").members
    assert item == {name: full[name] for name in members}
    assert item["ImportStatus"] == "COMPLETED"


def test_list_imports_filters_by_destination(mock, ct):
    wanted = started(mock, ct, 2, STORE)
    started(mock, ct, 3, OTHER_STORE)

    assert listed_ids(ct, Destination=STORE) == wanted[::-1]
    assert len(listed_ids(ct, Destination=OTHER_STORE)) == 3
    assert listed_ids(ct, Destination=store_arn(ident="c3d4e5f6")) == []


def test_list_imports_filters_by_status(make_client):
    with mock_imports(duration=None) as mock:
        ct = make_client("cloudtrail")
        completed = start(ct)["ImportId"]
        mock.finish(completed)
        failed = start(ct, OTHER_STORE)["ImportId"]
        mock.finish(failed, status="FAILED")
        stopped = start(ct)["ImportId"]
        ct.stop_import(ImportId=stopped)
        running = start(ct)["ImportId"]

        by_status = {
            status: listed_ids(ct, ImportStatus=status)
            for status in ("COMPLETED", "FAILED", "STOPPED", "IN_PROGRESS", "INITIALIZING")
        }
        failed_on_other = listed_ids(ct, ImportStatus="FAILED", Destination=OTHER_STORE)
        failed_on_store = listed_ids(ct, ImportStatus="FAILED", Destination=STORE)

    assert by_status == {
        "COMPLETED": [completed],
        "FAILED": [failed],
        "STOPPED": [stopped],
        "IN_PROGRESS": [running],
        "INITIALIZING": [],
    }
    assert (failed_on_other, failed_on_store) == ([failed], [])


def test_list_imports_status_follows_the_clock(make_client):
    with mock_imports(durations={"cloudtrail:import": 60}) as mock:
        ct = make_client("cloudtrail")
        ident = start(ct)["ImportId"]
        running = listed_ids(ct, ImportStatus="IN_PROGRESS")
        mock.clock.advance(60)
        after = (listed_ids(ct, ImportStatus="IN_PROGRESS"), listed_ids(ct, ImportStatus="COMPLETED"))

    assert running == [ident]
    assert after == ([], [ident])


@pytest.mark.parametrize(
    "destination",
    [
        store_arn(region="eu-west-1"),
        store_arn(account=OTHER_ACCOUNT),
        f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/t",
    ],
    ids=["other-region", "other-account", "trail"],
)
def test_list_imports_destination_not_own_event_data_store_rejected(ct, destination):
    with pytest.raises(ct.exceptions.EventDataStoreARNInvalidException) as excinfo:
        ct.list_imports(Destination=destination)

    assert error_of(excinfo)[:2] == ("EventDataStoreARNInvalidException", 400)


@pytest.mark.parametrize("size", [1, 3, 1000])
def test_list_imports_max_results_limits_page(mock, ct, size):
    started(mock, ct, 4)

    response = ct.list_imports(MaxResults=size)

    assert len(response["Imports"]) == min(size, 4)
    assert ("NextToken" in response) == (size < 4)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"MaxResults": 0}, "maxResults"),
        ({"MaxResults": 1001}, "maxResults"),
        ({"MaxResults": -5}, "maxResults"),
        ({"ImportStatus": "RUNNING"}, "importStatus"),
        ({"Destination": "ab"}, "destination"),
        ({"Destination": "arn with spaces"}, "destination"),
        ({"NextToken": "abc"}, "nextToken"),
    ],
)
def test_list_imports_server_side_validation(raw, params, field):
    with pytest.raises(ClientError) as excinfo:
        raw.list_imports(**params)

    code, status, message = error_of(excinfo)
    assert (code, status) == ("InvalidParameterException", 400)
    assert f"at '{field}'" in message


def test_list_imports_paginator_traverses_all(mock, ct):
    ids = started(mock, ct, 7)

    pages = list(ct.get_paginator("list_imports").paginate(PaginationConfig={"PageSize": 2}))

    assert [len(page["Imports"]) for page in pages] == [2, 2, 2, 1]
    assert [item["ImportId"] for page in pages for item in page["Imports"]] == ids[::-1]


def test_list_imports_traversal_with_creates_between_pages(mock, ct):
    existing = started(mock, ct, 6)

    seen, token, created = [], None, []
    for _ in range(50):
        page = ct.list_imports(MaxResults=1, **({"NextToken": token} if token else {}))
        assert len(page["Imports"]) <= 1
        seen += [item["ImportId"] for item in page["Imports"]]
        created.append(start(ct)["ImportId"])
        if not (token := page.get("NextToken")):
            break

    assert token is None, "traversal does not end"
    assert max(Counter(seen).values()) == 1
    assert seen == existing[::-1]
    assert set(created).isdisjoint(seen)


def test_list_imports_traversal_with_stops_and_creates_between_pages(make_client):
    with mock_imports(duration=None) as mock:
        ct = make_client("cloudtrail")
        existing = []
        for _ in range(5):
            existing.append(start(ct)["ImportId"])
            ct.stop_import(ImportId=existing[-1])
            mock.clock.advance(1)
        running = start(ct)["ImportId"]
        existing.append(running)

        seen, token = [], None
        for _ in range(50):
            page = ct.list_imports(MaxResults=1, **({"NextToken": token} if token else {}))
            seen += [item["ImportId"] for item in page["Imports"]]
            ct.stop_import(ImportId=running)  # the import listed last, or one made in between
            running = start(ct)["ImportId"]
            if not (token := page.get("NextToken")):
                break
        statuses = [get(ct, ident)["ImportStatus"] for ident in existing]

    assert seen == existing[::-1]
    assert statuses == ["STOPPED"] * 6


def test_list_imports_traversal_with_status_filter_and_changes_between_pages(make_client):
    with mock_imports(duration=None) as mock:
        ct = make_client("cloudtrail")
        stopped = []
        for _ in range(4):
            stopped.append(start(ct)["ImportId"])
            ct.stop_import(ImportId=stopped[-1])
            mock.clock.advance(1)

        seen, token = [], None
        for _ in range(50):
            params = {"ImportStatus": "STOPPED", "MaxResults": 1}
            page = ct.list_imports(**params, **({"NextToken": token} if token else {}))
            seen += [item["ImportId"] for item in page["Imports"]]
            ct.stop_import(ImportId=start(ct)["ImportId"])  # newer than the traversal's position
            if not (token := page.get("NextToken")):
                break

    assert seen == stopped[::-1]


def test_list_imports_token_is_opaque(mock, ct):
    ids = started(mock, ct, 3)

    token = ct.list_imports(MaxResults=1)["NextToken"]

    assert 4 <= len(token) <= 1000
    assert not any(part in token for ident in ids for part in ident.split("-"))
    assert ACCOUNT not in token


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_list_imports_tampered_token_rejected(mock, ct, where):
    started(mock, ct, 3)
    token = ct.list_imports(MaxResults=1)["NextToken"]
    index = {"first": 0, "middle": len(token) // 2, "last": len(token) - 1}[where]

    with pytest.raises(ct.exceptions.InvalidNextTokenException) as excinfo:
        ct.list_imports(MaxResults=1, NextToken=flip(token, index))

    assert error_of(excinfo)[:2] == ("InvalidNextTokenException", 400)


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t + "%",
        lambda t: t[:10] + "." + t[10:],
        lambda t: t + "==",
        lambda t: " " + t,
        lambda t: t[:-1],
    ],
    ids=["appended", "inserted", "padded", "leading-space", "truncated"],
)
def test_list_imports_edited_token_rejected(mock, ct, edit):
    started(mock, ct, 3)
    token = ct.list_imports(MaxResults=1)["NextToken"]

    with pytest.raises(ct.exceptions.InvalidNextTokenException):
        ct.list_imports(MaxResults=1, NextToken=edit(token))
    assert len(ct.list_imports(MaxResults=1, NextToken=token)["Imports"]) == 1


@pytest.mark.parametrize("token", ["AAAA", "not a token at all", "x" * 1000, "====", "%%%%"])
def test_list_imports_invented_token_rejected(mock, ct, token):
    started(mock, ct, 2)

    with pytest.raises(ct.exceptions.InvalidNextTokenException):
        ct.list_imports(NextToken=token)


@pytest.mark.parametrize(
    "other",
    [
        {"Destination": STORE},
        {"Destination": OTHER_STORE},
        {"ImportStatus": "COMPLETED"},
        {"ImportStatus": "COMPLETED", "Destination": STORE},
    ],
)
def test_list_imports_token_used_with_other_filters_rejected(mock, ct, other):
    started(mock, ct, 3)
    token = ct.list_imports(MaxResults=1)["NextToken"]

    with pytest.raises(ct.exceptions.InvalidNextTokenException):
        ct.list_imports(MaxResults=1, NextToken=token, **other)


def test_list_imports_filtered_token_used_without_filter_rejected(mock, ct):
    started(mock, ct, 3)
    token = ct.list_imports(MaxResults=1, Destination=STORE)["NextToken"]

    with pytest.raises(ct.exceptions.InvalidNextTokenException):
        ct.list_imports(MaxResults=1, NextToken=token)
    assert len(ct.list_imports(MaxResults=1, NextToken=token, Destination=STORE)["Imports"]) == 1


def test_list_imports_token_with_other_page_size_rejected(mock, ct):
    # the API reference: a token "previously used in a request with different parameters"
    started(mock, ct, 4)
    token = ct.list_imports(MaxResults=1)["NextToken"]

    with pytest.raises(ct.exceptions.InvalidNextTokenException):
        ct.list_imports(MaxResults=10, NextToken=token)


@pytest.mark.parametrize(
    "client_kwargs",
    [{"region_name": "us-west-2"}, {"aws_access_key_id": OTHER_ACCOUNT, "aws_secret_access_key": "x"}],
    ids=["other-region", "other-account"],
)
def test_list_imports_token_from_elsewhere_rejected(mock, ct, make_client, client_kwargs):
    started(mock, ct, 2)
    token = ct.list_imports(MaxResults=1)["NextToken"]
    other = make_client("cloudtrail", **client_kwargs)

    with pytest.raises(other.exceptions.InvalidNextTokenException):
        other.list_imports(MaxResults=1, NextToken=token)


def test_list_imports_token_of_other_mock_rejected(make_client):
    with mock_imports():
        ct = make_client("cloudtrail")
        start(ct)
        start(ct)
        token = ct.list_imports(MaxResults=1)["NextToken"]
    with mock_imports():
        ct = make_client("cloudtrail")
        start(ct)
        start(ct)
        with pytest.raises(ct.exceptions.InvalidNextTokenException):
            ct.list_imports(MaxResults=1, NextToken=token)


@pytest.mark.parametrize(
    ("client_kwargs", "destination"),
    [
        ({"region_name": "us-west-2"}, store_arn(region="us-west-2")),
        (
            {"aws_access_key_id": OTHER_ACCOUNT, "aws_secret_access_key": "x"},
            store_arn(account=OTHER_ACCOUNT),
        ),
    ],
    ids=["other-region", "other-account"],
)
def test_list_imports_isolated_by_account_and_region(mock, ct, make_client, client_kwargs, destination):
    mine = start(ct)["ImportId"]
    other = make_client("cloudtrail", **client_kwargs)
    account = client_kwargs.get("aws_access_key_id", ACCOUNT)
    theirs = start(other, destination, ImportSource=source(role=f"arn:aws:iam::{account}:role/R"))["ImportId"]

    assert listed_ids(ct) == [mine]
    assert listed_ids(other) == [theirs]


def test_list_imports_account_option(make_client):
    with mock_imports(account_id="444455556666"):
        ct = make_client("cloudtrail")
        ident = start(ct, store_arn(account="444455556666"))["ImportId"]
        listed = listed_ids(ct)
        with pytest.raises(ct.exceptions.EventDataStoreARNInvalidException):
            start(ct, STORE)

    assert listed == [ident]


def test_list_imports_next_token_shape(mock, ct):
    started(mock, ct, 2)

    token = ct.list_imports(MaxResults=1)["NextToken"]

    assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
