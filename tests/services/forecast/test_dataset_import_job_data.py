"""Forecast dataset import jobs that read their S3 path: moto in process, and moto's server upstream."""

from __future__ import annotations

import math
import statistics
import tracemalloc
from typing import Any

import pytest
from botocore.exceptions import ClientError
from forecast_support import SALES

from dataplane_support import upstream_client
from importmock import mock_imports
from importmock.services.forecast.reading import read_path
from service_support import ACCOUNT, assert_error

ROLE = f"arn:aws:iam::{ACCOUNT}:role/ForecastRole"
BUCKET = "forecast-data"
ROWS = (
    "2024-01-01 00:00:00,shoes,3.5\n"
    "2024-01-01 01:00:00,shoes,4.5\n"
    "2024-01-01 00:00:00,socks,\n"
    "2024-01-01 01:00:00,socks,NaN\n"
    "2024-01-01 02:00:00,socks,10\n"
)


def create(client, path, name="import1", **extra):
    source = {"S3Config": {"Path": path, "RoleArn": ROLE}}
    request = {"DatasetImportJobName": name, "DatasetArn": SALES, "DataSource": source, **extra}
    return client.create_dataset_import_job(**request)["DatasetImportJobArn"]


def describe(client, arn):
    return client.describe_dataset_import_job(DatasetImportJobArn=arn)


def put(s3, key, body, bucket=BUCKET):
    s3.put_object(Bucket=bucket, Key=key, Body=body.encode() if isinstance(body, str) else body)


@pytest.fixture
def world(moto_world, make_client):
    """moto and importmock active, the data bucket made: (mock, forecast client, s3 client)."""
    s3 = make_client("s3")
    s3.create_bucket(Bucket=BUCKET)
    return moto_world, make_client("forecast"), s3


def test_create_dataset_import_job_statistics_come_from_the_rows(world):
    _, fc, s3 = world
    put(s3, "sales/data.csv", ROWS)

    job = describe(fc, create(fc, f"s3://{BUCKET}/sales/data.csv"))

    assert job["Status"] == "ACTIVE"
    assert job["DataSize"] == len(ROWS) / 1e9
    target = [3.5, 4.5, 10.0]
    assert job["FieldStatistics"] == {
        "timestamp": {"Count": 5, "CountDistinct": 3, "CountNull": 0},
        "item_id": {"Count": 5, "CountDistinct": 2, "CountNull": 0},
        "target_value": {
            "Count": 4,
            "CountDistinct": 4,
            "CountNull": 1,
            "CountNan": 1,
            "Min": "3.5",
            "Max": "10.0",
            "Avg": pytest.approx(statistics.mean(target)),
            "Stddev": pytest.approx(statistics.stdev(target)),
        },
    }


def test_create_dataset_import_job_folder_path_reads_every_file_under_it(world):
    _, fc, s3 = world
    first, second = ROWS.splitlines(keepends=True)[:2], ROWS.splitlines(keepends=True)[2:]
    put(s3, "sales/part-1.csv", "".join(first))
    put(s3, "sales/part-2.csv", "".join(second))
    put(s3, "sales/empty-folder/", b"")  # the console's folder marker: no data
    put(s3, "salesman/other.csv", "not,a,row,of,this\n")  # a neighbour prefix, not under the folder

    for path in (f"s3://{BUCKET}/sales/", f"s3://{BUCKET}/sales"):
        job = describe(fc, create(fc, path, name=f"import_{len(path)}"))
        assert job["Status"] == "ACTIVE", job.get("Message")
        assert job["DataSize"] == len(ROWS) / 1e9
        assert job["FieldStatistics"]["item_id"]["Count"] == 5


def test_create_dataset_import_job_bucket_path_reads_the_whole_bucket(world):
    _, fc, s3 = world
    put(s3, "a.csv", ROWS)
    put(s3, "deeper/b.csv", ROWS)

    job = describe(fc, create(fc, f"s3://{BUCKET}"))

    assert job["FieldStatistics"]["timestamp"]["Count"] == 10


