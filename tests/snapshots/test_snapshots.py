"""mock.snapshot, mock.restore and mock_imports(state=...): a restored mock answers as the old one."""

from __future__ import annotations

import contextlib
import copy
import json
import re
from datetime import datetime, timedelta, timezone

import pytest
import requests
from botocore.exceptions import ClientError

from importmock import mock_imports

ACCOUNT, OTHER_ACCOUNT = "123456789012", "111122223333"
OTHER_KEYS = {"aws_access_key_id": OTHER_ACCOUNT, "aws_secret_access_key": "secret"}
T0 = datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=timezone.utc)
KB = "0123abcd-0123-4abc-8def-0123456789ab"
STORE = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:eventdatastore/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
MUSIC = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Music"
DATASET = f"arn:aws:forecast:us-east-1:{ACCOUNT}:dataset/sales"
TABLE = {
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "BillingMode": "PAY_PER_REQUEST",
}
SOURCE = {
    "S3": {
        "S3LocationUri": "s3://trail-bucket/logs",
        "S3BucketRegion": "us-east-1",
        "S3BucketAccessRoleArn": f"arn:aws:iam::{ACCOUNT}:role/CloudTrailImport",
    }
}
OPTIONS = {"duration": 600}


# -- building a world with jobs of every family in many states -------------------------


def import_table(client, table, token=None):
    """ImportTable's description; the token defaults to one per table."""
    response = client.import_table(
        S3BucketSource={"S3Bucket": "import-bucket", "S3KeyPrefix": "data/"},
        InputFormat="CSV",
        InputFormatOptions={"Csv": {"Delimiter": ";"}},
        TableCreationParameters={"TableName": table, **TABLE},
        ClientToken=token or f"token-{table}",
    )
    return response["ImportTableDescription"]


def export_table(client, token, **extra):
    response = client.export_table_to_point_in_time(
        TableArn=MUSIC, S3Bucket="export-bucket", S3Prefix="exports", ClientToken=token, **extra
    )
    return response["ExportDescription"]["ExportArn"]


def forecast_job(client, name, **extra):
    source = {"S3Config": {"Path": "s3://data/sales/", "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/Forecast"}}
    response = client.create_dataset_import_job(
        DatasetImportJobName=name, DatasetArn=DATASET, DataSource=source, **extra
    )
    return response["DatasetImportJobArn"]


def put(upload, data=b"name,content\nhi,hello\n"):
    return requests.put(upload["url"], data=data, headers=upload["headersToInclude"], timeout=5)


def qconnect_job(client, upload_id, token):
    response = client.start_import_job(
        knowledgeBaseId=KB, importJobType="QUICK_RESPONSES", uploadId=upload_id, clientToken=token
    )
    return response["importJob"]["importJobId"]


def build_dynamodb(mock, clients, world):
    ddb, west, other = clients["dynamodb"], clients["dynamodb-west"], clients["dynamodb-other"]
    world["done"] = import_table(ddb, "Done")["ImportArn"]
    world["export-at"] = export_table(ddb, "export-at", ExportTime=T0 - timedelta(days=1))
    yield
    world["failed"] = import_table(ddb, "Failed")["ImportArn"]
    mock.finish(world["failed"], status="FAILED", failure_code="S3NoSuchBucket", failure_message="gone")
    world["cancelled"] = import_table(ddb, "Cancelled")["ImportArn"]
    mock.finish(world["cancelled"], status="CANCELLED")
    world["running"] = [import_table(ddb, f"Running{n}")["ImportArn"] for n in range(5)]
    world["west"] = import_table(west, "Western")["ImportArn"]
    world["other-account"] = import_table(other, "Elsewhere")["ImportArn"]
    window = {"ExportFromTime": T0 - timedelta(hours=2), "ExportToTime": T0 - timedelta(hours=1)}
    world["incremental"] = export_table(
        ddb, "export-inc", ExportType="INCREMENTAL_EXPORT", IncrementalExportSpecification=window
    )
    world["export-failed"] = export_table(ddb, "export-failed")
    mock.finish(world["export-failed"], status="FAILED")


def build_cloudtrail(mock, clients, world):
    ct = clients["cloudtrail"]
    timed = {"StartEventTime": T0 - timedelta(days=3), "EndEventTime": T0 - timedelta(days=1)}
    world["ct-done"] = ct.start_import(Destinations=[STORE], ImportSource=SOURCE, **timed)["ImportId"]
    yield
    retried = ct.start_import(Destinations=[STORE], ImportSource=SOURCE)["ImportId"]
    for attempt in range(3):  # three failed attempts: the failures list has pages
        mock.finish(retried, status="FAILED", failure_code="AccessDenied", failure_message=f"try {attempt}")
        ct.start_import(ImportId=retried)
    ct.stop_import(ImportId=retried)
    world["ct-retried"] = retried
    world["ct-running"] = ct.start_import(Destinations=[STORE], ImportSource=SOURCE)["ImportId"]


