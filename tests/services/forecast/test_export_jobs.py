"""Forecast's four export kinds through boto3: life cycle, errors, StopResource, tags, finish.

Every test runs once per kind (ForecastExportJob, PredictorBacktestExportJob,
ExplainabilityExport, WhatIfForecastExport); every response is checked against its output
shape by the clients (conftest.make_client).
"""

from __future__ import annotations

from typing import Any

import pytest
from exports_support import KINDS, call, create, describe, listed, parent, request
from forecast_support import WAITING

from families import FORECAST_EXPORTS, snake
from service_support import ACCOUNT, OTHER_ACCOUNT, T0, assert_error, assert_names_field

PREFIX = f"arn:aws:forecast:us-east-1:{ACCOUNT}:"
EXPECTED_ARNS = {
    "ForecastExportJob": "forecast-export-job/sales_forecast/export1",
    "PredictorBacktestExportJob": "predictor-backtest-export-job/sales_predictor/export1",
    "ExplainabilityExport": "explainability-export/sales_explained/export1",
    "WhatIfForecastExport": "what-if-forecast-export/export1",
}


def error_of(call_: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(Exception) as excinfo:  # noqa: PT011 - a ClientError, checked below
        call_(**params)
    response = excinfo.value.response  # type: ignore[attr-defined]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return response["Error"]["Code"], response["Error"]["Message"]


@KINDS
@pytest.mark.importmock(duration=120)
def test_create_export_goes_pending_running_active(importmock, fc, noun):
    importmock.clock.set(T0)
    arn = create(fc, noun, Tags=[{"Key": "team", "Value": "demand"}])

    pending = describe(fc, noun, arn)
    importmock.clock.advance(1)
    running = describe(fc, noun, arn)
    importmock.clock.advance(119)
    active = describe(fc, noun, arn)

    assert arn == PREFIX + EXPECTED_ARNS[noun]
    assert (pending["Status"], running["Status"], active["Status"]) == (
        "CREATE_PENDING",
        "CREATE_IN_PROGRESS",
        "ACTIVE",
    )
    assert pending["CreationTime"] == pending["LastModificationTime"] == T0
    assert active["LastModificationTime"] == active["CreationTime"] + (importmock.clock.now() - T0)
    assert active[f"{noun}Name"] == "export1"
    assert active["Destination"] == request(noun)["Destination"]
    member = FORECAST_EXPORTS[noun][0]
    assert active[member] == request(noun)[member]
    assert "Message" not in active
    if noun in ("ForecastExportJob", "PredictorBacktestExportJob"):  # the documented default
        assert active["Format"] == "CSV"
    if noun == "WhatIfForecastExport":
        assert running["EstimatedTimeRemainingInMinutes"] == 2
        assert "EstimatedTimeRemainingInMinutes" not in active
    summary = listed(fc, noun)[0]
    assert (summary[f"{noun}Arn"], summary["Status"]) == (arn, "ACTIVE")
    assert fc.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "demand"}]


@KINDS
@pytest.mark.importmock(duration=60)
def test_delete_export_pending_in_progress_then_gone_and_name_free(importmock, fc, noun):
    arn = create(fc, noun)
    importmock.clock.advance(60)

    call(fc, "delete", noun, **{f"{noun}Arn": arn})
    statuses = [describe(fc, noun, arn)["Status"]]
    importmock.clock.advance(1)
    statuses.append(describe(fc, noun, arn)["Status"])
    importmock.clock.advance(60)

    assert statuses == ["DELETE_PENDING", "DELETE_IN_PROGRESS"]
    assert error_of(describe, client=fc, noun=noun, arn=arn)[0] == "ResourceNotFoundException"
    assert error_of(fc.list_tags_for_resource, ResourceArn=arn)[0] == "ResourceNotFoundException"
    assert listed(fc, noun) == []
    assert create(fc, noun) == arn


@KINDS
@WAITING
def test_delete_export_while_running_is_resource_in_use(fc, noun):
    arn = create(fc, noun)

    code, message = error_of(call, client=fc, verb="delete", noun=noun, **{f"{noun}Arn": arn})

    assert code == "ResourceInUseException"
    assert "CREATE_PENDING" in message and arn in message


@KINDS
@WAITING
def test_stop_resource_stops_export_and_refuses_twice(importmock, fc, noun):
    arn = create(fc, noun)

    fc.stop_resource(ResourceArn=arn)
    stopping = describe(fc, noun, arn)["Status"]
    importmock.clock.advance(1)
    stopped = describe(fc, noun, arn)

    assert (stopping, stopped["Status"]) == ("CREATE_STOPPING", "CREATE_STOPPED")
    assert error_of(fc.stop_resource, ResourceArn=arn)[0] == "InvalidInputException"
    # stopped: not deletable either
    assert (
        error_of(call, client=fc, verb="delete", noun=noun, **{f"{noun}Arn": arn})[0]
        == "ResourceInUseException"
    )


