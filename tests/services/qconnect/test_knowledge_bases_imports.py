"""Knowledge bases with the rest of importmock: the check of uploads and import jobs, snapshots,
the server and the AWS CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from qconnect_support import put

from importmock import mock_imports
from importmock.server import ThreadedServer
from service_support import ACCOUNT, T0, assert_error

CSV = b"name,content\nhello,Hello!\n"
CLI_TIMEOUT = 120  # seconds: the CLI loads every service model at start-up


def create(client, name="answers", kind="QUICK_RESPONSES"):
    return client.create_knowledge_base(name=name, knowledgeBaseType=kind)["knowledgeBase"]["knowledgeBaseId"]


def upload(client, kb, data=CSV):
    answer = client.start_content_upload(knowledgeBaseId=kb, contentType="text/csv")
    assert put(answer, data).status_code == 200
    return answer["uploadId"]


def start(client, kb, upload_id):
    return client.start_import_job(knowledgeBaseId=kb, importJobType="QUICK_RESPONSES", uploadId=upload_id)[
        "importJob"
    ]


def test_import_into_knowledge_base_created_here(qc):
    kb = create(qc)

    job = start(qc, kb, upload(qc, kb))

    assert job["knowledgeBaseId"] == kb
    assert (
        qc.get_import_job(knowledgeBaseId=kb, importJobId=job["importJobId"])["importJob"]["status"]
        == "COMPLETE"
    )


def test_import_into_knowledge_base_never_created_here_is_still_accepted(qc):
    create(qc)  # the account and region know knowledge bases, not this one
    kb = str(uuid.uuid4())

    assert start(qc, kb, upload(qc, kb))["status"] == "START_IN_PROGRESS"


def test_import_into_knowledge_base_being_created_is_accepted(make_client):
    with mock_imports(durations={"qconnect:import-job": 60}):
        qc = make_client("qconnect")
        kb = create(qc)

        assert start(qc, kb, upload(qc, kb))["status"] == "START_IN_PROGRESS"


@pytest.mark.parametrize("kind", ["CUSTOM", "MESSAGE_TEMPLATES"])
def test_quick_responses_import_into_other_type_rejected(qc, kind):
    kb = create(qc, kind=kind)
    upload_id = upload(qc, kb)

    with pytest.raises(ClientError) as excinfo:
        start(qc, kb, upload_id)

    assert_error(excinfo, "ValidationException")
    assert "QUICK_RESPONSES" in excinfo.value.response["Error"]["Message"]


def test_deleted_knowledge_base_refuses_uploads_imports_and_job_reads(qc):
    kb = create(qc)
    upload_id = upload(qc, kb)
    job = start(qc, kb, upload_id)["importJobId"]
    qc.delete_knowledge_base(knowledgeBaseId=kb)

    calls = [
        lambda: qc.start_content_upload(knowledgeBaseId=kb, contentType="text/csv"),
        lambda: start(qc, kb, upload_id),
        lambda: qc.get_import_job(knowledgeBaseId=kb, importJobId=job),
        lambda: qc.delete_import_job(knowledgeBaseId=kb, importJobId=job),
    ]
    for call in calls:
        with pytest.raises(qc.exceptions.ResourceNotFoundException) as excinfo:
            call()
        assert_error(excinfo, "ResourceNotFoundException", 404)
        assert excinfo.value.response["resourceName"] == kb


def test_list_import_jobs_of_deleted_knowledge_base_invalid(qc):
    kb = create(qc)
    qc.delete_knowledge_base(knowledgeBaseId=kb)

    with pytest.raises(ClientError) as excinfo:  # ListImportJobs models no not-found error
        qc.list_import_jobs(knowledgeBaseId=kb)

    assert_error(excinfo, "ValidationException")


def test_knowledge_base_delete_in_progress_refuses_imports(make_client):
    with mock_imports(durations={"qconnect:import-job": 60}) as mock:
        qc = make_client("qconnect")
        kb = create(qc)
        upload_id = upload(qc, kb)
        mock.clock.advance(60)
        qc.delete_knowledge_base(knowledgeBaseId=kb)

        with pytest.raises(ClientError) as excinfo:
            start(qc, kb, upload_id)

    assert_error(excinfo, "ResourceNotFoundException", 404)


def test_get_knowledge_base_shows_when_an_import_last_changed_its_content(make_client):
    with mock_imports(durations={"qconnect:import-job": 30}) as mock:
        mock.clock.set(T0)
        qc = make_client("qconnect")
        kb = create(qc)
        start(qc, kb, upload(qc, kb))
        assert "lastContentModificationTime" not in qc.get_knowledge_base(knowledgeBaseId=kb)["knowledgeBase"]

        mock.clock.advance(45)

        shown = qc.get_knowledge_base(knowledgeBaseId=kb)["knowledgeBase"]["lastContentModificationTime"]
    assert shown == T0 + timedelta(seconds=30)


def test_snapshot_round_trip_keeps_knowledge_bases_deleted_and_tokens(make_client):
    with mock_imports(durations={"qconnect:import-job": 60}) as mock:
        mock.clock.set(T0)
        qc = make_client("qconnect")
        kept = create(qc, "kept")
        qc.create_knowledge_base(name="second", knowledgeBaseType="CUSTOM", clientToken="token-1")
        gone = create(qc, "gone")
        mock.clock.advance(60)
        qc.delete_knowledge_base(knowledgeBaseId=gone)
        mock.clock.advance(60)
        token = qc.list_knowledge_bases(maxResults=1)["nextToken"]
        snapshot = json.loads(json.dumps(mock.snapshot()))

    with mock_imports(state=snapshot) as restored:
        qc = make_client("qconnect")
        assert restored.snapshot() == snapshot
        assert qc.get_knowledge_base(knowledgeBaseId=kept)["knowledgeBase"]["status"] == "ACTIVE"
        page = qc.list_knowledge_bases(maxResults=1, nextToken=token)["knowledgeBaseSummaries"]
        assert [s["name"] for s in page] == ["second"]
        again = qc.create_knowledge_base(name="second", knowledgeBaseType="CUSTOM", clientToken="token-1")
        assert again["knowledgeBase"]["name"] == "second"
        with pytest.raises(ClientError) as excinfo:
            qc.start_content_upload(knowledgeBaseId=gone, contentType="text/csv")
        assert_error(excinfo, "ResourceNotFoundException", 404)


def test_snapshot_knowledge_base_with_request_its_operation_refuses_is_not_restored(make_client):
    with mock_imports() as mock:
        create(make_client("qconnect"))
        snapshot = mock.snapshot()
    (entry,) = snapshot["backends"]
    (record,) = entry["state"]["_bases"].values()
    record["request"]["knowledgeBaseType"] = "WIKI"

    with pytest.raises(ValueError, match="CreateKnowledgeBase"):
        mock_imports(state=snapshot).start()


def server_client(make_client, server, access_key=ACCOUNT):
    return make_client(
        "qconnect", endpoint_url=server.url, aws_access_key_id=access_key, aws_secret_access_key="x"
    )


def test_server_answers_knowledge_bases_per_account(make_client):
    with ThreadedServer(port=0) as server:
        mine, other = (server_client(make_client, server, key) for key in (ACCOUNT, "222222222222"))
        kb = create(mine)

        assert mine.get_knowledge_base(knowledgeBaseId=kb)["knowledgeBase"]["status"] == "ACTIVE"
        assert other.list_knowledge_bases()["knowledgeBaseSummaries"] == []
        mine.delete_knowledge_base(knowledgeBaseId=kb)
        with pytest.raises(ClientError) as excinfo:
            mine.start_content_upload(knowledgeBaseId=kb, contentType="text/csv")
        assert_error(excinfo, "ResourceNotFoundException", 404)


def run_aws(server, home: Path, *args: str):
    """`aws <args>` against `server` in a subprocess with no configuration; its parsed JSON output."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=ACCOUNT,
        AWS_SECRET_ACCESS_KEY="x",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=str(home / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "no-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        AWS_MAX_ATTEMPTS="1",
        NO_PROXY="127.0.0.1,localhost",
    )
    command = [sys.executable, "-m", "awscli", *args, "--endpoint-url", server.url, "--output", "json"]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=CLI_TIMEOUT, check=False, cwd=home
    )
    assert done.returncode == 0, (done.stdout, done.stderr)
    return json.loads(done.stdout)


def test_aws_cli_lists_knowledge_bases_boto3_created(make_client, assert_shape, tmp_path: Path):
    with ThreadedServer(port=0) as server:
        qc = server_client(make_client, server)
        kb = create(qc)
        listed = run_aws(server, tmp_path, "qconnect", "list-knowledge-bases")

    assert_shape(qc, "ListKnowledgeBases", listed)
    assert [(s["knowledgeBaseId"], s["name"], s["status"]) for s in listed["knowledgeBaseSummaries"]] == [
        (kb, "answers", "ACTIVE")
    ]
