"""ListDatasetImportJobs through boto3: filters, pages, NextTokens, isolation."""

from __future__ import annotations

import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError
from forecast_support import SALES, WAITING

from service_support import ACCOUNT, OTHER_ACCOUNT
from tampering import flip

PRICES = f"arn:aws:forecast:us-east-1:{ACCOUNT}:dataset/prices"


def listed(client, **params):
    return [j["DatasetImportJobArn"] for j in client.list_dataset_import_jobs(**params)["DatasetImportJobs"]]


def where(key, value, condition="IS"):
    return {"Key": key, "Value": value, "Condition": condition}


def traverse(client, size, between=lambda n: None, **params):
    """Every page of a listing by NextToken, calling `between(n)` after page n."""
    seen, token = [], None
    for n in range(200):
        page = client.list_dataset_import_jobs(
            MaxResults=size, **params, **({"NextToken": token} if token else {})
        )
        assert len(page["DatasetImportJobs"]) <= size
        seen += [j["DatasetImportJobArn"] for j in page["DatasetImportJobs"]]
        if not (token := page.get("NextToken")):
            return seen
        between(n)
    raise AssertionError("the traversal does not end")


def invalid_token(call, **params):
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return excinfo.value.response["Error"]["Code"]


@pytest.fixture
def jobs(importmock, new_job):
    """Seven jobs, one second apart, oldest first: four on sales, three on prices."""
    arns = []
    for i in range(7):
        arns.append(new_job(f"import{i}", dataset="sales" if i % 2 == 0 else "prices"))
        importmock.clock.advance(1)
    return arns


def test_list_dataset_import_jobs_empty(fc):
    response = fc.list_dataset_import_jobs()

    assert response["DatasetImportJobs"] == []
    assert "NextToken" not in response


def test_list_dataset_import_jobs_newest_first(fc, jobs):
    assert listed(fc) == jobs[::-1]


def test_list_dataset_import_jobs_summary_matches_describe(fc, new_job):
    arn = new_job(ImportMode="INCREMENTAL")

    (summary,) = fc.list_dataset_import_jobs()["DatasetImportJobs"]
    full = fc.describe_dataset_import_job(DatasetImportJobArn=arn)

    members = fc.meta.service_model.shape_for("DatasetImportJobSummary").members
    assert summary == {name: full[name] for name in members if name in full}
    assert set(summary) == {
        "DatasetImportJobArn",
        "DatasetImportJobName",
        "DataSource",
        "Status",
        "CreationTime",
        "LastModificationTime",
        "ImportMode",
    }
    assert summary["ImportMode"] == "INCREMENTAL"


@WAITING
@pytest.mark.parametrize(("condition", "kept"), [("IS", [4, 2, 0]), ("IS_NOT", [5, 3, 1])])
def test_list_dataset_import_jobs_filter_by_status(importmock, fc, new_job, condition, kept):
    arns = []
    for i in range(6):
        arns.append(new_job(f"import{i}"))
        importmock.clock.advance(1)
    for i in (1, 3, 5):
        fc.stop_resource(ResourceArn=arns[i])

    found = listed(fc, Filters=[where("Status", "CREATE_IN_PROGRESS", condition)])

    assert found == [arns[i] for i in kept]


@pytest.mark.parametrize(("condition", "indexes"), [("IS", [6, 4, 2, 0]), ("IS_NOT", [5, 3, 1])])
def test_list_dataset_import_jobs_filter_by_dataset(fc, jobs, condition, indexes):
    assert listed(fc, Filters=[where("DatasetArn", SALES, condition)]) == [jobs[i] for i in indexes]


@WAITING
def test_list_dataset_import_jobs_filters_combine(importmock, fc, jobs):
    for i, arn in enumerate(jobs):
        importmock.finish(arn, status="CREATE_FAILED" if i in (2, 3) else "ACTIVE")

    both = [where("DatasetArn", SALES), where("Status", "ACTIVE")]
    negated = [where("DatasetArn", SALES, "IS_NOT"), where("Status", "ACTIVE", "IS_NOT")]
    contradiction = [where("DatasetArn", SALES), where("DatasetArn", PRICES)]

    assert listed(fc, Filters=both) == [jobs[6], jobs[4], jobs[0]]
    assert listed(fc, Filters=negated) == [jobs[3]]
    assert listed(fc, Filters=contradiction) == []


@WAITING
def test_list_dataset_import_jobs_status_filter_value_outside_arn_pattern_accepted(fc, raw, new_job):
    # Filter.Value has the model's Arn shape, whose pattern AWS does not apply
    arn = new_job()
    pattern = fc.meta.service_model.shape_for("Arn").metadata["pattern"]
    assert re.fullmatch(pattern, "CREATE_PENDING") is None

    assert listed(raw, Filters=[where("Status", "CREATE_PENDING")]) == [arn]


