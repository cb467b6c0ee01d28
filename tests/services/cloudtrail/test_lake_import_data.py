"""CloudTrail Lake imports that copy the trail's log files: moto in process, and moto's server upstream."""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timezone

import pytest
from cloudtrail_lake import STATISTICS, get, source, start

from dataplane_support import upstream_client
from importmock import mock_imports
from service_support import ACCOUNT

BUCKET = "trail-bucket"
TRAIL = f"AWSLogs/{ACCOUNT}/CloudTrail/us-east-1"


def log_key(day: str, stamp: str, unique: str = "AbCdEfGh12345678", region: str = "us-east-1") -> str:
    """A log file's key in a trail's layout: AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/."""
    name = f"{ACCOUNT}_CloudTrail_{region}_{stamp}_{unique}.json.gz"
    return f"AWSLogs/{ACCOUNT}/CloudTrail/{region}/{day}/{name}"


def log_file(*times: str) -> bytes:
    records = [{"eventVersion": "1.08", "eventTime": t, "eventName": "ListBuckets"} for t in times]
    return gzip.compress(json.dumps({"Records": records}).encode())


def put(s3, key, body):
    s3.put_object(Bucket=BUCKET, Key=key, Body=body)


def trail(s3):
    """Two days of a trail: 2 + 3 events on January 1, 1 on January 2, and what is not a log file."""
    put(
        s3,
        log_key("2024/01/01", "20240101T0005Z", "A"),
        log_file("2024-01-01T00:01:00Z", "2024-01-01T00:04:00Z"),
    )
    put(s3, log_key("2024/01/01", "20240101T2355Z", "B"), log_file(*["2024-01-01T23:50:00Z"] * 3))
    put(s3, log_key("2024/01/02", "20240102T1200Z", "C"), log_file("2024-01-02T11:58:00Z"))
    digest = f"AWSLogs/{ACCOUNT}/CloudTrail-Digest/us-east-1/2024/01/01/{ACCOUNT}_digest.json.gz"
    put(s3, digest, b"{}")  # another prefix than CloudTrail's: not copied
    put(s3, f"AWSLogs/{ACCOUNT}/elasticloadbalancing/us-east-1/2024/01/01/lb.log.gz", b"no")


def statistics(client, ident):
    return get(client, ident)["ImportStatistics"]


def failures(client, ident):
    return client.list_import_failures(ImportId=ident)["Failures"]


@pytest.fixture
def world(moto_world, make_client):
    """moto and importmock active, the trail's bucket made: (mock, cloudtrail client, s3 client)."""
    s3 = make_client("s3")
    s3.create_bucket(Bucket=BUCKET)
    return moto_world, make_client("cloudtrail"), s3


def test_start_import_statistics_count_the_trail_log_files(world):
    _, ct, s3 = world
    trail(s3)

    ident = start(ct, ImportSource=source(f"s3://{BUCKET}"))["ImportId"]

    assert get(ct, ident)["ImportStatus"] == "COMPLETED"
    assert statistics(ct, ident) == {
        "PrefixesFound": 2,
        "PrefixesCompleted": 2,
        "FilesCompleted": 3,
        "EventsCompleted": 6,
        "FailedEntries": 0,
    }
    assert failures(ct, ident) == []


@pytest.mark.parametrize(
    ("uri", "counts"),
    [
        (f"s3://{BUCKET}/AWSLogs", (2, 3, 6)),
        (f"s3://{BUCKET}/AWSLogs/{ACCOUNT}/CloudTrail/", (2, 3, 6)),
        (f"s3://{BUCKET}/{TRAIL}/2024/01/02", (1, 1, 1)),
        (f"s3://{BUCKET}/elsewhere/", (0, 0, 0)),
    ],
    ids=["AWSLogs", "CloudTrail", "one-day", "empty"],
)
def test_start_import_reads_what_is_under_the_source_uri(world, uri, counts):
    _, ct, s3 = world
    trail(s3)

    ident = start(ct, ImportSource=source(uri))["ImportId"]

    found = statistics(ct, ident)
    assert (found["PrefixesFound"], found["FilesCompleted"], found["EventsCompleted"]) == counts
    assert get(ct, ident)["ImportStatus"] == "COMPLETED"


def test_start_import_time_range_leaves_out_prefixes_files_and_events_outside(world):
    _, ct, s3 = world
    trail(s3)
    put(s3, log_key("2023/12/31", "20231231T2359Z", "D"), log_file("2023-12-31T23:58:00Z"))

    ident = start(
        ct,
        ImportSource=source(f"s3://{BUCKET}"),
        StartEventTime=datetime(2024, 1, 1, 0, 2, tzinfo=timezone.utc),
        EndEventTime=datetime(2024, 1, 1, 23, 59, tzinfo=timezone.utc),
    )["ImportId"]

    # January 1 only (December 31 and January 2 are outside), and its events from 00:02 on
    assert statistics(ct, ident) == {
        "PrefixesFound": 1,
        "PrefixesCompleted": 1,
        "FilesCompleted": 2,
        "EventsCompleted": 4,
        "FailedEntries": 0,
    }