@KINDS
@WAITING
def test_finish_export_create_failed_shows_default_message(importmock, fc, noun):
    arn = create(fc, noun)

    importmock.finish(arn, status="CREATE_FAILED")

    job = describe(fc, noun, arn)
    assert (job["Status"], job["Message"]) == (
        "CREATE_FAILED",
        "An internal error occurred while exporting the data.",
    )
    assert listed(fc, noun)[0]["Message"] == job["Message"]
    call(fc, "delete", noun, **{f"{noun}Arn": arn})  # CREATE_FAILED jobs can be deleted
    with pytest.raises(ValueError, match="ACTIVE, CREATE_FAILED"):
        importmock.finish(create(fc, noun, "other"), status="FAILED")


@KINDS
def test_tag_operations_on_export(fc, noun):
    arn = create(fc, noun, Tags=[{"Key": "a", "Value": "1"}])

    fc.tag_resource(ResourceArn=arn, Tags=[{"Key": "b", "Value": "2"}])
    fc.untag_resource(ResourceArn=arn, TagKeys=["a"])

    assert fc.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "b", "Value": "2"}]
    code, _ = error_of(fc.tag_resource, ResourceArn=arn, Tags=[{"Key": "aws:x", "Value": "1"}])
    assert code == "InvalidInputException"


@KINDS
def test_create_export_same_name_already_exists(fc, noun):
    arn = create(fc, noun)

    code, message = error_of(getattr(fc, "create_" + snake(noun)), **request(noun))

    assert code == "ResourceAlreadyExistsException" and arn in message


@KINDS
@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"parent": f"arn:aws:forecast:us-east-1:{ACCOUNT}:dataset/sales"}, "InvalidInputException"),
        ({"where": {"account": OTHER_ACCOUNT}}, "ResourceNotFoundException"),
        ({"where": {"region": "eu-west-1"}}, "ResourceNotFoundException"),
        ({"role": f"arn:aws:iam::{OTHER_ACCOUNT}:role/forecast"}, "InvalidInputException"),
        ({"role": "forecast"}, "InvalidInputException"),
    ],
    ids=["other-resource-type", "other-account", "other-region", "role-of-other-account", "not-a-role"],
)
def test_create_export_refuses_parent_or_role(fc, noun, change, code):
    body = request(noun)
    member = FORECAST_EXPORTS[noun][0]
    given = change.get("parent") or (parent(noun, **change["where"]) if "where" in change else None)
    if given is not None:
        body[member] = [given] if member.endswith("s") else given
    if "role" in change:
        body["Destination"]["S3Config"]["RoleArn"] = change["role"]

    got, message = error_of(getattr(fc, "create_" + snake(noun)), **body)

    assert got == code
    if code == "InvalidInputException" and "role" not in change:
        assert given in message
    assert listed(fc, noun) == []


@KINDS
def test_create_export_model_validation_names_field(raw, noun):
    body = request(noun)
    del body["Destination"]
    body[f"{noun}Name"] = "1-not-a-name"

    with pytest.raises(Exception) as excinfo:  # noqa: PT011
        getattr(raw, "create_" + snake(noun))(**body)

    assert_error(excinfo, "InvalidInputException")
    assert_names_field(excinfo, "destination")


@KINDS
def test_describe_export_other_kind_arn_invalid_and_unknown_not_found(fc, noun):
    other = next(n for n in FORECAST_EXPORTS if n != noun)
    foreign = create(fc, other)
    unknown = PREFIX + EXPECTED_ARNS[noun].replace("export1", "never")

    assert error_of(describe, client=fc, noun=noun, arn=foreign)[0] == "InvalidInputException"
    code, message = error_of(describe, client=fc, noun=noun, arn=unknown)
    assert code == "ResourceNotFoundException" and unknown in message


def test_stop_and_tags_answer_every_kind_from_one_backend(fc, new_job):
    arns = [new_job(), *(create(fc, noun) for noun in FORECAST_EXPORTS)]

    for arn in arns:
        fc.tag_resource(ResourceArn=arn, Tags=[{"Key": "k", "Value": arn[-40:]}])

    assert [fc.list_tags_for_resource(ResourceArn=a)["Tags"][0]["Value"] for a in arns] == [
        a[-40:] for a in arns
    ]
    unknown = f"arn:aws:forecast:us-east-1:{ACCOUNT}:forecast/sales_forecast"  # a parent: not modelled
    assert error_of(fc.stop_resource, ResourceArn=unknown)[0] == "ResourceNotFoundException"