@pytest.mark.parametrize("key", ["Name", "DatasetImportJobArn", "status", "datasetArn"])
def test_list_dataset_import_jobs_unknown_filter_key_rejected(fc, key):
    with pytest.raises(fc.exceptions.InvalidInputException) as excinfo:
        fc.list_dataset_import_jobs(Filters=[where("Status", "ACTIVE"), where(key, "x")])

    assert key in excinfo.value.response["Error"]["Message"]


@pytest.mark.parametrize(
    ("filters", "wire_name"),
    [
        ([where("Status", "ACTIVE", "EQUALS")], "filters.1.member.condition"),
        ([{"Key": "Status", "Value": "ACTIVE"}], "filters.1.member.condition"),
        ([{"Key": "Status", "Condition": "IS"}], "filters.1.member.value"),
        ([where("Sta-tus", "ACTIVE")], "filters.1.member.key"),
    ],
    ids=["condition", "no-condition", "no-value", "key-pattern"],
)
def test_list_dataset_import_jobs_malformed_filter_rejected(raw, filters, wire_name):
    with pytest.raises(raw.exceptions.InvalidInputException) as excinfo:
        raw.list_dataset_import_jobs(Filters=filters)

    assert f"'{wire_name}'" in excinfo.value.response["Error"]["Message"]


@pytest.mark.parametrize("size", [1, 100])
def test_list_dataset_import_jobs_max_results_limits_page(fc, new_job, size):
    for i in range(101):
        new_job(f"import{i}")

    response = fc.list_dataset_import_jobs(MaxResults=size)

    assert len(response["DatasetImportJobs"]) == size
    assert "NextToken" in response


def test_list_dataset_import_jobs_default_page_is_one_hundred(fc, new_job):
    for i in range(101):
        new_job(f"import{i}")

    first = fc.list_dataset_import_jobs()
    second = fc.list_dataset_import_jobs(NextToken=first["NextToken"])

    assert (len(first["DatasetImportJobs"]), len(second["DatasetImportJobs"])) == (100, 1)
    assert "NextToken" not in second


@pytest.mark.parametrize("size", [0, 101, -1])
def test_list_dataset_import_jobs_max_results_out_of_range_rejected(raw, size):
    with pytest.raises(raw.exceptions.InvalidInputException) as excinfo:
        raw.list_dataset_import_jobs(MaxResults=size)

    assert "'maxResults'" in excinfo.value.response["Error"]["Message"]


def test_list_dataset_import_jobs_traversal_with_creates_and_deletes(importmock, fc, new_job, jobs):
    # default duration 0: jobs are ACTIVE, and a deleted job is gone at once
    # after page n: a job not listed yet (1), one listed before (6), the page's own job,
    # the one the next page would start with (2), another listed one (5)
    victims, deleted = [1, 6, 4, 2, 5], []

    def change(n):
        importmock.clock.advance(1)
        new_job(f"new{n}")
        if n < len(victims):
            fc.delete_dataset_import_job(DatasetImportJobArn=jobs[victims[n]])
            deleted.append(jobs[victims[n]])

    seen = traverse(fc, 1, change)

    assert max(Counter(seen).values()) == 1
    assert seen == [jobs[i] for i in (6, 5, 4, 3, 0)]
    assert [a for a in seen if a not in deleted] == [a for a in jobs[::-1] if a not in deleted]


def test_list_dataset_import_jobs_paginator_traversal_of_one_dataset(importmock, fc, new_job, jobs):
    paginator = fc.get_paginator("list_dataset_import_jobs")
    seen = []
    for n, page in enumerate(
        paginator.paginate(Filters=[where("DatasetArn", SALES)], PaginationConfig={"PageSize": 1})
    ):
        seen += [j["DatasetImportJobArn"] for j in page["DatasetImportJobs"]]
        importmock.clock.advance(1)
        new_job(f"new{n}", dataset="sales")
        assert n < 20

    assert seen == [jobs[6], jobs[4], jobs[2], jobs[0]]


