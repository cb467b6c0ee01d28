"""Forecast dataset groups: Create/Describe/List/Update/DeleteDatasetGroup (moto's, while its
mock is active in process)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import ClassVar

from importmock.dataplane import DataPlane
from importmock.errors import PassedOn
from importmock.jobs.backend import operation
from importmock.jobs.lifecycle import Progress
from importmock.jobs.pagination import Key
from importmock.services.forecast.checks import dataset_name
from importmock.services.forecast.datasets import Datasets
from importmock.services.forecast.errors import InvalidInputException, ResourceInUseException
from importmock.services.forecast.jobs import DATASET_IMPORT, ForecastJob, Kind
from importmock.types import Output, Params

KIND = Kind(
    "DatasetGroup",
    DATASET_IMPORT,
    "dataset-group",
    "_dataset_groups",
    "",
    "dataset group",
    parts=1,
    job=False,
    deletable=("ACTIVE", "CREATE_FAILED", "UPDATE_FAILED"),
)
SUMMARY = ("DatasetGroupArn", "DatasetGroupName", "CreationTime", "LastModificationTime")


@dataclass(slots=True)
class DatasetGroup(ForecastJob):
    id: str  # Forecast names dataset groups by ARN only
    arn: str
    key: Key
    name: str
    request: Params  # CreateDatasetGroup's; its DatasetArns are replaced in `dataset_arns`
    progress: Progress  # its creation
    tags: dict[str, str]
    deleted: datetime | None = None
    gone: datetime | None = None
    dataset_arns: list[str] = field(default_factory=list)
    updating: datetime | None = None  # when UpdateDatasetGroup was last called
    updated: datetime | None = None  # when that update ends
    KIND: ClassVar[Kind] = KIND
    CREATED_BY: ClassVar[str] = "CreateDatasetGroup"

    @property
    def filter_value(self) -> str:
        return ""

    def status(self, now: datetime) -> str:
        made = ForecastJob.status(self, now)
        if made != "ACTIVE" or self.updating is None or self.updated is None or now >= self.updated:
            return made
        return "UPDATE_PENDING" if now <= self.updating else "UPDATE_IN_PROGRESS"

    def last_modified(self, now: datetime, status: str) -> datetime | None:
        # DescribeDatasetGroup's LastModificationTime: created or last updated, now while updating
        if status.startswith("DELETE_"):
            return ForecastJob.last_modified(self, now, status)
        if status.startswith("UPDATE_"):
            return now
        return self.updated or self.progress.started

    def summarize(self, now: datetime) -> Output:
        return {member: value for member, value in self.describe(now).items() if member in SUMMARY}

    def describe(self, now: datetime) -> Output:
        status = self.status(now)
        return {
            "DatasetGroupName": self.name,
            "DatasetGroupArn": self.arn,
            "DatasetArns": list(self.dataset_arns),
            "Domain": self.request["Domain"],
            "Status": status,
            "CreationTime": self.progress.started,
            "LastModificationTime": self.last_modified(now, status),
        }


class DatasetGroups(Datasets):
    """Dataset groups (the handlers; DatasetImportJobs holds them).

    ARNs are dataset-group/<name>. Creation as a dataset's; UpdateDatasetGroup (an ACTIVE
    group only, else ResourceInUseException) shows UPDATE_PENDING at its instant, then
    UPDATE_IN_PROGRESS for the `forecast:dataset-import-job` duration, then ACTIVE. Delete
    takes ACTIVE, CREATE_FAILED or UPDATE_FAILED groups and leaves their datasets alone.
    DatasetArns are checked as imports check them: a dataset this mock made and deleted is not
    found, one of another Domain or a second one of the same DatasetType is refused; one it
    never made is accepted when well formed.

    While moto's `mock_aws` is active in process, moto answers all five operations (PassedOn),
    with its own rules: importmock takes none of moto's operations away. The server answers
    them itself, whatever its data plane.

    Differs from AWS: no quota on dataset groups; predictors are not modelled, so nothing
    keeps a group in use.
    """

    record: ClassVar[type[ForecastJob] | None] = DatasetGroup

    @operation("CreateDatasetGroup")
    def create_dataset_group(self, params: Params) -> Output:
        self._moto_answers("CreateDatasetGroup")
        arns = self._checked_datasets(params.get("DatasetArns", []), params["Domain"])
        group = self.create(DatasetGroup, params, "", DatasetGroup)
        group.dataset_arns = arns
        return {"DatasetGroupArn": group.arn}

    @operation("DescribeDatasetGroup")
    def describe_dataset_group(self, params: Params) -> Output:
        self._moto_answers("DescribeDatasetGroup")
        return self.describe_job(KIND, params)

    @operation("ListDatasetGroups")
    def list_dataset_groups(self, params: Params) -> Output:
        self._moto_answers("ListDatasetGroups")
        return self.list_jobs(KIND, params)

    @operation("UpdateDatasetGroup")
    def update_dataset_group(self, params: Params) -> Output:
        self._moto_answers("UpdateDatasetGroup")
        now = self._now()
        group = self._job(KIND, params["DatasetGroupArn"])
        assert isinstance(group, DatasetGroup)  # the kind's index holds nothing else
        if (status := group.status(now)) != "ACTIVE":
            raise ResourceInUseException(
                f"Dataset group {group.arn} is in status {status}; only an ACTIVE one can be updated"
            )
        arns = self._checked_datasets(params["DatasetArns"], group.request["Domain"])
        group.dataset_arns, group.updating = arns, now
        group.updated = now + timedelta(seconds=self.context.durations[KIND.family.key] or 0)
        return {}

    @operation("DeleteDatasetGroup")
    def delete_dataset_group(self, params: Params) -> Output:
        self._moto_answers("DeleteDatasetGroup")
        return self.delete_job(KIND, params)

    def _checked_datasets(self, arns: list[str], domain: str) -> list[str]:
        types: dict[str, str] = {}
        for arn in arns:
            dataset_name(arn, self.context)
            if (dataset := self.known_dataset(arn)) is None:
                continue
            if dataset.request["Domain"] != domain:
                raise InvalidInputException(
                    f"Dataset {arn} is of domain {dataset.request['Domain']}; the dataset group's is {domain}"
                )
            kind = dataset.request["DatasetType"]
            if kind in types and types[kind] != arn:
                raise InvalidInputException(
                    f"A dataset group takes one dataset of each type; {types[kind]} and {arn} are both {kind}"
                )
            types[kind] = arn
        return list(dict.fromkeys(arns))

    def _moto_answers(self, operation_name: str) -> None:
        """Hands the request to moto while its mock is active in process (moto has dataset groups)."""
        plane = self.context.dataplane
        if isinstance(plane, DataPlane) and not plane.upstream and plane.available():
            raise PassedOn(f"moto answers {operation_name} while its mock is active")
