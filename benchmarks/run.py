"""importmock benchmarks: run by hand (``python benchmarks/run.py [--quick]``), never by pytest.

Each section runs its variants in interleaved rounds (A, B, C, A, B, C, ...) so drift of the
machine hits every variant alike; every figure is the median over rounds of the mean over
many iterations of one round (time.perf_counter_ns). All clients use one configuration:
region us-east-1, fake static credentials, botocore's defaults otherwise.

1. DescribeImport, per call, through a real botocore client (serialize, sign, send, parse):
   - importmock: the answer comes from importmock's patched URLLib3Session.send.
   - bare hook: a ``before-send.dynamodb.DescribeImport`` handler returning one prebuilt
     AWSResponse holding the very bytes and headers importmock answered. This is the floor
     for any mock that answers at botocore's HTTP layer: the client still builds, signs and
     parses the request and response, only the answering is free. importmock's overhead is
     what it spends above this (routing, validating the request, looking the job up,
     serializing and validating the response).
   - Stubber: botocore.stub.Stubber with the same parsed response; it short-circuits at
     before-call (no serialization, signing or parsing), so it is below the floor; shown
     for scale only.
   - moto (mock_aws): moto 5.2 implements ImportTable/DescribeImport (not ListImports), so
     its own DescribeImport is the comparison; its DescribeExport (export of a PITR-enabled
     table) is shown as well. moto's answers are smaller (fewer members) than importmock's.
2. ``with mock_imports(): pass`` versus ``with mock_aws(): pass``: construction, start and
   stop of a mock, as paid by each decorated test.
3. ``import importmock`` (and ``import moto``) over ``import botocore.session``: wall time of
   fresh interpreters running ``python -c``, each timing (perf_counter_ns) the extra import
   after ``import botocore.session``, all from bytecode (.pyc) as after a normal install.
   The median process wall time minus the baseline's is printed as a noisier cross-check,
   and importmock's cost when its sources must be compiled (PYTHONDONTWRITEBYTECODE=1 with
   an editable install keeps no .pyc) as information.
4. One ListImports page (PageSize=25): the first page, and a middle page reached through
   NextToken, with 1,000 versus N imports held in one account/region (two accounts of the
   same mock). The imports are created through boto3/botocore ImportTable in a loop and the
   creation throughput is reported. moto's ListExports at 1,000 exports is shown for scale
   (moto does not paginate it: every call answers all 1,000; at N it would take seconds).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import botocore
import botocore.session
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber

import importmock
from importmock import mock_imports

# Sessions made before `import moto` lack moto's global before-send handler, so the
# importmock, Stubber and bare-hook clients carry no trace of moto.
CLEAN_SESSION = botocore.session.get_session()
REGION = "us-east-1"
Client = Any  # botocore's clients are generated classes


@dataclass
class Variant:
    name: str
    call: Callable[[], object]
    scale: float = 1.0  # fraction of the round's iterations this (slower) variant runs
    prepare: Callable[[int], None] = lambda n: None  # untimed, before each round


def make_client(session: botocore.session.Session | None = None, key: str = "AKIDBENCHMARK") -> Client:
    return (session or CLEAN_SESSION).create_client(
        "dynamodb", region_name=REGION, aws_access_key_id=key, aws_secret_access_key="fake-secret"
    )


def import_table(client: Client, name: str) -> dict[str, Any]:
    return client.import_table(  # type: ignore[no-any-return]
        S3BucketSource={"S3Bucket": "benchmark-bucket"},
        InputFormat="DYNAMODB_JSON",
        TableCreationParameters={
            "TableName": name,
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )["ImportTableDescription"]


def moto_pitr_table(client: Client) -> str:
    """A table with point-in-time recovery (exports need it) in moto; returns its ARN."""
    arn: str = client.create_table(
        TableName="bench-export",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )["TableDescription"]["TableArn"]
    client.update_continuous_backups(
        TableName="bench-export", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    return arn


def export_table(client: Client, table_arn: str) -> str:
    return client.export_table_to_point_in_time(  # type: ignore[no-any-return]
        TableArn=table_arn, S3Bucket="benchmark-bucket", S3Prefix="exports"
    )["ExportDescription"]["ExportArn"]


def interleave(variants: list[Variant], rounds: int, n: int) -> dict[str, float]:
    """Median over `rounds` of the mean ns per call; one untimed warm-up round first."""
    samples: dict[str, list[float]] = {v.name: [] for v in variants}
    for round_ in range(rounds + 1):
        for v in variants:
            count = max(1, int(n * v.scale))
            v.prepare(count)
            gc.collect()
            start = time.perf_counter_ns()
            for _ in range(count):
                v.call()
            if round_:
                samples[v.name].append((time.perf_counter_ns() - start) / count)
    return {name: statistics.median(values) for name, values in samples.items()}


class _Raw:
    """The raw body of the bare hook's prebuilt response."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.data


