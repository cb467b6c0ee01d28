"""Forecast explainability exports: Create/Describe/List/DeleteExplainabilityExport."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import ClassVar

from importmock.jobs.backend import operation
from importmock.services.forecast.exports import ExportFile, ExportJob, ExportJobs, export_family
from importmock.services.forecast.jobs import ForecastJob, Kind
from importmock.types import Output, Params

KIND = Kind(
    "ExplainabilityExport",
    export_family("forecast:explainability-export"),
    "explainability-export",
    "_explainability_exports",
    "ResourceArn",
    "explainability export",
    parent="ExplainabilityArn",
    parent_resource="explainability",
    described=("ExplainabilityArn", "Format"),
)
ATTRIBUTES = ("price", "promotion")  # invented: the mock knows no predictor's attributes
AGGREGATE = "Aggregate"


@dataclass(slots=True)
class ExplainabilityExport(ExportJob):
    KIND: ClassVar[Kind] = KIND
    CREATED_BY: ClassVar[str] = "CreateExplainabilityExport"

    def files(self, stem: str) -> list[ExportFile]:
        # raw and normalized impact scores per time series and point, then the aggregated
        # (normalized) scores of each series and of them all, as the developer guide describes
        rng = self.invented()
        header = ["item_id", "timestamp"]
        for attribute in ATTRIBUTES:
            header += [f"{attribute}-RawImpactScore", f"{attribute}-NormalizedImpactScore"]
        rows = [[item, when, *self._scores(rng, raw=True)] for item, when in self.series()]
        items = list(dict.fromkeys(row[0] for row in rows))
        rows += [[item, AGGREGATE, *self._scores(rng, raw=False)] for item in [*items, AGGREGATE]]
        return [(f"{stem}_part0.csv", header, rows)]

    def _scores(self, rng: random.Random, *, raw: bool) -> list[str]:
        scores: list[str] = []
        for _ in ATTRIBUTES:
            normalized = rng.uniform(-1, 1)
            scores += [f"{normalized * rng.uniform(1, 5):.4f}" if raw else "", f"{normalized:.4f}"]
        return scores


class ExplainabilityExports(ExportJobs):
    """Explainability exports (the handlers; DatasetImportJobs holds them).

    ARNs are explainability-export/<explainability name>/<export name>; the filter key
    ResourceArn compares the ExplainabilityArn. Explainabilities are not modelled: every
    well-formed explainability ARN of the caller's partition, region and account names one.
    With a data plane, the export writes <name>_<ExportTimestamp>_part0.csv as it succeeds:
    item_id, timestamp and each attribute's -RawImpactScore and -NormalizedImpactScore, for
    three items and four daily points, then Aggregate rows; the attributes (price,
    promotion) and the scores are invented (stable per ARN).
    """

    record: ClassVar[type[ForecastJob] | None] = ExplainabilityExport

    @operation("CreateExplainabilityExport")
    def create_explainability_export(self, params: Params) -> Output:
        return self.create_export(ExplainabilityExport, params)

    @operation("DescribeExplainabilityExport")
    def describe_explainability_export(self, params: Params) -> Output:
        return self.describe_job(KIND, params)

    @operation("ListExplainabilityExports")
    def list_explainability_exports(self, params: Params) -> Output:
        return self.list_jobs(KIND, params)

    @operation("DeleteExplainabilityExport")
    def delete_explainability_export(self, params: Params) -> Output:
        return self.delete_job(KIND, params)
