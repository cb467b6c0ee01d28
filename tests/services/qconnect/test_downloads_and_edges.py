"""Q in Connect at the edges: download links, token reuse after delete, a clock set back."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from qconnect_support import put

from importmock import mock_imports

KB = "0123abcd-0123-4abc-8def-0123456789ab"


def start(client, body: bytes | None = b"name,content\nhi,Hello\n", **extra):
    upload = client.start_content_upload(knowledgeBaseId=KB, contentType="text/csv")
    if body is not None:
        put(upload, body)
    return client.start_import_job(
        knowledgeBaseId=KB, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"], **extra
    )["importJob"]


def test_job_url_downloads_the_uploaded_file(mock, make_client) -> None:
    client = make_client("qconnect")
    job = start(client)
    response = requests.get(job["url"], timeout=5)
    assert (response.status_code, response.content) == (200, b"name,content\nhi,Hello\n")
    assert mock.calls[-1].operation == "GetObject"


def test_job_url_of_a_file_never_uploaded_is_no_such_key(mock, make_client) -> None:
    job = start(make_client("qconnect"), body=None)
    response = requests.get(job["url"], timeout=5)
    assert response.status_code == 404
    assert "<Code>NoSuchKey</Code>" in response.text


def test_each_read_signs_fresh_links(mock, make_client) -> None:
    client = make_client("qconnect")
    job = start(client)
    mock.clock.advance(timedelta(hours=2))
    assert requests.get(job["url"], timeout=5).status_code == 403  # the old link has expired
    again = client.get_import_job(knowledgeBaseId=KB, importJobId=job["importJobId"])["importJob"]
    assert again["urlExpiry"] == mock.clock.now() + timedelta(hours=1)
    assert requests.get(again["url"], timeout=5).status_code == 200


def test_failed_record_report_downloads(make_client) -> None:
    with mock_imports(duration=None) as mock:
        client = make_client("qconnect")
        job = start(client)
        mock.finish(job["importJobId"], status="FAILED")
        failed = client.get_import_job(knowledgeBaseId=KB, importJobId=job["importJobId"])["importJob"]
        report = requests.get(failed["failedRecordReport"], timeout=5)
        assert report.status_code == 200
        assert report.content.startswith(b"name,content")


def test_client_token_of_a_deleted_job_starts_a_new_one(mock, make_client) -> None:
    client = make_client("qconnect")
    upload = client.start_content_upload(knowledgeBaseId=KB, contentType="text/csv")["uploadId"]
    request = {
        "knowledgeBaseId": KB,
        "importJobType": "QUICK_RESPONSES",
        "uploadId": upload,
        "clientToken": "t1",
    }
    first = client.start_import_job(**request)["importJob"]["importJobId"]
    client.delete_import_job(knowledgeBaseId=KB, importJobId=first)
    second = client.start_import_job(**request)["importJob"]
    assert second["importJobId"] != first
    assert second["status"] == "START_IN_PROGRESS"


def test_finish_of_a_deleted_job_says_there_is_none(mock, make_client) -> None:
    client = make_client("qconnect")
    job = start(client)
    client.delete_import_job(knowledgeBaseId=KB, importJobId=job["importJobId"])
    with pytest.raises(ValueError, match="no job"):
        mock.finish(job["importJobId"])


def test_a_clock_set_back_before_a_job_still_lists_it(mock, make_client) -> None:
    client = make_client("qconnect")
    job = start(client)
    mock.clock.set(mock.clock.now() - timedelta(seconds=1))
    listed = client.list_import_jobs(knowledgeBaseId=KB)["importJobSummaries"]
    assert [(j["importJobId"], j["lastModifiedTime"]) for j in listed] == [
        (job["importJobId"], job["createdTime"])
    ]