@pytest.mark.parametrize("path", [f"s3://{BUCKET}/sales/missing.csv", f"s3://{BUCKET}/nothing-here/"])
def test_create_dataset_import_job_nothing_at_path_invalid_input_at_the_call(world, path):
    _, fc, _ = world

    with pytest.raises(ClientError) as refused:  # as AWS answers it (a Forecast sample's issue 77)
        create(fc, path)

    assert_error(refused, "InvalidInputException")
    message = f"No objects found in s3 path {path}, please ensure the path is specified correctly."
    assert refused.value.response["Error"]["Message"] == message
    assert fc.list_dataset_import_jobs()["DatasetImportJobs"] == []


def test_create_dataset_import_job_missing_bucket_create_failed_naming_s3_error(world):
    _, fc, _ = world

    job = describe(fc, create(fc, "s3://no-such-bucket/sales.csv"))

    assert job["Status"] == "CREATE_FAILED"
    prefix = "Amazon Forecast could not read s3://no-such-bucket/sales.csv: NoSuchBucket"
    assert job["Message"].startswith(prefix)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "2024-01-01T03:00:00,shoes,1\n",
            "Invalid timestamp '2024-01-01T03:00:00' in row 6 of s3://forecast-data/d.csv: "
            "timestamps must be in the format yyyy-MM-dd HH:mm:ss.",
        ),
        (
            "2024-01-01 03:00:00,shoes,many\n",
            "Invalid value 'many' for attribute target_value of type float in row 6 of s3://forecast-data/d.csv.",
        ),
        (
            "2024-01-01 03:00:00,shoes\n",
            "Row 6 of s3://forecast-data/d.csv has 2 columns, but the dataset schema has 3 attributes "
            "(timestamp, item_id, target_value); the columns must follow the schema's attributes in order.",
        ),
    ],
    ids=["timestamp", "number", "width"],
)
def test_create_dataset_import_job_row_not_fitting_schema_create_failed(world, row, message):
    _, fc, s3 = world
    put(s3, "d.csv", ROWS + row)

    job = describe(fc, create(fc, f"s3://{BUCKET}/d.csv"))

    assert (job["Status"], job["Message"]) == ("CREATE_FAILED", message)
    assert "FieldStatistics" not in job


def test_create_dataset_import_job_timestamp_format_checks_the_rows(world):
    _, fc, s3 = world
    put(s3, "days.csv", "2024-01-01,shoes,1\n2024-01-02,shoes,2\n")

    daily = describe(fc, create(fc, f"s3://{BUCKET}/days.csv", name="daily", TimestampFormat="yyyy-MM-dd"))
    default = describe(fc, create(fc, f"s3://{BUCKET}/days.csv", name="default"))

    assert daily["Status"] == "ACTIVE"
    assert daily["FieldStatistics"]["timestamp"] == {"Count": 2, "CountDistinct": 2, "CountNull": 0}
    assert default["Status"] == "CREATE_FAILED"
    assert "timestamps must be in the format yyyy-MM-dd HH:mm:ss" in default["Message"]


def test_create_dataset_import_job_header_row_names_the_schema(world):
    _, fc, s3 = world
    put(s3, "retail/a.csv", "item_id,timestamp,demand,store\nshoes,2024-01-01 00:00:00,2,north\n")
    put(s3, "retail/b.csv", "item_id,timestamp,demand,store\nsocks,2024-01-01 00:00:00,4,south\n")

    job = describe(fc, create(fc, f"s3://{BUCKET}/retail/"))

    assert job["Status"] == "ACTIVE", job.get("Message")
    assert set(job["FieldStatistics"]) == {"item_id", "timestamp", "demand", "store"}
    assert job["FieldStatistics"]["demand"]["Avg"] == 3.0
    assert job["FieldStatistics"]["store"] == {"Count": 2, "CountDistinct": 2, "CountNull": 0}