def build_forecast(mock, clients, world):
    fc = clients["forecast"]
    world["fc-active"] = forecast_job(fc, "active", Tags=[{"Key": "team", "Value": "sales"}])
    world["fc-deleting"] = forecast_job(fc, "deleting")
    yield
    fc.delete_dataset_import_job(DatasetImportJobArn=world["fc-deleting"])
    world["fc-failed"] = forecast_job(fc, "failed", TimestampFormat="yyyy-MM-dd")
    mock.finish(world["fc-failed"], status="CREATE_FAILED")
    world["fc-stopped"] = forecast_job(fc, "stopped")
    fc.stop_resource(ResourceArn=world["fc-stopped"])
    world["fc-running"] = [forecast_job(fc, f"running{n}") for n in range(4)]
    fc.tag_resource(ResourceArn=world["fc-running"][0], Tags=[{"Key": "stage", "Value": "one"}])


def build_qconnect(mock, clients, world):
    qc = clients["qconnect"]
    uploads = [qc.start_content_upload(knowledgeBaseId=KB, contentType="text/csv") for _ in range(5)]
    for upload in uploads[:4]:
        assert put(upload).status_code == 200
    world["qc-done-upload"] = uploads[0]["uploadId"]
    world["qc-done"] = qconnect_job(qc, uploads[0]["uploadId"], "qc-done")
    world["qc-deleting"] = qconnect_job(qc, uploads[1]["uploadId"], "qc-deleting")
    yield
    qc.delete_import_job(knowledgeBaseId=KB, importJobId=world["qc-deleting"])
    world["qc-failed"] = qconnect_job(qc, uploads[2]["uploadId"], "qc-failed")
    mock.finish(world["qc-failed"], status="FAILED")
    world["qc-running"] = qconnect_job(qc, uploads[3]["uploadId"], "qc-running")
    world["qc-pending-upload"] = uploads[4]  # issued, not yet PUT: the mock in use takes the PUT


def make_clients(make_client):
    return {
        "dynamodb": make_client("dynamodb"),
        "dynamodb-west": make_client("dynamodb", region_name="eu-west-1"),
        "dynamodb-other": make_client("dynamodb", **OTHER_KEYS),
        "cloudtrail": make_client("cloudtrail"),
        "forecast": make_client("forecast"),
        "qconnect": make_client("qconnect"),
    }


def build(mock, clients):
    """Jobs of every family: some made at T0 and done by now, the rest made now (T0 + 700 s)."""
    mock.clock.set(T0)
    world = {}
    steps = [
        step(mock, clients, world)
        for step in (build_dynamodb, build_cloudtrail, build_forecast, build_qconnect)
    ]
    for step in steps:
        next(step)
    mock.clock.advance(700)
    for step in steps:
        next(step, None)
    mock.clock.advance(1)  # past the instant of the last requests (Forecast's PENDING, STOPPING)
    return world


# -- reading everything a client can see --------------------------------------------------

_SIGNATURE = re.compile(r"X-Amz-Signature=[0-9a-f]+")


