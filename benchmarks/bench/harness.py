"""What every section shares: the run's size, clients, interleaved rounds, budgets, the report.

This is the one module of the benchmarks that imports an importmock internal (`paused` needs
the patch's activate/deactivate); when importmock's internals move, only this import changes.
"""

from __future__ import annotations

import contextlib
import gc
import operator
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import botocore.session
from botocore import xform_name

from importmock import ImportMock, mock_imports
from importmock.patching import registry

# Sessions made before `import moto` lack moto's global before-send handler, so the
# importmock, Stubber and bare-hook clients carry no trace of moto. No module of the
# benchmarks imports moto at its top, and run.py imports this one first.
CLEAN_SESSION = botocore.session.get_session()
REGION = "us-east-1"
ACCOUNT = "123456789012"  # sections 1 and 4 select accounts by 12-digit access key ids
SMALL_ACCOUNT, BIG_ACCOUNT = "111111111111", "222222222222"  # section 4's 1,000 and N jobs
SMALL = 1000  # jobs held at the small end of section 4's comparisons
PAGE = 25  # jobs per list page
Client = Any  # botocore's clients are generated classes
T = TypeVar("T")


@dataclass(frozen=True)
class Settings:
    """The size of a run: `--quick` is a smoke run, otherwise the figures the README quotes."""

    quick: bool

    def pick(self, quick: T, full: T) -> T:
        return quick if self.quick else full

    @property
    def rounds(self) -> int:
        return self.pick(5, 25)

    @property
    def page_rounds(self) -> int:
        """Section 4's rounds: at the full run's N, creating the jobs takes minutes per family."""
        return self.pick(5, 15)

    @property
    def big(self) -> int:
        """N, the jobs held per family in sections 4 and 5."""
        return self.pick(10_000, 100_000)


# -- clients and mocks -------------------------------------------------------------------------


def make_client(
    service: str,
    account: str = ACCOUNT,
    session: botocore.session.Session | None = None,
    endpoint_url: str | None = None,
) -> Client:
    """A client of the benchmark's one configuration.

    Pass moto's `session` for moto's clients, `endpoint_url` for a server's (section 6).
    """
    return (session or CLEAN_SESSION).create_client(
        service,
        region_name=REGION,
        endpoint_url=endpoint_url,
        aws_access_key_id=account,
        aws_secret_access_key="fake-secret",
    )


def job_mock() -> ImportMock:
    """The mock of sections 1, 4 and 5: jobs wait for `finish`, CloudTrail imports end at once.

    CloudTrail allows one import in progress per account and region, so a loop of StartImport
    needs each one to end; the other families' jobs staying in progress costs nothing.
    """
    return mock_imports(duration=None, durations={"cloudtrail:import": 0.0})


