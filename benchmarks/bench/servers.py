"""Section 6: DescribeExport requests per second over loopback, one client thread.

importmock's ThreadedServer and moto's ThreadedMotoServer, each answering a botocore client
with an endpoint URL (keep-alive, as SDKs use it), in interleaved rounds; and the floor, a
server in a thread that answers at once with the bytes importmock's server answered
(floor_server.py), which shows how much of a call is the client's own work and how much is
answering. Both servers run in this process, as tests use them, sharing the client's GIL.
"""

from __future__ import annotations

import time
from typing import Any

from . import harness
from .families import export_table, moto_pitr_table
from .floor_server import CannedServer
from .harness import Client, Row, Settings, Variant, row


def measure(settings: Settings) -> dict[str, float]:
    """Requests per second: keys "importmock", "moto" and "floor"."""
    print("6. the servers: DescribeExport over loopback, one client thread ...", flush=True)
    from moto.server import ThreadedMotoServer

    from importmock.server import ThreadedServer

    moto_server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto_server.start()
    try:
        with ThreadedServer(port=0, duration=None) as ours:
            host, port = moto_server.get_host_and_port()
            exports = {
                "importmock": export_through(ours.url),
                "moto": export_through(f"http://{host}:{port}", moto=True),
            }
            client, arn = exports["importmock"]
            with CannedServer(raw_answer(client, arn)) as floor:
                exports["floor"] = (harness.make_client("dynamodb", endpoint_url=floor.url), arn)
                calls = [
                    Variant(name, harness.bound(client, "DescribeExport", {"ExportArn": arn}))
                    for name, (client, arn) in exports.items()
                ]
                ns = harness.interleave(calls, settings.rounds, settings.pick(50, 200))
    finally:
        moto_server.stop()
    return {name: 1e9 / per_call for name, per_call in ns.items()}


def export_through(url: str, moto: bool = False) -> tuple[Client, str]:
    """A client of the server at `url` and the ARN of an export made through it.

    moto exports only tables it holds, with point-in-time recovery on; importmock exports any.
    """
    client = harness.make_client("dynamodb", endpoint_url=url)
    table = (
        moto_pitr_table(client)
        if moto
        else f"arn:aws:dynamodb:{harness.REGION}:{harness.ACCOUNT}:table/bench-export"
    )
    arn = export_table(client, table)
    time.sleep(0.2)  # moto runs exports in a thread
    return client, arn


def raw_answer(client: Client, arn: str) -> bytes:
    """The HTTP answer to a DescribeExport of `arn` through `client`, as the bytes on the wire."""
    answers: list[dict[str, Any]] = []

    def keep(response_dict: dict[str, Any], **_: Any) -> None:
        answers.append(response_dict)

    client.meta.events.register("before-parse.dynamodb.DescribeExport", keep)
    client.describe_export(ExportArn=arn)
    client.meta.events.unregister("before-parse.dynamodb.DescribeExport", keep)
    answer = answers[0]
    lines = [f"HTTP/1.1 {answer['status_code']} OK", *(f"{k}: {v}" for k, v in answer["headers"].items())]
    body: bytes = answer["body"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def rows(served: dict[str, float]) -> list[Row]:
    """importmock's server against moto's (the budget) and against the floor (for scale)."""
    ours, moto, floor = served["importmock"], served["moto"], served["floor"]
    return [
        row(
            "server DescribeExport, 1 client",
            f"{ours:,.0f} req/s",
            f"ThreadedMotoServer {moto:,.0f} req/s",
            ours / moto,
            harness.SERVER_SPEEDUP,
        ),
        row(
            "server DescribeExport, 1 client",
            f"{ours:,.0f} req/s",
            f"floor (canned answer) {floor:,.0f} req/s",
            floor / ours,
        ),
    ]