def plain(value):
    """A response without its request id, and presigned URLs without their random signature."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return _SIGNATURE.sub("X-Amz-Signature=...", value) if isinstance(value, str) else value


def values_of(found, keys):
    """Every value under one of `keys` anywhere in `found`."""
    if isinstance(found, dict):
        yield from (v for k, v in found.items() if k in keys and isinstance(v, str))
        found = list(found.values())
    if isinstance(found, list | tuple):
        for item in found:
            yield from values_of(item, keys)


def answer(call, **params):
    try:
        return plain(call(**params))
    except ClientError as error:
        return ("error", error.response["Error"]["Code"], error.response["Error"]["Message"])


def pages(call, token_in, token_out, **params):
    """Every page of a listing, one small page at a time."""
    found, token = [], None
    while True:
        page = answer(call, **params, **({token_in: token} if token else {}))
        found.append(page)
        token = page.get(token_out) if isinstance(page, dict) else None
        if token is None:
            return found


def dynamodb_answers(clients, world):
    ddb = clients["dynamodb"]
    imports = [world[k] for k in ("done", "failed", "cancelled")] + world["running"]
    return [
        [answer(ddb.describe_import, ImportArn=arn) for arn in imports],
        answer(clients["dynamodb-west"].describe_import, ImportArn=world["west"]),
        answer(clients["dynamodb-other"].describe_import, ImportArn=world["other-account"]),
        [
            answer(ddb.describe_export, ExportArn=world[k])
            for k in ("export-at", "incremental", "export-failed")
        ],
        pages(ddb.list_imports, "NextToken", "NextToken", PageSize=2),
        pages(ddb.list_imports, "NextToken", "NextToken", PageSize=1, TableArn=f"{MUSIC[:-5]}Failed"),
        pages(ddb.list_exports, "NextToken", "NextToken", MaxResults=1),
        pages(clients["dynamodb-other"].list_imports, "NextToken", "NextToken"),
    ]


def cloudtrail_answers(clients, world):
    ct = clients["cloudtrail"]
    ids = [world[k] for k in ("ct-retried", "ct-done", "ct-running")]
    return [
        [answer(ct.get_import, ImportId=ident) for ident in ids],
        pages(ct.list_imports, "NextToken", "NextToken", MaxResults=1),
        pages(ct.list_imports, "NextToken", "NextToken", ImportStatus="STOPPED"),
        pages(ct.list_import_failures, "NextToken", "NextToken", ImportId=world["ct-retried"], MaxResults=1),
    ]


def forecast_answers(clients, world):
    fc = clients["forecast"]
    arns = [world[k] for k in ("fc-active", "fc-failed", "fc-deleting", "fc-stopped")] + world["fc-running"]
    return [
        [answer(fc.describe_dataset_import_job, DatasetImportJobArn=arn) for arn in arns],
        [answer(fc.list_tags_for_resource, ResourceArn=arn) for arn in arns],
        pages(fc.list_dataset_import_jobs, "NextToken", "NextToken", MaxResults=3),
        pages(
            fc.list_dataset_import_jobs,
            "NextToken",
            "NextToken",
            MaxResults=1,
            Filters=[{"Key": "Status", "Condition": "IS_NOT", "Value": "ACTIVE"}],
        ),
    ]


def qconnect_answers(clients, world):
    qc = clients["qconnect"]
    ids = [world[k] for k in ("qc-done", "qc-failed", "qc-deleting", "qc-running")]
    return [
        [answer(qc.get_import_job, knowledgeBaseId=KB, importJobId=ident) for ident in ids],
        pages(qc.list_import_jobs, "nextToken", "nextToken", knowledgeBaseId=KB, maxResults=1),
    ]


def everything(clients, world):
    readers = (dynamodb_answers, cloudtrail_answers, forecast_answers, qconnect_answers)
    return [read(clients, world) for read in readers]


def first_tokens(clients):
    """NextTokens of first pages, to be used later (by the same mock or a restored one)."""
    return {
        "dynamodb": clients["dynamodb"].list_imports(PageSize=2)["NextToken"],
        "cloudtrail": clients["cloudtrail"].list_imports(MaxResults=1)["NextToken"],
        "forecast": clients["forecast"].list_dataset_import_jobs(MaxResults=3)["NextToken"],
        "qconnect": clients["qconnect"].list_import_jobs(knowledgeBaseId=KB, maxResults=1)["nextToken"],
    }


def continued(clients, tokens):
    """The second pages behind tokens issued earlier."""
    return [
        answer(clients["dynamodb"].list_imports, PageSize=2, NextToken=tokens["dynamodb"]),
        answer(clients["cloudtrail"].list_imports, MaxResults=1, NextToken=tokens["cloudtrail"]),
        answer(clients["forecast"].list_dataset_import_jobs, MaxResults=3, NextToken=tokens["forecast"]),
        answer(
            clients["qconnect"].list_import_jobs,
            knowledgeBaseId=KB,
            maxResults=1,
            nextToken=tokens["qconnect"],
        ),
    ]


def replays(clients, world):
    """Requests repeated under their ClientToken: each answers with the job it created."""
    ddb = clients["dynamodb"]
    return [
        answer(import_table, client=ddb, table="Running0"),
        answer(export_table, client=ddb, token="export-at", ExportTime=T0 - timedelta(days=1)),
        answer(
            clients["qconnect"].start_import_job,
            knowledgeBaseId=KB,
            importJobType="QUICK_RESPONSES",
            uploadId=world["qc-done-upload"],
            clientToken="qc-done",
        ),
    ]


def shared_records(mock, clients, world):
    """Changes made to a job through one holder of it, which its other holders must see."""
    ddb, ct = clients["dynamodb"], clients["cloudtrail"]
    mock.finish(world["running"][1], status="FAILED")  # found through the index
    ct.stop_import(ImportId=world["ct-running"])
    return [
        answer(import_table, client=ddb, table="Running1"),  # its token: the FAILED job
        answer(import_table, client=ddb, table="Running1", token="again"),  # the table is free again
        answer(ct.start_import, Destinations=[STORE], ImportSource=SOURCE),  # none is ongoing now
    ]


def new_jobs(clients, world):
    """Jobs created next: the same ids from the same generator state."""
    pending = world["qc-pending-upload"]
    return [
        put(pending).status_code,
        qconnect_job(clients["qconnect"], pending["uploadId"], "qc-new"),
        import_table(clients["dynamodb"], "Fresh")["ImportArn"],
        export_table(clients["dynamodb"], "export-new"),
        forecast_job(clients["forecast"], "fresh"),
    ]


def afterwards(mock, clients, world, tokens):
    """All a mock answers from the moment of the snapshot on: the old one's and a restored one's."""
    ddb, qc = clients["dynamodb"], clients["qconnect"]
    found = {"clock": mock.clock.now()}
    found["faults"] = [answer(ddb.describe_import, ImportArn=world["done"]) for _ in range(3)]
    found["qc-fault"] = answer(qc.get_import_job, knowledgeBaseId=KB, importJobId=world["qc-done"])
    found["answers"] = everything(clients, world)
    found["continued"] = continued(clients, tokens)
    found["replays"] = replays(clients, world)
    found["shared"] = shared_records(mock, clients, world)
    found["new"] = new_jobs(clients, world)
    mock.clock.advance(650)  # running jobs end, deletions complete
    found["later"] = everything(clients, world)
    return found


def faults(mock):
    mock.fail_next("dynamodb", "DescribeImport", times=2)
    mock.fail_next("qconnect", "GetImportJob", code="ConflictException", message="busy", status=409)


# -- tests ---------------------------------------------------------------------------------


@contextlib.contextmanager
def restored_mock(snapshot, how, tmp_path):
    """A new mock holding `snapshot`: from a JSON file, from a dict, or through `restore`."""
    loaded = json.loads(json.dumps(snapshot))
    if how == "file":
        path = tmp_path / "history.json"
        path.write_text(json.dumps(snapshot, indent=2), encoding="utf-8")
        loaded = json.loads(path.read_text(encoding="utf-8"))
    with mock_imports(**OPTIONS, state=path if how == "file" else loaded if how == "dict" else None) as new:
        if how == "restore":
            new.restore(loaded)
        assert new.snapshot() == loaded  # and back again
        yield new


@pytest.mark.parametrize("how", ["file", "dict", "restore"])
def test_snapshot_restored_into_a_new_mock_answers_exactly_as_the_old_one(make_client, tmp_path, how):
    with mock_imports(**OPTIONS) as old:
        clients = make_clients(make_client)
        world = build(old, clients)
        tokens = first_tokens(clients)
        faults(old)
        with restored_mock(old.snapshot(), how, tmp_path) as new:
            restored = afterwards(new, clients, world, tokens)
        original = afterwards(old, clients, world, tokens)

    assert restored == original
    assert restored["clock"] == T0 + timedelta(seconds=701)
    codes = [item[1] if isinstance(item, tuple) else None for item in restored["faults"]]
    assert codes == ["ThrottlingException", "ThrottlingException", None]
    assert restored["qc-fault"][1] == "ConflictException"
    dynamodb, cloudtrail, forecast, qconnect = restored["answers"]
    second_pages = [dynamodb[4][1], cloudtrail[1][1], forecast[2][1], qconnect[1][1]]
    assert restored["continued"] == second_pages  # tokens of the old mock, taken by the new one
    statuses = set(values_of(restored["answers"], ("ImportStatus", "ExportStatus", "Status", "status")))
    assert statuses >= {
        "COMPLETED",
        "IN_PROGRESS",
        "FAILED",
        "CANCELLED",
        "STOPPED",
        "ACTIVE",
        "CREATE_FAILED",
    }
    assert statuses >= {"CREATE_STOPPED", "CREATE_IN_PROGRESS", "DELETE_IN_PROGRESS", "COMPLETE"}
    assert "DELETED" not in statuses and restored["later"] != restored["answers"]
    assert len(cloudtrail[3]) == 3  # one failure per page
    assert restored["new"][0] == 200 and all(isinstance(ident, str) for ident in restored["new"][1:])
    held, freed, started = restored["shared"]
    assert held["ImportStatus"] == "FAILED" and freed["ImportStatus"] == "IN_PROGRESS"
    assert started["ImportStatus"] == "INITIALIZING"


# -- small worlds: the parts of the format, one at a time -------------------------------


@pytest.fixture
def small(make_client):
    """A snapshot of one DynamoDB import (under a ClientToken), one CloudTrail import, one upload."""
    with mock_imports(duration=None) as mock:
        mock.clock.set(T0)
        import_table(make_client("dynamodb"), "Music")
        make_client("cloudtrail").start_import(Destinations=[STORE], ImportSource=SOURCE)
        upload = make_client("qconnect").start_content_upload(knowledgeBaseId=KB, contentType="text/csv")
        put(upload, b"\xff\xfebinary")
        mock.fail_next("forecast", "ListDatasetImportJobs", times=3)
        return mock.snapshot()


def state_of(snapshot, backend):
    """The state of the first backend whose class name is `backend`."""
    return next(b["state"] for b in snapshot["backends"] if b["backend"].endswith(f":{backend}"))


def test_snapshot_is_versioned_readable_json(small):
    assert list(small) == [
        "importmock_snapshot", "clock", "sequence", "secret", "faults", "uploads", "backends", "rng"
    ]  # fmt: skip
    assert small["importmock_snapshot"] == 1
    assert small["clock"] == "2024-05-06T07:08:09.123000+00:00"
    assert small["faults"] == [
        {
            "service": "forecast",
            "operation": "ListDatasetImportJobs",
            "code": "ThrottlingException",
            "message": "Rate exceeded",
            "status": 400,
            "times": 3,
        }
    ]
    job = state_of(small, "TableImports")["_jobs"][0]
    assert job["$class"] == "importmock.services.dynamodb.imports:TableImport"
    assert job["progress"]["started"] == {"$datetime": "2024-05-06T07:08:09.123000+00:00"}
    assert job["progress"]["family"] == {"$family": "dynamodb:import"}
    assert state_of(small, "TableImports")["_tokens"]["token-Music"]["job"] == {"$ref": job["$id"]}
    assert state_of(small, "TableImports")["_tables"]["Music"] == {"$ref": job["$id"]}
    assert small["uploads"]["issued"][0]["received"] == {"$bytes": "//5iaW5hcnk="}
    assert json.loads(json.dumps(small)) == small


def test_snapshot_of_a_fresh_mock_round_trips():
    with mock_imports() as fresh:
        snapshot = json.loads(json.dumps(fresh.snapshot()))
        now = fresh.clock.now()
    assert snapshot["backends"] == [] and snapshot["faults"] == []
    assert snapshot["uploads"] == {"issued": [], "objects": {}}
    with mock_imports(state=snapshot) as restored:
        assert restored.snapshot() == snapshot
        assert restored.clock.now() == now


def test_restore_replaces_the_state_of_an_active_mock(mock, make_client):
    ddb = make_client("dynamodb")
    kept = import_table(ddb, "Kept")["ImportArn"]
    snapshot = mock.snapshot()
    then = mock.clock.now()
    dropped = import_table(ddb, "Dropped")["ImportArn"]
    mock.clock.advance(3600)
    mock.fail_next("dynamodb", "ListImports")

    mock.restore(snapshot)

    assert [s["ImportArn"] for s in ddb.list_imports()["ImportSummaryList"]] == [kept]
    with pytest.raises(ClientError, match="ImportNotFoundException"):
        ddb.describe_import(ImportArn=dropped)
    assert mock.clock.now() == then
    assert [call.operation for call in mock.calls] == ["ListImports", "DescribeImport"]  # calls since


def test_restore_of_an_inactive_mock_lasts_until_its_next_start(small, make_client):
    mock = mock_imports()
    mock.restore(small)
    assert mock.snapshot() == small
    with mock:
        assert make_client("dynamodb").list_imports()["ImportSummaryList"] == []  # a fresh start


def test_state_option_applies_at_every_start_and_reset(small, make_client):
    mock = mock_imports(duration=None, state=small)
    for _ in range(2):
        with mock:
            ddb = make_client("dynamodb")
            assert [s["TableArn"][-5:] for s in ddb.list_imports()["ImportSummaryList"]] == ["Music"]
            import_table(ddb, "Other")
            mock.clock.advance(60)
            mock.reset()
            assert len(ddb.list_imports()["ImportSummaryList"]) == 1
            assert mock.clock.now() == T0
            import_table(ddb, "Other")


def test_state_option_copies_the_dict_it_is_given(small, make_client):
    given = copy.deepcopy(small)
    mock = mock_imports(state=given)
    given["backends"].clear()
    with mock:
        assert len(make_client("dynamodb").list_imports()["ImportSummaryList"]) == 1


def test_restored_upload_url_takes_its_put_with_no_other_mock_active(make_client):
    with mock_imports() as old:
        upload = make_client("qconnect").start_content_upload(knowledgeBaseId=KB, contentType="text/csv")
        snapshot = old.snapshot()
    with mock_imports(state=snapshot) as new:  # the old mock's `requests` capture has ended
        assert put(upload).status_code == 200
        job = make_client("qconnect").start_import_job(
            knowledgeBaseId=KB, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
        )["importJob"]
        assert job["uploadId"] == upload["uploadId"]
        assert [call.operation for call in new.calls] == ["PutObject", "StartImportJob"]
    assert old.snapshot()["uploads"]["issued"][0]["received"] is None


def test_snapshot_stays_readable_after_stop(small):
    with mock_imports(state=small) as mock:
        pass
    assert mock.snapshot() == small


def test_hand_written_snapshot_with_a_seed_and_no_secret(make_client):
    started = {"$datetime": "2024-05-06T07:00:00Z"}
    job = {
        "$class": "importmock.services.dynamodb.exports:TableExport",
        "id": "01714978800000-0000abcd",
        "arn": f"{MUSIC}/export/01714978800000-0000abcd",
        "key": {"$tuple": [1714978800000000, 1]},
        "table_arn": MUSIC,
        "export_time": started,
        "request": {"TableArn": MUSIC, "S3Bucket": "export-bucket"},
        "progress": {
            "$class": "importmock.jobs.lifecycle:Progress",
            "family": {"$family": "dynamodb:export"},
            "started": started,
            "due": None,
            "outcome": "FAILED",
            "ended": {"$datetime": "2024-05-06T07:05:00Z"},
            "failure_code": "S3NoSuchBucket",
        },
    }
    state = {
        "importmock_snapshot": 1,
        "clock": "2024-05-06T08:00:00Z",
        "rng": 7,
        "backends": [
            {
                "backend": "importmock.services.dynamodb.exports:TableExports",
                "account_id": ACCOUNT,
                "region": "us-east-1",
                "state": {"_jobs": [job]},
            }
        ],
    }
    ids = []
    for _ in range(2):
        with mock_imports(state=state) as mock:
            ddb = make_client("dynamodb")
            described = ddb.describe_export(ExportArn=job["arn"])["ExportDescription"]
            assert described["ExportStatus"] == "FAILED" and described["FailureCode"] == "S3NoSuchBucket"
            assert mock.clock.now() == datetime(2024, 5, 6, 8, tzinfo=timezone.utc)
            ids.append(export_table(ddb, "next"))
    assert ids[0] == ids[1]  # the seed decides the ids
    assert mock.snapshot()["sequence"] == 3  # after the highest key a job holds


# -- bad snapshots --------------------------------------------------------------------


def _job(s):
    return state_of(s, "TableImports")["_jobs"][0]


BAD = {
    "version 2": lambda s: s.update(importmock_snapshot=2),
    "no version": lambda s: s.pop("importmock_snapshot"),
    "version true": lambda s: s.update(importmock_snapshot=True),
    "unknown key": lambda s: s.update(jobs=[]),
    "no clock": lambda s: s.pop("clock"),
    "clock not a time": lambda s: s.update(clock="yesterday"),
    "naive clock": lambda s: s.update(clock="2024-05-06T07:08:09"),
    "clock out of range": lambda s: s.update(clock="4999-06-01T00:00:00+00:00"),
    "sequence": lambda s: s.update(sequence="1"),
    "secret": lambda s: s.update(secret="zz"),
    "rng": lambda s: s.update(rng={"mt19937": "AAAA", "gauss_next": None}),
    "rng type": lambda s: s.update(rng="random"),
    "faults not a list": lambda s: s.update(faults={}),
    "fault operation": lambda s: s["faults"][0].update(operation="DeleteTable"),
    "fault times": lambda s: s["faults"][0].update(times=0),
    "uploads": lambda s: s["uploads"]["issued"].append({"$utf8": "x"}),
    "bad base64": lambda s: s["uploads"]["issued"][0].update(received={"$bytes": "!!"}),
    "backends not a list": lambda s: s.update(backends={}),
    "unknown backend": lambda s: s["backends"][0].update(backend="os:system"),
    "account": lambda s: s["backends"][0].update(account_id="me"),
    "region": lambda s: s["backends"][0].update(region="moon-1"),
    "backend twice": lambda s: s["backends"].append(copy.deepcopy(s["backends"][0])),
    "unknown attribute": lambda s: state_of(s, "TableImports").update(_admin=True),
    "base attribute": lambda s: state_of(s, "TableImports").update(context=None),
    "attribute type": lambda s: state_of(s, "TableImports").update(_tables=[]),
    "class outside importmock": lambda s: _job(s).update({"$class": "collections:OrderedDict"}),
    "function": lambda s: _job(s).update({"$class": "os:system"}),
    "module not loaded": lambda s: _job(s).update({"$class": "importmock.__main__:main"}),
    "not a dataclass": lambda s: _job(s).update({"$class": "importmock.clock:Clock"}),
    "family as class": lambda s: _job(s)["progress"].update({"$class": "importmock.jobs.lifecycle:Family"}),
    "not a job": lambda s: state_of(s, "TableImports")["_jobs"].append(_job(s)["progress"] | {"$id": 99}),
    "unknown field": lambda s: _job(s).update(colour="red"),
    "missing field": lambda s: _job(s).pop("table_arn"),
    "plain string time": lambda s: _job(s)["progress"].update(started="2024-05-06T07:08:09+00:00"),
    "key as list": lambda s: _job(s).update(key=[1, 2]),
    "unknown family": lambda s: _job(s)["progress"].update(family={"$family": "s3:copy"}),
    "family of another backend": lambda s: _job(s)["progress"].update(
        family={"$family": "cloudtrail:import"}
    ),
    "dangling ref": lambda s: state_of(s, "TableImports")["_tokens"]["token-Music"].update(job={"$ref": 99}),
    "unknown tag": lambda s: _job(s).update(request={"$pickle": "gASV"}),
    "two tags": lambda s: _job(s).update(key={"$tuple": [1, 2], "$dict": []}),
    "job twice": lambda s: state_of(s, "TableImports")["_jobs"].append({"$ref": _job(s)["$id"]}),
    "duplicate id": lambda s: state_of(s, "TableImports")["_jobs"].append(copy.deepcopy(_job(s))),
    "token without time": lambda s: state_of(s, "TableImports")["_tokens"]["token-Music"].pop("used"),
    "not a job by table": lambda s: state_of(s, "TableImports")["_tables"].update(Music=_job(s)["progress"]),
    "no attempts": lambda s: state_of(s, "LakeImports")["_jobs"][0].update(attempts=[]),
}


@pytest.mark.parametrize("change", BAD.values(), ids=BAD.keys())
def test_bad_snapshot_is_a_value_error_and_changes_nothing(small, mock, make_client, change):
    bad = copy.deepcopy(small)
    change(bad)
    with pytest.raises(ValueError, match=r"\S"):
        mock_imports(state=bad)
    import_table(make_client("dynamodb"), "Before")
    before = mock.snapshot()
    with pytest.raises(ValueError, match=r"\S"):
        mock.restore(bad)
    assert mock.snapshot() == before


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ([1, 2], "a snapshot is a dict or a path"),
        ({"clock": datetime.now(timezone.utc)}, "a snapshot is JSON data"),
        ({"importmock_snapshot": 2}, "version 2; it reads version 1"),
        ({"importmock_snapshot": 1, "clock": "2024-05-06T07:08:09Z", "backends": [1]}, r"backends\[0\]"),
    ],
)
def test_bad_snapshot_message_says_what_is_wrong(given, message):
    with pytest.raises(ValueError, match=message):
        mock_imports(state=given)


def test_bad_snapshot_message_names_the_place(small):
    _job(small)["progress"]["due"] = "soon"
    with pytest.raises(ValueError, match=r"backends\[0\]\.state\._jobs\[0\]\.progress\.due"):
        mock_imports(state=small)


def test_snapshot_file_that_is_not_json_is_a_value_error(tmp_path):
    path = tmp_path / "state.json"
    path.write_text("importmock_snapshot: 1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="is not JSON"):
        mock_imports(state=path)
    with pytest.raises(ValueError, match="is not JSON"):
        mock_imports(state=str(path))
    with pytest.raises(FileNotFoundError):
        mock_imports(state=tmp_path / "missing.json")


# -- job requests: each record's request is read as its operation's input --------------


@pytest.fixture
def every_family(make_client):
    """A snapshot holding one job of each kind of record: every family's, and an incremental export."""
    with mock_imports(duration=None) as mock:
        mock.clock.set(T0)
        world = {}
        next(build_qconnect(mock, {"qconnect": make_client("qconnect")}, world))
        ddb = make_client("dynamodb")
        import_table(ddb, "Music")
        window = {"ExportFromTime": T0 - timedelta(hours=2), "ExportToTime": T0 - timedelta(hours=1)}
        export_table(ddb, "inc", ExportType="INCREMENTAL_EXPORT", IncrementalExportSpecification=window)
        make_client("cloudtrail").start_import(Destinations=[STORE], ImportSource=SOURCE)
        forecast_job(make_client("forecast"), "daily")
        return mock.snapshot()


