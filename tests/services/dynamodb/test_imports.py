"""DynamoDB table imports through boto3: ImportTable, DescribeImport, ListImports."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError

from importmock import mock_imports
from service_support import ACCOUNT, OTHER_ACCOUNT, T0, assert_error, epoch_ms, iter_pages
from tampering import flip

UNKNOWN_ARN = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Nope/import/01700000000000-0123abcd"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
COUNTERS = ("ErrorCount", "ProcessedItemCount", "ImportedItemCount")


def table_params(table="Music", **overrides):
    params = {
        "TableName": table,
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def import_request(table="Music", **overrides):
    request = {
        "S3BucketSource": {"S3Bucket": "import-bucket", "S3KeyPrefix": "data/"},
        "InputFormat": "DYNAMODB_JSON",
        "TableCreationParameters": table_params(table),
    }
    request.update(overrides)
    return request


def start_import(client, table="Music", **overrides):
    return client.import_table(**import_request(table, **overrides))["ImportTableDescription"]


def describe(client, arn):
    return client.describe_import(ImportArn=arn)["ImportTableDescription"]


def listed_arns(client, **params):
    return [s["ImportArn"] for s in client.list_imports(**params)["ImportSummaryList"]]


# ImportTable


def test_import_table_returns_in_progress_description(ddb):
    request = import_request("Music", ClientToken="token-1")
    job = ddb.import_table(**request)["ImportTableDescription"]

    assert job["ImportStatus"] == "IN_PROGRESS"
    assert "EndTime" not in job
    assert {name: job[name] for name in COUNTERS} == dict.fromkeys(COUNTERS, 0)
    assert job.get("ProcessedSizeBytes", 0) == 0
    assert job["TableArn"] == f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Music"
    assert re.fullmatch(UUID, job["TableId"])
    assert job["ClientToken"] == "token-1"
    assert job["InputFormat"] == "DYNAMODB_JSON"
    assert job["S3BucketSource"].items() >= request["S3BucketSource"].items()
    assert job["TableCreationParameters"].items() >= request["TableCreationParameters"].items()
    assert job["CloudWatchLogGroupArn"].startswith(f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:")


def test_import_table_arn_embeds_start_time_in_milliseconds(mock, ddb):
    mock.clock.set(T0)
    job = start_import(ddb)

    prefix = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Music/import/"
    assert re.fullmatch(re.escape(prefix) + r"\d{14}-[0-9a-f]{8}", job["ImportArn"])
    assert job["ImportArn"][len(prefix) :].split("-")[0] == f"{epoch_ms(T0):014d}"
    assert job["StartTime"] == T0


def test_import_table_start_time_is_mock_clock_now(mock, ddb):
    mock.clock.set(T0)
    mock.clock.advance(3600.5)
    job = start_import(ddb)

    assert job["StartTime"] == mock.clock.now() == T0 + timedelta(seconds=3600.5)
    assert describe(ddb, job["ImportArn"])["StartTime"] == job["StartTime"]


def test_import_table_ids_are_unique_within_one_millisecond(mock, ddb):
    arns = []
    for i in range(5):
        mock.clock.set(T0)
        arns.append(start_import(ddb, f"Table{i}")["ImportArn"])

    ids = [arn.rsplit("/", 1)[1] for arn in arns]
    assert len(set(ids)) == 5
    assert len({i.split("-")[0] for i in ids}) == 1


@pytest.mark.parametrize(
    ("region", "partition"),
    [("us-east-1", "aws"), ("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")],
)
def test_import_table_arns_carry_partition_and_region(mock, make_client, region, partition):
    job = start_import(make_client("dynamodb", region_name=region))

    assert job["ImportArn"].startswith(f"arn:{partition}:dynamodb:{region}:{ACCOUNT}:table/Music/import/")
    assert job["TableArn"] == f"arn:{partition}:dynamodb:{region}:{ACCOUNT}:table/Music"
    assert job["CloudWatchLogGroupArn"].startswith(f"arn:{partition}:logs:{region}:{ACCOUNT}:")


def test_import_table_account_from_twelve_digit_access_key(mock, make_client):
    client = make_client("dynamodb", aws_access_key_id=OTHER_ACCOUNT, aws_secret_access_key="secret")
    job = start_import(client)

    assert job["ImportArn"].startswith(f"arn:aws:dynamodb:us-east-1:{OTHER_ACCOUNT}:table/Music/")


def test_import_table_account_from_account_id_option(make_client):
    with mock_imports(account_id="444455556666"):
        job = start_import(make_client("dynamodb"))

    assert job["TableArn"] == "arn:aws:dynamodb:us-east-1:444455556666:table/Music"


@pytest.mark.parametrize("billing", [{"BillingMode": "PROVISIONED"}, {"BillingMode": None}])
def test_import_table_provisioned_without_throughput_rejected(ddb, billing):
    with pytest.raises(ClientError) as excinfo:
        start_import(ddb, TableCreationParameters=table_params(**billing))

    assert_error(excinfo, "ValidationException")


@pytest.mark.parametrize("billing", [{"BillingMode": "PROVISIONED"}, {"BillingMode": None}])
def test_import_table_provisioned_with_throughput_accepted(ddb, billing):
    throughput = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    params = table_params(**billing, ProvisionedThroughput=throughput)

    job = start_import(ddb, TableCreationParameters=params)

    assert job["TableCreationParameters"]["ProvisionedThroughput"] == throughput


@pytest.mark.parametrize("input_format", ["DYNAMODB_JSON", "ION"])
def test_import_table_csv_options_with_non_csv_format_rejected(ddb, input_format):
    with pytest.raises(ClientError) as excinfo:
        start_import(ddb, InputFormat=input_format, InputFormatOptions={"Csv": {"Delimiter": ","}})

    assert_error(excinfo, "ValidationException")


def test_import_table_csv_options_with_csv_format_accepted(ddb):
    options = {"Csv": {"Delimiter": ";", "HeaderList": ["pk", "name"]}}

    job = start_import(ddb, InputFormat="CSV", InputFormatOptions=options)

    assert job["InputFormat"] == "CSV"
    assert job["InputFormatOptions"] == options


@pytest.mark.parametrize("name", ["ab", "a" * 256, "bad name!"], ids=["short", "long", "pattern"])
def test_import_table_invalid_table_name_rejected(raw, name):
    with pytest.raises(ClientError) as excinfo:
        start_import(raw, name)

    assert_error(excinfo, "ValidationException")
    assert "tablename" in excinfo.value.response["Error"]["Message"].lower()


@pytest.mark.parametrize("name", ["abc", "a" * 255, "A-z_0.9"])
def test_import_table_table_name_at_limits_accepted(ddb, name):
    assert start_import(ddb, name)["TableArn"].endswith(f":table/{name}")


@pytest.mark.parametrize(
    "path",
    [
        ("InputFormat",),
        ("S3BucketSource",),
        ("TableCreationParameters",),
        ("S3BucketSource", "S3Bucket"),
        ("TableCreationParameters", "KeySchema"),
    ],
    ids="/".join,
)
def test_import_table_missing_required_member_rejected(raw, path):
    request = import_request()
    *parents, leaf = path
    holder = request
    for parent in parents:
        holder = holder[parent]
    del holder[leaf]

    with pytest.raises(ClientError) as excinfo:
        raw.import_table(**request)

    assert_error(excinfo, "ValidationException")
    assert leaf.lower() in excinfo.value.response["Error"]["Message"].lower()


def test_import_table_unknown_input_format_rejected(raw):
    with pytest.raises(ClientError) as excinfo:
        start_import(raw, InputFormat="XML")

    assert_error(excinfo, "ValidationException")


def test_import_table_table_name_already_imported_rejected(ddb):
    start_import(ddb, "Music")

    with pytest.raises(ClientError) as excinfo:
        start_import(ddb, "Music")

    assert_error(excinfo, "ResourceInUseException")


@pytest.mark.parametrize(
    "client_kwargs",
    [
        {"region_name": "us-west-2"},
        {"aws_access_key_id": OTHER_ACCOUNT, "aws_secret_access_key": "secret"},
    ],
    ids=["other-region", "other-account"],
)
def test_import_table_same_name_elsewhere_accepted(ddb, make_client, client_kwargs):
    first = start_import(ddb, "Music")

    second = start_import(make_client("dynamodb", **client_kwargs), "Music")

    assert second["ImportStatus"] == "IN_PROGRESS"
    assert second["ImportArn"] != first["ImportArn"]


def test_import_table_same_client_token_and_request_returns_same_import(make_client):
    with mock_imports(duration=None):
        ddb = make_client("dynamodb")
        first = start_import(ddb, ClientToken="once")
        again = start_import(ddb, ClientToken="once")
        listed = listed_arns(ddb)

    assert again["ImportArn"] == first["ImportArn"]
    assert again["TableId"] == first["TableId"]
    assert listed == [first["ImportArn"]]


def test_import_table_same_client_token_other_table_conflicts(make_client):
    with mock_imports(duration=None):
        ddb = make_client("dynamodb")
        start_import(ddb, "Music", ClientToken="once")
        with pytest.raises(ddb.exceptions.ImportConflictException) as excinfo:
            start_import(ddb, "Films", ClientToken="once")
        films = listed_arns(ddb, TableArn=f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Films")

    assert_error(excinfo, "ImportConflictException")
    assert films == []


def test_import_table_replay_after_completion_rejected_as_table_exists(ddb):
    # AWS consults the token only while the import runs; afterwards the table exists
    start_import(ddb, ClientToken="once")

    with pytest.raises(ddb.exceptions.ResourceInUseException) as excinfo:
        start_import(ddb, ClientToken="once")

    assert_error(excinfo, "ResourceInUseException")


# DescribeImport and the life cycle


def test_describe_import_in_progress_until_duration_passes(make_client):
    with mock_imports(durations={"dynamodb:import": 60}) as mock:
        ddb = make_client("dynamodb")
        arn = start_import(ddb)["ImportArn"]
        mock.clock.advance(59)
        job = describe(ddb, arn)

    assert job["ImportStatus"] == "IN_PROGRESS"
    assert "EndTime" not in job


def test_describe_import_completed_with_totals_after_duration(make_client):
    with mock_imports(duration=60) as mock:
        ddb = make_client("dynamodb")
        mock.clock.set(T0)
        arn = start_import(ddb)["ImportArn"]
        mock.clock.advance(60)
        at_end = describe(ddb, arn)
        mock.clock.advance(3600)
        later = describe(ddb, arn)

    assert at_end["ImportStatus"] == "COMPLETED"
    assert at_end["EndTime"] == T0 + timedelta(seconds=60)
    for name in (*COUNTERS, "ProcessedSizeBytes"):
        assert at_end[name] >= 0
    assert at_end["ImportedItemCount"] <= at_end["ProcessedItemCount"]
    assert later == at_end


def test_describe_import_duration_none_waits_for_finish(make_client):
    with mock_imports(duration=None) as mock:
        ddb = make_client("dynamodb")
        mock.clock.set(T0)
        arn = start_import(ddb)["ImportArn"]
        mock.clock.advance(timedelta(days=1))
        waiting = describe(ddb, arn)
        mock.finish(arn)
        done = describe(ddb, arn)

    assert waiting["ImportStatus"] == "IN_PROGRESS"
    assert done["ImportStatus"] == "COMPLETED"
    assert done["EndTime"] == T0 + timedelta(days=1)


def test_describe_import_failed_by_finish_shows_failure(make_client):
    with mock_imports(duration=None) as mock:
        ddb = make_client("dynamodb")
        arn = start_import(ddb)["ImportArn"]
        mock.finish(arn, status="FAILED", failure_code="S3NoSuchBucket", failure_message="gone")
        job = describe(ddb, arn)

    assert job["ImportStatus"] == "FAILED"
    assert job["FailureCode"] == "S3NoSuchBucket"
    assert job["FailureMessage"] == "gone"
    assert "EndTime" in job


def test_describe_import_cancelled_by_finish(make_client):
    with mock_imports(duration=None) as mock:
        ddb = make_client("dynamodb")
        arn = start_import(ddb)["ImportArn"]
        mock.finish(arn, status="CANCELLED")
        job = describe(ddb, arn)

    assert job["ImportStatus"] == "CANCELLED"
    assert "FailureCode" not in job


def test_describe_import_finished_by_bare_id(make_client):
    with mock_imports(duration=None) as mock:
        ddb = make_client("dynamodb")
        arn = start_import(ddb)["ImportArn"]
        mock.finish(arn.rsplit("/", 1)[1])
        job = describe(ddb, arn)

    assert job["ImportStatus"] == "COMPLETED"


@pytest.mark.parametrize("status", ["SUCCEEDED", "IN_PROGRESS", "CANCELLING"])
def test_finish_with_status_outside_family_raises_value_error(make_client, status):
    with mock_imports(duration=None) as mock:
        ddb = make_client("dynamodb")
        arn = start_import(ddb)["ImportArn"]
        with pytest.raises(ValueError, match=status):
            mock.finish(arn, status=status)
        job = describe(ddb, arn)

    assert job["ImportStatus"] == "IN_PROGRESS"


def test_finish_already_finished_import_raises_value_error(make_client):
    with mock_imports(duration=None) as mock:
        ddb = make_client("dynamodb")
        arn = start_import(ddb)["ImportArn"]
        mock.finish(arn, status="FAILED")
        with pytest.raises(ValueError, match="finished"):
            mock.finish(arn)
        job = describe(ddb, arn)

    assert job["ImportStatus"] == "FAILED"


def test_finish_import_completed_by_clock_raises_value_error(mock, ddb):
    arn = start_import(ddb)["ImportArn"]

    with pytest.raises(ValueError, match="finished"):
        mock.finish(arn, status="FAILED")

    assert describe(ddb, arn)["ImportStatus"] == "COMPLETED"


def test_describe_import_unknown_arn_not_found(ddb):
    start_import(ddb, "Nope")

    with pytest.raises(ddb.exceptions.ImportNotFoundException) as excinfo:
        describe(ddb, UNKNOWN_ARN)

    assert_error(excinfo, "ImportNotFoundException")


def test_describe_import_of_other_account_not_visible(ddb, make_client):
    arn = start_import(ddb)["ImportArn"]
    other = make_client("dynamodb", aws_access_key_id=OTHER_ACCOUNT, aws_secret_access_key="x")

    with pytest.raises(ClientError) as excinfo:
        describe(other, arn)

    code = excinfo.value.response["Error"]["Code"]
    assert code in {"AccessDeniedException", "ImportNotFoundException"}


@pytest.mark.parametrize(
    "arn",
    [
        f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Music",
        f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Music/import/",
        f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/x/import/01658528578619-c4d4e311",
        "x" * 40,
        "arn:aws:dynamodb",
    ],
    ids=["table-arn", "no-id", "short-table-name", "not-arn", "too-short"],
)
def test_describe_import_malformed_arn_rejected(raw, arn):
    with pytest.raises(ClientError) as excinfo:
        describe(raw, arn)

    assert_error(excinfo, "ValidationException")


def test_describe_import_missing_arn_rejected(raw):
    with pytest.raises(ClientError) as excinfo:
        raw.describe_import()

    assert_error(excinfo, "ValidationException")


# ListImports


def test_list_imports_empty(ddb):
    response = ddb.list_imports()

    assert response["ImportSummaryList"] == []
    assert "NextToken" not in response


def test_list_imports_newest_first(mock, ddb):
    arns = []
    for i in range(4):
        arns.append(start_import(ddb, f"Table{i}")["ImportArn"])
        mock.clock.advance(1)

    assert listed_arns(ddb) == arns[::-1]


def test_list_imports_filters_by_table_arn(ddb):
    wanted = start_import(ddb, "Music")["TableArn"]
    start_import(ddb, "Films")

    summaries = ddb.list_imports(TableArn=wanted)["ImportSummaryList"]

    assert [s["TableArn"] for s in summaries] == [wanted]


def test_list_imports_summary_matches_describe(ddb):
    arn = start_import(ddb)["ImportArn"]

    (summary,) = ddb.list_imports()["ImportSummaryList"]
    full = describe(ddb, arn)

    members = ddb.meta.service_model.shape_for("ImportSummary").members
    assert summary == {name: full[name] for name in members if name in full}
    assert summary["ImportStatus"] == "COMPLETED"
    assert "EndTime" in summary


@pytest.mark.parametrize("size", [1, 25])
def test_list_imports_page_size_limits_page(ddb, size):
    for i in range(26):
        start_import(ddb, f"Table{i:02d}")

    response = ddb.list_imports(PageSize=size)

    assert len(response["ImportSummaryList"]) == size
    assert "NextToken" in response


@pytest.mark.parametrize("size", [0, 26, -1])
def test_list_imports_page_size_out_of_range_rejected(raw, size):
    with pytest.raises(ClientError) as excinfo:
        raw.list_imports(PageSize=size)

    assert_error(excinfo, "ValidationException")
    assert "pagesize" in excinfo.value.response["Error"]["Message"].lower()


def test_list_imports_traversal_with_creates_between_pages(mock, ddb):
    existing = []
    for i in range(7):
        existing.append(start_import(ddb, f"Old{i}")["ImportArn"])
        mock.clock.advance(1)

    seen = []
    for n, page in enumerate(iter_pages(ddb, "list_imports", "PageSize", 1)):
        assert len(page["ImportSummaryList"]) <= 1
        seen += [s["ImportArn"] for s in page["ImportSummaryList"]]
        start_import(ddb, f"New{n}")
        assert n < 50, "traversal does not end"

    assert max(Counter(seen).values()) == 1
    assert [arn for arn in seen if arn in existing] == existing[::-1]


def test_list_imports_next_token_is_lowercase_hex(ddb):
    for i in range(3):
        start_import(ddb, f"Table{i}")

    token = ddb.list_imports(PageSize=1)["NextToken"]

    assert re.fullmatch(r"(?:[0-9a-f]{16})+", token)
    assert 112 <= len(token) <= 1024


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_list_imports_tampered_token_rejected(ddb, where):
    for i in range(3):
        start_import(ddb, f"Table{i}")
    token = ddb.list_imports(PageSize=1)["NextToken"]
    index = {"first": 0, "middle": len(token) // 2, "last": len(token) - 1}[where]

    with pytest.raises(ClientError) as excinfo:
        ddb.list_imports(PageSize=1, NextToken=flip(token, index))

    assert_error(excinfo, "ValidationException")


def test_list_imports_invented_token_rejected(ddb):
    start_import(ddb)

    with pytest.raises(ClientError) as excinfo:
        ddb.list_imports(NextToken="0" * 112)

    assert_error(excinfo, "ValidationException")


def test_list_imports_token_bound_to_table_arn(ddb):
    music = start_import(ddb, "Music")["TableArn"]
    start_import(ddb, "Films")
    token = ddb.list_imports(PageSize=1)["NextToken"]

    with pytest.raises(ClientError) as excinfo:
        ddb.list_imports(PageSize=1, NextToken=token, TableArn=music)

    assert_error(excinfo, "ValidationException")


@pytest.mark.parametrize(("days", "listed"), [(89, True), (91, False)])
def test_list_imports_keeps_imports_for_90_days(mock, ddb, days, listed):
    arn = start_import(ddb)["ImportArn"]

    mock.clock.advance(timedelta(days=days))

    assert (arn in listed_arns(ddb)) is listed


@pytest.mark.parametrize(
    "client_kwargs",
    [
        {"region_name": "us-west-2"},
        {"region_name": "cn-north-1"},
        {"aws_access_key_id": OTHER_ACCOUNT, "aws_secret_access_key": "secret"},
    ],
    ids=["other-region", "other-partition", "other-account"],
)
def test_list_imports_isolated_by_account_and_region(ddb, make_client, client_kwargs):
    mine = start_import(ddb, "Music")["ImportArn"]
    other = make_client("dynamodb", **client_kwargs)
    theirs = start_import(other, "Films")["ImportArn"]

    assert listed_arns(ddb) == [mine]
    assert listed_arns(other) == [theirs]