@pytest.mark.parametrize("where_", ["first", "middle", "last"])
def test_list_dataset_import_jobs_tampered_token_rejected(fc, jobs, where_):
    token = fc.list_dataset_import_jobs(MaxResults=1)["NextToken"]
    index = {"first": 0, "middle": len(token) // 2, "last": len(token) - 1}[where_]

    code = invalid_token(fc.list_dataset_import_jobs, MaxResults=1, NextToken=flip(token, index))

    assert code == "InvalidNextTokenException"


@pytest.mark.parametrize("token", ["x", "A" * 64, "not a token at all!"])
def test_list_dataset_import_jobs_invented_token_rejected(fc, jobs, token):
    assert invalid_token(fc.list_dataset_import_jobs, NextToken=token) == "InvalidNextTokenException"


@pytest.mark.parametrize(
    "later",
    [[], [where("Status", "ACTIVE", "IS_NOT")], [where("DatasetArn", SALES), where("Status", "ACTIVE")]],
    ids=["none", "other-condition", "one-more"],
)
def test_list_dataset_import_jobs_token_with_other_filters_rejected(fc, jobs, later):
    first = [where("DatasetArn", SALES)]
    token = fc.list_dataset_import_jobs(MaxResults=1, Filters=first)["NextToken"]

    code = invalid_token(fc.list_dataset_import_jobs, MaxResults=1, Filters=later, NextToken=token)

    assert code == "InvalidNextTokenException"


def test_list_dataset_import_jobs_token_with_filters_reordered_accepted(fc, jobs):
    filters = [where("DatasetArn", SALES), where("Status", "ACTIVE")]
    token = fc.list_dataset_import_jobs(MaxResults=1, Filters=filters)["NextToken"]

    page = fc.list_dataset_import_jobs(MaxResults=3, Filters=filters[::-1], NextToken=token)

    assert [j["DatasetImportJobArn"] for j in page["DatasetImportJobs"]] == [jobs[4], jobs[2], jobs[0]]


@pytest.mark.parametrize(
    ("age", "valid"),
    [
        (timedelta(hours=23, minutes=59, seconds=59), True),
        (timedelta(hours=24), True),
        (timedelta(hours=24, milliseconds=1), False),
    ],
    ids=["under-a-day", "a-day", "over-a-day"],
)
def test_list_dataset_import_jobs_token_expires_after_24_hours(importmock, fc, jobs, age, valid):
    token = fc.list_dataset_import_jobs(MaxResults=1)["NextToken"]
    importmock.clock.advance(age)

    if valid:
        assert listed(fc, MaxResults=1, NextToken=token) == [jobs[5]]
    else:
        with pytest.raises(fc.exceptions.InvalidNextTokenException) as excinfo:
            fc.list_dataset_import_jobs(MaxResults=1, NextToken=token)
        assert "24 hours" in excinfo.value.response["Error"]["Message"]


@pytest.mark.parametrize(
    "client_kwargs",
    [{"region_name": "eu-west-1"}, {"aws_access_key_id": OTHER_ACCOUNT, "aws_secret_access_key": "x"}],
    ids=["other-region", "other-account"],
)
def test_list_dataset_import_jobs_token_of_other_caller_rejected(
    fc, make_client, new_job, jobs, client_kwargs
):
    other = make_client("forecast", **client_kwargs)
    account = client_kwargs.get("aws_access_key_id", ACCOUNT)
    for i in range(3):
        new_job(f"theirs{i}", client=other, account=account)
    token = fc.list_dataset_import_jobs(MaxResults=1)["NextToken"]

    assert invalid_token(other.list_dataset_import_jobs, NextToken=token) == "InvalidNextTokenException"


@pytest.mark.parametrize(
    "client_kwargs",
    [
        {"region_name": "eu-west-1"},
        {"region_name": "cn-north-1"},
        {"aws_access_key_id": OTHER_ACCOUNT, "aws_secret_access_key": "secret"},
    ],
    ids=["other-region", "other-partition", "other-account"],
)
def test_list_dataset_import_jobs_isolated_by_account_and_region(fc, make_client, new_job, client_kwargs):
    mine = new_job("mine")
    other = make_client("forecast", **client_kwargs)
    theirs = new_job("theirs", client=other, account=client_kwargs.get("aws_access_key_id", ACCOUNT))

    assert listed(fc) == [mine]
    assert listed(other) == [theirs]
    assert listed(other, Filters=[where("DatasetArn", SALES)]) == []


def test_list_dataset_import_jobs_after_concurrent_creates_holds_each_once(fc, make_client, new_job):
    clients = [make_client("forecast") for _ in range(8)]  # boto3's default session is not thread-safe

    def create_many(worker):
        return [new_job(f"w{worker}_{i}", client=clients[worker]) for i in range(10)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        created = [arn for arns in pool.map(create_many, range(8)) for arn in arns]

    seen = [
        j["DatasetImportJobArn"]
        for page in fc.get_paginator("list_dataset_import_jobs").paginate()
        for j in page["DatasetImportJobs"]
    ]
    assert sorted(seen) == sorted(created) and len(set(created)) == 80
