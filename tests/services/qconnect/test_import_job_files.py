"""Q in Connect import jobs that read their uploaded CSV of quick responses, with and without a data plane."""

from __future__ import annotations

import csv
import io

import pytest
import requests
from qconnect_support import put

from importmock import mock_imports
from importmock.server import ThreadedServer
from service_support import ACCOUNT

KB = "0123abcd-0123-4abc-8def-0123456789ab"
GOOD = b"name,content\nhello,Hello!\nbye,Goodbye!\n"
LONG_NAME = "n" * 101


def start(client, body: bytes | None, **extra):
    """Uploads `body` (None: nothing) and starts a QUICK_RESPONSES job on it."""
    upload = client.start_content_upload(knowledgeBaseId=KB, contentType="text/csv")
    if body is not None:
        assert put(upload, body).status_code == 200
    return client.start_import_job(
        knowledgeBaseId=KB, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"], **extra
    )["importJob"]


def get(client, job):
    return client.get_import_job(knowledgeBaseId=KB, importJobId=job["importJobId"])["importJob"]


def report_of(job) -> str:
    response = requests.get(job["failedRecordReport"], timeout=5)
    assert response.status_code == 200
    return response.text


@pytest.fixture
def qc(mock, make_client):
    return make_client("qconnect")


def test_start_import_job_well_formed_file_completes_without_report(qc):
    job = get(qc, start(qc, GOOD))

    assert job["status"] == "COMPLETE"
    assert "failedRecordReport" not in job


def test_start_import_job_header_columns_match_whatever_their_case_and_spacing(qc):
    body = (
        b"Name,Content Type,Content,Description,Shortcut key,Language,Channels,Is active,Owner\n"
        b"hello,markdown,**Hello!**,A greeting,hi,en_US,Chat;Email,true,ignored\n"
        b"plain,application/x.quickresponse;format=plain,Hi,,,,,FALSE,\n"
    )

    job = get(qc, start(qc, body))

    assert (job["status"], "failedRecordReport" in job) == ("COMPLETE", False)


def test_start_import_job_records_breaking_constraints_go_to_the_report(qc):
    body = (
        b"name,content,contentType,isActive\n"
        b"hello,Hello!,plain,true\n" + LONG_NAME.encode() + b",Too long a name,plain,true\n"
        b",No name,rich,maybe\n"
        b"short,row\n"
    )

    job = get(qc, start(qc, body))

    assert job["status"] == "COMPLETE"  # one record imported: the others are in the report
    assert list(csv.reader(io.StringIO(report_of(job)))) == [
        ["name", "content", "contentType", "isActive", "errorMessage"],
        [
            LONG_NAME,
            "Too long a name",
            "plain",
            "true",
            f"1 validation error detected: Value '{LONG_NAME}' at 'name' failed to satisfy constraint: "
            "Member must have length less than or equal to 100",
        ],
        [
            "",
            "No name",
            "rich",
            "maybe",
            "3 validation errors detected: Value 'maybe' at 'isActive' failed to satisfy constraint: "
            "Member must be true or false; Value null at 'name' failed to satisfy constraint: Member must "
            "not be null; Value 'rich' at 'contentType' failed to satisfy constraint: Member must satisfy "
            "regular expression pattern: (application/x\\.quickresponse;format=(plain|markdown))",
        ],
        ["short", "row", "Record 4: 2 fields for the header row's 4 columns."],
    ]


def test_start_import_job_every_record_failing_ends_failed(qc):
    job = get(qc, start(qc, b"name,content\n,nothing named\n"))

    assert job["status"] == "FAILED"
    assert report_of(job).splitlines()[1].startswith(",nothing named,1 validation error detected: Value null")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (
            b"question,answer\nhi,hello\n",
            '"The header row has no name and no content column: question,answer"',
        ),
        (b"name,answer\nhi,hello\n", '"The header row has no content column: name,answer"'),
        (b"name,content\n", "The file has a header row but no quick responses."),
        (b"", "The file is empty: a CSV file of quick responses starts with a header row."),
        (b"name,content\n\xff\xfe,x\n", "The file is not UTF-8 encoded CSV text."),
    ],
    ids=["no-columns", "no-content", "header-only", "empty", "not-utf8"],
)
def test_start_import_job_malformed_file_fails_with_report(qc, body, problem):
    job = get(qc, start(qc, body))

    assert job["status"] == "FAILED"
    assert report_of(job) == f"name,content,errorMessage\n,,{problem}\n"


