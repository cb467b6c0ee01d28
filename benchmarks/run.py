"""importmock benchmarks: run by hand (``python benchmarks/run.py [--quick]``), never by pytest.

This file only runs the sections in order and prints the report; each section is a module of
the `bench` package, and what they share (interleaved rounds and their medians, clients,
budgets, the report's table) is `bench/harness.py`, the job families `bench/families.py`:

1. bench/calls.py: a describe and a list call per family, per call, against a bare
   ``before-send`` hook (the floor of any mock at botocore's HTTP layer), moto and the Stubber.
2. bench/start_stop.py: ``with mock_imports(): pass`` against ``with mock_aws(): pass``.
3. bench/import_cost.py: ``import importmock`` over ``import botocore.session``, fresh interpreters.
4. bench/pages.py: list pages and traversals at 1,000 and N jobs; memory per job, creation rate.
5. bench/exports.py: memory per DynamoDB export at N exports.
6. bench/servers.py: the server against ThreadedMotoServer and the floor, over loopback.
7. bench/dataplane.py: DynamoDB import and export throughput on moto's data plane, against
   BatchWriteItem and Scan (the floor) and moto's own import; peak memory against a data file.

Each section runs its variants in interleaved rounds (A, B, C, A, B, C, ...) so drift of the
machine hits every variant alike; every figure is the median over rounds of the mean over
many iterations of one round (time.perf_counter_ns). All clients use one configuration:
region us-east-1, fake static credentials, botocore's defaults otherwise. The exit status is
1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time

import botocore
from bench import calls, dataplane, exports, import_cost, pages, servers, start_stop
from bench.harness import Row, Settings, print_report

import importmock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few rounds and N=10,000: a smoke run")
    settings = Settings(quick=parser.parse_args().quick)
    started = time.perf_counter()
    import moto  # after bench.harness made its clean botocore session

    print(
        f"Python {platform.python_version()} | botocore {botocore.__version__} | "
        f"moto {moto.__version__} | importmock {importmock.__version__} | "
        f"{'quick' if settings.quick else 'full'} run: {settings.rounds} rounds "
        f"({settings.page_rounds} in section 4), N={settings.big:,}",
        flush=True,
    )
    passed = print_report(run_sections(settings))
    print(
        f"\nmoto has no CloudTrail Lake imports, Forecast dataset import jobs or Q in Connect, nor "
        f"DynamoDB ListImports: it is compared for DynamoDB only. moto ListExports at {settings.big:,} "
        f"skipped: unpaginated, known to take seconds. moto answers DescribeImport itself (FAILED "
        f"import: no S3 bucket), with fewer members."
    )
    print(
        f"ratios: vs hook/Stubber = importmock / other (lower is better); vs moto = moto / importmock "
        f"(times faster). Total run time {time.perf_counter() - started:.0f} s."
    )
    sys.exit(0 if passed else 1)


def run_sections(settings: Settings) -> list[Row]:
    """Measures sections 1 to 7 in order; their report lines, creation rates last."""
    per_call = calls.measure(settings)
    cycle = start_stop.measure(settings)
    imported = import_cost.measure(settings)
    paged = pages.measure(settings)
    per_export = exports.measure(settings)
    served = servers.measure(settings)
    data_plane = dataplane.measure(settings)
    big = settings.big
    return [
        *calls.rows(per_call),
        *start_stop.rows(cycle),
        *import_cost.rows(imported),
        *pages.rows(paged, big),
        *exports.rows(per_export, paged["moto"]["bytes/export"], big),
        *servers.rows(served),
        *dataplane.rows(data_plane, settings),
        *pages.creation_rows(paged, big),
    ]


if __name__ == "__main__":
    main()