def record_of(snapshot, name):
    """The first job record of class `name` in a backend's job index."""
    jobs = (job for backend in snapshot["backends"] for job in backend["state"].get("_jobs", []))
    return next(job for job in jobs if job.get("$class", "").endswith(f":{name}"))


def _request(s, name):
    record = record_of(s, name)
    return record["source"] if name == "LakeImport" else record["request"]


def _token_only_job(s):
    """A job held only under a client token (not in the index), whose request is wrong."""
    job = copy.deepcopy(record_of(s, "TableImport"))
    job.pop("$id")
    job["id"] += "0"
    job["request"]["InputFormat"] = ["CSV"]
    state_of(s, "TableImports")["_tokens"]["token-Music"]["job"] = job


# record class, change, the field the message names
WRONG_REQUESTS = {
    "import-source-string": (
        "TableImport",
        lambda s: _request(s, "TableImport").update(S3BucketSource="s3://import-bucket/data/"),
        "s3BucketSource",
    ),
    "import-key-schema-string": (
        "TableImport",
        lambda s: _request(s, "TableImport")["TableCreationParameters"].update(KeySchema="pk"),
        "tableCreationParameters.keySchema",
    ),
    "import-format-not-in-enum": (
        "TableImport",
        lambda s: _request(s, "TableImport").update(InputFormat="XML"),
        "inputFormat",
    ),
    "import-held-by-token-only": ("TableImport", _token_only_job, "inputFormat"),
    "export-bucket-number": (
        "TableExport",
        lambda s: _request(s, "TableExport").update(S3Bucket=42),
        "s3Bucket",
    ),
    "export-window-plain-string": (
        "TableExport",
        lambda s: _request(s, "TableExport")["IncrementalExportSpecification"].update(
            ExportFromTime="2024-05-06T05:08:09Z"
        ),
        "IncrementalExportSpecification.ExportFromTime",
    ),
    "lake-source-s3-string": (
        "LakeImport",
        lambda s: _request(s, "LakeImport").update(S3="s3://trail-bucket/logs"),
        "importSource.s3",
    ),
    "dataset-source-number": (
        "DatasetImportJob",
        lambda s: _request(s, "DatasetImportJob").update(DataSource=7),
        "dataSource",
    ),
    "qconnect-upload-id-number": (
        "ImportJob",
        lambda s: _request(s, "ImportJob").update(uploadId=7),
        "uploadId",
    ),
    "qconnect-metadata-list": (
        "ImportJob",
        lambda s: _request(s, "ImportJob").update(metadata=["team"]),
        "metadata",
    ),
}


