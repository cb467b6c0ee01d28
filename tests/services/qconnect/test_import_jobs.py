"""Q in Connect import jobs through boto3: StartImportJob, GetImportJob, ListImportJobs, DeleteImportJob."""

from __future__ import annotations

import re
import string
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError
from qconnect_support import kb_arn, put

from importmock import mock_imports
from service_support import OTHER_ACCOUNT, T0, assert_error, assert_names_field
from tampering import flip

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
CONNECT = {"source": "AMAZON_CONNECT", "configuration": {"connectConfiguration": {"instanceId": "inst-1"}}}
OTHER_ACCOUNT_KEYS = {"aws_access_key_id": OTHER_ACCOUNT, "aws_secret_access_key": "secret"}
# `client_kwargs` of a client in another region, then of another account
ELSEWHERE = pytest.mark.parametrize(
    "client_kwargs", [{"region_name": "us-west-2"}, OTHER_ACCOUNT_KEYS], ids=["other-region", "other-account"]
)


def upload_id(client, kb):
    return client.start_content_upload(knowledgeBaseId=kb, contentType="text/csv")["uploadId"]


def job_request(kb, upload, **extra):
    return {"knowledgeBaseId": kb, "importJobType": "QUICK_RESPONSES", "uploadId": upload, **extra}


def start_job(client, kb, upload=None, **extra):
    upload = upload_id(client, kb) if upload is None else upload
    return client.start_import_job(**job_request(kb, upload, **extra))["importJob"]


def get_job(client, kb, job_id):
    return client.get_import_job(knowledgeBaseId=kb, importJobId=job_id)["importJob"]


def listed_ids(client, kb, **params):
    summaries = client.list_import_jobs(knowledgeBaseId=kb, **params)["importJobSummaries"]
    return [s["importJobId"] for s in summaries]


def delete_job(client, kb, job_id):
    return client.delete_import_job(knowledgeBaseId=kb, importJobId=job_id)


def start_then_delete(mock, client, kb, after=60):
    """Starts a job, lets `after` seconds pass (its import ends) and deletes it: DELETE_IN_PROGRESS."""
    job_id = start_job(client, kb)["importJobId"]
    mock.clock.advance(after)
    delete_job(client, kb, job_id)
    return job_id


def pages(client, kb, size):
    paginator = client.get_paginator("list_import_jobs")
    return paginator.paginate(knowledgeBaseId=kb, PaginationConfig={"PageSize": size})


# StartImportJob


def test_start_import_job_returns_start_in_progress_job(mock, qc, kb):
    mock.clock.set(T0)
    upload = upload_id(qc, kb)

    job = start_job(qc, kb, upload)

    assert re.fullmatch(UUID, job["importJobId"])
    assert job["status"] == "START_IN_PROGRESS"
    assert job["knowledgeBaseId"] == kb
    assert job["knowledgeBaseArn"] == kb_arn(kb)
    assert job["uploadId"] == upload
    assert job["importJobType"] == "QUICK_RESPONSES"
    assert job["createdTime"] == job["lastModifiedTime"] == T0
    assert job["url"].startswith("https://")
    assert "failedRecordReport" not in job


def test_start_import_job_ids_are_unique(qc, kb):
    ids = {start_job(qc, kb)["importJobId"] for _ in range(5)}

    assert len(ids) == 5


def test_start_import_job_echoes_metadata_and_external_source(qc, kb):
    metadata = {"team": "support", "lang": "en"}

    job = start_job(qc, kb, metadata=metadata, externalSourceConfiguration=CONNECT)

    assert job["metadata"] == metadata
    assert job["externalSourceConfiguration"] == CONNECT


def test_start_import_job_without_metadata_omits_it(qc, kb):
    job = start_job(qc, kb)

    assert "externalSourceConfiguration" not in job
    assert job.get("metadata", {}) == {}


def test_start_import_job_metadata_of_ten_entries_accepted(qc, kb):
    metadata = {f"key{i}": f"value{i}" for i in range(10)}

    job = start_job(qc, kb, metadata=metadata)

    assert job["metadata"] == metadata


def test_start_import_job_metadata_of_eleven_entries_rejected(raw, kb):
    metadata = {f"key{i}": f"value{i}" for i in range(11)}

    with pytest.raises(ClientError) as excinfo:
        start_job(raw, kb, metadata=metadata)

    assert_error(excinfo, "ValidationException", 400)
    assert_names_field(excinfo, "metadata")


@pytest.mark.parametrize("job_type", ["QUICK_RESPONSE", "quick_responses", "CONTENT"])
def test_start_import_job_type_outside_enum_rejected(raw, kb, job_type):
    with pytest.raises(ClientError) as excinfo:
        start_job(raw, kb, importJobType=job_type)

    assert_error(excinfo, "ValidationException", 400)
    assert_names_field(excinfo, "importJobType")


