"""Forecast what-if forecast exports: Create/Describe/List/DeleteWhatIfForecastExport."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from importmock.jobs.backend import operation
from importmock.services.forecast.exports import ExportFile, ExportJob, ExportJobs, export_family, quantiles
from importmock.services.forecast.jobs import ForecastJob, Kind
from importmock.types import Output, Params

KIND = Kind(
    "WhatIfForecastExport",
    export_family("forecast:what-if-forecast-export"),
    "what-if-forecast-export",
    "_what_if_forecast_exports",
    "WhatIfForecastExportArn",
    "what-if forecast export",
    parts=1,
    parent="WhatIfForecastArns",
    parent_resource="what-if-forecast",
    summarized=("Destination", "WhatIfForecastArns"),
    described=("WhatIfForecastArns", "Format"),
    estimates=True,
)


@dataclass(slots=True)
class WhatIfForecastExport(ExportJob):
    KIND: ClassVar[Kind] = KIND
    CREATED_BY: ClassVar[str] = "CreateWhatIfForecastExport"

    @property
    def filter_value(self) -> str:
        return self.arn  # the documented filter key is the export's own ARN

    def files(self, stem: str) -> list[ExportFile]:
        # one part per what-if forecast, in the request's order; the values are invented
        rng, header = self.invented(), ["item_id", "date", "p10", "p50", "p90"]
        return [
            (
                f"{stem}_part{number}.csv",
                header,
                [[item, date, *quantiles(rng)] for item, date in self.series()],
            )
            for number, _ in enumerate(self.request["WhatIfForecastArns"])
        ]


class WhatIfForecastExports(ExportJobs):
    """What-if forecast exports (the handlers; DatasetImportJobs holds them).

    ARNs are what-if-forecast-export/<export name>: an export names several what-if
    forecasts. What-if forecasts are not modelled: every well-formed what-if forecast ARN of
    the caller's partition, region and account names one. With a data plane, the export
    writes <name>_<ExportTimestamp>_part<N>.csv per what-if forecast (item_id, date, p10, p50,
    p90) as it succeeds: three items, four daily dates, values invented (stable per ARN).
    """

    record: ClassVar[type[ForecastJob] | None] = WhatIfForecastExport

    @operation("CreateWhatIfForecastExport")
    def create_what_if_forecast_export(self, params: Params) -> Output:
        return self.create_export(WhatIfForecastExport, params)

    @operation("DescribeWhatIfForecastExport")
    def describe_what_if_forecast_export(self, params: Params) -> Output:
        return self.describe_job(KIND, params)

    @operation("ListWhatIfForecastExports")
    def list_what_if_forecast_exports(self, params: Params) -> Output:
        return self.list_jobs(KIND, params)

    @operation("DeleteWhatIfForecastExport")
    def delete_what_if_forecast_export(self, params: Params) -> Output:
        return self.delete_job(KIND, params)