def test_create_dataset_import_job_quoted_field_with_newline_is_one_value(world):
    _, fc, s3 = world
    put(s3, "q.csv", '2024-01-01 00:00:00,"shoes,\nleft",1\r\n2024-01-01 01:00:00,socks,2\r\n')

    job = describe(fc, create(fc, f"s3://{BUCKET}/q.csv"))

    assert job["FieldStatistics"]["item_id"] == {"Count": 2, "CountDistinct": 2, "CountNull": 0}


def test_create_dataset_import_job_not_utf8_create_failed(world):
    _, fc, s3 = world
    put(s3, "latin.csv", "2024-01-01 00:00:00,caf\xe9,1\n".encode("latin-1"))

    job = describe(fc, create(fc, f"s3://{BUCKET}/latin.csv"))

    assert (job["Status"], job["Message"]) == (
        "CREATE_FAILED",
        "s3://forecast-data/latin.csv is not UTF-8 encoded CSV text.",
    )


def test_create_dataset_import_job_parquet_has_size_but_no_statistics(world):
    _, fc, s3 = world
    put(s3, "p/data.parquet", b"PAR1 not read by the mock PAR1")

    job = describe(fc, create(fc, f"s3://{BUCKET}/p/", Format="PARQUET"))

    assert job["Status"] == "ACTIVE"
    assert job["DataSize"] == len(b"PAR1 not read by the mock PAR1") / 1e9
    assert "FieldStatistics" not in job


def test_create_dataset_import_job_reads_when_it_ends_not_when_created(moto_world, make_client):
    with mock_imports(duration=60) as mock:
        fc, s3 = make_client("forecast"), make_client("s3")
        s3.create_bucket(Bucket=BUCKET)
        put(s3, "late/first.csv", ROWS)  # something must be there at the call
        arn = create(fc, f"s3://{BUCKET}/late/")
        running = describe(fc, arn)
        put(s3, "late/second.csv", ROWS)  # uploaded while the job runs
        mock.clock.advance(60)
        done = describe(fc, arn)

    assert running["Status"] in ("CREATE_PENDING", "CREATE_IN_PROGRESS")
    assert not {"DataSize", "FieldStatistics"} & set(running)
    assert done["Status"] == "ACTIVE"
    assert done["FieldStatistics"]["item_id"]["Count"] == 10


def test_create_dataset_import_job_finish_reads_then_and_failed_finish_reads_nothing(moto_world, make_client):
    with mock_imports(duration=None) as mock:
        fc, s3 = make_client("forecast"), make_client("s3")
        s3.create_bucket(Bucket=BUCKET)
        path = f"s3://{BUCKET}/x.csv"
        put(s3, "x.csv", ROWS)
        ok, failed, missing = (create(fc, path, name=n) for n in ("ok", "failed", "missing"))
        mock.finish(ok)
        mock.finish(failed, status="CREATE_FAILED", failure_message="Access denied to the bucket")
        s3.delete_object(Bucket=BUCKET, Key="x.csv")
        mock.finish(missing)
        jobs = {n: describe(fc, arn) for n, arn in (("ok", ok), ("failed", failed), ("missing", missing))}

    assert jobs["ok"]["FieldStatistics"]["timestamp"]["Count"] == 5
    failed = jobs["failed"]
    assert (failed["Status"], failed["Message"]) == ("CREATE_FAILED", "Access denied to the bucket")
    assert "DataSize" not in jobs["failed"]
    assert jobs["missing"]["Status"] == "CREATE_FAILED"
    assert jobs["missing"]["Message"].startswith("No objects found in s3 path s3://")  # deleted since


def test_create_dataset_import_job_without_data_plane_invents_its_outcome(make_client):
    with mock_imports():  # no moto: nothing to read, so nothing is missing
        fc = make_client("forecast")
        job = describe(fc, create(fc, f"s3://{BUCKET}/never-uploaded.csv"))

    assert job["Status"] == "ACTIVE"
    assert set(job["FieldStatistics"]) == {"item_id", "timestamp", "target_value"}