def test_start_import_files_that_cannot_be_read_are_failures(world):
    _, ct, s3 = world
    trail(s3)
    plain = log_key("2024/01/02", "20240102T1300Z", "PLAIN").removesuffix(".gz")
    put(s3, plain, json.dumps({"Records": []}).encode())
    not_a_log = log_key("2024/01/02", "20240102T1400Z", "OTHER")
    put(s3, not_a_log, gzip.compress(b'{"logs": []}'))
    cut = log_key("2024/01/02", "20240102T1500Z", "CUT")
    put(s3, cut, log_file("2024-01-02T14:59:00Z")[:20])

    ident = start(ct, ImportSource=source(f"s3://{BUCKET}"))["ImportId"]

    assert get(ct, ident)["ImportStatus"] == "FAILED"
    assert statistics(ct, ident) == {
        "PrefixesFound": 2,
        "PrefixesCompleted": 1,  # January 2 has files that failed
        "FilesCompleted": 3,
        "EventsCompleted": 6,
        "FailedEntries": 3,
    }
    found = {f["Location"]: (f["Status"], f["ErrorType"], f["ErrorMessage"]) for f in failures(ct, ident)}
    assert found == {
        f"s3://{BUCKET}/{plain}": (
            "FAILED",
            "InvalidFileFormat",
            "The file is not compressed with gzip. CloudTrail copies trail events only from "
            "gzip-compressed log files.",
        ),
        f"s3://{BUCKET}/{not_a_log}": (
            "FAILED",
            "InvalidFileFormat",
            "The file is not a CloudTrail log file: it holds no JSON object with a Records array.",
        ),
        f"s3://{BUCKET}/{cut}": (
            "FAILED",
            "InvalidFileFormat",
            "The file could not be decompressed: it is not a complete gzip file.",
        ),
    }


def test_start_import_missing_bucket_is_one_failure_with_s3_error(world):
    _, ct, _ = world
    uri = "s3://no-such-trail-bucket/AWSLogs"

    ident = start(ct, ImportSource=source(uri))["ImportId"]

    assert get(ct, ident)["ImportStatus"] == "FAILED"
    (failure,) = failures(ct, ident)
    assert (failure["Location"], failure["Status"], failure["ErrorType"]) == (uri, "FAILED", "NoSuchBucket")
    assert statistics(ct, ident) == dict.fromkeys(STATISTICS, 0) | {"FailedEntries": 1}


def test_start_import_copies_when_it_ends(moto_world, make_client):
    with mock_imports(duration=600) as mock:
        ct, s3 = make_client("cloudtrail"), make_client("s3")
        s3.create_bucket(Bucket=BUCKET)
        ident = start(ct, ImportSource=source(f"s3://{BUCKET}"))["ImportId"]
        mock.clock.advance(300)
        halfway = statistics(ct, ident)
        trail(s3)  # delivered while the import runs
        mock.clock.advance(300)
        done = get(ct, ident)

    assert halfway == dict.fromkeys(STATISTICS, 0)  # nothing is counted before the copy
    assert done["ImportStatus"] == "COMPLETED"
    assert done["ImportStatistics"]["EventsCompleted"] == 6


def test_start_import_stopped_or_failed_by_finish_copies_nothing(moto_world, make_client):
    with mock_imports(duration=None) as mock:
        ct, s3 = make_client("cloudtrail"), make_client("s3")
        s3.create_bucket(Bucket=BUCKET)
        trail(s3)
        stopped = start(ct, ImportSource=source(f"s3://{BUCKET}"))["ImportId"]
        ct.stop_import(ImportId=stopped)
        failed = start(ct, ImportSource=source(f"s3://{BUCKET}"))["ImportId"]
        mock.finish(failed, status="FAILED", failure_code="AccessDenied", failure_message="Access Denied")
        results = {ident: (statistics(ct, ident), failures(ct, ident)) for ident in (stopped, failed)}

    assert results[stopped] == (dict.fromkeys(STATISTICS, 0), [])
    counts, (failure,) = results[failed]
    assert counts == dict.fromkeys(STATISTICS, 0) | {"FailedEntries": 1}
    assert (failure["ErrorType"], failure["ErrorMessage"]) == ("AccessDenied", "Access Denied")


