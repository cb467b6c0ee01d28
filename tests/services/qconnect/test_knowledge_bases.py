"""Q in Connect knowledge bases: CreateKnowledgeBase, GetKnowledgeBase, ListKnowledgeBases,
DeleteKnowledgeBase."""

from __future__ import annotations

import re
import uuid

import pytest
from botocore.exceptions import ClientError
from qconnect_support import kb_arn

from importmock import mock_imports
from service_support import ACCOUNT, OTHER_ACCOUNT, T0, assert_error, assert_names_field

UUID = re.compile(r"[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}")
APP = "arn:aws:app-integrations:us-east-1:123456789012:data-integration/0123abcd-0123-4abc-8def-0123456789ab"


def create(client, name="answers", kind="QUICK_RESPONSES", **extra):
    return client.create_knowledge_base(name=name, knowledgeBaseType=kind, **extra)["knowledgeBase"]


def get(client, ref):
    return client.get_knowledge_base(knowledgeBaseId=ref)["knowledgeBase"]


def names(client, **kwargs):
    return [s["name"] for s in client.list_knowledge_bases(**kwargs)["knowledgeBaseSummaries"]]


@pytest.fixture
def timed(make_client):
    """A client of a mock whose Q in Connect changes take 60 seconds, and the mock."""
    with mock_imports(durations={"qconnect:import-job": 60}) as mock:
        mock.clock.set(T0)
        yield make_client("qconnect"), mock


def test_create_knowledge_base_answers_create_in_progress_with_id_and_arn(qc):
    base = create(qc, description="Agents' answers", tags={"team": "support"})

    assert UUID.fullmatch(base["knowledgeBaseId"])
    assert base["knowledgeBaseArn"] == kb_arn(base["knowledgeBaseId"])
    assert (base["name"], base["knowledgeBaseType"], base["status"]) == (
        "answers",
        "QUICK_RESPONSES",
        "CREATE_IN_PROGRESS",
    )
    assert (base["description"], base["tags"]) == ("Agents' answers", {"team": "support"})
    assert "lastContentModificationTime" not in base


def test_get_knowledge_base_active_at_once_with_duration_zero(qc):
    base = create(qc)

    assert get(qc, base["knowledgeBaseId"])["status"] == "ACTIVE"


def test_get_knowledge_base_create_in_progress_until_qconnect_duration_passes(timed):
    qc, mock = timed
    base = create(qc)
    mock.clock.advance(59)
    assert get(qc, base["knowledgeBaseId"])["status"] == "CREATE_IN_PROGRESS"

    mock.clock.advance(1)

    assert get(qc, base["knowledgeBaseId"])["status"] == "ACTIVE"


def test_get_knowledge_base_by_arn_is_the_same(qc):
    base = create(qc)

    assert get(qc, base["knowledgeBaseArn"]) == get(qc, base["knowledgeBaseId"])


def test_get_knowledge_base_keeps_every_setting(qc):
    settings = {
        "description": "Synced from an integration",
        "sourceConfiguration": {"appIntegrations": {"appIntegrationArn": APP, "objectFields": ["Title"]}},
        "renderingConfiguration": {"templateUri": "https://example.com/{Id}"},
        "serverSideEncryptionConfiguration": {"kmsKeyId": "alias/answers"},
        "tags": {"team": "support"},
    }
    base = create(qc, kind="EXTERNAL", **settings)

    assert {member: get(qc, base["knowledgeBaseId"])[member] for member in settings} == settings


def test_get_knowledge_base_unknown_id_not_found(qc):
    unknown = str(uuid.uuid4())
    with pytest.raises(qc.exceptions.ResourceNotFoundException) as excinfo:
        get(qc, unknown)

    assert_error(excinfo, "ResourceNotFoundException", 404)
    assert excinfo.value.response["resourceName"] == unknown


def test_get_knowledge_base_arn_of_other_account_access_denied(qc):
    with pytest.raises(ClientError) as excinfo:
        get(qc, kb_arn(str(uuid.uuid4()), account=OTHER_ACCOUNT))

    assert_error(excinfo, "AccessDeniedException", 403)