def test_start_import_job_without_upload_or_data_plane_keeps_invented_success(qc):
    job = get(qc, start(qc, None))

    assert job["status"] == "COMPLETE"  # nothing to read, and no data plane to make it real
    assert "failedRecordReport" not in job


def test_start_import_job_reads_the_file_when_it_ends(make_client):
    with mock_imports(duration=60) as mock:
        qc = make_client("qconnect")
        upload = qc.start_content_upload(knowledgeBaseId=KB, contentType="text/csv")
        job = qc.start_import_job(
            knowledgeBaseId=KB, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
        )
        put(upload, b"question,answer\nhi,hello\n")  # uploaded while the job runs
        running = get(qc, job["importJob"])
        mock.clock.advance(60)
        ended = get(qc, job["importJob"])

    assert running["status"] == "START_IN_PROGRESS" and "failedRecordReport" not in running
    assert ended["status"] == "FAILED"


def test_start_import_job_finished_failed_reads_nothing(make_client):
    with mock_imports(duration=None) as mock:
        qc = make_client("qconnect")
        job = start(qc, GOOD)
        mock.finish(job["importJobId"], status="FAILED")
        failed = get(qc, job)
        report = report_of(failed)

    assert failed["status"] == "FAILED"
    assert report == "name,content,errorMessage\n"  # no record was read, so none failed


def test_start_import_job_restored_while_running_reads_its_upload_when_it_ends(make_client):
    with mock_imports(duration=60) as old:
        client = make_client("qconnect")
        job = start(client, b"name,answer\nhi,hello\n")
        snapshot = old.snapshot()
    with mock_imports(duration=60, state=snapshot) as new:  # the restored job has no pending work
        restored = make_client("qconnect")
        new.clock.advance(60)
        ended = get(restored, job)
        report = report_of(ended)

    assert ended["status"] == "FAILED"
    assert report.endswith(',,"The header row has no content column: name,answer"\n')


def test_start_import_job_same_client_token_reads_the_file_once(qc):
    first = start(qc, GOOD, clientToken="once")
    again = qc.start_import_job(
        knowledgeBaseId=KB, importJobType="QUICK_RESPONSES", uploadId=first["uploadId"], clientToken="once"
    )["importJob"]

    assert again["importJobId"] == first["importJobId"]
    assert again["status"] == "COMPLETE"


# with a data plane, a job without an upload fails as AWS's would


def test_start_import_job_missing_upload_with_data_plane_fails_with_report(moto_world, make_client):
    qc = make_client("qconnect")

    missing, uploaded = get(qc, start(qc, None)), get(qc, start(qc, GOOD))

    assert missing["status"] == "FAILED"
    problem = "The uploaded file was not found: nothing was uploaded to the upload URL."
    assert report_of(missing) == f"name,content,errorMessage\n,,{problem}\n"
    assert uploaded["status"] == "COMPLETE"


def test_start_import_job_over_http_reads_the_file_put_to_the_server(
    upstream_server: ThreadedServer, make_client
):
    qc = make_client(
        "qconnect", endpoint_url=upstream_server.url, aws_access_key_id=ACCOUNT, aws_secret_access_key="x"
    )

    good, malformed, missing = (get(qc, start(qc, body)) for body in (GOOD, b"question,answer\nq,a\n", None))

    assert good["status"] == "COMPLETE" and "failedRecordReport" not in good
    assert malformed["status"] == "FAILED"
    assert malformed["failedRecordReport"].startswith(f"{upstream_server.url}/importmock-uploads/{ACCOUNT}/")
    assert "no name and no content column" in report_of(malformed)
    assert missing["status"] == "FAILED"  # the server has a data plane: moto's