def test_start_import_retry_copies_again_and_succeeds_where_it_failed(moto_world, make_client):
    with mock_imports(duration=None) as mock:
        ct, s3 = make_client("cloudtrail"), make_client("s3")
        s3.create_bucket(Bucket=BUCKET)
        trail(s3)
        broken = log_key("2024/01/02", "20240102T1300Z", "BROKEN")
        put(s3, broken, b"not gzip")
        ident = start(ct, ImportSource=source(f"s3://{BUCKET}"))["ImportId"]
        mock.finish(ident)  # the copy runs now, and fails on the broken file
        first = (get(ct, ident)["ImportStatus"], failures(ct, ident))
        put(s3, broken, log_file("2024-01-02T12:59:00Z"))  # fixed
        ct.start_import(ImportId=ident)
        retrying = failures(ct, ident)
        mock.finish(ident)
        done = (get(ct, ident), failures(ct, ident))

    assert first[0] == "FAILED"
    assert [(f["Location"], f["Status"]) for f in first[1]] == [(f"s3://{BUCKET}/{broken}", "FAILED")]
    assert [f["Status"] for f in retrying] == ["RETRY"]
    described, after = done
    assert described["ImportStatus"] == "COMPLETED"
    assert [f["Status"] for f in after] == ["SUCCEEDED"]
    assert described["ImportStatistics"] == {
        "PrefixesFound": 2,
        "PrefixesCompleted": 2,
        "FilesCompleted": 4,
        "EventsCompleted": 7,
        "FailedEntries": 0,
    }


def test_start_import_retry_failing_again_shows_the_latest_failure(moto_world, make_client):
    with mock_imports(duration=None) as mock:
        ct, s3 = make_client("cloudtrail"), make_client("s3")
        s3.create_bucket(Bucket=BUCKET)
        trail(s3)
        broken, other = (
            log_key("2024/01/02", "20240102T1300Z", "X"),
            log_key("2024/01/02", "20240102T1400Z", "Y"),
        )
        put(s3, broken, b"not gzip")
        put(s3, other, b"not gzip either")
        ident = start(ct, ImportSource=source(f"s3://{BUCKET}"))["ImportId"]
        mock.finish(ident)
        put(s3, other, log_file("2024-01-02T13:59:00Z"))  # one fixed, one still broken
        ct.start_import(ImportId=ident)
        mock.finish(ident)
        after = failures(ct, ident)
        status = get(ct, ident)["ImportStatus"]

    assert status == "FAILED"
    assert sorted((f["Location"].rsplit("_", 1)[1], f["Status"]) for f in after) == [
        ("X.json.gz", "FAILED"),
        ("Y.json.gz", "SUCCEEDED"),
    ]


def test_start_import_without_data_plane_keeps_invented_statistics(make_client):
    with mock_imports():  # no moto: nothing to read, the counts come from the import id
        ct = make_client("cloudtrail")
        ident = start(ct, ImportSource=source(f"s3://{BUCKET}"))["ImportId"]
        described = get(ct, ident)

    assert described["ImportStatus"] == "COMPLETED"
    assert described["ImportStatistics"]["PrefixesFound"] >= 1
    assert described["ImportStatistics"]["FilesCompleted"] >= 1


def test_start_import_copy_survives_snapshot_and_restore(world, make_client):
    mock, ct, s3 = world
    trail(s3)
    put(s3, log_key("2024/01/02", "20240102T1300Z", "BAD"), b"plain")
    ident = start(ct, ImportSource=source(f"s3://{BUCKET}"))["ImportId"]
    before = (statistics(ct, ident), failures(ct, ident))

    with mock_imports(state=mock.snapshot()):
        client = make_client("cloudtrail")
        after = (statistics(client, ident), failures(client, ident))

    assert after == before


# over HTTP: an importmock server whose data plane is moto's server


def test_start_import_over_http_copies_from_the_upstream(upstream_server, moto_upstream, make_client):
    s3 = upstream_client(moto_upstream, "s3")
    s3.create_bucket(Bucket=BUCKET)
    trail(s3)
    put(s3, log_key("2024/01/02", "20240102T1300Z", "BAD"), b"plain")
    ct = make_client(
        "cloudtrail", endpoint_url=upstream_server.url, aws_access_key_id=ACCOUNT, aws_secret_access_key="x"
    )

    ident = start(ct, ImportSource=source(f"s3://{BUCKET}/AWSLogs/"))["ImportId"]

    assert get(ct, ident)["ImportStatus"] == "FAILED"
    assert statistics(ct, ident) == {
        "PrefixesFound": 2,
        "PrefixesCompleted": 1,
        "FilesCompleted": 3,
        "EventsCompleted": 6,
        "FailedEntries": 1,
    }
    (failure,) = failures(ct, ident)
    assert failure["Location"].endswith("_BAD.json.gz") and failure["ErrorType"] == "InvalidFileFormat"
