"""Forecast datasets: Create/Describe/List/DeleteDataset; and the check dataset import jobs and
dataset groups make of the dataset they name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from importmock.jobs.backend import BackendContext, operation
from importmock.jobs.lifecycle import Progress
from importmock.jobs.pagination import Key
from importmock.services.forecast.checks import ROLE_ARN, not_found
from importmock.services.forecast.errors import InvalidInputException, ResourceInUseException
from importmock.services.forecast.jobs import DATASET_IMPORT, ForecastJob, ForecastJobs, Kind
from importmock.services.forecast.reading import Schema
from importmock.types import Output, Params

KIND = Kind("Dataset", DATASET_IMPORT, "dataset", "_datasets", "", "dataset", parts=1, job=False)
# an import's status, as the dataset it imports into shows it (DescribeDataset's Status)
UPDATES = {
    "CREATE_PENDING": "UPDATE_PENDING",
    "CREATE_IN_PROGRESS": "UPDATE_IN_PROGRESS",
    "CREATE_STOPPING": "UPDATE_IN_PROGRESS",
}
SUMMARY = ("DatasetArn", "DatasetName", "DatasetType", "Domain", "CreationTime", "LastModificationTime")
# DataFrequency's documented values: a count (1 when absent) of a unit, up to the next unit
_FREQUENCY = re.compile(r"(?P<count>[1-9][0-9]*)?(?P<unit>Y|M|W|D|H|min)")
_MOST = {"min": 59, "H": 23, "D": 6, "W": 4, "M": 11, "Y": 1}
_FLOOR = (-(2**63), -1)


@dataclass(slots=True)
class Dataset(ForecastJob):
    id: str  # Forecast names datasets by ARN only
    arn: str
    key: Key
    name: str
    request: Params
    progress: Progress  # its creation
    tags: dict[str, str]
    deleted: datetime | None = None
    gone: datetime | None = None
    latest: ForecastJob | None = None  # the newest import into it
    KIND: ClassVar[Kind] = KIND
    CREATED_BY: ClassVar[str] = "CreateDataset"

    @property
    def filter_value(self) -> str:
        return ""

    @property
    def schema(self) -> Schema:
        attributes = self.request["Schema"].get("Attributes", [])
        return tuple((a.get("AttributeName", ""), a.get("AttributeType", "string")) for a in attributes)

    def status(self, now: datetime) -> str:
        made = ForecastJob.status(self, now)
        if made != "ACTIVE" or self.latest is None:
            return made
        return UPDATES.get(self.latest.creation_status(now), made)

    def last_modified(self, now: datetime, status: str) -> datetime | None:
        # DescribeDataset's LastModificationTime: creation, the import's end, or now while it runs
        if status.startswith("DELETE_"):
            return ForecastJob.last_modified(self, now, status)
        if status.startswith("UPDATE_"):
            return now
        ended = self.latest.progress.end_time(now) if self.latest is not None else None
        return ended or self.progress.started

    def summarize(self, now: datetime) -> Output:
        return {member: value for member, value in self.describe(now).items() if member in SUMMARY}

    def describe(self, now: datetime) -> Output:
        status = self.status(now)
        return {
            "DatasetArn": self.arn,
            "DatasetName": self.name,
            **{m: self.request.get(m) for m in ("Domain", "DatasetType", "DataFrequency", "Schema")},
            "EncryptionConfig": self.request.get("EncryptionConfig"),
            "Status": status,
            "CreationTime": self.progress.started,
            "LastModificationTime": self.last_modified(now, status),
        }


class Datasets(ForecastJobs):
    """Datasets (the handlers; DatasetImportJobs holds them, as tags take any Forecast ARN).

    ARNs are dataset/<name>. CREATE_PENDING at the instant of creation, CREATE_IN_PROGRESS for
    the `forecast:dataset-import-job` duration (none when 0 or None), then ACTIVE; while an
    import into it is pending or running, UPDATE_PENDING or UPDATE_IN_PROGRESS, and
    LastModificationTime is then the time of the call, after it the import's end. DeleteDataset
    refuses a dataset that still has import jobs (ResourceInUseException), then shows
    DELETE_PENDING and DELETE_IN_PROGRESS as the jobs do, and the dataset is gone.

    A dataset this backend made is checked wherever an ARN names it (`known_dataset`); one it
    never made is accepted when well formed (made outside importmock).

    Differs from AWS: the attributes a domain and dataset type require are not checked; a
    failed or stopped import leaves the dataset ACTIVE; EncryptionConfig's key is not checked.
    """

    record: ClassVar[type[ForecastJob] | None] = Dataset

    def __init__(self, context: BackendContext) -> None:
        super().__init__(context)
        self._deleted_datasets: list[str] = []  # ARNs this backend made and deleted since

    @operation("CreateDataset")
    def create_dataset(self, params: Params) -> Output:
        _check_dataset(params)
        dataset = self.create(Dataset, params, "", Dataset)
        if dataset.arn in self._deleted_datasets:
            self._deleted_datasets.remove(dataset.arn)
        return {"DatasetArn": dataset.arn}

    @operation("DescribeDataset")
    def describe_dataset(self, params: Params) -> Output:
        return self.describe_job(KIND, params)

    @operation("ListDatasets")
    def list_datasets(self, params: Params) -> Output:
        return self.list_jobs(KIND, params)

    @operation("DeleteDataset")
    def delete_dataset(self, params: Params) -> Output:
        self._now()
        arn = params["DatasetArn"]
        if self._job(KIND, arn) is not None and (job := self._newest_import(arn)) is not None:
            raise ResourceInUseException(
                f"Dataset {arn} is in use by dataset import job {job.arn}; delete its import jobs first"
            )
        self.delete_job(KIND, params)
        self._deleted_datasets.append(arn)
        return {}

    def known_dataset(self, arn: str) -> Dataset | None:
        """The dataset `arn` names if this backend made it, else None; one made and deleted
        (also while being deleted) is ResourceNotFoundException."""
        self._now()
        found = self._index(KIND).get(arn)
        if arn in self._deleted_datasets or (found is not None and found.deleted is not None):
            raise not_found(arn)
        return found if isinstance(found, Dataset) else None

    def _newest_import(self, dataset: str) -> ForecastJob | None:
        index = self._index(self.kinds["dataset-import-job"])
        return next((job for _, job in index.newest_first(None, dataset, _FLOOR)), None)


def _check_dataset(params: Params) -> None:
    """CreateDataset's documented rules beyond the shapes."""
    frequency = params.get("DataFrequency")
    if frequency is not None and not _is_frequency(frequency):
        raise InvalidInputException(
            f"DataFrequency {frequency} is not valid: an integer (1-59 min, 1-23 H, 1-6 D, 1-4 W, "
            "1-11 M, 1 Y) followed by its unit"
        )
    if frequency is None and params["DatasetType"] == "RELATED_TIME_SERIES":
        raise InvalidInputException("DataFrequency is required for RELATED_TIME_SERIES datasets")
    names = [a.get("AttributeName") for a in params["Schema"].get("Attributes", [])]
    if not names or any(name is None for name in names):
        raise InvalidInputException("The schema must name each of its attributes (AttributeName)")
    if (twice := next((n for n in names if names.count(n) > 1), None)) is not None:
        raise InvalidInputException(f"Attribute names must be unique in a schema; {twice} is given twice")
    role = (params.get("EncryptionConfig") or {}).get("RoleArn")
    if role is not None and ROLE_ARN.fullmatch(role) is None:
        raise InvalidInputException(f"encryptionConfig.roleArn {role} is not a valid IAM role ARN")


def _is_frequency(value: str) -> bool:
    found = _FREQUENCY.fullmatch(value)
    return found is not None and int(found["count"] or 1) <= _MOST[found["unit"]]
