"""Forecast export jobs that write their CSV files under the destination path: moto in process,
moto's server upstream, and no data plane (nothing written)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import pytest
from exports_support import KINDS, create, describe

from dataplane_support import upstream_client
from families import forecast_export_arn
from importmock import mock_imports
from service_support import ACCOUNT

BUCKET = "forecast-exports"
T0 = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
STEM = "export1_2024-05-06T07-08-09Z"  # the name, then the ExportTimestamp: Java's yyyy-MM-ddTHH-mm-ssZ
FILES = {
    "ForecastExportJob": {f"out/{STEM}_part0.csv": ["item_id", "date", "p10", "p50", "p90"]},
    "PredictorBacktestExportJob": {
        f"out/forecasted-values/{STEM}_part0.csv": [
            "item_id",
            "timestamp",
            "target_value",
            "backtestwindow_start_time",
            "backtestwindow_end_time",
            "p10",
            "p50",
            "p90",
        ],
        f"out/accuracy-metrics-values/{STEM}_part0.csv": [
            "item_id",
            "backtest_window",
            "backtestwindow_start_time",
            "backtestwindow_end_time",
            "wQL[0.1]",
            "wQL[0.5]",
            "wQL[0.9]",
            "Average wQL",
            "RMSE",
            "WAPE",
            "MAPE",
            "MASE",
        ],
    },
    "ExplainabilityExport": {
        f"out/{STEM}_part0.csv": [
            "item_id",
            "timestamp",
            "price-RawImpactScore",
            "price-NormalizedImpactScore",
            "promotion-RawImpactScore",
            "promotion-NormalizedImpactScore",
        ]
    },
    "WhatIfForecastExport": {f"out/{STEM}_part0.csv": ["item_id", "date", "p10", "p50", "p90"]},
}


def files(s3, bucket=BUCKET):
    """Every object of the bucket: key -> its CSV rows."""
    found = {}
    for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        body = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read().decode()
        found[item["Key"]] = list(csv.reader(io.StringIO(body)))
    return found


@pytest.fixture
def world(moto_world, make_client):
    """moto and importmock active, the export bucket made, the clock at T0: (mock, forecast, s3)."""
    s3 = make_client("s3")
    s3.create_bucket(Bucket=BUCKET)
    moto_world.clock.set(T0)
    return moto_world, make_client("forecast"), s3


@KINDS
def test_export_writes_the_documented_files_as_it_succeeds(world, noun):
    _, fc, s3 = world

    arn = create(fc, noun)

    assert describe(fc, noun, arn)["Status"] == "ACTIVE"
    written = files(s3)
    assert {key: rows[0] for key, rows in written.items()} == FILES[noun]
    for rows in written.values():
        assert len(rows) > 1 and all(len(row) == len(rows[0]) for row in rows)
        assert rows[1][0] == "item_1"


def test_forecast_export_quantiles_are_ordered_and_stable_per_arn(world):
    _, fc, s3 = world
    arn = create(fc, "ForecastExportJob")
    ((key, rows),) = files(s3).items()

    fc.delete_forecast_export_job(ForecastExportJobArn=arn)  # a duration of 0: gone at once
    s3.delete_object(Bucket=BUCKET, Key=key)
    assert create(fc, "ForecastExportJob") == arn

    assert files(s3) == {key: rows}
    assert [row[1] for row in rows[1:5]] == [f"2024-05-{day:02d}T00:00:00Z" for day in (7, 8, 9, 10)]
    assert all(float(row[2]) <= float(row[3]) <= float(row[4]) for row in rows[1:])


def test_what_if_export_writes_one_part_per_what_if_forecast(world):
    _, fc, s3 = world
    forecasts = [f"arn:aws:forecast:us-east-1:123456789012:what-if-forecast/promo/{n}" for n in ("a", "b")]

    arn = create(fc, "WhatIfForecastExport", parent=forecasts[0])
    fc.delete_what_if_forecast_export(WhatIfForecastExportArn=arn)
    s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": key} for key in files(s3)]})
    request = {"WhatIfForecastExportName": "both", "WhatIfForecastArns": forecasts}
    request["Destination"] = describe(fc, "WhatIfForecastExport", create(fc, "WhatIfForecastExport", "x"))[
        "Destination"
    ]
    fc.create_what_if_forecast_export(**request)

    assert sorted(key for key in files(s3) if "/both_" in key) == [
        "out/both_2024-05-06T07-08-09Z_part0.csv",
        "out/both_2024-05-06T07-08-09Z_part1.csv",
    ]


@KINDS
def test_export_to_missing_bucket_ends_create_failed_with_s3_message(world, noun):
    _, fc, s3 = world

    arn = create(fc, noun, path="s3://no-such-bucket/out/")

    job = describe(fc, noun, arn)
    assert job["Status"] == "CREATE_FAILED"
    assert job["Message"].startswith(
        "Amazon Forecast could not write to s3://no-such-bucket/out/: NoSuchBucket"
    )
    assert files(s3) == {}


@KINDS
def test_export_in_parquet_writes_nothing(world, noun):
    _, fc, s3 = world

    arn = create(fc, noun, Format="PARQUET")

    assert describe(fc, noun, arn)["Status"] == "ACTIVE"
    assert files(s3) == {}


@KINDS
def test_export_stopped_or_failed_writes_nothing_and_finish_writes(make_client, noun):
    from moto import mock_aws

    with mock_aws(), mock_imports(duration=None) as mock:
        s3, fc = make_client("s3"), make_client("forecast")
        s3.create_bucket(Bucket=BUCKET)
        stopped, failed, done = (create(fc, noun, name) for name in ("stopped", "failed", "done"))
        fc.stop_resource(ResourceArn=stopped)
        mock.finish(failed, status="CREATE_FAILED")
        assert files(s3) == {}
        mock.finish(done)
        assert describe(fc, noun, done)["Status"] == "ACTIVE"
        assert files(s3) and all("/done_" in key for key in files(s3))


@KINDS
def test_export_without_data_plane_at_creation_writes_nothing(make_client, noun):
    from moto import mock_aws

    with mock_imports(duration=None) as mock:
        fc = make_client("forecast")
        arn = create(fc, noun)
        with mock_aws():
            s3 = make_client("s3")
            s3.create_bucket(Bucket=BUCKET)
            mock.finish(arn)
            assert describe(fc, noun, arn)["Status"] == "ACTIVE"
            assert files(s3) == {}


def test_export_writes_to_upstream_s3_of_the_server(upstream_server, moto_upstream, make_client):
    upstream_client(moto_upstream, "s3").create_bucket(Bucket=BUCKET)
    fc = make_client(
        "forecast", endpoint_url=upstream_server.url, aws_access_key_id=ACCOUNT, aws_secret_access_key="x"
    )

    arn = forecast_export_arn(fc, "PredictorBacktestExportJob", "export1", account=ACCOUNT)

    assert fc.describe_predictor_backtest_export_job(PredictorBacktestExportJobArn=arn)["Status"] == "ACTIVE"
    keys = sorted(files(upstream_client(moto_upstream, "s3")))
    assert [key.split("/")[1] for key in keys] == ["accuracy-metrics-values", "forecasted-values"]