def bench_describe(rounds: int, n: int) -> dict[str, float]:
    from moto import mock_aws

    im, stubbed, hooked = make_client(), make_client(), make_client()
    moto_client = make_client(botocore.session.get_session())  # made after `import moto`
    with mock_imports(duration=None), mock_aws():
        arn = import_table(im, "bench-describe")["ImportArn"]
        seen: dict[str, Any] = {}
        im.meta.events.register(
            "response-received.dynamodb.DescribeImport",
            lambda response_dict, parsed_response, **_: seen.update(r=response_dict, p=parsed_response),
        )
        im.describe_import(ImportArn=arn)
        canned = {k: v for k, v in seen["p"].items() if k != "ResponseMetadata"}
        prebuilt = AWSResponse(
            "https://dynamodb.us-east-1.amazonaws.com/", 200, seen["r"]["headers"], _Raw(seen["r"]["body"])
        )
        hooked.meta.events.register("before-send.dynamodb.DescribeImport", lambda **_: prebuilt)
        stubber = Stubber(stubbed)
        stubber.activate()

        def load_stubber(count: int) -> None:
            for _ in range(count):
                stubber.add_response("describe_import", canned)

        moto_import = import_table(moto_client, "bench-describe")["ImportArn"]
        table_arn = moto_pitr_table(moto_client)
        moto_export = export_table(moto_client, table_arn)
        time.sleep(0.2)  # moto runs imports and exports in threads; let them settle
        return interleave(
            [
                Variant("importmock", lambda: im.describe_import(ImportArn=arn)),
                Variant(
                    "moto DescribeImport", lambda: moto_client.describe_import(ImportArn=moto_import), 0.5
                ),
                Variant(
                    "moto DescribeExport", lambda: moto_client.describe_export(ExportArn=moto_export), 0.5
                ),
                Variant("Stubber", lambda: stubbed.describe_import(ImportArn=arn), prepare=load_stubber),
                Variant("bare hook", lambda: hooked.describe_import(ImportArn=arn)),
            ],
            rounds,
            n,
        )


def bench_start_stop(rounds: int, n: int) -> dict[str, float]:
    from moto import mock_aws

    def importmock_cycle() -> None:
        with mock_imports():
            pass

    def moto_cycle() -> None:
        with mock_aws():
            pass

    return interleave([Variant("importmock", importmock_cycle), Variant("moto", moto_cycle, 0.05)], rounds, n)


