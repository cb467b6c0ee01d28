"""What Forecast's export kinds share: their record, the checks of a Create, and the CSV files
a job writes under its destination path as it succeeds (each kind says which)."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from importmock.jobs.lifecycle import Family, Progress
from importmock.jobs.pagination import Key
from importmock.jobs.work import Failure
from importmock.services.forecast.checks import check_role, parent_name
from importmock.services.forecast.jobs import ForecastJob, ForecastJobs, family, lower
from importmock.types import Output, Params

FAILURE = "An internal error occurred while exporting the data."
ITEMS, POINTS = 3, 4  # the invented time series, and the daily time points of each
ExportFile = tuple[str, list[str], list[list[str]]]  # name under the path, header row, rows


def export_family(key: str) -> Family:
    """An export kind's statuses, with the message a failure `finish` gives shows."""
    return family(key, FAILURE)


@dataclass(slots=True)
class ExportJob(ForecastJob):
    """An export job of any kind; a kind's record subclasses it with KIND, CREATED_BY and `files`."""

    id: str  # Forecast names jobs by ARN only
    arn: str
    key: Key
    name: str
    request: Params
    progress: Progress
    tags: dict[str, str]
    deleted: datetime | None = None
    gone: datetime | None = None
    writes: bool = False  # whether it writes its files (a data plane at creation)

    @property
    def filter_value(self) -> str:
        return str(self.request[self.KIND.parent])

    def files(self, stem: str) -> list[ExportFile]:
        """The files the job writes, named after `stem` (``<name>_<ExportTimestamp>``)."""
        raise NotImplementedError

    def perform(self, s3: Any) -> Failure | None:
        """The job's work as it succeeds: its CSV files put under the destination path."""
        if self.request.get("Format", "CSV") != "CSV":
            return None  # importmock writes no Parquet
        path = self.request["Destination"]["S3Config"]["Path"]
        bucket, _, prefix = path[len("s3://") :].partition("/")
        folder = prefix if not prefix or prefix.endswith("/") else prefix + "/"
        when = self.progress.ended or self.progress.due or self.progress.started
        try:
            # the ExportTimestamp is Java's yyyy-MM-ddTHH-mm-ssZ, in UTC
            for name, header, rows in self.files(f"{self.name}_{when:%Y-%m-%dT%H-%M-%SZ}"):
                s3.put_object(Bucket=bucket, Key=folder + name, Body=_csv(header, rows))
        except ClientError as error:
            info = error.response.get("Error", {})
            reason = f"{info.get('Code', 'Error')}: {info.get('Message', '')}"
            return Failure(
                "CREATE_FAILED", "ExportFailed", f"Amazon Forecast could not write to {path}: {reason}"
            )
        except BotoCoreError as error:
            return Failure(
                "CREATE_FAILED", "ExportFailed", f"Amazon Forecast could not write to {path}: {error}"
            )
        return None

    def invented(self) -> random.Random:
        """The generator of the values the mock cannot know: the same for the same ARN."""
        return random.Random(self.arn)

    def series(self) -> Iterator[tuple[str, str]]:
        """The invented (item_id, time point) pairs: daily points from the day after creation."""
        first = self.progress.started.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        for item in range(1, ITEMS + 1):
            for day in range(POINTS):
                yield f"item_{item}", iso(first + timedelta(days=day))


E = TypeVar("E", bound=ExportJob)


class ExportJobs(ForecastJobs):
    """The Create every export kind shares: its parents and role checked, its work scheduled."""

    def create_export(self, record: type[E], params: Params) -> Output:
        kind = record.KIND
        given = params[kind.parent]
        parents = given if isinstance(given, list) else [given]
        depth = 2 if isinstance(given, list) else 1  # a what-if forecast's ARN may name its analysis
        names = [
            parent_name(arn, kind.parent_resource, lower(kind.parent), self.context, parts=depth)
            for arn in parents
        ]
        check_role(params["Destination"]["S3Config"]["RoleArn"], self.context, "destination")
        job = self.create(record, params, names[0] if kind.parts == 2 else "", record)
        if (s3 := self.data_client("s3")) is not None:  # decided now, kept on the record
            job.writes = True
            self.when_succeeded(job.progress, lambda: job.perform(s3))
        return {kind.arn_member: job.arn}


def iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def quantiles(rng: random.Random) -> list[str]:
    """Invented p10, p50 and p90 (Forecast's default forecast types), in order."""
    low = rng.uniform(0, 50)
    return [f"{value:.4f}" for value in (low, low + rng.uniform(0, 20), low + rng.uniform(20, 60))]


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode("utf-8")
