"""`python -m importmock server`: start-up lines, options, the data plane, the access log, stopping."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from server_support import ACCOUNT_A, DEFAULT_ACCOUNT, TIMEOUT, advance, control_ok, http_call

import importmock
from dataplane_support import upstream_client
from families import import_arn
from importmock.server import ThreadedServer

STARTUP = 60.0  # seconds the server may take to print its start-up line
STOP = 10.0  # seconds it may take to exit after a signal
BANNER = re.compile(r"importmock (\S+) serving on (http://127\.0\.0\.1:(\d+)) \(Ctrl-C to stop\)")


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "importmock", "server", *args]


def child_env() -> dict[str, str]:
    """The environment of a server process: output not forced unbuffered, so the server must flush."""
    return {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}


def run_to_exit(*args: str) -> subprocess.CompletedProcess[str]:
    """Runs `python -m importmock server <args>` to its exit (within STARTUP), capturing its output."""
    return subprocess.run(
        command(*args), capture_output=True, text=True, timeout=STARTUP, check=False, env=child_env()
    )


class Server:
    """A server process whose stdout and stderr lines are read by threads, so no read blocks a test."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            command(*args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=child_env(),
        )
        self.stdout: queue.Queue[str | None] = queue.Queue()
        self.stderr: queue.Queue[str | None] = queue.Queue()
        self.stderr_lines: list[str] = []
        assert self.process.stdout is not None and self.process.stderr is not None
        self.readers = [
            threading.Thread(target=self._read, args=(self.process.stdout, self.stdout), daemon=True),
            threading.Thread(target=self._read, args=(self.process.stderr, self.stderr), daemon=True),
        ]
        for reader in self.readers:
            reader.start()
        self.url = ""

    @staticmethod
    def _read(stream: IO[str], lines: queue.Queue[str | None]) -> None:
        for line in stream:
            lines.put(line)
        lines.put(None)

    def next_line(self, lines: queue.Queue[str | None], timeout: float, wanted: Callable[[str], bool]) -> str:
        """The next line of `lines` that is `wanted`, waiting at most `timeout` seconds in all."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError("no such line in time")
            try:
                line = lines.get(timeout=remaining)
            except queue.Empty:
                raise AssertionError("no such line in time") from None
            if line is None:
                raise AssertionError(f"the stream ended first; exit code {self.process.poll()}")
            if lines is self.stderr:
                self.stderr_lines.append(line)
            if wanted(line):
                return line

    def started(self) -> re.Match[str]:
        """Waits for the start-up line on stdout and returns its match."""
        line = self.next_line(self.stdout, STARTUP, lambda line: bool(line.strip()))
        match = BANNER.fullmatch(line.strip())
        assert match, line
        self.url = match.group(2)
        return match

    def signal(self, number: int) -> int:
        """Sends a signal and returns the exit code, which must come within STOP seconds."""
        self.process.send_signal(number)
        return self.process.wait(timeout=STOP)

    def rest_of_stderr(self) -> list[str]:
        """Every stderr line, after the process has ended."""
        for reader in self.readers:
            reader.join(timeout=STOP)
        while True:
            line = self.stderr.get(timeout=STOP)
            if line is None:
                return self.stderr_lines
            self.stderr_lines.append(line)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=STOP)
        for reader in self.readers:
            reader.join(timeout=STOP)
        assert self.process.stdout is not None and self.process.stderr is not None
        self.process.stdout.close()
        self.process.stderr.close()


@pytest.fixture
def start() -> Iterator[Callable[..., Server]]:
    """Starts `python -m importmock server <args>` processes, killed after the test if still running."""
    running: list[Server] = []

    def launch(*args: str) -> Server:
        server = Server(*args)
        running.append(server)
        server.started()
        return server

    yield launch
    for server in running:
        server.close()


def client_of(make_client: Callable[..., Any], url: str, service: str, key: str = ACCOUNT_A) -> Any:
    return make_client(service, endpoint_url=url, aws_access_key_id=key, aws_secret_access_key="x")


def test_server_port_0_prints_actual_url_and_stops_on_sigterm(start: Callable[..., Server]) -> None:
    server = start("--port", "0")
    match = BANNER.fullmatch(f"importmock {importmock.__version__} serving on {server.url} (Ctrl-C to stop)")

    assert match and int(match.group(3)) != 0
    reply = http_call(server.url, "GET", "/_importmock/health")
    assert (reply.status, reply.json()) == (200, {"status": "ok", "version": importmock.__version__})
    assert server.signal(signal.SIGTERM) == 0


def test_server_sigint_stops_cleanly(start: Callable[..., Server]) -> None:
    server = start("--port", "0")
    assert http_call(server.url, "GET", "/_importmock/health").status == 200

    code = server.signal(signal.SIGINT)

    assert code in (0, 130)  # Ctrl-C: a clean exit, success or the shell's 128 + SIGINT
    assert not any("Traceback" in line for line in server.rest_of_stderr())


def test_server_help_mentions_options() -> None:
    done = run_to_exit("--help")

    assert done.returncode == 0, done.stderr
    options = ("--host", "--port", "--account-id", "--duration", "--state", "--no-access-log")
    for option in (*options, "--s3-endpoint-url", "--dynamodb-endpoint-url", "--logs-endpoint-url"):
        assert option in done.stdout


def test_server_access_log_line_per_request(start: Callable[..., Server]) -> None:
    server = start("--port", "0")

    http_call(server.url, "GET", "/_importmock/health?probe=access-log")

    line = server.next_line(server.stderr, TIMEOUT, lambda line: "probe=access-log" in line)
    assert "GET" in line and "200" in line


def test_server_no_access_log_suppresses_access_lines(start: Callable[..., Server]) -> None:
    server = start("--port", "0", "--no-access-log")

    for _ in range(3):
        assert http_call(server.url, "GET", "/_importmock/health?probe=access-log").status == 200
    assert server.signal(signal.SIGTERM) == 0

    assert not any("probe=access-log" in line for line in server.rest_of_stderr())


def test_server_duration_none_keeps_jobs_running(
    start: Callable[..., Server], make_client: Callable[..., Any]
) -> None:
    server = start("--port", "0", "--duration", "none")
    ddb = client_of(make_client, server.url, "dynamodb")
    arn = import_arn(ddb)

    advance(server, 30 * 86400)

    assert ddb.describe_import(ImportArn=arn)["ImportTableDescription"]["ImportStatus"] == "IN_PROGRESS"


def test_server_duration_seconds_completes_jobs_on_the_clock(
    start: Callable[..., Server], make_client: Callable[..., Any]
) -> None:
    server = start("--port", "0", "--duration", "60")
    ddb = client_of(make_client, server.url, "dynamodb")
    arn = import_arn(ddb)

    advance(server, 59)
    assert ddb.describe_import(ImportArn=arn)["ImportTableDescription"]["ImportStatus"] == "IN_PROGRESS"
    advance(server, 1)
    assert ddb.describe_import(ImportArn=arn)["ImportTableDescription"]["ImportStatus"] == "COMPLETED"


def test_server_account_id_option_is_default_account(
    start: Callable[..., Server], make_client: Callable[..., Any]
) -> None:
    server = start("--port", "0", "--account-id", "210987654321")

    default = client_of(make_client, server.url, "dynamodb", key="not-twelve-digits")
    own = client_of(make_client, server.url, "dynamodb", key=ACCOUNT_A)
    default_arn = import_arn(default, "alpha")
    own_arn = import_arn(own, "bravo")

    assert default_arn.startswith("arn:aws:dynamodb:us-east-1:210987654321:table/alpha/import/")
    assert own_arn.startswith(f"arn:aws:dynamodb:us-east-1:{ACCOUNT_A}:table/bravo/import/")


def test_server_state_option_starts_from_snapshot(
    start: Callable[..., Server], make_client: Callable[..., Any], tmp_path: Path
) -> None:
    with ThreadedServer(port=0, duration=None) as first:
        ddb = client_of(make_client, first.url, "dynamodb")
        arns = [import_arn(ddb, t) for t in ("xray", "yankee", "zulu")]
        control_ok(
            first, "POST", "finish", {"job": arns[0], "status": "FAILED", "failure_code": "S3NoSuchBucket"}
        )
        before = [ddb.describe_import(ImportArn=arn)["ImportTableDescription"] for arn in arns]
        state = tmp_path / "state.json"
        state.write_text(json.dumps(control_ok(first, "GET", "state")))

    server = start("--port", "0", "--duration", "none", "--state", str(state))
    ddb = client_of(make_client, server.url, "dynamodb")

    assert [ddb.describe_import(ImportArn=arn)["ImportTableDescription"] for arn in arns] == before


def test_server_port_in_use_exits_with_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        done = run_to_exit("--port", str(port))

    assert done.returncode != 0
    assert done.stderr.strip()


@pytest.mark.parametrize("args", [("--port", "http"), ("--duration", "soon"), ("--account-id", "12345")])
def test_server_bad_option_value_exits_with_error(args: tuple[str, str]) -> None:
    done = run_to_exit("--port", "0", *args) if args[0] != "--port" else run_to_exit(*args)

    assert done.returncode != 0
    assert args[0].lstrip("-").replace("-", "_") in done.stderr.replace("-", "_")


def data_plane_line(server: Server) -> str:
    """The line after the start-up line: where the server's jobs read and write."""
    return server.next_line(server.stdout, STARTUP, lambda line: bool(line.strip())).strip()


