"""Section 4: list pages and whole traversals at 1,000 and at N jobs, and memory per job.

One list page (PAGE jobs) per paged family: DynamoDB ListImports, CloudTrail ListImports,
Forecast ListDatasetImportJobs, Q in Connect ListImportJobs (one knowledge base); the first
page, and a middle page reached through the pagination token, with 1,000 versus N jobs held in
one account and region (two accounts of one mock; a fresh mock per family). A page must cost
the same whatever the account holds, and a traversal must grow linearly. The jobs are created
through boto3 in a loop, and each family's creation throughput and bytes held per job are
reported. DynamoDB ListExports is left out: it pages through the same code as ListImports.
moto's ListExports at 1,000 exports is shown for scale (moto does not paginate it: every call
answers all 1,000; at N it would take seconds), measured in rounds of its own before the
families: importmock's jobs are made while moto's mock is inactive, without a data plane, so
that they are the job records this section measures (with moto active, each ImportTable also
asks moto's DescribeTable and each job holds its pending work: section 7 measures that world).
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from typing import Any

import botocore.session

from importmock import ImportMock

from . import harness
from .families import DYNAMODB_IMPORTS, PAGED, Family, export_table, moto_pitr_table
from .harness import Budget, Client, Row, Settings, Variant, fmt, row
from .memory import held_bytes, held_per_job

Results = dict[str, dict[str, float]]  # by the family's list name, and "moto"
Pager = Callable[..., Callable[[], dict[str, Any]]]  # (size, token=None) -> a call of that page


def measure(settings: Settings) -> Results:
    """Each paged family's figures by its list name; moto's bytes per export under "moto"."""
    print(f"4. one list page per family, 1,000 vs {settings.big:,} jobs ...", flush=True)
    from moto import mock_aws

    results: Results = {}
    with mock_aws():  # moto alone: while its mock is active, importmock's jobs would have a data plane
        moto_list, results["moto"] = _moto_exports()
        results["moto"] |= harness.interleave([moto_list], settings.page_rounds, settings.pick(100, 200))
    for family in PAGED:
        print(f"  {family.list_name} ...", flush=True)
        results[family.list_name] = family_pages(family, settings)
    return results


def _moto_exports() -> tuple[Variant, dict[str, float]]:
    """moto's ListExports over SMALL exports, and the bytes its backends hold per export."""
    moto_session = botocore.session.get_session()  # made after `import moto`: moto's hook is in it
    moto_client = harness.make_client("dynamodb", session=moto_session)
    table_arn = moto_pitr_table(moto_client)
    for _ in range(harness.SMALL):
        export_table(moto_client, table_arn)
    time.sleep(0.5)  # let moto's export threads end
    from moto.dynamodb.models import dynamodb_backends

    gc.collect()  # moto's bytes per export: its backends (one table and the exports) by export
    held = {"bytes/export": held_bytes([dynamodb_backends]) / harness.SMALL}

    def list_exports() -> object:  # unpaginated in moto: every call answers all SMALL exports
        return moto_client.list_exports(TableArn=table_arn, MaxResults=harness.PAGE)

    return Variant(f"moto {harness.SMALL}", list_exports, 0.05), held


def family_pages(family: Family, settings: Settings) -> dict[str, float]:
    """One family: ns per first and middle page at SMALL and N jobs.

    Keys "first <size>", "middle <size>", "traverse <size>" (ns per job), "create <size>"
    (jobs per second), "bytes/job".
    """
    accounts = {harness.SMALL: harness.SMALL_ACCOUNT, settings.big: harness.BIG_ACCOUNT}
    clients = {size: harness.make_client(family.service, account) for size, account in accounts.items()}
    with harness.job_mock() as mock:
        results = create_jobs(mock, family, clients, accounts)

        def page(size: int, token: str | None = None) -> Callable[[], dict[str, Any]]:
            args = family.list_args if token is None else family.list_args | {family.token: token}
            return harness.bound(clients[size], family.list_op, args)

        results |= traversals(page, family, harness.SMALL, settings.big)
        middle = {size: _middle_token(page, size, family) for size in clients}
        variants = [Variant(f"first {size}", page(size)) for size in clients]
        variants += [Variant(f"middle {size}", page(size, middle[size])) for size in clients]
        results |= harness.interleave(variants, settings.page_rounds, settings.pick(100, 200))
    return results