@pytest.mark.parametrize("field", ["importJobType", "uploadId"])
def test_start_import_job_missing_required_member_rejected(raw, kb, field):
    request = job_request(kb, upload_id(raw, kb))
    del request[field]

    with pytest.raises(ClientError) as excinfo:
        raw.start_import_job(**request)

    assert_error(excinfo, "ValidationException", 400)
    assert_names_field(excinfo, field)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("uploadId", ""),
        ("uploadId", "u" * 1201),
        ("clientToken", ""),
        ("metadata", {"": "value"}),
        ("metadata", {"key": ""}),
        ("externalSourceConfiguration", {"source": "AMAZON_CONNECT"}),
        ("externalSourceConfiguration", {"source": "ZENDESK", "configuration": CONNECT["configuration"]}),
    ],
    ids=[
        "empty-upload",
        "long-upload",
        "empty-token",
        "empty-key",
        "empty-value",
        "no-configuration",
        "source-outside-enum",
    ],
)
def test_start_import_job_invalid_member_rejected(raw, kb, field, value):
    request = job_request(kb, upload_id(raw, kb))
    request[field] = value

    with pytest.raises(ClientError) as excinfo:
        raw.start_import_job(**request)

    assert_error(excinfo, "ValidationException", 400)


@pytest.mark.parametrize("kb_id", ["not-a-knowledge-base", "ABCDEFAB-ABCD-ABCD-ABCD-ABCDEFABCDEF"])
def test_start_import_job_malformed_knowledge_base_id_rejected(raw, kb_id):
    with pytest.raises(ClientError) as excinfo:
        raw.start_import_job(**job_request(kb_id, "some-upload"))

    assert_error(excinfo, "ValidationException", 400)
    assert_names_field(excinfo, "knowledgeBaseId")


def test_start_import_job_unknown_upload_id_not_found(qc, kb):
    upload_id(qc, kb)

    with pytest.raises(qc.exceptions.ResourceNotFoundException) as excinfo:
        start_job(qc, kb, str(uuid.uuid4()))

    assert_error(excinfo, "ResourceNotFoundException", 404)


def test_start_import_job_unknown_upload_id_is_client_error(qc, kb):
    with pytest.raises(ClientError) as excinfo:
        start_job(qc, kb, "never-issued")

    assert_error(excinfo, "ResourceNotFoundException", 404)


def test_start_import_job_upload_of_other_knowledge_base_not_found(qc, kb):
    upload = upload_id(qc, str(uuid.uuid4()))

    with pytest.raises(qc.exceptions.ResourceNotFoundException) as excinfo:
        start_job(qc, kb, upload)

    assert_error(excinfo, "ResourceNotFoundException", 404)
    assert listed_ids(qc, kb) == []


@ELSEWHERE
def test_start_import_job_upload_issued_elsewhere_not_found(qc, make_client, kb, client_kwargs):
    upload = upload_id(qc, kb)
    other = make_client("qconnect", **client_kwargs)

    with pytest.raises(other.exceptions.ResourceNotFoundException) as excinfo:
        start_job(other, kb, upload)

    assert_error(excinfo, "ResourceNotFoundException", 404)


@pytest.mark.parametrize(
    ("upload_with_arn", "start_with_arn"),
    [(False, True), (True, False), (True, True)],
    ids=["upload-id/start-arn", "upload-arn/start-id", "arn/arn"],
)
def test_start_import_job_knowledge_base_by_id_or_arn_is_the_same(qc, kb, upload_with_arn, start_with_arn):
    upload = upload_id(qc, kb_arn(kb) if upload_with_arn else kb)

    job = start_job(qc, kb_arn(kb) if start_with_arn else kb, upload)

    assert job["knowledgeBaseId"] == kb
    assert job["knowledgeBaseArn"] == kb_arn(kb)
    assert listed_ids(qc, kb) == [job["importJobId"]]


@pytest.mark.parametrize(
    ("region", "partition"),
    [("us-west-2", "aws"), ("us-gov-west-1", "aws-us-gov"), ("cn-north-1", "aws-cn")],
)
def test_start_import_job_knowledge_base_arn_carries_partition_region_account(
    mock, make_client, kb, region, partition
):
    client = make_client("qconnect", region_name=region, **OTHER_ACCOUNT_KEYS)

    job = start_job(client, kb)

    assert job["knowledgeBaseArn"] == kb_arn(kb, region, OTHER_ACCOUNT, partition)


def test_start_import_job_after_upload_put(qc, kb):

    upload = qc.start_content_upload(knowledgeBaseId=kb, contentType="text/csv")
    uploaded = put(upload, b"q,a\n")

    job = start_job(qc, kb, upload["uploadId"])

    assert uploaded.status_code == 200
    assert job["uploadId"] == upload["uploadId"]


@pytest.mark.parametrize("duration", [None, 0], ids=["running", "complete"])
def test_start_import_job_same_client_token_and_request_returns_same_job(make_client, kb, duration):
    with mock_imports(duration=duration):
        qc = make_client("qconnect")
        upload = upload_id(qc, kb)
        first = start_job(qc, kb, upload, clientToken="once", metadata={"a": "1"})
        again = start_job(qc, kb, upload, clientToken="once", metadata={"a": "1"})
        listed = listed_ids(qc, kb)

    assert again["importJobId"] == first["importJobId"]
    assert again["createdTime"] == first["createdTime"]
    assert listed == [first["importJobId"]]