def test_server_without_endpoint_urls_says_outcomes_are_invented(start: Callable[..., Server]) -> None:
    server = start("--port", "0")

    assert data_plane_line(server) == (
        "data plane: none, job outcomes are invented (see --s3-endpoint-url, --dynamodb-endpoint-url)"
    )


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (
            ("--s3-endpoint-url", "http://minio:9000", "--dynamodb-endpoint-url", "http://localstack:4566"),
            "S3 http://minio:9000, DynamoDB http://localstack:4566, CloudWatch Logs http://localstack:4566",
        ),
        (
            ("--s3-endpoint-url", "http://localstack:4566"),
            "S3 http://localstack:4566, DynamoDB http://localstack:4566, CloudWatch Logs http://localstack:4566",
        ),
        (
            ("--dynamodb-endpoint-url", "http://[::1]:4566", "--logs-endpoint-url", "https://logs.example"),
            "S3 http://[::1]:4566, DynamoDB http://[::1]:4566, CloudWatch Logs https://logs.example",
        ),
    ],
)
def test_server_endpoint_urls_line_names_the_data_plane(
    start: Callable[..., Server], args: tuple[str, ...], named: str
) -> None:
    server = start("--port", "0", *args)

    assert data_plane_line(server) == f"data plane: {named}"