def _middle_token(page: Pager, size: int, family: Family) -> str:
    """The token of the page that starts half-way through `size` jobs."""
    response = page(size)()
    for _ in range(size // 2 // harness.PAGE - 1):
        response = page(size, response[family.token])()
    token: str = response[family.token]
    assert len(page(size, token)()[family.items]) == harness.PAGE
    return token


def create_jobs(
    mock: ImportMock, family: Family, clients: dict[int, Client], accounts: dict[int, str]
) -> dict[str, float]:
    """Creates each size's jobs: "create <size>" (jobs/s) and "bytes/job" the mock holds."""
    results: dict[str, float] = {}

    def create() -> int:
        for size, client in clients.items():
            make = family.creator(client, accounts[size])
            start = time.perf_counter_ns()
            for i in range(size):
                make(i)
            results[f"create {size}"] = rate = size / ((time.perf_counter_ns() - start) / 1e9)
            print(f"    created {size:,} jobs: {rate:,.0f} {family.create_op}/s", flush=True)
        return sum(clients)

    results["bytes/job"] = held_per_job(mock, create)
    print(f"    {results['bytes/job']:,.0f} bytes held per job", flush=True)
    return results


def traversals(page: Pager, family: Family, small: int, big: int, repeats: int = 3) -> dict[str, float]:
    """ "traverse <size>": ns per job of a whole listing at `small` and at `big` jobs.

    Each repeat times one traversal of `big` and, right after it, as many of `small` as take
    a quarter of that time, so both sizes are measured over the same stretch of the machine's
    time; the figures are the medians over repeats (a lone traversal of 1,000 jobs lasts a
    tenth of a second, and one stall of the machine would move it by half).
    """
    samples: dict[int, list[float]] = {small: [], big: []}
    for _ in range(repeats):
        samples[big].append(traverse(page, big, family))
        count = max(1, big // small // 4)
        samples[small].append(statistics.fmean(traverse(page, small, family) for _ in range(count)))
    return {f"traverse {size}": statistics.median(values) for size, values in samples.items()}


def traverse(page: Pager, size: int, family: Family) -> float:
    """ns per job of listing all `size` jobs, PAGE at a time (checks none is lost or repeated)."""
    seen: set[str] = set()
    start, token = time.perf_counter_ns(), None
    while True:
        response = page(size, token)()
        seen.update(str(sorted(item.items())) for item in response[family.items])
        token = response.get(family.token)
        if not token:
            break
    assert len(seen) == size, (family.list_name, len(seen), size)
    return (time.perf_counter_ns() - start) / size


def rows(results: Results, big: int) -> list[Row]:
    """Pages at N against 1,000; importmock's page against moto's; memory and traversal per job."""
    lines = []
    for family in PAGED:
        for kind in ("first", "middle"):
            what = f"{family.list_name} {kind} page @{big:,}"
            lines.append(_against_small(what, results[family.list_name], kind, big, harness.PAGE_RATIO))
    dynamodb = results[DYNAMODB_IMPORTS.list_name]
    ours, moto = dynamodb[f"first {harness.SMALL}"], results["moto"][f"moto {harness.SMALL}"]
    moto_page = f"moto ListExports (all 1,000) {fmt(moto)}"
    lines.append(row(f"{DYNAMODB_IMPORTS.list_name} page @1,000", fmt(ours), moto_page, moto / ours))
    for family in PAGED:
        figures = results[family.list_name]
        per_job, held = figures["bytes/job"], f"{figures['bytes/job']:,.0f} B"
        lines.append(
            row(f"{family.label} memory / job @{big:,}", held, "-", None, harness.BYTES_PER_JOB, per_job)
        )
        what = f"{family.list_name} traversal / job @{big:,}"
        lines.append(_against_small(what, figures, "traverse", big, harness.LINEAR_RATIO))
    return lines


def _against_small(what: str, figures: dict[str, float], kind: str, big: int, budget: Budget) -> Row:
    """`kind`'s figure at `big` jobs against the same at SMALL jobs."""
    ours, small = figures[f"{kind} {big}"], figures[f"{kind} {harness.SMALL}"]
    return row(what, fmt(ours), f"same @1,000 {fmt(small)}", ours / small, budget)


def creation_rows(results: Results, big: int) -> list[Row]:
    """Each family's creation throughput, for information (the report's last lines)."""
    lines = []
    for family in PAGED:
        rate = results[family.list_name][f"create {big}"]
        lines.append(row(f"{family.label} {family.create_op}", f"{rate:,.0f}/s", f"@{big:,} jobs"))
    return lines
