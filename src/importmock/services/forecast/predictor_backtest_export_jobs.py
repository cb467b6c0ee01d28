"""Forecast predictor backtest export jobs: Create/Describe/List/DeletePredictorBacktestExportJob."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar

from importmock.jobs.backend import operation
from importmock.services.forecast.exports import ExportFile, ExportJob, ExportJobs, export_family, quantiles
from importmock.services.forecast.jobs import ForecastJob, Kind
from importmock.types import Output, Params

KIND = Kind(
    "PredictorBacktestExportJob",
    export_family("forecast:predictor-backtest-export-job"),
    "predictor-backtest-export-job",
    "_predictor_backtest_export_jobs",
    "PredictorArn",
    "predictor backtest export job",
    parent="PredictorArn",
    parent_resource="predictor",
    described=("PredictorArn", "Format"),
    defaults=MappingProxyType({"Format": "CSV"}),
)
FORECASTED = ["item_id", "timestamp", "target_value", "backtestwindow_start_time", "backtestwindow_end_time"]
WINDOW = ["item_id", "backtest_window", "backtestwindow_start_time", "backtestwindow_end_time"]
METRICS = ["wQL[0.1]", "wQL[0.5]", "wQL[0.9]", "Average wQL", "RMSE", "WAPE", "MAPE", "MASE"]


@dataclass(slots=True)
class PredictorBacktestExportJob(ExportJob):
    KIND: ClassVar[Kind] = KIND
    CREATED_BY: ClassVar[str] = "CreatePredictorBacktestExportJob"

    def files(self, stem: str) -> list[ExportFile]:
        # the two folders the developer guide names; one backtest window over the invented series
        rng, points = self.invented(), list(self.series())
        window = [points[0][1], points[-1][1]]
        forecasted = [
            [item, when, f"{rng.uniform(0, 60):.4f}", *window, *quantiles(rng)] for item, when in points
        ]
        metrics: list[list[str]] = []
        for item in dict.fromkeys(item for item, _ in points):
            losses = sorted(rng.uniform(0, 1) for _ in range(3))
            scores = [
                *losses,
                sum(losses) / 3,
                rng.uniform(0, 20),
                rng.uniform(0, 1),
                rng.uniform(0, 1),
                rng.uniform(0, 2),
            ]
            for label in ("Computed", "Summary"):  # a window's, then the average of every window
                metrics.append([item, label, *window, *(f"{score:.4f}" for score in scores)])
        return [
            (f"forecasted-values/{stem}_part0.csv", [*FORECASTED, "p10", "p50", "p90"], forecasted),
            (f"accuracy-metrics-values/{stem}_part0.csv", [*WINDOW, *METRICS], metrics),
        ]


class PredictorBacktestExportJobs(ExportJobs):
    """Predictor backtest export jobs (the handlers; DatasetImportJobs holds them).

    ARNs are predictor-backtest-export-job/<predictor name>/<job name>. Predictors are not
    modelled: every well-formed predictor ARN of the caller's partition, region and account
    names one. With a data plane, the job writes forecasted-values/ and
    accuracy-metrics-values/ files (<name>_<ExportTimestamp>_part0.csv, the columns AWS's
    exports have, with Forecast's default forecast types) as it succeeds: one backtest window
    over three items and four daily points, values invented (stable per ARN).
    """

    record: ClassVar[type[ForecastJob] | None] = PredictorBacktestExportJob

    @operation("CreatePredictorBacktestExportJob")
    def create_predictor_backtest_export_job(self, params: Params) -> Output:
        return self.create_export(PredictorBacktestExportJob, params)

    @operation("DescribePredictorBacktestExportJob")
    def describe_predictor_backtest_export_job(self, params: Params) -> Output:
        return self.describe_job(KIND, params)

    @operation("ListPredictorBacktestExportJobs")
    def list_predictor_backtest_export_jobs(self, params: Params) -> Output:
        return self.list_jobs(KIND, params)

    @operation("DeletePredictorBacktestExportJob")
    def delete_predictor_backtest_export_job(self, params: Params) -> Output:
        return self.delete_job(KIND, params)
