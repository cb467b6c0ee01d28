"""Forecast's export kinds on the server: boto3 and the control API drive them, the AWS CLI
(in a subprocess) lists them, one account's jobs stay its own."""

from __future__ import annotations

from typing import Any

import pytest
from server_support import ACCOUNT_A, ACCOUNT_B, Connect, advance, finish
from test_aws_cli import aws  # noqa: F401 - the fixture, shared with the other CLI tests

from families import FORECAST_EXPORTS, forecast_export_arn, snake
from importmock.server import ThreadedServer

KINDS = pytest.mark.parametrize("noun", list(FORECAST_EXPORTS))


def cli_name(noun: str) -> str:
    return snake(noun).replace("_", "-")


@KINDS
def test_server_export_life_cycle_through_boto3_and_control(
    server: ThreadedServer, connect: Connect, noun: str
) -> None:
    fc = connect(server, "forecast")
    describe = getattr(fc, f"describe_{snake(noun)}")
    arn = forecast_export_arn(fc, noun, "export1")

    running = describe(**{f"{noun}Arn": arn})["Status"]
    fc.stop_resource(ResourceArn=forecast_export_arn(fc, noun, "export2"))
    finish(server, arn)
    advance(server, 1)

    assert running == "CREATE_PENDING"
    assert describe(**{f"{noun}Arn": arn})["Status"] == "ACTIVE"
    listed = getattr(fc, f"list_{snake(noun)}s")(
        Filters=[{"Key": "Status", "Value": "ACTIVE", "Condition": "IS"}]
    )
    assert [job[f"{noun}Arn"] for job in listed[f"{noun}s"]] == [arn]
    other = connect(server, "forecast", access_key=ACCOUNT_B)
    assert getattr(other, f"list_{snake(noun)}s")()[f"{noun}s"] == []
    assert arn.startswith(f"arn:aws:forecast:us-east-1:{ACCOUNT_A}:")


@KINDS
def test_aws_cli_lists_each_export_kind(
    server: ThreadedServer,
    connect: Connect,
    aws: Any,  # noqa: F811 - the fixture imported above
    noun: str,
) -> None:
    arns = [forecast_export_arn(connect(server, "forecast"), noun, name) for name in ("monday", "tuesday")]

    listed = aws(server, "forecast", f"list-{cli_name(noun)}s", fits=f"List{noun}s")

    assert [(job[f"{noun}Arn"], job["Status"]) for job in listed[f"{noun}s"]] == [
        (arn, "CREATE_PENDING")
        for arn in arns[::-1]  # the server's clock has not moved
    ]
    assert aws(server, "forecast", f"list-{cli_name(noun)}s", access_key=ACCOUNT_B)[f"{noun}s"] == []
