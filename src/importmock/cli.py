"""The `importmock` command: ``importmock server [--host H] [--port P] [--s3-endpoint-url URL ...]``."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Mapping, Sequence
from types import FrameType

from importmock.dataplane import is_endpoint
from importmock.mock import ImportMock
from importmock.server import serve
from importmock.version import __version__

# the data plane's services: option prefix, name, and the option's help
_DATA_PLANE = (
    (
        "s3",
        "S3",
        "the S3 server jobs read and write: moto's server, LocalStack, MinIO (default: "
        "the DynamoDB URL; with no URL at all, job outcomes are invented)",
    ),
    ("dynamodb", "DynamoDB", "the DynamoDB server imports fill and exports read (default: the S3 URL)"),
    (
        "logs",
        "CloudWatch Logs",
        "the CloudWatch Logs server imports log refused items to (default: the DynamoDB URL)",
    ),
)


def _duration(text: str) -> float | None:
    if text.lower() == "none":
        return None
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds nor 'none': {text!r}") from None


def parser() -> argparse.ArgumentParser:
    """The command line: ``importmock server`` and its options."""
    top = argparse.ArgumentParser(
        prog="importmock", description="An in-memory AWS for the import and export job APIs."
    )
    top.add_argument("--version", action="version", version=f"importmock {__version__}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    server = commands.add_parser(
        "server",
        help="serve the mock over HTTP",
        description="Serve the mock over HTTP, for the AWS CLI and SDKs of any language.",
    )
    server.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default: %(default)s, loopback)"
    )
    server.add_argument(
        "--port", type=int, default=5000, help="TCP port, 0 for a free one (default: %(default)s)"
    )
    server.add_argument(
        "--account-id",
        default="123456789012",
        help="account of non-12-digit access keys (default: %(default)s)",
    )
    server.add_argument(
        "--duration",
        type=_duration,
        default=0.0,
        help="seconds of mock-clock time a job runs, or 'none' to run until finished (default: 0)",
    )
    server.add_argument(
        "--tick",
        action="store_true",
        help="the mock clock also moves with the wall clock, so jobs end as real time passes",
    )
    server.add_argument("--state", metavar="FILE", help="a snapshot file to start from")
    for service, _, explained in _DATA_PLANE:
        server.add_argument(f"--{service}-endpoint-url", metavar="URL", help=explained)
    server.add_argument("--no-access-log", action="store_true", help="do not log each request")
    return top


def _endpoints(options: argparse.Namespace) -> dict[str, str]:
    """The data plane's endpoint URLs given, by service; a ValueError names a bad one."""
    given = {}
    for service, _, _ in _DATA_PLANE:
        url = getattr(options, f"{service}_endpoint_url")
        if url is not None and not is_endpoint(url):
            raise ValueError(f"--{service}-endpoint-url: not an http:// or https:// URL with a host: {url!r}")
        if url is not None:
            given[service] = url
    return given


def _data_plane_line(endpoints: Mapping[str, str]) -> str:
    """The start-up line saying where jobs read and write (the rule of importmock.dataplane)."""
    if not endpoints:
        return "data plane: none, job outcomes are invented (see --s3-endpoint-url, --dynamodb-endpoint-url)"
    first = next(iter(endpoints.values()))
    used = {
        "s3": endpoints.get("s3", first),
        "dynamodb": endpoints.get("dynamodb", first),
        "logs": endpoints.get("logs") or endpoints.get("dynamodb", first),
    }
    return "data plane: " + ", ".join(f"{name} {used[service]}" for service, name, _ in _DATA_PLANE)


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the server as Ctrl-C does


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line; returns the exit status."""
    options = parser().parse_args(argv)
    try:
        endpoints = _endpoints(options)
        mock = ImportMock(
            account_id=options.account_id,
            duration=options.duration,
            tick=options.tick,
            state=options.state,
            s3_endpoint_url=endpoints.get("s3"),
            dynamodb_endpoint_url=endpoints.get("dynamodb"),
            logs_endpoint_url=endpoints.get("logs"),
        )
        server = serve(mock, options.host, options.port, access_log=not options.no_access_log)
    except (ValueError, OSError) as refused:
        print(f"importmock: {refused}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    signal.signal(signal.SIGTERM, _stop)
    host = f"[{options.host}]" if ":" in options.host else options.host
    print(f"importmock {__version__} serving on http://{host}:{server.port} (Ctrl-C to stop)")
    print(_data_plane_line(endpoints), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    print("importmock stopped", flush=True)
    return 0