@pytest.mark.parametrize(
    "change",
    [{"metadata": {"a": "2"}}, {"externalSourceConfiguration": CONNECT}, {"new_upload": True}],
    ids=["metadata", "external-source", "upload"],
)
def test_start_import_job_same_client_token_other_request_conflicts(make_client, kb, change):
    with mock_imports(duration=None):
        qc = make_client("qconnect")
        upload = upload_id(qc, kb)
        first = start_job(qc, kb, upload, clientToken="once", metadata={"a": "1"})
        request = {"metadata": {"a": "1"}, **change}
        other_upload = upload_id(qc, kb) if request.pop("new_upload", False) else upload
        with pytest.raises(qc.exceptions.ConflictException) as excinfo:
            start_job(qc, kb, other_upload, clientToken="once", **request)
        listed = listed_ids(qc, kb)

    assert_error(excinfo, "ConflictException", 409)
    assert listed == [first["importJobId"]]


def test_start_import_job_same_client_token_other_request_is_client_error(qc, kb):
    upload = upload_id(qc, kb)
    start_job(qc, kb, upload, clientToken="once")

    with pytest.raises(ClientError) as excinfo:
        start_job(qc, kb, upload, clientToken="once", metadata={"x": "y"})

    assert_error(excinfo, "ConflictException", 409)


@ELSEWHERE
def test_start_import_job_client_token_used_elsewhere_starts_new_job(qc, make_client, kb, client_kwargs):
    mine = start_job(qc, kb, clientToken="once")
    other = make_client("qconnect", **client_kwargs)

    theirs = start_job(other, kb, clientToken="once")

    assert theirs["importJobId"] != mine["importJobId"]
    assert listed_ids(other, kb) == [theirs["importJobId"]]


def test_start_import_job_without_client_token_creates_new_jobs(qc, kb):
    # botocore fills an idempotency token of its own into every call
    upload = upload_id(qc, kb)

    first = start_job(qc, kb, upload)
    second = start_job(qc, kb, upload)

    assert first["importJobId"] != second["importJobId"]


def test_start_import_job_different_client_tokens_create_new_jobs(qc, kb):
    upload = upload_id(qc, kb)

    first = start_job(qc, kb, upload, clientToken="one")
    second = start_job(qc, kb, upload, clientToken="two")

    assert first["importJobId"] != second["importJobId"]


def test_start_import_job_failed_call_recorded_with_error(mock, qc, kb):
    with pytest.raises(ClientError):
        start_job(qc, kb, "never-issued")

    call = mock.calls[-1]
    assert (call.service, call.operation) == ("qconnect", "StartImportJob")
    assert call.error == "ResourceNotFoundException"
    assert call.params["uploadId"] == "never-issued"


def test_start_import_job_external_source_union_without_member_rejected(raw, kb):
    source = {"source": "AMAZON_CONNECT", "configuration": {}}

    with pytest.raises(ClientError) as excinfo:
        start_job(raw, kb, externalSourceConfiguration=source)

    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert excinfo.value.response["Error"]["Code"] in {"ValidationException", "SerializationException"}
    assert listed_ids(raw, kb) == []


# GetImportJob and the life cycle


def test_get_import_job_matches_start_response(qc, kb):
    job = start_job(qc, kb, metadata={"k": "v"}, externalSourceConfiguration=CONNECT)

    got = get_job(qc, kb, job["importJobId"])

    same = {k: v for k, v in got.items() if k not in {"status", "lastModifiedTime", "url", "urlExpiry"}}
    assert same == {k: v for k, v in job.items() if k in same}
    assert set(same) >= {"importJobId", "knowledgeBaseId", "knowledgeBaseArn", "uploadId", "createdTime"}
    assert got["metadata"] == {"k": "v"}
    assert got["externalSourceConfiguration"] == CONNECT


def test_get_import_job_complete_at_once_with_duration_zero(qc, kb):
    job = start_job(qc, kb)

    assert job["status"] == "START_IN_PROGRESS"
    assert get_job(qc, kb, job["importJobId"])["status"] == "COMPLETE"


def test_get_import_job_start_in_progress_until_duration_passes(make_client, kb):
    with mock_imports(duration=60) as mock:
        qc = make_client("qconnect")
        job_id = start_job(qc, kb)["importJobId"]
        mock.clock.advance(59)
        job = get_job(qc, kb, job_id)

    assert job["status"] == "START_IN_PROGRESS"
    assert "failedRecordReport" not in job


def test_get_import_job_complete_once_duration_passed(make_client, kb):
    with mock_imports(duration=60) as mock:
        qc = make_client("qconnect")
        mock.clock.set(T0)
        job_id = start_job(qc, kb)["importJobId"]
        mock.clock.advance(60)
        at_end = get_job(qc, kb, job_id)
        mock.clock.advance(3600)
        later = get_job(qc, kb, job_id)

    assert at_end["status"] == "COMPLETE"
    assert at_end["createdTime"] == T0
    assert at_end["lastModifiedTime"] == T0 + timedelta(seconds=60)
    assert "failedRecordReport" not in at_end
    assert {k: later[k] for k in ("status", "createdTime", "lastModifiedTime")} == {
        k: at_end[k] for k in ("status", "createdTime", "lastModifiedTime")
    }