@pytest.mark.parametrize("kb_id", ["not-a-uuid", "0123ABCD-0123-4ABC-8DEF-0123456789AB"])
def test_get_knowledge_base_malformed_id_rejected(raw, kb_id):
    with pytest.raises(ClientError) as excinfo:
        raw.get_knowledge_base(knowledgeBaseId=kb_id)

    assert_error(excinfo, "ValidationException")
    assert_names_field(excinfo, "knowledgeBaseId")


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", ""), ("name", "n" * 256), ("knowledgeBaseType", "WIKI"), ("description", "d" * 256)],
)
def test_create_knowledge_base_invalid_member_rejected(raw, field, value):
    request = {"name": "answers", "knowledgeBaseType": "QUICK_RESPONSES", field: value}
    with pytest.raises(ClientError) as excinfo:
        raw.create_knowledge_base(**request)

    assert_error(excinfo, "ValidationException")
    assert_names_field(excinfo, field)


def test_create_knowledge_base_missing_type_rejected(raw):
    with pytest.raises(ClientError) as excinfo:
        raw.create_knowledge_base(name="answers")

    assert_error(excinfo, "ValidationException")
    assert_names_field(excinfo, "knowledgeBaseType")


def test_create_knowledge_base_source_configuration_only_for_external_and_managed(qc):
    source = {"appIntegrations": {"appIntegrationArn": APP}}
    with pytest.raises(ClientError) as given:
        create(qc, kind="CUSTOM", sourceConfiguration=source)
    with pytest.raises(ClientError) as missing:
        create(qc, "synced", kind="EXTERNAL")

    assert_error(given, "ValidationException")
    assert_error(missing, "ValidationException")
    assert names(qc) == []


def test_create_knowledge_base_same_name_conflicts(qc):
    create(qc, "answers")
    with pytest.raises(qc.exceptions.ConflictException) as excinfo:
        create(qc, "answers", kind="CUSTOM")

    assert_error(excinfo, "ConflictException", 409)
    assert names(qc) == ["answers"]


def test_create_knowledge_base_name_free_once_deleted(qc):
    first = create(qc)
    qc.delete_knowledge_base(knowledgeBaseId=first["knowledgeBaseId"])

    again = create(qc)

    assert again["knowledgeBaseId"] != first["knowledgeBaseId"]


def test_create_knowledge_base_name_taken_while_delete_in_progress(timed):
    qc, mock = timed
    base = create(qc)
    mock.clock.advance(60)
    qc.delete_knowledge_base(knowledgeBaseId=base["knowledgeBaseId"])
    with pytest.raises(ClientError) as excinfo:
        create(qc)
    assert_error(excinfo, "ConflictException", 409)

    mock.clock.advance(60)

    assert create(qc)["status"] == "CREATE_IN_PROGRESS"


def test_create_knowledge_base_same_client_token_and_request_returns_same(qc):
    first = create(qc, clientToken="token-1")

    again = create(qc, clientToken="token-1")

    assert again["knowledgeBaseId"] == first["knowledgeBaseId"]
    assert again["status"] == "ACTIVE"  # the knowledge base as it is now
    assert names(qc) == ["answers"]


def test_create_knowledge_base_same_client_token_other_request_conflicts(qc):
    create(qc, clientToken="token-1")
    with pytest.raises(ClientError) as excinfo:
        create(qc, "other", clientToken="token-1")

    assert_error(excinfo, "ConflictException", 409)


def test_create_knowledge_base_boto3_fills_client_token_so_retries_are_safe(mock, qc):
    create(qc)

    assert "clientToken" in mock.calls[-1].params


def test_delete_knowledge_base_answers_204_and_gone_at_once_with_duration_zero(qc):
    base = create(qc)

    response = qc.delete_knowledge_base(knowledgeBaseId=base["knowledgeBaseArn"])

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(qc.exceptions.ResourceNotFoundException):
        get(qc, base["knowledgeBaseId"])
    assert names(qc) == []


def test_delete_knowledge_base_delete_in_progress_for_the_duration(timed):
    qc, mock = timed
    base = create(qc)
    mock.clock.advance(60)
    qc.delete_knowledge_base(knowledgeBaseId=base["knowledgeBaseId"])
    mock.clock.advance(30)

    assert get(qc, base["knowledgeBaseId"])["status"] == "DELETE_IN_PROGRESS"
    summaries = qc.list_knowledge_bases()["knowledgeBaseSummaries"]
    assert [(s["name"], s["status"]) for s in summaries] == [("answers", "DELETE_IN_PROGRESS")]
    with pytest.raises(ClientError) as again:
        qc.delete_knowledge_base(knowledgeBaseId=base["knowledgeBaseId"])
    assert_error(again, "ConflictException", 409)

    mock.clock.advance(30)

    with pytest.raises(ClientError) as excinfo:
        get(qc, base["knowledgeBaseId"])
    assert_error(excinfo, "ResourceNotFoundException", 404)


