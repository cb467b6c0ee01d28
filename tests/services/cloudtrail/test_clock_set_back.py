"""CloudTrail Lake imports when a test sets the clock back before an import began."""

from __future__ import annotations

from datetime import timedelta

from importmock import mock_imports

STORE = "arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/store-1"
SOURCE = {
    "S3": {
        "S3LocationUri": "s3://trails/AWSLogs",
        "S3BucketRegion": "us-east-1",
        "S3BucketAccessRoleArn": "arn:aws:iam::123456789012:role/import",
    }
}


def test_statistics_never_go_negative_and_stops_never_predate_the_start(make_client) -> None:
    with mock_imports(duration=600) as mock:
        client = make_client("cloudtrail")
        started = client.start_import(Destinations=[STORE], ImportSource=SOURCE)
        mock.clock.set(mock.clock.now() - timedelta(minutes=5))
        statistics = client.get_import(ImportId=started["ImportId"])["ImportStatistics"]
        assert min(statistics.values()) >= 0
        stopped = client.stop_import(ImportId=started["ImportId"])
        assert stopped["UpdatedTimestamp"] >= stopped["CreatedTimestamp"]