def test_get_import_job_family_duration_key(make_client, kb):
    with mock_imports(duration=0, durations={"qconnect:import-job": 60}) as mock:
        qc = make_client("qconnect")
        job_id = start_job(qc, kb)["importJobId"]
        before = get_job(qc, kb, job_id)["status"]
        mock.clock.advance(60)
        after = get_job(qc, kb, job_id)["status"]

    assert (before, after) == ("START_IN_PROGRESS", "COMPLETE")


def test_get_import_job_duration_none_waits_for_finish(make_client, kb):
    with mock_imports(duration=None) as mock:
        qc = make_client("qconnect")
        mock.clock.set(T0)
        job_id = start_job(qc, kb)["importJobId"]
        mock.clock.advance(timedelta(days=1))
        waiting = get_job(qc, kb, job_id)
        mock.finish(job_id)
        done = get_job(qc, kb, job_id)

    assert waiting["status"] == "START_IN_PROGRESS"
    assert done["status"] == "COMPLETE"
    assert done["lastModifiedTime"] == T0 + timedelta(days=1)


def test_get_import_job_failed_by_finish_has_failed_record_report(make_client, kb):
    with mock_imports(duration=None) as mock:
        qc = make_client("qconnect")
        job_id = start_job(qc, kb)["importJobId"]
        mock.finish(job_id, status="FAILED")
        job = get_job(qc, kb, job_id)

    assert job["status"] == "FAILED"
    assert job["failedRecordReport"].startswith("https://")


@pytest.mark.parametrize("status", ["COMPLETED", "SUCCEEDED", "ACTIVE", "START_IN_PROGRESS"])
def test_finish_with_status_outside_family_raises_value_error(make_client, kb, status):
    with mock_imports(duration=None) as mock:
        qc = make_client("qconnect")
        job_id = start_job(qc, kb)["importJobId"]
        with pytest.raises(ValueError, match=status):
            mock.finish(job_id, status=status)
        job = get_job(qc, kb, job_id)

    assert job["status"] == "START_IN_PROGRESS"


def test_get_import_job_unknown_id_not_found(qc, kb):
    start_job(qc, kb)

    with pytest.raises(qc.exceptions.ResourceNotFoundException) as excinfo:
        get_job(qc, kb, str(uuid.uuid4()))

    assert_error(excinfo, "ResourceNotFoundException", 404)


def test_get_import_job_unknown_id_is_client_error(qc, kb):
    with pytest.raises(ClientError) as excinfo:
        get_job(qc, kb, str(uuid.uuid4()))

    assert_error(excinfo, "ResourceNotFoundException", 404)


def test_get_import_job_error_carries_error_type_header(qc, kb):
    with pytest.raises(ClientError) as excinfo:
        get_job(qc, kb, str(uuid.uuid4()))

    headers = excinfo.value.response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amzn-errortype"].split(":")[0] == "ResourceNotFoundException"


def test_get_import_job_of_other_knowledge_base_not_found(qc, kb):
    job_id = start_job(qc, kb)["importJobId"]

    with pytest.raises(qc.exceptions.ResourceNotFoundException) as excinfo:
        get_job(qc, str(uuid.uuid4()), job_id)

    assert_error(excinfo, "ResourceNotFoundException", 404)


@ELSEWHERE
def test_get_import_job_created_elsewhere_not_found(qc, make_client, kb, client_kwargs):
    job_id = start_job(qc, kb)["importJobId"]
    other = make_client("qconnect", **client_kwargs)

    with pytest.raises(other.exceptions.ResourceNotFoundException) as excinfo:
        get_job(other, kb, job_id)

    assert_error(excinfo, "ResourceNotFoundException", 404)


def test_get_import_job_by_knowledge_base_arn(qc, kb):
    job_id = start_job(qc, kb)["importJobId"]

    job = get_job(qc, kb_arn(kb), job_id)

    assert job["importJobId"] == job_id
    assert job["knowledgeBaseId"] == kb


@pytest.mark.parametrize("job_id", ["not-a-job", "ABCDEFAB-ABCD-ABCD-ABCD-ABCDEFABCDEF", "1234"])
def test_get_import_job_malformed_job_id_rejected(raw, kb, job_id):
    with pytest.raises(ClientError) as excinfo:
        get_job(raw, kb, job_id)

    assert_error(excinfo, "ValidationException", 400)
    assert_names_field(excinfo, "importJobId")


def test_get_import_job_malformed_knowledge_base_id_rejected(raw):
    with pytest.raises(ClientError) as excinfo:
        get_job(raw, "not-a-knowledge-base", str(uuid.uuid4()))

    assert_error(excinfo, "ValidationException", 400)
    assert_names_field(excinfo, "knowledgeBaseId")


# knowledge base ARNs of other accounts and regions, for every operation

OPERATIONS = {
    "start_content_upload": lambda c, kb: c.start_content_upload(knowledgeBaseId=kb, contentType="text/csv"),
    "start_import_job": lambda c, kb: c.start_import_job(**job_request(kb, "some-upload")),
    "get_import_job": lambda c, kb: c.get_import_job(knowledgeBaseId=kb, importJobId=str(uuid.uuid4())),
    "list_import_jobs": lambda c, kb: c.list_import_jobs(knowledgeBaseId=kb),
    "delete_import_job": lambda c, kb: c.delete_import_job(knowledgeBaseId=kb, importJobId=str(uuid.uuid4())),
}