def bench_import(rounds: int) -> dict[str, float]:
    """ns of wall time per fresh interpreter, and ns of the extra import measured inside it.

    Children write and read bytecode under one private pycache_prefix (the discarded first
    round fills it), so every package is imported from .pyc as after a normal install, even
    where PYTHONDONTWRITEBYTECODE is set; "importmock, no pyc" runs in the caller's
    environment, compiling importmock's sources when no bytecode can be kept.
    """
    cached_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    prefix = ["-X", f"pycache_prefix={os.path.join(tempfile.gettempdir(), 'importmock-bench-pycache')}"]
    extra = {
        "baseline": "pass",
        "importmock": "import importmock",
        "moto": "import moto",
        "importmock, no pyc": "import importmock",
    }
    wall: dict[str, list[int]] = {k: [] for k in extra}
    inside: dict[str, list[int]] = {k: [] for k in extra}
    for round_ in range(rounds + 1):
        for name, statement in extra.items():
            code = (
                "import time, botocore.session; t = time.perf_counter_ns(); "
                f"{statement}; print(time.perf_counter_ns() - t)"
            )
            cached = name != "importmock, no pyc"
            start = time.perf_counter_ns()
            out = subprocess.run(
                [sys.executable, *(prefix if cached else []), "-c", code],
                check=True,
                capture_output=True,
                text=True,
                env=cached_env if cached else None,
            )
            if round_:
                wall[name].append(time.perf_counter_ns() - start)
                inside[name].append(int(out.stdout))
    base = statistics.median(wall["baseline"])
    result = {f"{k} wall": statistics.median(v) - base for k, v in wall.items() if k != "baseline"}
    result |= {f"{k} inside": statistics.median(v) for k, v in inside.items() if k != "baseline"}
    result["baseline wall"] = base
    return result


