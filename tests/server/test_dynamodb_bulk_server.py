"""DynamoDB bulk operations over HTTP: a life cycle through boto3 clients of a running server,
the control API (finish, clock, snapshot), isolation by access key, and server-side validation.

The installed AWS CLI (awscli 1.x, which carries its own botocore) does not know
`aws dynamodb list-bulk-operations` yet, so no CLI test lists these jobs.
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from server_support import (
    ACCOUNT_A,
    ACCOUNT_B,
    Connect,
    advance,
    control_ok,
    error_message,
    finish,
    json_target_call,
)

from families import bulk_operation_arn, bulk_put_request
from importmock.server import ThreadedServer
from service_support import parsed_answer

pytestmark = pytest.mark.requires_model(
    "dynamodb", "StartBulkPutItems", "DescribeBulkOperation", "ListBulkOperations", "CancelBulkOperation"
)


def test_bulk_operations_full_life_cycle(server: ThreadedServer, connect: Connect) -> None:
    ddb = connect(server, "dynamodb")
    arns = [bulk_operation_arn(ddb, table) for table in ("orders", "customers", "invoices", "refunds")]

    pages = list(ddb.get_paginator("list_bulk_operations").paginate(PaginationConfig={"PageSize": 3}))
    listed = [s["BulkOperationArn"] for page in pages for s in page["BulkOperationsSummaryList"]]
    finish(server, arns[0])
    finish(server, arns[1], status="FAILED", failure_code="S3NoSuchBucket", failure_message="gone")
    cancelled = ddb.cancel_bulk_operation(BulkOperationArn=arns[2])
    statuses = {
        arn: ddb.describe_bulk_operation(BulkOperationArn=arn)["BulkOperationDescription"] for arn in arns
    }

    assert sorted(listed) == sorted(arns) and len(pages) == 2
    assert cancelled["BulkOperationStatus"] == "CANCELLING"
    assert [statuses[arn]["BulkOperationStatus"] for arn in arns] == [
        "COMPLETED",
        "FAILED",
        "CANCELLED",
        "IN_PROGRESS",
    ]
    assert (statuses[arns[1]]["FailureCode"], statuses[arns[1]]["FailureMessage"]) == (
        "S3NoSuchBucket",
        "gone",
    )
    assert arns[0].startswith(f"arn:aws:dynamodb:us-east-1:{ACCOUNT_A}:table/orders/bulk-operation/")
    with pytest.raises(ddb.exceptions.ResourceNotFoundException):
        ddb.describe_bulk_operation(BulkOperationArn=arns[0].replace("orders", "nothing"))


def test_bulk_operations_end_as_the_server_clock_advances(
    slow_server: ThreadedServer, connect: Connect
) -> None:
    ddb = connect(slow_server, "dynamodb")
    arn = bulk_operation_arn(ddb)
    advance(slow_server, 60)

    job = ddb.describe_bulk_operation(BulkOperationArn=arn)["BulkOperationDescription"]

    assert job["BulkOperationStatus"] == "COMPLETED" and "EndTime" in job
    assert "ProcessedItemCount" not in job  # no data plane: nothing is counted


def test_bulk_operations_are_kept_per_access_key_account(server: ThreadedServer, connect: Connect) -> None:
    mine, theirs = connect(server, "dynamodb"), connect(server, "dynamodb", access_key=ACCOUNT_B)
    arn = bulk_operation_arn(mine)

    assert theirs.list_bulk_operations()["BulkOperationsSummaryList"] == []
    with pytest.raises(ClientError) as excinfo:
        theirs.cancel_bulk_operation(BulkOperationArn=arn)
    assert excinfo.value.response["Error"]["Code"] == "AccessDeniedException"


def test_bulk_operations_survive_a_snapshot_through_the_control_api(
    server: ThreadedServer, connect: Connect
) -> None:
    ddb = connect(server, "dynamodb")
    arn = bulk_operation_arn(ddb, ClientToken="kept")
    snapshot = control_ok(server, "GET", "state")
    control_ok(server, "POST", "reset")
    assert ddb.list_bulk_operations()["BulkOperationsSummaryList"] == []

    control_ok(server, "PUT", "state", snapshot)
    again = ddb.start_bulk_put_items(**bulk_put_request("orders", ClientToken="kept"))

    assert again["BulkOperationDescription"]["BulkOperationArn"] == arn


def test_start_bulk_put_items_is_validated_by_the_server(server: ThreadedServer, connect: Connect) -> None:
    ddb = connect(server, "dynamodb")
    body = json.dumps(bulk_put_request("orders", MaxWriteRequestUnits=5)).encode()

    reply = json_target_call(server.url, "dynamodb", "DynamoDB_20120810.StartBulkPutItems", body)

    assert reply.status == 400
    assert reply.json()["__type"].endswith("ValidationException")
    assert "maxWriteRequestUnits" in error_message(reply)
    assert ddb.list_bulk_operations()["BulkOperationsSummaryList"] == []


def test_list_bulk_operations_raw_answer_fits_the_model(server: ThreadedServer, connect: Connect) -> None:
    ddb = connect(server, "dynamodb")
    bulk_operation_arn(ddb)

    reply = json_target_call(server.url, "dynamodb", "DynamoDB_20120810.ListBulkOperations")
    model = ddb.meta.service_model.operation_model("ListBulkOperations")
    answer = parsed_answer("json", model, reply.status, reply.headers, reply.body)

    assert reply.status == 200 and len(answer["BulkOperationsSummaryList"]) == 1
