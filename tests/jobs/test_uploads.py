"""Upload URLs: requests PUTs captured through responses while a mock is active."""

from __future__ import annotations

import http.server
import threading
import uuid
from collections.abc import Iterator

import pytest
import requests

from importmock import mock_imports
from importmock.patching import requests_capture

KB = str(uuid.uuid4())


def start_upload(make_client) -> dict:
    client = make_client("qconnect")
    return client.start_content_upload(knowledgeBaseId=KB, contentType="text/csv", presignedUrlTimeToLive=5)


def test_put_to_an_issued_url_is_answered_and_recorded(mock, make_client) -> None:
    upload = start_upload(make_client)
    response = requests.put(upload["url"], data=b"q,a\n", headers=upload["headersToInclude"], timeout=5)
    assert response.status_code == 200
    assert response.headers["etag"]
    put = mock.calls[-1]
    assert (put.service, put.operation, put.region, put.account_id, put.error) == (
        "s3",
        "PutObject",
        "us-east-1",
        "123456789012",
        None,
    )
    assert put.params["ContentLength"] == 4


def test_put_after_expiry_or_to_an_invented_url_is_refused(mock, make_client) -> None:
    upload = start_upload(make_client)
    invented = upload["url"].replace(upload["uploadId"], str(uuid.uuid4()))
    assert requests.put(invented, data=b"x", timeout=5).status_code == 403
    mock.clock.advance(5 * 60 + 1)
    refused = requests.put(upload["url"], data=b"x", timeout=5)
    assert refused.status_code == 403
    assert "<Code>AccessDenied</Code>" in refused.text
    assert [c.error for c in mock.calls[-2:]] == ["SignatureDoesNotMatch", "AccessDenied"]


@pytest.fixture
def local_server() -> Iterator[str]:
    class Hello(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"hello")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Hello)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_other_requests_traffic_passes_through(mock, make_client, local_server: str) -> None:
    start_upload(make_client)
    assert requests.get(local_server, timeout=5).text == "hello"


def test_capture_is_released_after_the_last_stop(make_client) -> None:
    send = requests.adapters.HTTPAdapter.send
    with mock_imports():
        start_upload(make_client)
        assert requests_capture._capture is not None
        assert requests.adapters.HTTPAdapter.send is not send
    assert requests_capture._capture is None
    assert requests.adapters.HTTPAdapter.send is send