def bound(client: Client, operation: str, params: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    """A call of `operation` (as the API names it) with `params` through `client`."""
    method = getattr(client, xform_name(operation))
    return lambda: method(**params)


@contextlib.contextmanager
def paused(mock: ImportMock | None) -> Iterator[None]:
    """`mock` inactive for a while, its jobs kept, so that moto answers alone.

    With both active, moto's stubber hands importmock's own operations to importmock (its
    side-by-side rule), and moto's figures would be importmock's.
    """
    if mock is None:
        yield
        return
    registry.deactivate(mock)
    try:
        yield
    finally:
        registry.activate(mock)


# -- measuring ---------------------------------------------------------------------------------


@dataclass
class Variant:
    """One contender of a section: `call` is timed, `n` times a round (times `scale`)."""

    name: str
    call: Callable[[], object]
    scale: float = 1.0  # fraction of the round's iterations this (slower) variant runs
    prepare: Callable[[int], None] = lambda n: None  # untimed, before each round
    pause: ImportMock | None = None  # a mock to set aside while this variant runs (moto's)


def interleave(variants: Sequence[Variant], rounds: int, n: int, warm_up: bool = True) -> dict[str, float]:
    """Median over `rounds` of the mean ns per call; one untimed warm-up round first (unless not
    `warm_up`: section 7's rounds at its larger size, warmed by its smaller, take minutes).

    The variants take turns (A, B, C, A, B, C, ...), so a slowdown of the shared machine hits
    all of them alike, and the median drops the rounds a stall spoiled.
    """
    samples: dict[str, list[float]] = {v.name: [] for v in variants}
    gc.collect()
    gc.freeze()  # what exists now (modules, models, jobs) is never garbage: collections skip it
    try:
        for round_ in range(0 if warm_up else 1, rounds + 1):
            for v in variants:
                per_call = _timed(v, max(1, int(n * v.scale)))
                if round_:
                    samples[v.name].append(per_call)
    finally:
        gc.unfreeze()
    return {name: statistics.median(values) for name, values in samples.items()}


def _timed(variant: Variant, count: int) -> float:
    """Mean ns of `count` calls of `variant`, none paying for the garbage of the one before."""
    variant.prepare(count)
    with paused(variant.pause):
        gc.collect()
        start = time.perf_counter_ns()
        for _ in range(count):
            variant.call()
        elapsed = time.perf_counter_ns() - start
    return elapsed / count


# -- budgets and the report --------------------------------------------------------------------


@dataclass(frozen=True)
class Budget:
    """A figure's limit, as the report prints it (`label`) and checks it (`holds`)."""

    label: str
    compare: Callable[[float, float], bool]
    limit: float

    def holds(self, figure: float) -> bool:
        return self.compare(figure, self.limit)


# the budgets of benchmarks/README.md's table, one place for the label and the check
HOOK_RATIO = Budget("<= 1.25x hook", operator.le, 1.25)  # importmock per call / bare hook
MOTO_SPEEDUP = Budget(">= 1.8x faster", operator.ge, 1.8)  # moto per call / importmock
START_STOP_NS = Budget("< 0.5 ms", operator.lt, 0.5e6)
IMPORT_NS = Budget("< 30 ms", operator.lt, 30e6)
PAGE_RATIO = Budget("<= 1.3x", operator.le, 1.3)  # a page at N jobs / at 1,000
LINEAR_RATIO = Budget("<= 1.3x (linear)", operator.le, 1.3)  # per job listed, N / 1,000
BYTES_PER_JOB = Budget("< 1,536 B", operator.lt, 1536)
SERVER_SPEEDUP = Budget(">= 3x moto", operator.ge, 3)  # importmock req/s / moto's
FLOOR_RATIO = Budget("<= 1.25x floor", operator.le, 1.25)  # per item: import / BatchWriteItem, export / Scan
MOTO_IMPORT_SPEEDUP = Budget(">= 1x moto", operator.ge, 1.0)  # moto's import per item / importmock's
DATA_FILE_RATIO = Budget("<= 1 data file", operator.le, 1.0)  # peak held in a job / one data file's items


@dataclass(frozen=True)
class Row:
    """One line of the report's table; `ok` is None for figures shown for information."""

    what: str
    ours: str
    comparison: str
    ratio: str
    budget: str
    ok: bool | None


def row(
    what: str,
    ours: str,
    comparison: str,
    ratio: float | None = None,
    budget: Budget | None = None,
    figure: float | None = None,
) -> Row:
    """A report line; `budget` (none: "(info)") checks `figure`, by default the ratio."""
    checked = ratio if figure is None else figure
    ok = None if budget is None or checked is None else budget.holds(checked)
    shown = "-" if ratio is None else f"{ratio:.2f}x"
    return Row(what, ours, comparison, shown, "(info)" if budget is None else budget.label, ok)


def fmt(ns: float) -> str:
    return f"{ns / 1e6:.2f} ms" if ns >= 1e6 else f"{ns / 1e3:.1f} us"


def print_report(rows: Sequence[Row]) -> bool:
    """Prints the table of `rows` (columns as wide as their widest cell); True if all passed."""
    header = ("measurement", "importmock", "comparison", "ratio", "budget", "result")
    cells = [header] + [
        (r.what, r.ours, r.comparison, r.ratio, r.budget, {True: "PASS", False: "FAIL", None: ""}[r.ok])
        for r in rows
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(6)]
    print()
    for i, c in enumerate(cells):
        print(" | ".join(v.ljust(w) for v, w in zip(c, widths, strict=True)).rstrip())
        if i == 0:
            print("-+-".join("-" * w for w in widths))
    return all(r.ok is not False for r in rows)