def bench_list(rounds: int, n: int, small: int, big: int) -> dict[str, float]:
    from moto import mock_aws

    accounts = {small: make_client(key="111111111111"), big: make_client(key="222222222222")}
    moto_client = make_client(botocore.session.get_session())
    results: dict[str, float] = {}
    with mock_imports(), mock_aws():
        for size, client in accounts.items():
            start = time.perf_counter_ns()
            for i in range(size):
                import_table(client, f"bench-{i:07d}")
            results[f"create {size}"] = size / ((time.perf_counter_ns() - start) / 1e9)
            print(f"  created {size:,} imports: {results[f'create {size}']:,.0f} ImportTable/s", flush=True)
        middle: dict[int, str] = {}
        for size, client in accounts.items():  # walk to the page that starts half-way
            page = client.list_imports(PageSize=25)
            for _ in range(size // 2 // 25 - 1):
                page = client.list_imports(PageSize=25, NextToken=page["NextToken"])
            middle[size] = page["NextToken"]
            assert len(client.list_imports(PageSize=25, NextToken=middle[size])["ImportSummaryList"]) == 25
        table_arn = moto_pitr_table(moto_client)
        for _ in range(small):
            export_table(moto_client, table_arn)
        time.sleep(0.5)  # let moto's export threads end

        def first(size: int) -> Callable[[], object]:
            return lambda: accounts[size].list_imports(PageSize=25)

        def mid(size: int) -> Callable[[], object]:
            return lambda: accounts[size].list_imports(PageSize=25, NextToken=middle[size])

        results |= interleave(
            [
                Variant(f"first {small}", first(small)),
                Variant(f"first {big}", first(big)),
                Variant(f"middle {small}", mid(small)),
                Variant(f"middle {big}", mid(big)),
                Variant(
                    f"moto {small}", lambda: moto_client.list_exports(TableArn=table_arn, MaxResults=25), 0.05
                ),
            ],
            rounds,
            n,
        )
    return results


def fmt(ns: float) -> str:
    return f"{ns / 1e6:.2f} ms" if ns >= 1e6 else f"{ns / 1e3:.1f} us"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few rounds and N=10,000: a smoke run")
    quick = parser.parse_args().quick
    rounds, big = (5, 10_000) if quick else (25, 100_000)
    started = time.perf_counter()
    import moto

    print(
        f"Python {platform.python_version()} | botocore {botocore.__version__} | "
        f"moto {moto.__version__} | importmock {importmock.__version__} | "
        f"{'quick' if quick else 'full'} run: {rounds} rounds, N={big:,}",
        flush=True,
    )
    print("1. DescribeImport per call ...", flush=True)
    d = bench_describe(rounds, 100 if quick else 400)
    for name, ns in d.items():
        print(f"  {name:<22}{fmt(ns):>12}")
    print("2. start+stop ...", flush=True)
    s = bench_start_stop(rounds, 100 if quick else 400)
    print("3. import cost (fresh interpreters) ...", flush=True)
    imp = bench_import(rounds if quick else 40)
    print(
        f"  process wall time minus baseline ({fmt(imp['baseline wall'])}): importmock "
        f"{fmt(imp['importmock wall'])}, moto {fmt(imp['moto wall'])} (cross-check; noisier)"
    )
    print(f"4. ListImports page, 1,000 vs {big:,} imports ...", flush=True)
    lst = bench_list(rounds, 100 if quick else 300, 1000, big)

    rows: list[tuple[str, str, str, str, str, bool | None]] = []

    def row(
        what: str,
        ours: float,
        other_name: str,
        other: float | None,
        ratio: float | None,
        budget: str,
        ok: bool | None,
    ) -> None:
        rows.append(
            (
                what,
                fmt(ours),
                f"{other_name} {fmt(other)}" if other is not None else other_name,
                f"{ratio:.2f}x" if ratio is not None else "-",
                budget,
                ok,
            )
        )

    im_call = d["importmock"]
    row(
        "DescribeImport / call",
        im_call,
        "bare hook",
        d["bare hook"],
        im_call / d["bare hook"],
        "<= 1.25x hook",
        im_call / d["bare hook"] <= 1.25,
    )
    speedup = d["moto DescribeImport"] / im_call
    row(
        "DescribeImport / call",
        im_call,
        "moto DescribeImport",
        d["moto DescribeImport"],
        speedup,
        ">= 1.8x faster",
        speedup >= 1.8,
    )
    row(
        "DescribeImport / call",
        im_call,
        "moto DescribeExport",
        d["moto DescribeExport"],
        d["moto DescribeExport"] / im_call,
        "(info)",
        None,
    )
    row("DescribeImport / call", im_call, "Stubber", d["Stubber"], im_call / d["Stubber"], "(info)", None)
    row(
        "with mock(): pass",
        s["importmock"],
        "moto mock_aws",
        s["moto"],
        s["moto"] / s["importmock"],
        "< 0.5 ms",
        s["importmock"] < 0.5e6,
    )
    im_import = imp["importmock inside"]
    row(
        "import cost over botocore",
        im_import,
        "import moto",
        imp["moto inside"],
        imp["moto inside"] / im_import,
        "< 30 ms",
        im_import < 30e6,
    )
    row(
        "import cost, no .pyc",
        imp["importmock, no pyc inside"],
        "(sources compiled)",
        None,
        None,
        "(info)",
        None,
    )
    for kind in ("first", "middle"):
        ratio = lst[f"{kind} {big}"] / lst[f"{kind} 1000"]
        row(
            f"ListImports {kind} page @{big:,}",
            lst[f"{kind} {big}"],
            "same @1,000",
            lst[f"{kind} 1000"],
            ratio,
            "<= 1.3x",
            ratio <= 1.3,
        )
    row(
        "ListImports page @1,000",
        lst["first 1000"],
        "moto ListExports (all 1,000)",
        lst["moto 1000"],
        lst["moto 1000"] / lst["first 1000"],
        "(info)",
        None,
    )
    rows.append(
        ("ImportTable creation", f"{lst[f'create {big}']:,.0f}/s", f"@{big:,} imports", "-", "(info)", None)
    )

    header = ("measurement", "importmock", "comparison", "ratio", "budget", "result")
    cells = [header] + [(*r[:5], {True: "PASS", False: "FAIL", None: ""}[r[5]]) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(6)]
    print()
    for i, c in enumerate(cells):
        print(" | ".join(v.ljust(w) for v, w in zip(c, widths, strict=True)).rstrip())
        if i == 0:
            print("-+-".join("-" * w for w in widths))
    print(
        f"\nmoto ListExports at {big:,} skipped: unpaginated, known to take seconds. "
        f"moto answers DescribeImport itself (FAILED import: no S3 bucket), with fewer members."
    )
    print(
        f"ratios: vs hook/Stubber = importmock / other (lower is better); vs moto = moto / importmock "
        f"(times faster). Total run time {time.perf_counter() - started:.0f} s."
    )
    sys.exit(0 if all(r[5] is not False for r in rows) else 1)


if __name__ == "__main__":
    main()
