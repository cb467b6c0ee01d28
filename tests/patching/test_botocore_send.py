"""Interception at botocore's HTTP send: coverage, no network, exact restore."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import boto3
import botocore.session
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError
from botocore.httpsession import URLLib3Session
from botocore.signers import RequestSigner

from importmock import NotImplementedOperation, mock_imports
from importmock.errors import UnmockedRequest
from importmock.patching import botocore_send, registry

# created at import time, before any mock; port 9 on loopback is closed, so a request
# that really leaves botocore fails fast with a connection error
NO_RETRY = Config(retries={"mode": "standard", "max_attempts": 1}, connect_timeout=1)
EARLY_CLIENT = botocore.session.get_session().create_client(
    "dynamodb",
    region_name="us-east-1",
    endpoint_url="http://127.0.0.1:9",
    config=NO_RETRY,
    aws_access_key_id="early",
    aws_secret_access_key="early",
)


def count_sends(client: object) -> list[str]:
    sent: list[str] = []
    client.meta.events.register("before-send", lambda request, **_: sent.append(request.url))  # type: ignore[attr-defined]
    return sent


def test_client_created_before_the_mock_is_intercepted_and_released_after_stop() -> None:
    with mock_imports():
        assert EARLY_CLIENT.list_imports()["ImportSummaryList"] == []
    with pytest.raises(EndpointConnectionError):
        EARLY_CLIENT.list_imports()


def test_client_without_credentials_created_before_the_mock_signs_with_fake_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    client = botocore.session.Session().create_client("dynamodb", region_name="us-east-1")
    assert client._request_signer._credentials is None
    with mock_imports():
        assert client.list_exports()["ExportSummaries"] == []


def test_session_created_before_importmock_is_imported_is_intercepted() -> None:
    script = textwrap.dedent(
        """
        import botocore.session
        session = botocore.session.get_session()
        client = session.create_client("dynamodb", region_name="eu-west-1",
                                       aws_access_key_id="a", aws_secret_access_key="b")
        from importmock import mock_imports
        with mock_imports():
            print(client.list_imports()["ImportSummaryList"])
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_unimplemented_operation_raises_at_once_naming_it(make_client) -> None:
    with mock_imports() as mock:
        client = make_client("dynamodb")
        sent = count_sends(client)
        with pytest.raises(NotImplementedOperation, match="dynamodb CreateBackup"):
            client.create_backup(TableName="orders", BackupName="nightly")
        assert len(sent) == 1  # not retried
        assert mock.calls == []


def test_unmocked_service_raises_naming_it() -> None:
    with mock_imports():
        s3 = boto3.client("s3", region_name="us-east-1", config=NO_RETRY)
        with pytest.raises(NotImplementedOperation, match="'s3'"):
            s3.list_buckets()


def test_unsigned_request_is_blocked() -> None:
    with mock_imports():
        client = boto3.client("dynamodb", region_name="us-east-1", config=Config(signature_version=UNSIGNED))
        with pytest.raises(UnmockedRequest, match="nothing leaves the process"):
            client.list_imports()


def test_patches_are_removed_exactly_after_the_last_stop() -> None:
    send, auth = URLLib3Session.__dict__["send"], RequestSigner.__dict__["get_auth_instance"]
    with mock_imports(), mock_imports():
        assert URLLib3Session.__dict__["send"] is botocore_send._send
    assert URLLib3Session.__dict__["send"] is send
    assert RequestSigner.__dict__["get_auth_instance"] is auth
    assert registry.active() is None


def test_patches_restored_after_an_exception() -> None:
    send = URLLib3Session.__dict__["send"]
    with pytest.raises(KeyError), mock_imports():
        raise KeyError("boom")
    assert URLLib3Session.__dict__["send"] is send