@pytest.mark.parametrize("operation", OPERATIONS)
def test_knowledge_base_arn_of_other_account_access_denied(qc, kb, operation):
    with pytest.raises(qc.exceptions.AccessDeniedException) as excinfo:
        OPERATIONS[operation](qc, kb_arn(kb, account=OTHER_ACCOUNT))

    assert_error(excinfo, "AccessDeniedException", 403)


@pytest.mark.parametrize("operation", [name for name in OPERATIONS if name != "list_import_jobs"])
def test_knowledge_base_arn_of_other_region_not_found(qc, kb, operation):
    with pytest.raises(ClientError) as excinfo:
        OPERATIONS[operation](qc, kb_arn(kb, region="eu-west-2"))

    assert_error(excinfo, "ResourceNotFoundException", 404)


def test_list_import_jobs_knowledge_base_arn_of_other_region_invalid(qc, kb):
    # ListImportJobs models no ResourceNotFoundException: the mock answers a modeled error
    with pytest.raises(qc.exceptions.ValidationException) as excinfo:
        OPERATIONS["list_import_jobs"](qc, kb_arn(kb, region="eu-west-2"))

    assert_error(excinfo, "ValidationException", 400)


# empty path labels: botocore sends them even with its own validation on

EMPTY_LABELS = {
    "start_content_upload": lambda c, kb: c.start_content_upload(knowledgeBaseId="", contentType="text/csv"),
    "start_import_job": lambda c, kb: c.start_import_job(**job_request("", "some-upload")),
    "get_import_job/kb": lambda c, kb: c.get_import_job(knowledgeBaseId="", importJobId=str(uuid.uuid4())),
    "get_import_job/job": lambda c, kb: c.get_import_job(knowledgeBaseId=kb, importJobId=""),
    "list_import_jobs": lambda c, kb: c.list_import_jobs(knowledgeBaseId=""),
    "delete_import_job/kb": lambda c, kb: c.delete_import_job(
        knowledgeBaseId="", importJobId=str(uuid.uuid4())
    ),
    "delete_import_job/job": lambda c, kb: c.delete_import_job(knowledgeBaseId=kb, importJobId=""),
}


@pytest.mark.parametrize("operation", EMPTY_LABELS)
def test_empty_path_label_answers_client_error(qc, kb, operation):
    with pytest.raises(ClientError) as excinfo:
        EMPTY_LABELS[operation](qc, kb)

    assert 400 <= excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] < 500


# ListImportJobs


def test_list_import_jobs_empty(qc, kb):
    response = qc.list_import_jobs(knowledgeBaseId=kb)

    assert response["importJobSummaries"] == []
    assert "nextToken" not in response


def test_list_import_jobs_newest_first(mock, qc, kb):
    ids = []
    for _ in range(4):
        ids.append(start_job(qc, kb)["importJobId"])
        mock.clock.advance(1)

    assert listed_ids(qc, kb) == ids[::-1]


def test_list_import_jobs_newest_first_within_one_millisecond(mock, qc, kb):
    mock.clock.set(T0)
    ids = [start_job(qc, kb)["importJobId"] for _ in range(4)]

    assert listed_ids(qc, kb) == ids[::-1]


def test_list_import_jobs_only_of_the_knowledge_base(qc, kb):
    mine = start_job(qc, kb)["importJobId"]
    other_kb = str(uuid.uuid4())
    theirs = start_job(qc, other_kb)["importJobId"]

    assert listed_ids(qc, kb) == [mine]
    assert listed_ids(qc, other_kb) == [theirs]


def test_list_import_jobs_by_knowledge_base_arn(qc, kb):
    job_id = start_job(qc, kb)["importJobId"]

    assert listed_ids(qc, kb_arn(kb)) == [job_id]


def test_list_import_jobs_summary_matches_get(qc, kb):
    job_id = start_job(qc, kb, metadata={"k": "v"}, externalSourceConfiguration=CONNECT)["importJobId"]

    (summary,) = qc.list_import_jobs(knowledgeBaseId=kb)["importJobSummaries"]
    full = get_job(qc, kb, job_id)

    members = qc.meta.service_model.shape_for("ImportJobSummary").members
    assert summary == {name: full[name] for name in members if name in full}
    assert summary["status"] == "COMPLETE"
    assert summary["metadata"] == {"k": "v"}


def test_list_import_jobs_shows_start_in_progress_and_failed(make_client, kb):
    with mock_imports(duration=None) as mock:
        qc = make_client("qconnect")
        failed = start_job(qc, kb)["importJobId"]
        mock.clock.advance(1)
        running = start_job(qc, kb)["importJobId"]
        mock.finish(failed, status="FAILED")
        summaries = qc.list_import_jobs(knowledgeBaseId=kb)["importJobSummaries"]

    assert [(s["importJobId"], s["status"]) for s in summaries] == [
        (running, "START_IN_PROGRESS"),
        (failed, "FAILED"),
    ]