def test_delete_knowledge_base_unknown_not_found(qc):
    with pytest.raises(ClientError) as excinfo:
        qc.delete_knowledge_base(knowledgeBaseId=str(uuid.uuid4()))

    assert_error(excinfo, "ResourceNotFoundException", 404)


def test_delete_knowledge_base_frees_its_client_token(qc):
    first = create(qc, clientToken="token-1")
    qc.delete_knowledge_base(knowledgeBaseId=first["knowledgeBaseId"])

    again = create(qc, clientToken="token-1")

    assert again["knowledgeBaseId"] != first["knowledgeBaseId"]


def test_list_knowledge_bases_empty(qc):
    assert qc.list_knowledge_bases()["knowledgeBaseSummaries"] == []


def test_list_knowledge_bases_summary_matches_get(qc):
    base = create(qc, description="Answers", tags={"team": "support"})
    (summary,) = qc.list_knowledge_bases()["knowledgeBaseSummaries"]

    full = get(qc, base["knowledgeBaseId"])
    assert summary == {member: full[member] for member in summary}
    assert set(summary) >= {"knowledgeBaseId", "knowledgeBaseArn", "name", "knowledgeBaseType", "status"}


def test_list_knowledge_bases_in_creation_order(qc):
    for name in ("first", "second", "third"):
        create(qc, name)

    assert names(qc) == ["first", "second", "third"]


def test_list_knowledge_bases_default_page_of_ten_then_token(qc):
    for number in range(12):
        create(qc, f"base {number:02}")

    first = qc.list_knowledge_bases()
    rest = qc.list_knowledge_bases(nextToken=first["nextToken"])

    assert len(first["knowledgeBaseSummaries"]) == 10
    assert [s["name"] for s in rest["knowledgeBaseSummaries"]] == ["base 10", "base 11"]
    assert "nextToken" not in rest


def test_list_knowledge_bases_paginator_sees_each_once_with_changes_between_pages(qc):
    for number in range(5):
        create(qc, f"base {number}")
    pages = qc.get_paginator("list_knowledge_bases").paginate(PaginationConfig={"PageSize": 2})
    seen = []
    for page in pages:
        seen += [s["name"] for s in page["knowledgeBaseSummaries"]]
        if len(seen) == 2:
            qc.delete_knowledge_base(knowledgeBaseId=page["knowledgeBaseSummaries"][0]["knowledgeBaseId"])
            create(qc, "late")

    assert seen == ["base 0", "base 1", "base 2", "base 3", "base 4", "late"]


@pytest.mark.parametrize("size", [0, 101])
def test_list_knowledge_bases_max_results_out_of_range_rejected(raw, size):
    with pytest.raises(ClientError) as excinfo:
        raw.list_knowledge_bases(maxResults=size)

    assert_error(excinfo, "ValidationException")
    assert_names_field(excinfo, "maxResults")


def test_list_knowledge_bases_tampered_token_rejected(qc):
    for name in ("a", "b"):
        create(qc, name)
    token = qc.list_knowledge_bases(maxResults=1)["nextToken"]
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]

    with pytest.raises(ClientError) as excinfo:
        qc.list_knowledge_bases(maxResults=1, nextToken=tampered)

    assert_error(excinfo, "ValidationException")


def test_knowledge_bases_isolated_by_account_and_region(qc, make_client):
    base = create(qc)
    elsewhere = [
        make_client("qconnect", region_name="eu-west-1"),
        make_client("qconnect", aws_access_key_id=OTHER_ACCOUNT, aws_secret_access_key="x"),
    ]

    for other in elsewhere:
        assert other.list_knowledge_bases()["knowledgeBaseSummaries"] == []
        with pytest.raises(ClientError) as excinfo:
            other.get_knowledge_base(knowledgeBaseId=base["knowledgeBaseId"])
        assert_error(excinfo, "ResourceNotFoundException", 404)
        assert create(other)["knowledgeBaseArn"] != base["knowledgeBaseArn"]


def test_knowledge_base_arn_carries_the_partition_and_account(make_client):
    with mock_imports():
        china = make_client("qconnect", region_name="cn-north-1")
        base = create(china)

    assert base["knowledgeBaseArn"].startswith(f"arn:aws-cn:wisdom:cn-north-1:{ACCOUNT}:knowledge-base/")
