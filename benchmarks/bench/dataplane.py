"""Section 7: DynamoDB imports and exports doing their work on a data plane, items per second.

While moto's `mock_aws` is active, importmock's ImportTable reads its files from moto's S3 and
fills a new moto table, and ExportTableToPointInTime scans a moto table and writes its files to
moto's S3, both within the creating call (the mock's default duration, 0). At each size (N
items: 10,000 and 100,000; --quick: 1,000 and 10,000) the variants take turns, a job each (at
--quick's 1,000, two jobs each) a round:

- import: importmock's ImportTable of N items into a new table, from DYNAMODB_JSON data files,
  gzip, FILE_ITEMS items a file (as an export writes them);
- moto import: moto's own ImportTable of the same files, importmock set aside; moto imports in
  a thread it starts, so its time runs until that thread ends (joined: polling DescribeImport
  would take the GIL from it, and slowed it by a fifth) and DescribeImport says COMPLETED;
- BatchWriteItem, the floor of an import: the same N items, 25 a call, through a botocore
  client into a new table. importmock's import writes by the same calls to the same moto;
- export: importmock's ExportTableToPointInTime (DYNAMODB_JSON) of a table of the N items;
- Scan, the floor of an export: a paginated, consistent Scan of that table through a botocore
  client, which the export makes too.

Items are a key (`pk`, `sk`) and seven small attributes, about 200 bytes each by DynamoDB's
count. Each figure is the median over rounds of the time of a whole job, per item; the rounds
at the larger size have no warm-up round of their own (the smaller size's warmed everything).

Memory: tracemalloc's peak during one import and one export of N items (the run's largest N),
from its start just before the job, against the bytes one data file's items take as botocore
gives them (FILE_ITEMS items of a Scan answer, parsed: about 2.5 KB an item). There the data
plane is moto's server in another process (``python -m moto.server``, importmock's
``s3_endpoint_url``/``dynamodb_endpoint_url``), so that what moto holds (the table being
filled, the files being written) is not counted: the peak is importmock's work and its
botocore clients' only.
"""

from __future__ import annotations

import contextlib
import gc
import gzip
import json
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import botocore.parsers
import botocore.session
from botocore.exceptions import ClientError

from . import harness
from .harness import Client, Row, Settings, Variant, row

FILE_ITEMS = 10_000  # items per data file: what importmock's export writes, and the import reads
BUCKET = "bench-data"
BATCH = 25  # BatchWriteItem's limit
POLL = 0.002  # seconds between DescribeImport calls, should moto's import outlive its thread
KEYS: dict[str, Any] = {
    "AttributeDefinitions": [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "N"},
    ],
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    "BillingMode": "PAY_PER_REQUEST",
}
Item = dict[str, Any]
VARIANTS = ("import", "moto import", "BatchWriteItem", "export", "Scan")


def item(i: int) -> Item:
    """Item number `i`, as botocore takes it: about 200 bytes by DynamoDB's count."""
    return {
        "pk": {"S": f"customer#{i % 1000:05d}"},
        "sk": {"N": str(i)},
        "name": {"S": f"Customer number {i}"},
        "email": {"S": f"customer.{i}@example.com"},
        "created": {"S": f"2024-05-17T09:{i // 60 % 60:02d}:{i % 60:02d}Z"},
        "status": {"S": "ACTIVE" if i % 3 else "SUSPENDED"},
        "balance": {"N": f"{i * 7 % 100_000}.{i % 100:02d}"},
        "verified": {"BOOL": bool(i % 2)},
        "note": {"S": "x" * 60},
    }


class Size(NamedTuple):
    """A size of the jobs: its items, its rounds, and each variant's jobs in a round."""

    items: int
    rounds: int
    jobs: int = 1


def sizes(settings: Settings) -> tuple[Size, ...]:
    """Few rounds at the larger size, where a round takes a minute (--quick) or ten (full); at
    the smaller of --quick, a round's figure is the mean of a few jobs of a quarter second."""
    return settings.pick((Size(1_000, 3, 2), Size(10_000, 1)), (Size(10_000, 5), Size(100_000, 2)))