@pytest.mark.parametrize("size", [1, 7, 100])
def test_list_import_jobs_max_results_limits_page(qc, kb, size):
    upload = upload_id(qc, kb)
    for _ in range(size + 1):
        start_job(qc, kb, upload)

    response = qc.list_import_jobs(knowledgeBaseId=kb, maxResults=size)

    assert len(response["importJobSummaries"]) == size
    assert response["nextToken"]


def test_list_import_jobs_last_page_has_no_token(qc, kb):
    for _ in range(3):
        start_job(qc, kb)

    response = qc.list_import_jobs(knowledgeBaseId=kb, maxResults=3)

    assert len(response["importJobSummaries"]) == 3
    assert "nextToken" not in response


@pytest.mark.parametrize("size", [0, 101, -1])
def test_list_import_jobs_max_results_out_of_range_rejected(raw, kb, size):
    with pytest.raises(ClientError) as excinfo:
        raw.list_import_jobs(knowledgeBaseId=kb, maxResults=size)

    assert_error(excinfo, "ValidationException", 400)
    assert_names_field(excinfo, "maxResults")


def test_list_import_jobs_max_results_not_a_number_rejected(raw, kb):
    with pytest.raises(ClientError) as excinfo:
        raw.list_import_jobs(knowledgeBaseId=kb, maxResults="ten")

    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.mark.parametrize("kb_id", ["not-a-knowledge-base", "arn:aws:s3:::bucket"])
def test_list_import_jobs_malformed_knowledge_base_id_rejected(raw, kb_id):
    with pytest.raises(ClientError) as excinfo:
        raw.list_import_jobs(knowledgeBaseId=kb_id)

    assert_error(excinfo, "ValidationException", 400)
    assert_names_field(excinfo, "knowledgeBaseId")


def test_list_import_jobs_paginator_yields_all_newest_first(mock, qc, kb):
    ids = []
    for _ in range(7):
        ids.append(start_job(qc, kb)["importJobId"])
        mock.clock.advance(1)

    seen = [s["importJobId"] for page in pages(qc, kb, 2) for s in page["importJobSummaries"]]

    assert seen == ids[::-1]


def test_list_import_jobs_paginator_build_full_result(qc, kb):
    ids = {start_job(qc, kb)["importJobId"] for _ in range(5)}

    paginator = qc.get_paginator("list_import_jobs")
    result = paginator.paginate(knowledgeBaseId=kb, PaginationConfig={"PageSize": 2}).build_full_result()

    assert {s["importJobId"] for s in result["importJobSummaries"]} == ids
    assert len(result["importJobSummaries"]) == 5


def test_list_import_jobs_traversal_with_creates_between_pages(mock, qc, kb):
    existing = []
    for _ in range(7):
        existing.append(start_job(qc, kb)["importJobId"])
        mock.clock.advance(1)

    seen = []
    for n, page in enumerate(pages(qc, kb, 1)):
        assert len(page["importJobSummaries"]) <= 1
        seen += [s["importJobId"] for s in page["importJobSummaries"]]
        start_job(qc, kb)
        mock.clock.advance(1)
        assert n < 50, "traversal does not end"

    assert max(Counter(seen).values()) == 1
    assert [job for job in seen if job in existing] == existing[::-1]


def test_list_import_jobs_traversal_with_deletes_between_pages(mock, qc, kb):
    jobs = []
    for _ in range(10):
        jobs.append(start_job(qc, kb)["importJobId"])
        mock.clock.advance(1)
    newest_first = jobs[::-1]
    ahead = [newest_first[3], newest_first[6], newest_first[9]]  # deleted before the traversal reaches them
    skipped, deleted_seen = set(), set()

    seen = []
    for n, page in enumerate(pages(qc, kb, 1)):
        page_ids = [s["importJobId"] for s in page["importJobSummaries"]]
        seen += page_ids
        if n % 2 == 0:  # the job the token resumes after is gone
            for job_id in page_ids:
                delete_job(qc, kb, job_id)
                deleted_seen.add(job_id)
        if pending := [job for job in ahead if job not in seen and job not in skipped]:
            delete_job(qc, kb, pending[0])
            skipped.add(pending[0])
        assert n < 50, "traversal does not end"

    assert skipped == set(ahead)
    assert seen == [job for job in newest_first if job not in skipped]
    left = [job for job in newest_first if job not in skipped | deleted_seen]
    assert listed_ids(qc, kb) == left


def test_list_import_jobs_traversal_with_creates_and_deletes_between_pages(mock, qc, kb):
    existing = []
    for _ in range(8):
        existing.append(start_job(qc, kb)["importJobId"])
        mock.clock.advance(1)
    keep = existing[::2]
    doomed = [job for job in existing if job not in keep]

    seen = []
    for n, page in enumerate(pages(qc, kb, 1)):
        seen += [s["importJobId"] for s in page["importJobSummaries"]]
        start_job(qc, kb)
        mock.clock.advance(1)
        if doomed:
            delete_job(qc, kb, doomed.pop())
        assert n < 50, "traversal does not end"

    assert max(Counter(seen).values()) == 1
    assert [job for job in seen if job in keep] == keep[::-1]