def test_create_dataset_import_job_counts_past_int32_as_long(world, monkeypatch):
    from importmock.services.forecast import reading

    monkeypatch.setattr(reading, "_INT_MAX", 3)  # so that five rows overflow the Count member
    _, fc, s3 = world
    put(s3, "d.csv", ROWS)

    timestamps = describe(fc, create(fc, f"s3://{BUCKET}/d.csv"))["FieldStatistics"]["timestamp"]

    assert timestamps == {"Count": -1, "CountLong": 5, "CountDistinct": 3, "CountNull": 0}


# over HTTP: an importmock server whose data plane is moto's server


@pytest.fixture
def server_world(upstream_server, moto_upstream, make_client):
    """(forecast client of the importmock server, s3 client of the upstream), the bucket made."""
    s3 = upstream_client(moto_upstream, "s3")
    s3.create_bucket(Bucket=BUCKET)
    fc = make_client(
        "forecast",
        endpoint_url=upstream_server.url,
        aws_access_key_id=ACCOUNT,
        aws_secret_access_key="secret",
    )
    return fc, s3


def test_create_dataset_import_job_over_http_reads_the_upstream(server_world):
    fc, s3 = server_world
    put(s3, "sales/data.csv", ROWS)

    job = describe(fc, create(fc, f"s3://{BUCKET}/sales/"))

    assert job["Status"] == "ACTIVE", job.get("Message")
    assert job["DataSize"] == len(ROWS) / 1e9
    assert job["FieldStatistics"]["target_value"]["CountNan"] == 1


def test_create_dataset_import_job_over_http_nothing_at_path_invalid_input(server_world):
    fc, _ = server_world

    with pytest.raises(ClientError) as refused:
        create(fc, f"s3://{BUCKET}/none.csv")

    assert_error(refused, "InvalidInputException")
    assert refused.value.response["Error"]["Message"].startswith("No objects found in s3 path s3://forecast-data/")


# the reader on its own: rows are streamed, the file is never held


class _Body:
    """A streamed object of `rows` CSV rows, made as it is read, as botocore's StreamingBody reads."""

    def __init__(self, rows: int) -> None:
        self.rows, self.closed = rows, False

    def iter_chunks(self, size: int):
        line = b"2024-01-01 00:00:%02d,item%d,%d.5\n"
        chunk = b"".join(line % (n % 60, n % 7, n % 100) for n in range(2000))
        for _ in range(self.rows // 2000):
            yield chunk

    def close(self) -> None:
        self.closed = True


class _S3:
    def __init__(self, body: _Body) -> None:
        self.body = body

    def head_object(self, **_: Any) -> dict[str, Any]:
        return {"ContentLength": 1}

    def get_object(self, **_: Any) -> dict[str, Any]:
        return {"Body": self.body}


def test_read_path_streams_rows_without_holding_the_file():
    body = _Body(rows=150_000)  # about 4 MB of CSV

    tracemalloc.start()
    try:
        reading = read_path(_S3(body), "s3://b/big.csv", "yyyy-MM-dd HH:mm:ss", csv_format=True)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert reading.statistics["timestamp"]["Count"] == 150_000
    assert reading.statistics["item_id"]["CountDistinct"] == 7
    assert math.isclose(reading.statistics["target_value"]["Avg"], 50.0)
    assert body.closed
    assert peak < 1_000_000  # a few chunks, never the 4 MB


def test_create_dataset_import_job_read_outcome_survives_snapshot_and_restore(world, make_client):
    mock, fc, s3 = world
    put(s3, "d.csv", ROWS)
    arn = create(fc, f"s3://{BUCKET}/d.csv")
    before = describe(fc, arn)

    with mock_imports(state=mock.snapshot()):
        after = describe(make_client("forecast"), arn)

    assert {k: after[k] for k in ("DataSize", "FieldStatistics")} == {
        k: before[k] for k in ("DataSize", "FieldStatistics")
    }