BAD_URLS = [
    "localstack:4566",
    "ftp://localstack:4566",
    "http://",
    "http://localstack:99999",
    "http://local stack",
]


@pytest.mark.parametrize(
    ("option", "url"),
    [
        *(("--s3-endpoint-url", url) for url in BAD_URLS),
        ("--dynamodb-endpoint-url", "localstack:4566"),
        ("--logs-endpoint-url", "http://"),
    ],
)
def test_server_bad_endpoint_url_exits_2_with_one_line(option: str, url: str) -> None:
    done = run_to_exit("--port", "0", option, url)

    assert done.returncode == 2
    assert done.stderr == f"importmock: {option}: not an http:// or https:// URL with a host: {url!r}\n"
    assert done.stdout == ""


def test_server_endpoint_urls_export_writes_to_the_upstream(
    start: Callable[..., Server], make_client: Callable[..., Any], moto_upstream: str
) -> None:
    s3, moto_ddb = upstream_client(moto_upstream, "s3"), upstream_client(moto_upstream, "dynamodb")
    s3.create_bucket(Bucket="exports")
    table = moto_ddb.create_table(
        TableName="orders",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )["TableDescription"]
    for key in ("a", "b", "c"):
        moto_ddb.put_item(TableName="orders", Item={"pk": {"S": key}})
    moto_ddb.update_continuous_backups(
        TableName="orders", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    server = start(
        "--port", "0", "--s3-endpoint-url", moto_upstream, "--dynamodb-endpoint-url", moto_upstream
    )
    ddb = client_of(make_client, server.url, "dynamodb", key=DEFAULT_ACCOUNT)  # moto's account

    arn = ddb.export_table_to_point_in_time(TableArn=table["TableArn"], S3Bucket="exports", S3Prefix="cli")[
        "ExportDescription"
    ]["ExportArn"]

    done = ddb.describe_export(ExportArn=arn)["ExportDescription"]
    assert (done["ExportStatus"], done["ItemCount"]) == ("COMPLETED", 3)
    summary = json.loads(s3.get_object(Bucket="exports", Key=done["ExportManifest"])["Body"].read())
    assert summary["itemCount"] == 3


def put_import_source(s3: Any) -> None:
    """A DYNAMODB_JSON file of two good items and one without its key, in bucket `source`."""
    s3.create_bucket(Bucket="source")
    lines = [{"pk": {"S": "a"}}, {"pk": {"S": "b"}, "n": {"N": "2"}}, {"other": {"S": "no key"}}]
    body = "\n".join(json.dumps({"Item": item}) for item in lines)
    s3.put_object(Bucket="source", Key="in/data.json", Body=body.encode())


def test_server_endpoint_urls_import_fills_upstream_table_and_logs_there(
    start: Callable[..., Server], make_client: Callable[..., Any], moto_upstream: str
) -> None:
    put_import_source(upstream_client(moto_upstream, "s3"))
    server = start(
        "--port", "0", "--s3-endpoint-url", moto_upstream, "--dynamodb-endpoint-url", moto_upstream
    )
    ddb = client_of(make_client, server.url, "dynamodb", key=DEFAULT_ACCOUNT)

    arn = ddb.import_table(
        S3BucketSource={"S3Bucket": "source", "S3KeyPrefix": "in/"},
        InputFormat="DYNAMODB_JSON",
        TableCreationParameters={
            "TableName": "imported",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )["ImportTableDescription"]["ImportArn"]

    done = ddb.describe_import(ImportArn=arn)["ImportTableDescription"]
    assert (done["ImportedItemCount"], done["ErrorCount"]) == (2, 1)
    items = upstream_client(moto_upstream, "dynamodb").scan(TableName="imported")["Items"]
    assert sorted(item["pk"]["S"] for item in items) == ["a", "b"]
    logs = upstream_client(moto_upstream, "logs")  # no --logs-endpoint-url: the DynamoDB one
    stream = f"{arn.rsplit('/', 1)[1]}/error"
    events = logs.get_log_events(logGroupName="/aws-dynamodb/imports", logStreamName=stream)["events"]
    assert [json.loads(event["message"])["itemS3Pointer"]["key"] for event in events] == ["in/data.json"]