def test_list_import_jobs_traversal_by_hand_with_next_token(mock, qc, kb):
    ids = []
    for _ in range(5):
        ids.append(start_job(qc, kb)["importJobId"])
        mock.clock.advance(1)

    seen, token = [], None
    for _ in range(10):
        more = {"nextToken": token} if token else {}
        page = qc.list_import_jobs(knowledgeBaseId=kb, maxResults=1, **more)
        seen += [s["importJobId"] for s in page["importJobSummaries"]]
        if not (token := page.get("nextToken")):
            break

    assert seen == ids[::-1]


@pytest.mark.parametrize("where", ["first", "middle"])
def test_list_import_jobs_tampered_token_rejected(qc, kb, where):
    for _ in range(3):
        start_job(qc, kb)
    token = qc.list_import_jobs(knowledgeBaseId=kb, maxResults=1)["nextToken"]
    index = {"first": 0, "middle": len(token) // 2}[where]

    with pytest.raises(qc.exceptions.ValidationException) as excinfo:
        qc.list_import_jobs(knowledgeBaseId=kb, maxResults=1, nextToken=flip(token, index))

    assert_error(excinfo, "ValidationException", 400)


def test_list_import_jobs_token_with_any_other_last_character_rejected(qc, kb):
    # every character of the token's alphabet in place of the last one: a string that was
    # never issued, even where a lenient decoder would read the same bytes from it
    for _ in range(3):
        start_job(qc, kb)
    token = qc.list_import_jobs(knowledgeBaseId=kb, maxResults=1)["nextToken"]
    alphabet = string.ascii_letters + string.digits + "-_"

    accepted = []
    for c in alphabet.replace(token[-1], ""):
        try:
            qc.list_import_jobs(knowledgeBaseId=kb, maxResults=1, nextToken=token[:-1] + c)
            accepted.append(c)
        except qc.exceptions.ValidationException:
            pass

    assert accepted == [], f"{token[:-1]}+{accepted} accepted in place of {token[-1]!r}"


@pytest.mark.parametrize("token", ["x", "0" * 112, "not a token at all"])
def test_list_import_jobs_invented_token_rejected(qc, kb, token):
    start_job(qc, kb)

    with pytest.raises(ClientError) as excinfo:
        qc.list_import_jobs(knowledgeBaseId=kb, nextToken=token)

    assert_error(excinfo, "ValidationException", 400)


def test_list_import_jobs_token_bound_to_knowledge_base(qc, kb):
    other_kb = str(uuid.uuid4())
    for _ in range(3):
        start_job(qc, kb)
        start_job(qc, other_kb)
    token = qc.list_import_jobs(knowledgeBaseId=kb, maxResults=1)["nextToken"]

    with pytest.raises(qc.exceptions.ValidationException) as excinfo:
        qc.list_import_jobs(knowledgeBaseId=other_kb, maxResults=1, nextToken=token)

    assert_error(excinfo, "ValidationException", 400)


@ELSEWHERE
def test_list_import_jobs_token_bound_to_account_and_region(qc, make_client, kb, client_kwargs):
    other = make_client("qconnect", **client_kwargs)
    for _ in range(3):
        start_job(qc, kb)
        start_job(other, kb)
    token = qc.list_import_jobs(knowledgeBaseId=kb, maxResults=1)["nextToken"]

    with pytest.raises(ClientError) as excinfo:
        other.list_import_jobs(knowledgeBaseId=kb, maxResults=1, nextToken=token)

    assert_error(excinfo, "ValidationException", 400)


@pytest.mark.parametrize(
    "client_kwargs",
    [{"region_name": "us-west-2"}, {"region_name": "eu-west-2"}, OTHER_ACCOUNT_KEYS],
    ids=["other-region", "other-region-2", "other-account"],
)
def test_list_import_jobs_isolated_by_account_and_region(qc, make_client, kb, client_kwargs):
    mine = start_job(qc, kb)["importJobId"]
    other = make_client("qconnect", **client_kwargs)
    theirs = start_job(other, kb)["importJobId"]

    assert listed_ids(qc, kb) == [mine]
    assert listed_ids(other, kb) == [theirs]


def test_reset_forgets_jobs_and_uploads(mock, qc, kb):
    upload = upload_id(qc, kb)
    job_id = start_job(qc, kb, upload)["importJobId"]

    mock.reset()

    assert listed_ids(qc, kb) == []
    with pytest.raises(qc.exceptions.ResourceNotFoundException):
        get_job(qc, kb, job_id)
    with pytest.raises(qc.exceptions.ResourceNotFoundException):
        start_job(qc, kb, upload)


# DeleteImportJob


def test_delete_import_job_answers_204_with_empty_body(qc, kb):
    job_id = start_job(qc, kb)["importJobId"]

    response = delete_job(qc, kb, job_id)

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert set(response) == {"ResponseMetadata"}


def test_delete_import_job_with_duration_zero_gone_at_once(qc, kb):
    job_id = start_job(qc, kb)["importJobId"]
    kept = start_job(qc, kb)["importJobId"]

    delete_job(qc, kb, job_id)

    with pytest.raises(qc.exceptions.ResourceNotFoundException) as excinfo:
        get_job(qc, kb, job_id)
    assert_error(excinfo, "ResourceNotFoundException", 404)
    assert listed_ids(qc, kb) == [kept]


def test_delete_import_job_delete_in_progress_until_duration_passes(make_client, kb):
    with mock_imports(duration=60) as mock:
        qc = make_client("qconnect")
        job_id = start_then_delete(mock, qc, kb)
        mock.clock.advance(59)
        deleting = get_job(qc, kb, job_id)

    assert deleting["status"] == "DELETE_IN_PROGRESS"


def test_delete_import_job_gone_once_duration_passed(make_client, kb):
    with mock_imports(duration=60) as mock:
        qc = make_client("qconnect")
        job_id = start_then_delete(mock, qc, kb)
        mock.clock.advance(60)
        with pytest.raises(qc.exceptions.ResourceNotFoundException) as excinfo:
            get_job(qc, kb, job_id)
        listed = listed_ids(qc, kb)

    assert_error(excinfo, "ResourceNotFoundException", 404)
    assert listed == []


def test_delete_import_job_family_duration_key(make_client, kb):
    with mock_imports(duration=0, durations={"qconnect:import-job": 30}) as mock:
        qc = make_client("qconnect")
        job_id = start_then_delete(mock, qc, kb, after=30)
        deleting = get_job(qc, kb, job_id)["status"]
        mock.clock.advance(30)
        with pytest.raises(qc.exceptions.ResourceNotFoundException):
            get_job(qc, kb, job_id)

    assert deleting == "DELETE_IN_PROGRESS"


def test_delete_import_job_start_in_progress_conflicts(make_client, kb):
    with mock_imports(duration=None):
        qc = make_client("qconnect")
        job_id = start_job(qc, kb)["importJobId"]
        with pytest.raises(qc.exceptions.ConflictException) as excinfo:
            delete_job(qc, kb, job_id)
        job = get_job(qc, kb, job_id)

    assert_error(excinfo, "ConflictException", 409)
    assert job["status"] == "START_IN_PROGRESS"


def test_delete_import_job_start_in_progress_is_client_error(make_client, kb):
    with mock_imports(duration=60):
        qc = make_client("qconnect")
        job_id = start_job(qc, kb)["importJobId"]
        with pytest.raises(ClientError) as excinfo:
            delete_job(qc, kb, job_id)

    assert_error(excinfo, "ConflictException", 409)


def test_delete_import_job_delete_in_progress_conflicts(make_client, kb):
    with mock_imports(duration=60) as mock:
        qc = make_client("qconnect")
        job_id = start_then_delete(mock, qc, kb)
        with pytest.raises(qc.exceptions.ConflictException) as excinfo:
            delete_job(qc, kb, job_id)

    assert_error(excinfo, "ConflictException", 409)


@pytest.mark.parametrize("status", ["COMPLETE", "FAILED"])
def test_delete_import_job_finished_job_accepted(make_client, kb, status):
    with mock_imports(duration=None) as mock:
        qc = make_client("qconnect")
        job_id = start_job(qc, kb)["importJobId"]
        mock.finish(job_id, status=status)
        response = delete_job(qc, kb, job_id)
        listed = listed_ids(qc, kb)

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert job_id not in listed


def test_delete_import_job_twice_not_found(qc, kb):
    job_id = start_job(qc, kb)["importJobId"]
    delete_job(qc, kb, job_id)

    with pytest.raises(qc.exceptions.ResourceNotFoundException) as excinfo:
        delete_job(qc, kb, job_id)

    assert_error(excinfo, "ResourceNotFoundException", 404)


def test_delete_import_job_unknown_id_not_found(qc, kb):
    with pytest.raises(ClientError) as excinfo:
        delete_job(qc, kb, str(uuid.uuid4()))

    assert_error(excinfo, "ResourceNotFoundException", 404)


def test_delete_import_job_of_other_knowledge_base_not_found(qc, kb):
    job_id = start_job(qc, kb)["importJobId"]

    with pytest.raises(qc.exceptions.ResourceNotFoundException) as excinfo:
        delete_job(qc, str(uuid.uuid4()), job_id)

    assert_error(excinfo, "ResourceNotFoundException", 404)
    assert get_job(qc, kb, job_id)["status"] == "COMPLETE"


@ELSEWHERE
def test_delete_import_job_created_elsewhere_not_found(qc, make_client, kb, client_kwargs):
    job_id = start_job(qc, kb)["importJobId"]
    other = make_client("qconnect", **client_kwargs)

    with pytest.raises(other.exceptions.ResourceNotFoundException) as excinfo:
        delete_job(other, kb, job_id)

    assert_error(excinfo, "ResourceNotFoundException", 404)
    assert listed_ids(qc, kb) == [job_id]


def test_delete_import_job_by_knowledge_base_arn(qc, kb):
    job_id = start_job(qc, kb)["importJobId"]

    delete_job(qc, kb_arn(kb), job_id)

    assert listed_ids(qc, kb) == []


def test_delete_import_job_malformed_job_id_rejected(raw, kb):
    with pytest.raises(ClientError) as excinfo:
        delete_job(raw, kb, "not-a-job")

    assert_error(excinfo, "ValidationException", 400)
    assert_names_field(excinfo, "importJobId")