def measure(settings: Settings) -> dict[str, float]:
    """Keys "<variant> <N>": ns per item; "import bytes", "export bytes", "file bytes": memory."""
    print("7. the data plane: DynamoDB import and export throughput, memory ...", flush=True)
    from moto import mock_aws

    from importmock import mock_imports

    results: dict[str, float] = {}
    with mock_aws(), mock_imports() as mock:
        moto_session = botocore.session.get_session()  # made after `import moto`: moto's hook is in it
        world = World(
            ours=harness.make_client("dynamodb"),
            ddb=harness.make_client("dynamodb", session=moto_session),
            s3=harness.make_client("s3", session=moto_session),
        )
        world.s3.create_bucket(Bucket=BUCKET)
        for n, rounds, jobs in sizes(settings):
            started = time.perf_counter()
            variants = world.variants(n, mock)
            ns = harness.interleave(variants, rounds, jobs, warm_up=n == sizes(settings)[0].items)
            world.check(n)
            results |= {f"{name} {n}": per_job / n for name, per_job in ns.items()}
            shown = "  ".join(f"{name} {1e9 / results[f'{name} {n}']:,.0f}" for name in VARIANTS)
            print(f"  @{n:,} items/s: {shown} ({time.perf_counter() - started:.0f} s)", flush=True)
            world.drop(n)
    big = sizes(settings)[-1].items
    results |= memory(big)
    print(
        f"  @{big:,} peak held: import {results['import bytes'] / 1e6:.1f} MB, export "
        f"{results['export bytes'] / 1e6:.1f} MB; one data file's items {results['file bytes'] / 1e6:.1f} MB",
        flush=True,
    )
    return results


# -- the timed jobs, in process ----------------------------------------------------------------


@dataclass
class World:
    """importmock's DynamoDB client and moto's own clients, and what each round made."""

    ours: Client
    ddb: Client
    s3: Client
    made_tables: list[str] = field(default_factory=list)
    tables_named: int = 0
    imports: list[str] = field(default_factory=list)
    exports: list[str] = field(default_factory=list)

    def variants(self, n: int, mock: Any) -> list[Variant]:
        """The five variants at `n` items, after writing the source table and data files."""
        fill(self.ddb, create(self.ddb, f"source-{n}"), range(n))
        table_arn = backed_up(self.ddb, f"source-{n}")
        write_files(self.s3, f"source-{n}/", n)
        source = {"S3Bucket": BUCKET, "S3KeyPrefix": f"source-{n}/"}
        names: dict[str, list[str]] = {}  # the new tables of a variant's jobs in this round

        def new_tables(kind: str) -> Callable[[int], None]:
            def prepare(jobs: int) -> None:  # untimed: drops the tables of the round before
                self.drop_made()
                names[kind] = [f"{kind}-{n}-{self.tables_named + i}" for i in range(jobs)]
                self.tables_named += jobs
                self.made_tables += names[kind]

            return prepare

        def ours() -> None:
            parameters = {"TableName": names["import"].pop(), **KEYS}
            self.imports.append(
                self.ours.import_table(
                    S3BucketSource=source,
                    InputFormat="DYNAMODB_JSON",
                    InputCompressionType="GZIP",
                    TableCreationParameters=parameters,
                )["ImportTableDescription"]["ImportArn"]
            )

        def moto() -> None:
            before = set(threading.enumerate())
            arn = self.ddb.import_table(
                S3BucketSource=source,
                InputFormat="DYNAMODB_JSON",
                InputCompressionType="GZIP",
                TableCreationParameters={"TableName": names["moto"].pop(), **KEYS},
            )["ImportTableDescription"]["ImportArn"]
            for thread in set(threading.enumerate()) - before:  # moto's import's
                thread.join()
            while (done := self.ddb.describe_import(ImportArn=arn)["ImportTableDescription"])[
                "ImportStatus"
            ] == "IN_PROGRESS":
                time.sleep(POLL)  # not reached: the thread ended with the import
            if (done["ImportStatus"], done.get("ImportedItemCount")) != ("COMPLETED", n):
                raise RuntimeError(f"moto's import of {n:,} items ended {done}")

        def batch_write() -> None:
            table = create(self.ddb, names["written"].pop())
            fill(self.ddb, table, range(n))

        def export() -> None:
            self.exports.append(
                self.ours.export_table_to_point_in_time(
                    TableArn=table_arn, S3Bucket=BUCKET, S3Prefix=f"exports-{n}-{len(self.exports)}"
                )["ExportDescription"]["ExportArn"]
            )

        def scan() -> None:
            pages = self.ddb.get_paginator("scan").paginate(TableName=f"source-{n}", ConsistentRead=True)
            if (found := sum(len(page["Items"]) for page in pages)) != n:
                raise RuntimeError(f"a Scan of {n:,} items found {found:,}")

        return [
            Variant("import", ours, prepare=new_tables("import")),
            Variant("moto import", moto, prepare=new_tables("moto"), pause=mock),
            Variant("BatchWriteItem", batch_write, prepare=new_tables("written")),
            Variant("export", export),
            Variant("Scan", scan),
        ]

    def check(self, n: int) -> None:
        """Every import and export of `n` items completed with all of them."""
        for arn in self.imports:
            job = self.ours.describe_import(ImportArn=arn)["ImportTableDescription"]
            if (job["ImportStatus"], job.get("ImportedItemCount")) != ("COMPLETED", n):
                raise RuntimeError(f"importmock's import of {n:,} items ended {job}")
        for arn in self.exports:
            job = self.ours.describe_export(ExportArn=arn)["ExportDescription"]
            if (job["ExportStatus"], job.get("ItemCount")) != ("COMPLETED", n):
                raise RuntimeError(f"importmock's export of {n:,} items ended {job}")
        self.imports.clear()
        self.exports.clear()

    def drop_made(self) -> None:
        """Deletes the tables the rounds made (moto would hold every one of them)."""
        while self.made_tables:
            with contextlib.suppress(ClientError):  # a table whose import failed: none
                self.ddb.delete_table(TableName=self.made_tables.pop())

    def drop(self, n: int) -> None:
        """Deletes what size `n` made, so the next size starts with an empty moto."""
        self.drop_made()
        self.ddb.delete_table(TableName=f"source-{n}")
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
            for entry in page.get("Contents", []):
                self.s3.delete_object(Bucket=BUCKET, Key=entry["Key"])
        gc.collect()


