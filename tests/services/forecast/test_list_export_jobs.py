"""The List operations of Forecast's export kinds: filters, pages, tokens, isolation, snapshots."""

from __future__ import annotations

from datetime import timedelta

import pytest
from exports_support import KINDS, arns, call, create, describe, filter_key, listed, parent
from forecast_support import WAITING

from families import FORECAST_EXPORTS, snake
from importmock import mock_imports
from service_support import OTHER_ACCOUNT, assert_error, iter_pages

OTHER = {
    "ForecastExportJob": "forecast/other_forecast",
    "PredictorBacktestExportJob": "predictor/other_predictor",
    "ExplainabilityExport": "explainability/other_explained",
    "WhatIfForecastExport": "what-if-forecast/promo/full_price",
}


def five_jobs(importmock, fc, noun):
    """Five jobs, oldest first: three of the default parent, two of another; the second ends ACTIVE."""
    made = []
    for number in range(5):
        where = {} if number < 3 else {"parent": parent(noun, resource=OTHER[noun])}
        made.append(create(fc, noun, f"job{number}", **where))
        importmock.clock.advance(1)
    importmock.finish(made[1])
    return made


@KINDS
@WAITING
def test_list_exports_pages_newest_first_with_filters(importmock, fc, noun):
    made = five_jobs(importmock, fc, noun)
    key = filter_key(noun)
    pinned = made[0] if key.endswith("ExportArn") else parent(noun)  # what-if filters on the export's own ARN
    expected = [made[0]] if key.endswith("ExportArn") else made[2::-1]

    pages = list(iter_pages(fc, f"list_{snake(noun)}s", "MaxResults", 2))
    by_key = arns(fc, noun, Filters=[{"Key": key, "Value": pinned, "Condition": "IS"}])
    not_active = [
        job[f"{noun}Arn"]
        for page in iter_pages(
            fc,
            f"list_{snake(noun)}s",
            "MaxResults",
            1,
            Filters=[{"Key": "Status", "Value": "ACTIVE", "Condition": "IS_NOT"}],
        )
        for job in page[f"{noun}s"]
    ]

    assert [job[f"{noun}Arn"] for page in pages for job in page[f"{noun}s"]] == made[::-1]
    assert [len(page[f"{noun}s"]) for page in pages] == [2, 2, 1]
    assert by_key == expected
    assert not_active == [arn for arn in made[::-1] if arn != made[1]]


@KINDS
def test_list_exports_filter_key_of_another_kind_is_invalid_input(fc, noun):
    wrong = "DatasetArn" if noun != "ForecastExportJob" else "PredictorArn"

    with pytest.raises(fc.exceptions.InvalidInputException) as excinfo:
        call(fc, "list", noun, Filters=[{"Key": wrong, "Value": parent(noun), "Condition": "IS"}])

    assert_error(excinfo, "InvalidInputException")
    assert wrong in excinfo.value.response["Error"]["Message"]


@KINDS
@WAITING
def test_list_exports_token_bound_to_filters_kind_and_24_hours(importmock, fc, noun):
    five_jobs(importmock, fc, noun)
    token = call(fc, "list", noun, MaxResults=2)["NextToken"]
    other = next(n for n in FORECAST_EXPORTS if n != noun)
    status = [{"Key": "Status", "Value": "ACTIVE", "Condition": "IS_NOT"}]

    for attempt in (
        lambda: call(fc, "list", noun, MaxResults=2, NextToken=token, Filters=status),
        lambda: call(fc, "list", other, MaxResults=2, NextToken=token),
    ):
        with pytest.raises(fc.exceptions.InvalidNextTokenException) as excinfo:
            attempt()
        assert_error(excinfo, "InvalidNextTokenException")
    assert len(call(fc, "list", noun, MaxResults=2, NextToken=token)[f"{noun}s"]) == 2
    importmock.clock.advance(timedelta(hours=24, seconds=1))
    with pytest.raises(fc.exceptions.InvalidNextTokenException):
        call(fc, "list", noun, MaxResults=2, NextToken=token)


@KINDS
@pytest.mark.parametrize(
    "client_kwargs",
    [{"region_name": "eu-west-1"}, {"aws_access_key_id": OTHER_ACCOUNT, "aws_secret_access_key": "x"}],
    ids=["other-region", "other-account"],
)
def test_list_exports_isolated_by_account_and_region(fc, make_client, noun, client_kwargs):
    arn = create(fc, noun)
    elsewhere = make_client("forecast", **client_kwargs)

    assert listed(elsewhere, noun) == []
    with pytest.raises(elsewhere.exceptions.ResourceNotFoundException):
        describe(elsewhere, noun, arn)
    with pytest.raises(elsewhere.exceptions.ResourceNotFoundException):
        elsewhere.stop_resource(ResourceArn=arn)
    assert arns(fc, noun) == [arn]


@KINDS
@WAITING
def test_exports_snapshot_restores_jobs_tags_and_tokens(importmock, fc, make_client, noun):
    made = five_jobs(importmock, fc, noun)
    fc.tag_resource(ResourceArn=made[0], Tags=[{"Key": "team", "Value": "demand"}])
    fc.stop_resource(ResourceArn=made[4])
    first = call(fc, "list", noun, MaxResults=2)
    before = [describe(fc, noun, arn) for arn in made]

    with mock_imports(state=importmock.snapshot(), duration=None) as restored:
        client = make_client("forecast")
        assert [describe(client, noun, arn) for arn in made] == before
        assert client.list_tags_for_resource(ResourceArn=made[0])["Tags"] == [
            {"Key": "team", "Value": "demand"}
        ]
        second = call(client, "list", noun, MaxResults=2, NextToken=first["NextToken"])
        assert [j[f"{noun}Arn"] for j in second[f"{noun}s"]] == made[2:0:-1]
        restored.finish(made[0])
        assert describe(client, noun, made[0])["Status"] == "ACTIVE"
