"""Forecast export jobs: Create/Describe/List/DeleteForecastExportJob."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar

from importmock.jobs.backend import operation
from importmock.services.forecast.exports import ExportFile, ExportJob, ExportJobs, export_family, quantiles
from importmock.services.forecast.jobs import ForecastJob, Kind
from importmock.types import Output, Params

KIND = Kind(
    "ForecastExportJob",
    export_family("forecast:forecast-export-job"),
    "forecast-export-job",
    "_forecast_export_jobs",
    "ForecastArn",
    "forecast export job",
    parent="ForecastArn",
    parent_resource="forecast",
    described=("ForecastArn", "Format"),
    defaults=MappingProxyType({"Format": "CSV"}),
)


@dataclass(slots=True)
class ForecastExportJob(ExportJob):
    KIND: ClassVar[Kind] = KIND
    CREATED_BY: ClassVar[str] = "CreateForecastExportJob"

    def files(self, stem: str) -> list[ExportFile]:
        # the forecast's quantiles per item and date; the values are invented
        rng = self.invented()
        rows = [[item, date, *quantiles(rng)] for item, date in self.series()]
        return [(f"{stem}_part0.csv", ["item_id", "date", "p10", "p50", "p90"], rows)]


class ForecastExportJobs(ExportJobs):
    """Forecast export jobs (the handlers; DatasetImportJobs holds them).

    ARNs are forecast-export-job/<forecast name>/<job name>. Forecasts are not modelled: every
    well-formed forecast ARN of the caller's partition, region and account names one. With a
    data plane, the job writes <name>_<ExportTimestamp>_part0.csv (item_id, date, p10, p50,
    p90) under its path as it succeeds: three items, four daily dates from the day after its
    creation, values invented (stable per ARN).
    """

    record: ClassVar[type[ForecastJob] | None] = ForecastExportJob

    @operation("CreateForecastExportJob")
    def create_forecast_export_job(self, params: Params) -> Output:
        return self.create_export(ForecastExportJob, params)

    @operation("DescribeForecastExportJob")
    def describe_forecast_export_job(self, params: Params) -> Output:
        return self.describe_job(KIND, params)

    @operation("ListForecastExportJobs")
    def list_forecast_export_jobs(self, params: Params) -> Output:
        return self.list_jobs(KIND, params)

    @operation("DeleteForecastExportJob")
    def delete_forecast_export_job(self, params: Params) -> Output:
        return self.delete_job(KIND, params)