def create(ddb: Client, name: str) -> str:
    """A new table `name` of the benchmark's keys; its name."""
    ddb.create_table(TableName=name, **KEYS)
    return name


def fill(ddb: Client, table: str, numbers: range) -> None:
    """Writes the items `numbers` by BatchWriteItem, 25 a call."""
    for start in range(numbers.start, numbers.stop, BATCH):
        batch = [{"PutRequest": {"Item": item(i)}} for i in range(start, min(start + BATCH, numbers.stop))]
        if ddb.batch_write_item(RequestItems={table: batch}).get("UnprocessedItems"):
            raise RuntimeError("BatchWriteItem left items unprocessed")


def data_lines(numbers: range) -> Iterator[bytes]:
    """The DYNAMODB_JSON lines of the items `numbers`, as an export writes them."""
    for i in numbers:
        yield json.dumps({"Item": item(i)}, separators=(",", ":")).encode() + b"\n"


def write_files(s3: Client, prefix: str, n: int) -> None:
    """`n` items in gzip DYNAMODB_JSON data files of FILE_ITEMS items under `prefix`."""
    for start in range(0, n, FILE_ITEMS):
        body = gzip.compress(b"".join(data_lines(range(start, min(start + FILE_ITEMS, n)))))
        s3.put_object(Bucket=BUCKET, Key=f"{prefix}{start // FILE_ITEMS:05d}.json.gz", Body=body)


# -- memory, against moto's server in another process ------------------------------------------


def memory(n: int) -> dict[str, float]:
    """tracemalloc's peak during an import and an export of `n` items; one data file's items.

    The import fills the table the export then reads. importmock answers every client while
    it is active, so the tables' point-in-time recovery is switched on between two mocks; the
    first job of each makes the data plane's clients and loads their models, outside the work.
    """
    from importmock import mock_imports

    held: dict[str, float] = {}
    with moto_server() as url:
        ddb = harness.make_client("dynamodb", endpoint_url=url)
        s3 = harness.make_client("s3", endpoint_url=url)
        s3.create_bucket(Bucket=BUCKET)
        for prefix, count in (("warm", BATCH), ("source", n)):
            write_files(s3, f"{prefix}/", count)
        with mock_imports(s3_endpoint_url=url, dynamodb_endpoint_url=url):
            ours = harness.make_client("dynamodb")
            import_peak(ours, "warm", BATCH)
            held["import bytes"] = import_peak(ours, "source", n)
        arns = {prefix: backed_up(ddb, f"{prefix}-copy") for prefix in ("warm", "source")}
        with mock_imports(s3_endpoint_url=url, dynamodb_endpoint_url=url):
            ours = harness.make_client("dynamodb")
            export_peak(ours, arns["warm"], BATCH)
            held["export bytes"] = export_peak(ours, arns["source"], n)
    return held | {"file bytes": file_items_bytes(min(n, FILE_ITEMS))}


