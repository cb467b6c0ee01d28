"""Q in Connect content uploads through boto3: StartContentUpload and the PUT to its URL."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from botocore.exceptions import ClientError
from qconnect_support import kb_arn, put

from service_support import ACCOUNT, OTHER_ACCOUNT, T0, assert_error, assert_names_field

CONTENT_TYPES = [
    "text/plain",
    "text/html",
    "text/csv",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/x.wisdom-json;source=salesforce",
    "application/x.wisdom-json;source=servicenow",
    "application/x.wisdom-json;source=zendesk",
]


def start_upload(client, kb, content_type="text/csv", **extra):
    return client.start_content_upload(knowledgeBaseId=kb, contentType=content_type, **extra)


# StartContentUpload


def test_start_content_upload_returns_upload_id_url_and_headers(qc, kb):
    upload = start_upload(qc, kb)

    assert upload["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert upload["uploadId"]
    assert upload["url"].startswith("https://")
    assert isinstance(upload["headersToInclude"], dict)
    assert isinstance(upload["urlExpiry"], datetime)


def test_start_content_upload_url_is_s3_presigned_style(qc, kb):
    upload = start_upload(qc, kb, presignedUrlTimeToLive=15)

    parts = urlsplit(upload["url"])
    query = parse_qs(parts.query)
    assert re.search(r"(^|\.)s3[.-]", parts.hostname)
    assert parts.hostname.endswith(".amazonaws.com")
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Expires"] == ["900"]
    assert query["X-Amz-Signature"][0]


def test_start_content_upload_url_expiry_defaults_to_60_minutes(mock, qc, kb):
    mock.clock.set(T0)

    upload = start_upload(qc, kb)

    assert upload["urlExpiry"] == T0 + timedelta(minutes=60)


@pytest.mark.parametrize("ttl", [1, 30, 60])
def test_start_content_upload_url_expiry_is_now_plus_ttl(mock, qc, kb, ttl):
    mock.clock.set(T0)
    mock.clock.advance(3600)

    upload = start_upload(qc, kb, presignedUrlTimeToLive=ttl)

    assert upload["urlExpiry"] == mock.clock.now() + timedelta(minutes=ttl)


@pytest.mark.parametrize("ttl", [0, 61, -1])
def test_start_content_upload_ttl_out_of_range_rejected(raw, kb, ttl):
    with pytest.raises(ClientError) as excinfo:
        start_upload(raw, kb, presignedUrlTimeToLive=ttl)

    assert_error(excinfo, "ValidationException", 400)
    assert_names_field(excinfo, "presignedUrlTimeToLive")


def test_start_content_upload_ids_are_unique(qc, kb):
    ids = {start_upload(qc, kb)["uploadId"] for _ in range(5)}

    assert len(ids) == 5


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_start_content_upload_content_type_of_model_accepted(qc, kb, content_type):
    upload = start_upload(qc, kb, content_type)

    assert upload["uploadId"]


@pytest.mark.parametrize(
    "content_type",
    ["image/png", "application/json", "text/xml", "application/x.wisdom-json;source=jira"],
)
def test_start_content_upload_content_type_outside_pattern_rejected(raw, kb, content_type):
    with pytest.raises(ClientError) as excinfo:
        start_upload(raw, kb, content_type)

    assert_error(excinfo, "ValidationException", 400)
    assert_names_field(excinfo, "contentType")


def test_start_content_upload_missing_content_type_rejected(raw, kb):
    with pytest.raises(ClientError) as excinfo:
        raw.start_content_upload(knowledgeBaseId=kb)

    assert_error(excinfo, "ValidationException", 400)
    assert_names_field(excinfo, "contentType")


@pytest.mark.parametrize(
    "kb_id",
    [
        "not-a-knowledge-base",
        "1234",
        "ABCDEFAB-ABCD-ABCD-ABCD-ABCDEFABCDEF",
        "arn:aws:s3:::some-bucket",
    ],
    ids=["word", "digits", "uppercase-uuid", "s3-arn"],
)
def test_start_content_upload_malformed_knowledge_base_id_rejected(raw, kb_id):
    with pytest.raises(ClientError) as excinfo:
        start_upload(raw, kb_id)

    assert_error(excinfo, "ValidationException", 400)
    assert_names_field(excinfo, "knowledgeBaseId")


def test_start_content_upload_knowledge_base_arn_of_own_account_accepted(qc, kb):
    upload = start_upload(qc, kb_arn(kb))

    assert upload["uploadId"]


def test_start_content_upload_knowledge_base_arn_of_other_account_denied(qc, kb):
    with pytest.raises(qc.exceptions.AccessDeniedException) as excinfo:
        start_upload(qc, kb_arn(kb, account=OTHER_ACCOUNT))

    assert_error(excinfo, "AccessDeniedException", 403)


def test_start_content_upload_knowledge_base_arn_of_other_region_not_found(qc, kb):
    with pytest.raises(qc.exceptions.ResourceNotFoundException) as excinfo:
        start_upload(qc, kb_arn(kb, region="us-west-2"))

    assert_error(excinfo, "ResourceNotFoundException", 404)


def test_start_content_upload_knowledge_base_arn_of_other_account_is_client_error(qc, kb):
    with pytest.raises(ClientError) as excinfo:
        start_upload(qc, kb_arn(kb, account=OTHER_ACCOUNT))

    assert_error(excinfo, "AccessDeniedException", 403)


def test_start_content_upload_arn_of_access_key_account_accepted(mock, make_client, kb):
    client = make_client("qconnect", aws_access_key_id=OTHER_ACCOUNT, aws_secret_access_key="secret")

    upload = start_upload(client, kb_arn(kb, account=OTHER_ACCOUNT))

    assert upload["uploadId"]


def test_start_content_upload_recorded_in_calls(mock, qc, kb):
    start_upload(qc, kb, "text/plain")

    (call,) = [c for c in mock.calls if c.operation == "StartContentUpload"]
    assert call.service == "qconnect"
    assert call.region == "us-east-1"
    assert call.account_id == ACCOUNT
    assert call.params["knowledgeBaseId"] == kb
    assert call.params["contentType"] == "text/plain"
    assert call.error is None


# the PUT to the upload URL


def test_put_to_upload_url_answers_200(qc, kb):
    upload = start_upload(qc, kb)

    response = put(upload)

    assert response.status_code == 200


def test_put_to_upload_url_recorded_as_s3_put_object(mock, qc, kb):
    upload = start_upload(qc, kb)

    put(upload)

    call = mock.calls[-1]
    assert (call.service, call.operation) == ("s3", "PutObject")
    assert call.error is None


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-2"])
def test_put_to_upload_url_recorded_with_account_and_region(mock, make_client, kb, region):
    client = make_client(
        "qconnect", region_name=region, aws_access_key_id=OTHER_ACCOUNT, aws_secret_access_key="secret"
    )
    upload = start_upload(client, kb)

    put(upload)

    call = mock.calls[-1]
    assert (call.service, call.operation) == ("s3", "PutObject")
    assert (call.region, call.account_id) == (region, OTHER_ACCOUNT)


@pytest.mark.parametrize("ttl", [1, 60])
def test_put_to_upload_url_just_before_expiry_answers_200(mock, qc, kb, ttl):
    upload = start_upload(qc, kb, presignedUrlTimeToLive=ttl)

    mock.clock.advance(ttl * 60 - 1)

    assert put(upload).status_code == 200


@pytest.mark.parametrize("ttl", [1, 60])
def test_put_to_upload_url_after_expiry_answers_403(mock, qc, kb, ttl):
    upload = start_upload(qc, kb, presignedUrlTimeToLive=ttl)

    mock.clock.advance(ttl * 60 + 1)

    assert put(upload).status_code == 403


def test_put_to_upload_url_after_default_expiry_answers_403(mock, qc, kb):
    upload = start_upload(qc, kb)

    mock.clock.advance(timedelta(hours=1, seconds=1))

    assert put(upload).status_code == 403


def test_start_content_upload_other_knowledge_bases_get_other_upload_ids(qc):
    first = start_upload(qc, str(uuid.uuid4()))["uploadId"]
    second = start_upload(qc, str(uuid.uuid4()))["uploadId"]

    assert first != second


@pytest.mark.parametrize("region", ["us-east-1", "cn-north-1"])
def test_start_content_upload_url_carries_a_sigv4_credential_scope(mock, make_client, kb, region):
    client = make_client("qconnect", region_name=region)

    upload = start_upload(client, kb)

    query = parse_qs(urlsplit(upload["url"]).query)
    key, date, scope_region, service, terminator = query["X-Amz-Credential"][0].split("/")
    assert re.fullmatch(r"[A-Z0-9]{20}", key)
    assert (scope_region, service, terminator) == (region, "s3", "aws4_request")
    assert query["X-Amz-Date"][0].startswith(date)
    assert query["X-Amz-SignedHeaders"] == ["host"]  # in process the URL signs the host only


def test_put_to_upload_url_without_headers_to_include_answers_200_in_process(qc, kb):
    upload = start_upload(qc, kb)

    response = requests.put(upload["url"], data=b"q,a\n", timeout=5)

    assert response.status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        lambda url: url.replace("X-Amz-Expires=3600", "X-Amz-Expires=7200"),
        lambda url: re.sub(r"Signature=[0-9a-f]{64}", "Signature=" + "0" * 64, url),
    ],
    ids=["expires-extended", "signature-changed"],
)
def test_put_to_upload_url_altered_signature_does_not_match(mock, qc, kb, change):
    upload = start_upload(qc, kb)
    altered = change(upload["url"])

    response = requests.put(altered, data=b"q,a\n", headers=upload["headersToInclude"], timeout=5)

    assert altered != upload["url"]
    assert response.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in response.text
    assert mock.calls[-1].error == "SignatureDoesNotMatch"