@pytest.mark.parametrize(("record", "change", "field"), WRONG_REQUESTS.values(), ids=WRONG_REQUESTS.keys())
def test_restore_job_request_of_wrong_type_refused_and_state_kept(
    every_family, mock, make_client, record, change, field
):
    bad = copy.deepcopy(every_family)
    change(bad)
    names = rf"{record} \S+: its request is no \w+ input: .*{re.escape(field)}"
    with pytest.raises(ValueError, match=names):
        mock_imports(state=bad)
    ddb = make_client("dynamodb")
    kept = import_table(ddb, "Before")["ImportArn"]
    before = mock.snapshot()

    with pytest.raises(ValueError, match=names):
        mock.restore(bad)

    assert mock.snapshot() == before
    assert [s["ImportArn"] for s in ddb.list_imports()["ImportSummaryList"]] == [kept]


def test_restore_job_requests_of_every_record_kind_are_checked(make_client, every_family):
    """Every kind of job record a world of all families holds has a case above."""
    with mock_imports(**OPTIONS) as mock:
        build(mock, make_clients(make_client))
        snapshot = mock.snapshot()
    held = {
        job["$class"].rpartition(":")[2]
        for backend in snapshot["backends"]
        for job in backend["state"].get("_jobs", [])
        if "$class" in job
    }

    assert held == {record for record, _, _ in WRONG_REQUESTS.values()}
    assert mock_imports(state=every_family).snapshot() == every_family  # the sound ones read