def file_items_bytes(count: int) -> float:
    """The bytes `count` items take as botocore gives them: a Scan answer's items, parsed."""
    shape = harness.CLEAN_SESSION.get_service_model("dynamodb").operation_model("Scan").output_shape
    assert shape is not None
    body = json.dumps({"Items": [item(i) for i in range(count)], "Count": count}).encode()
    answer = {"body": body, "headers": {}, "status_code": 200}
    parsed = peak(lambda: botocore.parsers.create_parser("json").parse(answer, shape), kept=True)
    return float(parsed["peak"])


def backed_up(ddb: Client, table: str) -> str:
    """`table` with point-in-time recovery on, as an export needs it; its ARN."""
    ddb.update_continuous_backups(
        TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    arn: str = ddb.describe_table(TableName=table)["Table"]["TableArn"]
    return arn


def export_peak(ours: Client, table_arn: str, n: int) -> float:
    """The peak held while exporting the table of `n` items at `table_arn`."""
    export = peak(lambda: ours.export_table_to_point_in_time(TableArn=table_arn, S3Bucket=BUCKET))
    job = ours.describe_export(ExportArn=export["ExportDescription"]["ExportArn"])["ExportDescription"]
    _expect(job, "ExportStatus", "ItemCount", n)
    return float(export["peak"])


def import_peak(ours: Client, prefix: str, n: int) -> float:
    """The peak held while importing the `n` items of the data files under `prefix`."""
    imported = peak(
        lambda: ours.import_table(
            S3BucketSource={"S3Bucket": BUCKET, "S3KeyPrefix": f"{prefix}/"},
            InputFormat="DYNAMODB_JSON",
            InputCompressionType="GZIP",
            TableCreationParameters={"TableName": f"{prefix}-copy", **KEYS},
        )
    )
    job = ours.describe_import(ImportArn=imported["ImportTableDescription"]["ImportArn"])
    _expect(job["ImportTableDescription"], "ImportStatus", "ImportedItemCount", n)
    return float(imported["peak"])


def peak(job: Callable[[], dict[str, Any]], kept: bool = False) -> dict[str, Any]:
    """`job`'s answer, with "peak": tracemalloc's peak during it (or, `kept`, what it returned)."""
    gc.collect()
    tracemalloc.start()
    try:
        answer = job()
        current, highest = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return answer | {"peak": current if kept else highest}


def _expect(job: dict[str, Any], status: str, count: str, n: int) -> None:
    if (job[status], job.get(count)) != ("COMPLETED", n):
        raise RuntimeError(f"a job of {n:,} items against moto's server ended {job}")


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """moto's server in a process of its own on a free loopback port; its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("moto's server did not start")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


# -- the report --------------------------------------------------------------------------------


def rows(results: dict[str, float], settings: Settings) -> list[Row]:
    """Each size's import and export against their floors and moto's import; the memory."""
    lines = []
    for n, *_ in sizes(settings):
        per_item = {name: results[f"{name} {n}"] for name in VARIANTS}
        rate = {name: f"{1e9 / ns:,.0f} items/s" for name, ns in per_item.items()}
        ours_in, ours_out = f"ImportTable @{n:,} items", f"ExportTableToPointInTime @{n:,} items"
        lines += [
            row(
                ours_in,
                rate["import"],
                f"BatchWriteItem {rate['BatchWriteItem']}",
                per_item["import"] / per_item["BatchWriteItem"],
                harness.FLOOR_RATIO,
            ),
            row(
                ours_in,
                rate["import"],
                f"moto ImportTable {rate['moto import']}",
                per_item["moto import"] / per_item["import"],
                harness.MOTO_IMPORT_SPEEDUP,
            ),
            row(
                ours_out,
                rate["export"],
                f"Scan {rate['Scan']}",
                per_item["export"] / per_item["Scan"],
                harness.FLOOR_RATIO,
            ),
        ]
    big, one_file = sizes(settings)[-1].items, results["file bytes"]
    for kind in ("import", "export"):
        held = results[f"{kind} bytes"]
        lines.append(
            row(
                f"{kind} peak memory @{big:,} items",
                f"{held / 1e6:.1f} MB",
                f"one data file's items {one_file / 1e6:.1f} MB",
                held / one_file,
                harness.DATA_FILE_RATIO,
            )
        )
    return lines