# -- snapshot files and nesting -------------------------------------------------------


def test_state_option_missing_file_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="missing.json cannot be read") as excinfo:
        mock_imports(state=tmp_path / "missing.json")
    assert isinstance(excinfo.value, FileNotFoundError)
    assert (
        str(excinfo.value)
        == f"snapshot {tmp_path / 'missing.json'} cannot be read: No such file or directory"
    )


def test_state_option_directory_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="cannot be read") as excinfo:
        mock_imports(state=tmp_path)
    assert isinstance(excinfo.value, IsADirectoryError)


def test_state_option_file_size_is_capped_at_256_mib(monkeypatch, tmp_path):
    from importmock import snapshots

    assert snapshots.MAX_FILE == 256 * 1024 * 1024  # as docs/snapshots.md says
    path = tmp_path / "state.json"
    text = '{"importmock_snapshot": 1, "clock": "2024-05-06T07:08:09Z"}'
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(snapshots, "MAX_FILE", len(text))
    assert mock_imports(state=path).clock.now() == datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)

    monkeypatch.setattr(snapshots, "MAX_FILE", len(text) - 1)
    with pytest.raises(ValueError, match=r"is over 0 MiB"):
        mock_imports(state=path)


def test_state_option_endless_device_is_read_no_further_than_the_cap(monkeypatch):
    from importmock import snapshots

    monkeypatch.setattr(snapshots, "MAX_FILE", 1 << 20)
    with pytest.raises(ValueError, match="/dev/zero is over 1 MiB"):
        mock_imports(state="/dev/zero")


def test_state_option_file_not_utf8_is_a_value_error(tmp_path):
    path = tmp_path / "state.json"
    path.write_bytes(b'{"importmock_snapshot": 1, "clock": "\xff"}')
    with pytest.raises(ValueError, match="is not UTF-8"):
        mock_imports(state=path)


@pytest.mark.parametrize("how", ["file", "dict", "inside-a-record"])
def test_restore_deeply_nested_snapshot_is_a_value_error(mock, tmp_path, small, how):
    before = mock.snapshot()
    if how == "file":
        given = tmp_path / "deep.json"
        given.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    elif how == "dict":
        given = {"importmock_snapshot": 1, "clock": small["clock"]}
        for _ in range(100_000):
            given = {"x": given}
    else:  # deep enough for the codec's recursion, not for JSON's
        given = copy.deepcopy(small)
        deep = {"$tuple": []}
        for _ in range(400):
            deep = {"$tuple": [deep]}
        _job(given)["request"]["InputFormatOptions"] = deep
    message = {"file": "is not JSON", "dict": "is JSON data", "inside-a-record": "nested too deeply"}

    with pytest.raises(ValueError, match=message[how]):
        mock.restore(given)

    assert mock.snapshot() == before
