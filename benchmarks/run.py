"""importmock benchmarks: run by hand (``python benchmarks/run.py [--quick]``), never by pytest.

Each section runs its variants in interleaved rounds (A, B, C, A, B, C, ...) so drift of the
machine hits every variant alike; every figure is the median over rounds of the mean over
many iterations of one round (time.perf_counter_ns). All clients use one configuration:
region us-east-1, fake static credentials, botocore's defaults otherwise.

Sections 1 and 4 are driven by one table, FAMILIES: how each job family's jobs are created,
described and listed through boto3 (DynamoDB imports and exports, CloudTrail Lake imports,
Forecast dataset import jobs, Q in Connect import jobs). Their jobs wait for ``mock.finish``
(duration=None), except CloudTrail's, which complete at once (one CloudTrail import may be in
progress per account and region, so a loop of StartImport needs each to end).

1. One describe call and one list call per family, per call, through a real botocore client
   (serialize, sign, send, parse): DynamoDB DescribeImport and ListImports, DescribeExport and
   ListExports, CloudTrail GetImport and ListImports, Forecast DescribeDatasetImportJob and
   ListDatasetImportJobs, Q in Connect GetImportJob and ListImportJobs. Each family holds a
   handful (HANDFUL) of jobs, so each list call answers one page holding all of them.
   - importmock: the answer comes from importmock's patched URLLib3Session.send.
   - bare hook: a ``before-send.<service>.<Operation>`` handler returning one prebuilt
     AWSResponse holding the very status, bytes and headers importmock answered. This is the
     floor for any mock that answers at botocore's HTTP layer: the client still builds, signs
     and parses the request and response, only the answering is free. importmock's overhead
     is what it spends above this (routing, validating the request, looking the jobs up,
     serializing and validating the response).
   - Stubber (DescribeImport only): botocore.stub.Stubber with the same parsed response; it
     short-circuits at before-call (no serialization, signing or parsing), so it is below the
     floor; shown for scale only.
   - moto (mock_aws), DynamoDB only: moto 5.2 implements ImportTable/DescribeImport (not
     ListImports) and ExportTableToPointInTime/DescribeExport/ListExports (exports of a
     PITR-enabled table), but no CloudTrail Lake imports, no Forecast dataset import jobs
     (only dataset groups) and nothing of Q in Connect. Its DescribeImport and DescribeExport
     are compared with importmock's; its ListExports over the same handful of exports is
     shown for scale. moto's answers are smaller (fewer members) than importmock's.
2. ``with mock_imports(): pass`` versus ``with mock_aws(): pass``: construction, start and
   stop of a mock, as paid by each decorated test.
3. ``import importmock`` (and ``import moto``) over ``import botocore.session``: wall time of
   fresh interpreters running ``python -c``, each timing (perf_counter_ns) the extra import
   after ``import botocore.session``, all from bytecode (.pyc) as after a normal install.
   The median process wall time minus the baseline's is printed as a noisier cross-check,
   and importmock's cost when its sources must be compiled (PYTHONDONTWRITEBYTECODE=1 with
   an editable install keeps no .pyc) as information.
4. One list page (PAGE jobs) per family: DynamoDB ListImports, CloudTrail ListImports,
   Forecast ListDatasetImportJobs, Q in Connect ListImportJobs (one knowledge base); the
   first page, and a middle page reached through the pagination token, with 1,000 versus N
   jobs held in one account/region (two accounts of one mock; a fresh mock per family). The
   jobs are created through boto3 in a loop and each family's creation throughput is
   reported. DynamoDB ListExports is left out: it pages through the same code as ListImports
   (TableJobs.page). moto's ListExports at 1,000 exports is shown for scale (moto does not
   paginate it: every call answers all 1,000; at N it would take seconds).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import botocore
import botocore.session
from botocore import xform_name
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber

import importmock
from importmock import ImportMock, mock_imports
from importmock.core import intercept

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # benchmarks/ run as a script
from memory import held_bytes  # noqa: E402

# Sessions made before `import moto` lack moto's global before-send handler, so the
# importmock, Stubber and bare-hook clients carry no trace of moto.
CLEAN_SESSION = botocore.session.get_session()
REGION = "us-east-1"
ACCOUNT = "123456789012"  # sections 1 and 4 select accounts by 12-digit access key ids
SMALL_ACCOUNT, BIG_ACCOUNT = "111111111111", "222222222222"  # section 4's 1,000 and N jobs
KNOWLEDGE_BASE = "0b1c2d3e-4f50-4617-8899-aabbccddeeff"  # Q in Connect: any UUID names one
PAGE = 25  # jobs per list page
HANDFUL = 5  # jobs per family in section 1
Client = Any  # botocore's clients are generated classes
Creator = Callable[[int], str]  # job number -> the new job's ARN or id


@dataclass
class Variant:
    name: str
    call: Callable[[], object]
    scale: float = 1.0  # fraction of the round's iterations this (slower) variant runs
    prepare: Callable[[int], None] = lambda n: None  # untimed, before each round
    pause: ImportMock | None = None  # a mock to set aside while this variant runs (moto's)


@contextlib.contextmanager
def paused(mock: ImportMock | None) -> Iterator[None]:
    """`mock` inactive for a while, its jobs kept, so that moto answers alone.

    With both active, moto's stubber hands importmock's own operations to importmock (its
    side-by-side rule), and moto's figures would be importmock's.
    """
    if mock is None:
        yield
        return
    intercept.deactivate(mock)
    try:
        yield
    finally:
        intercept.activate(mock)


def make_client(
    service: str, account: str = ACCOUNT, session: botocore.session.Session | None = None
) -> Client:
    return (session or CLEAN_SESSION).create_client(
        service, region_name=REGION, aws_access_key_id=account, aws_secret_access_key="fake-secret"
    )


def job_mock() -> ImportMock:
    """The mock of sections 1 and 4: jobs wait for `finish`, CloudTrail imports end at once."""
    return mock_imports(duration=None, durations={"cloudtrail:import": 0.0})


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


def export_table(client: Client, table_arn: str) -> str:
    return client.export_table_to_point_in_time(  # type: ignore[no-any-return]
        TableArn=table_arn, S3Bucket="benchmark-bucket", S3Prefix="exports"
    )["ExportDescription"]["ExportArn"]


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


# -- the job families ------------------------------------------------------------------------


def dynamodb_imports(client: Client, account: str) -> Creator:
    return lambda i: import_table(client, f"bench-{i:07d}")["ImportArn"]


def dynamodb_exports(client: Client, account: str) -> Creator:
    table_arn = f"arn:aws:dynamodb:{REGION}:{account}:table/bench-export"  # importmock: any table
    return lambda i: export_table(client, table_arn)


def cloudtrail_imports(client: Client, account: str) -> Creator:
    params = {
        "Destinations": [f"arn:aws:cloudtrail:{REGION}:{account}:eventdatastore/store-1"],
        "ImportSource": {
            "S3": {
                "S3LocationUri": "s3://benchmark-bucket/trail",
                "S3BucketRegion": REGION,
                "S3BucketAccessRoleArn": f"arn:aws:iam::{account}:role/benchmark",
            }
        },
    }
    return lambda i: client.start_import(**params)["ImportId"]


def forecast_jobs(client: Client, account: str) -> Creator:
    dataset = f"arn:aws:forecast:{REGION}:{account}:dataset/sales"
    source = {
        "S3Config": {"Path": "s3://benchmark-bucket/sales.csv", "RoleArn": f"arn:aws:iam::{account}:role/r"}
    }
    return lambda i: client.create_dataset_import_job(
        DatasetImportJobName=f"job{i}", DatasetArn=dataset, DataSource=source
    )["DatasetImportJobArn"]


def qconnect_jobs(client: Client, account: str) -> Creator:
    upload = client.start_content_upload(knowledgeBaseId=KNOWLEDGE_BASE, contentType="text/csv")
    return lambda i: client.start_import_job(
        knowledgeBaseId=KNOWLEDGE_BASE, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
    )["importJob"]["importJobId"]


@dataclass(frozen=True)
class Family:
    """How the benchmark creates, describes and lists the jobs of one family through boto3."""

    label: str  # prefixes the family's operations in the output
    service: str  # botocore's name of the service
    creator: Callable[[Client, str], Creator]  # (client, account) -> a maker of that account's jobs
    create_op: str  # the operation the creator calls, for the output
    describe_op: str  # the describe call, as the API names it
    describe_args: Callable[[str], dict[str, Any]]  # a job's ARN or id -> the describe's parameters
    list_op: str  # the list call
    list_args: dict[str, Any]  # the list's parameters for a first page of PAGE jobs
    token: str  # the list's pagination token member, in request and response alike
    items: str  # the list response's member holding the page's jobs
    paged: bool = True  # section 4 measures its list's page cost

    @property
    def describe_name(self) -> str:
        return f"{self.label} {self.describe_op}"

    @property
    def list_name(self) -> str:
        return f"{self.label} {self.list_op}"


DYNAMODB_IMPORTS = Family(
    label="DynamoDB",
    service="dynamodb",
    creator=dynamodb_imports,
    create_op="ImportTable",
    describe_op="DescribeImport",
    describe_args=lambda arn: {"ImportArn": arn},
    list_op="ListImports",
    list_args={"PageSize": PAGE},
    token="NextToken",
    items="ImportSummaryList",
)
FAMILIES = (
    DYNAMODB_IMPORTS,
    Family(
        label="DynamoDB",
        service="dynamodb",
        creator=dynamodb_exports,
        create_op="ExportTableToPointInTime",
        describe_op="DescribeExport",
        describe_args=lambda arn: {"ExportArn": arn},
        list_op="ListExports",
        list_args={"MaxResults": PAGE},
        token="NextToken",
        items="ExportSummaries",
        paged=False,  # same paging code as ListImports
    ),
    Family(
        label="CloudTrail",
        service="cloudtrail",
        creator=cloudtrail_imports,
        create_op="StartImport",
        describe_op="GetImport",
        describe_args=lambda ident: {"ImportId": ident},
        list_op="ListImports",
        list_args={"MaxResults": PAGE},
        token="NextToken",
        items="Imports",
    ),
    Family(
        label="Forecast",
        service="forecast",
        creator=forecast_jobs,
        create_op="CreateDatasetImportJob",
        describe_op="DescribeDatasetImportJob",
        describe_args=lambda arn: {"DatasetImportJobArn": arn},
        list_op="ListDatasetImportJobs",
        list_args={"MaxResults": PAGE},
        token="NextToken",
        items="DatasetImportJobs",
    ),
    Family(
        label="Q in Connect",
        service="qconnect",
        creator=qconnect_jobs,
        create_op="StartImportJob",
        describe_op="GetImportJob",
        describe_args=lambda ident: {"knowledgeBaseId": KNOWLEDGE_BASE, "importJobId": ident},
        list_op="ListImportJobs",
        list_args={"knowledgeBaseId": KNOWLEDGE_BASE, "maxResults": PAGE},
        token="nextToken",
        items="importJobSummaries",
    ),
)
PAGED = tuple(family for family in FAMILIES if family.paged)


def bound(client: Client, operation: str, params: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    """A call of `operation` (as the API names it) with `params` through `client`."""
    method = getattr(client, xform_name(operation))
    return lambda: method(**params)


# -- measuring ---------------------------------------------------------------------------------


def interleave(variants: Sequence[Variant], rounds: int, n: int) -> dict[str, float]:
    """Median over `rounds` of the mean ns per call; one untimed warm-up round first."""
    samples: dict[str, list[float]] = {v.name: [] for v in variants}
    gc.collect()
    gc.freeze()  # what exists now (modules, models, jobs) is never garbage: collections skip it
    try:
        for round_ in range(rounds + 1):
            for v in variants:
                count = max(1, int(n * v.scale))
                v.prepare(count)
                with paused(v.pause):
                    gc.collect()  # no variant pays for the garbage of the one before it
                    start = time.perf_counter_ns()
                    for _ in range(count):
                        v.call()
                    elapsed = time.perf_counter_ns() - start
                if round_:
                    samples[v.name].append(elapsed / count)
    finally:
        gc.unfreeze()
    return {name: statistics.median(values) for name, values in samples.items()}


class _Raw:
    """The raw body of the bare hook's prebuilt response."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.data


def recorded(
    client: Client, operation: str, call: Callable[[], object]
) -> tuple[AWSResponse, dict[str, Any]]:
    """Makes `call` once; returns its HTTP answer, prebuilt for replay, and its parsed response."""
    seen: dict[str, Any] = {}

    def keep(response_dict: dict[str, Any], parsed_response: dict[str, Any], **_: Any) -> None:
        seen.update(response=response_dict, parsed=parsed_response)

    event = f"response-received.{client.meta.service_model.service_id.hyphenize()}.{operation}"
    client.meta.events.register(event, keep)
    call()
    client.meta.events.unregister(event, keep)
    http = seen["response"]
    url = client.meta.endpoint_url
    return AWSResponse(url, http["status_code"], http["headers"], _Raw(http["body"])), seen["parsed"]


def answering(response: AWSResponse) -> Callable[..., AWSResponse]:
    return lambda **_: response


def bench_calls(rounds: int, n: int) -> dict[str, float]:
    """Section 1: ns per call; keys "<family> <operation>: importmock" and ": bare hook", moto's."""
    from moto import mock_aws

    variants: list[Variant] = []
    parsed: dict[str, dict[str, Any]] = {}
    params: dict[str, dict[str, Any]] = {}
    with job_mock() as mock, mock_aws():
        for family in FAMILIES:
            im, hooked = make_client(family.service), make_client(family.service)
            create = family.creator(im, ACCOUNT)
            jobs = [create(i) for i in range(HANDFUL)]
            for name, operation, args in (
                (family.describe_name, family.describe_op, family.describe_args(jobs[0])),
                (family.list_name, family.list_op, family.list_args),
            ):
                call = bound(im, operation, args)
                response, parsed[name] = recorded(im, operation, call)
                params[name] = args
                event = f"before-send.{hooked.meta.service_model.service_id.hyphenize()}.{operation}"
                hooked.meta.events.register(event, answering(response))
                variants += [
                    Variant(f"{name}: importmock", call),
                    Variant(f"{name}: bare hook", bound(hooked, operation, args)),
                ]
            assert len(parsed[family.list_name][family.items]) == HANDFUL

        stubbed = make_client("dynamodb")
        stubber = Stubber(stubbed)
        stubber.activate()
        canned = {k: v for k, v in parsed[DYNAMODB_IMPORTS.describe_name].items() if k != "ResponseMetadata"}

        def load_stubber(count: int) -> None:
            for _ in range(count):
                stubber.add_response("describe_import", canned)

        moto_client = make_client("dynamodb", session=botocore.session.get_session())  # after `import moto`
        with paused(mock):
            moto_import = import_table(moto_client, "bench-describe")["ImportArn"]
            table_arn = moto_pitr_table(moto_client)
            moto_exports = [export_table(moto_client, table_arn) for _ in range(HANDFUL)]
            time.sleep(0.2)  # moto runs imports and exports in threads; let them settle
        stub_args = params[DYNAMODB_IMPORTS.describe_name]
        variants += [
            Variant(
                "moto DescribeImport",
                lambda: moto_client.describe_import(ImportArn=moto_import),
                0.5,
                pause=mock,
            ),
            Variant(
                "moto DescribeExport",
                lambda: moto_client.describe_export(ExportArn=moto_exports[0]),
                0.5,
                pause=mock,
            ),
            Variant(
                "moto ListExports",
                lambda: moto_client.list_exports(TableArn=table_arn, MaxResults=PAGE),
                0.5,
                pause=mock,
            ),
            Variant(
                "Stubber DescribeImport", lambda: stubbed.describe_import(**stub_args), prepare=load_stubber
            ),
        ]
        return interleave(variants, rounds, n)


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


def bench_family_pages(
    family: Family, rounds: int, n: int, small: int, big: int, extra: Sequence[Variant] = ()
) -> dict[str, float]:
    """Section 4 for one family: ns per first and middle page at `small` and `big` jobs.

    Keys "first <size>", "middle <size>", "create <size>" (jobs per second), and `extra`'s.
    """
    accounts = {small: SMALL_ACCOUNT, big: BIG_ACCOUNT}
    clients = {size: make_client(family.service, account) for size, account in accounts.items()}
    results: dict[str, float] = {}
    with job_mock() as mock:
        results |= create_jobs(mock, family, clients, accounts)

        def page(size: int, token: str | None = None) -> Callable[[], dict[str, Any]]:
            args = family.list_args if token is None else family.list_args | {family.token: token}
            return bound(clients[size], family.list_op, args)

        results |= traversals(page, family, small, big)

        middle: dict[int, str] = {}
        for size in clients:  # walk to the page that starts half-way
            response = page(size)()
            for _ in range(size // 2 // PAGE - 1):
                response = page(size, response[family.token])()
            middle[size] = response[family.token]
            assert len(page(size, middle[size])()[family.items]) == PAGE

        variants = [Variant(f"first {size}", page(size)) for size in clients]
        variants += [Variant(f"middle {size}", page(size, middle[size])) for size in clients]
        extra = [dataclasses.replace(variant, pause=mock) for variant in extra]  # moto's, alone
        results |= interleave([*variants, *extra], rounds, n)
    return results


def create_jobs(
    mock: ImportMock, family: Family, clients: dict[int, Client], accounts: dict[int, str]
) -> dict[str, float]:
    """Creates each size's jobs: "create <size>" (jobs/s) and "bytes/job" the mock holds."""
    held_before, created, results = held_bytes([mock]), 0, {}
    for size, client in clients.items():
        create = family.creator(client, accounts[size])
        start = time.perf_counter_ns()
        for i in range(size):
            create(i)
        results[f"create {size}"] = rate = size / ((time.perf_counter_ns() - start) / 1e9)
        print(f"    created {size:,} jobs: {rate:,.0f} {family.create_op}/s", flush=True)
        created += size
    mock.calls.clear()  # the record of every request is the test's, not the jobs'
    gc.collect()
    results["bytes/job"] = (held_bytes([mock]) - held_before) / created
    print(f"    {results['bytes/job']:,.0f} bytes held per job", flush=True)
    return results


def traversals(
    page: Callable[..., Callable[[], dict[str, Any]]], family: Family, small: int, big: int, repeats: int = 3
) -> dict[str, float]:
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


def traverse(page: Callable[..., Callable[[], dict[str, Any]]], size: int, family: Family) -> float:
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


def bench_export_memory(big: int) -> float:
    """Bytes importmock holds per DynamoDB export, with `big` exports (section 4 pages imports)."""
    with job_mock() as mock:
        client = make_client("dynamodb", BIG_ACCOUNT)
        held_before, create = held_bytes([mock]), dynamodb_exports(client, BIG_ACCOUNT)
        for i in range(big):
            create(i)
        mock.calls.clear()
        gc.collect()
        return (held_bytes([mock]) - held_before) / big


def bench_pages(rounds: int, n: int, small: int, big: int) -> dict[str, dict[str, float]]:
    """Section 4 for every paged family, by the family's list name; moto's ListExports in DynamoDB's."""
    from moto import mock_aws

    results: dict[str, dict[str, float]] = {}
    with mock_aws():
        moto_client = make_client("dynamodb", session=botocore.session.get_session())  # after `import moto`
        table_arn = moto_pitr_table(moto_client)
        for _ in range(small):
            export_table(moto_client, table_arn)
        time.sleep(0.5)  # let moto's export threads end
        from moto.dynamodb.models import dynamodb_backends

        gc.collect()  # moto's bytes per export: its backends (one table and the exports) by export
        results["moto"] = {"bytes/export": held_bytes([dynamodb_backends]) / small}
        moto = Variant(
            f"moto {small}", lambda: moto_client.list_exports(TableArn=table_arn, MaxResults=PAGE), 0.05
        )
        for family in PAGED:
            print(f"  {family.list_name} ...", flush=True)
            extra = [moto] if family is DYNAMODB_IMPORTS else []
            results[family.list_name] = bench_family_pages(family, rounds, n, small, big, extra)
    return results


def bench_servers(rounds: int, n: int) -> dict[str, float]:
    """Section 6: DescribeExport requests per second over loopback, one client thread.

    importmock's ThreadedServer and moto's ThreadedMotoServer, each answering a client with
    an endpoint URL (keep-alive, as SDKs use it), in interleaved rounds; and the floor, a
    server in a thread that answers at once with the bytes importmock's server answered
    (benchmarks/floor_server.py).
    """
    from floor_server import CannedServer
    from moto.server import ThreadedMotoServer

    from importmock.server import ThreadedServer

    moto_server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto_server.start()
    try:
        with ThreadedServer(port=0, duration=None) as ours:
            host, port = moto_server.get_host_and_port()
            moto_url = f"http://{host}:{port}"
            exports = {"importmock": export_through(ours.url), "moto": export_through(moto_url, moto=True)}
            client, arn = exports["importmock"]
            with CannedServer(raw_answer(client, arn)) as floor:
                exports["floor"] = (server_client(floor.url), arn)
                calls = [
                    Variant(name, bound(client, "DescribeExport", {"ExportArn": arn}))
                    for name, (client, arn) in exports.items()
                ]
                ns = interleave(calls, rounds, n)
    finally:
        moto_server.stop()
    return {name: 1e9 / per_call for name, per_call in ns.items()}


def server_client(url: str) -> Client:
    """A DynamoDB client of the benchmark's configuration, sending to the server at `url`."""
    return CLEAN_SESSION.create_client(
        "dynamodb",
        region_name=REGION,
        endpoint_url=url,
        aws_access_key_id=ACCOUNT,
        aws_secret_access_key="fake-secret",
    )


def export_through(url: str, moto: bool = False) -> tuple[Client, str]:
    """A client of the server at `url` and the ARN of an export made through it.

    moto exports only tables it holds, with point-in-time recovery on; importmock exports any.
    """
    client = server_client(url)
    table = moto_pitr_table(client) if moto else f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/bench-export"
    arn = export_table(client, table)
    time.sleep(0.2)  # moto runs exports in a thread
    return client, arn


def raw_answer(client: Client, arn: str) -> bytes:
    """The HTTP answer to a DescribeExport of `arn` through `client`, as the bytes on the wire."""
    answers: list[dict[str, Any]] = []

    def keep(response_dict: dict[str, Any], **_: Any) -> None:
        answers.append(response_dict)

    client.meta.events.register("before-parse.dynamodb.DescribeExport", keep)
    client.describe_export(ExportArn=arn)
    client.meta.events.unregister("before-parse.dynamodb.DescribeExport", keep)
    answer = answers[0]
    lines = [f"HTTP/1.1 {answer['status_code']} OK", *(f"{k}: {v}" for k, v in answer["headers"].items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + answer["body"]


def fmt(ns: float) -> str:
    return f"{ns / 1e6:.2f} ms" if ns >= 1e6 else f"{ns / 1e3:.1f} us"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few rounds and N=10,000: a smoke run")
    quick = parser.parse_args().quick
    # the full run's N costs minutes of job creation per family: section 4 runs fewer rounds
    rounds, page_rounds, big = (5, 5, 10_000) if quick else (25, 15, 100_000)
    started = time.perf_counter()
    import moto

    print(
        f"Python {platform.python_version()} | botocore {botocore.__version__} | "
        f"moto {moto.__version__} | importmock {importmock.__version__} | "
        f"{'quick' if quick else 'full'} run: {rounds} rounds ({page_rounds} in section 4), N={big:,}",
        flush=True,
    )
    print(f"1. describe and list calls per family ({HANDFUL} jobs held), per call ...", flush=True)
    d = bench_calls(rounds, 100 if quick else 200)
    for family in FAMILIES:
        for name in (family.describe_name, family.list_name):
            im, hook = d[f"{name}: importmock"], d[f"{name}: bare hook"]
            print(f"  {name:<40}importmock {fmt(im):>10}  bare hook {fmt(hook):>10}  {im / hook:.2f}x")
    for name in ("moto DescribeImport", "moto DescribeExport", "moto ListExports", "Stubber DescribeImport"):
        print(f"  {name:<40}{fmt(d[name]):>21}")
    print("2. start+stop ...", flush=True)
    s = bench_start_stop(rounds, 100 if quick else 400)
    print("3. import cost (fresh interpreters) ...", flush=True)
    imp = bench_import(rounds if quick else 40)
    print(
        f"  process wall time minus baseline ({fmt(imp['baseline wall'])}): importmock "
        f"{fmt(imp['importmock wall'])}, moto {fmt(imp['moto wall'])} (cross-check; noisier)"
    )
    print(f"4. one list page per family, 1,000 vs {big:,} jobs ...", flush=True)
    pages = bench_pages(page_rounds, 100 if quick else 200, 1000, big)
    print(f"5. memory per DynamoDB export at {big:,} exports ...", flush=True)
    export_bytes = bench_export_memory(big)
    print("6. the servers: DescribeExport over loopback, one client thread ...", flush=True)
    served = bench_servers(rounds, 50 if quick else 200)

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

    for family in FAMILIES:
        for name in (family.describe_name, family.list_name):
            im, hook = d[f"{name}: importmock"], d[f"{name}: bare hook"]
            row(f"{name} / call", im, "bare hook", hook, im / hook, "<= 1.25x hook", im / hook <= 1.25)
    for name, budget in (("DescribeImport", True), ("DescribeExport", True), ("ListExports", False)):
        im, other = d[f"DynamoDB {name}: importmock"], d[f"moto {name}"]
        speedup = other / im
        row(
            f"DynamoDB {name} / call",
            im,
            f"moto {name}",
            other,
            speedup,
            ">= 1.8x faster" if budget else "(info)",
            speedup >= 1.8 if budget else None,
        )
    im_call, stub = d["DynamoDB DescribeImport: importmock"], d["Stubber DescribeImport"]
    row("DynamoDB DescribeImport / call", im_call, "Stubber", stub, im_call / stub, "(info)", None)
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
    for family in PAGED:
        lst = pages[family.list_name]
        for kind in ("first", "middle"):
            ratio = lst[f"{kind} {big}"] / lst[f"{kind} 1000"]
            row(
                f"{family.list_name} {kind} page @{big:,}",
                lst[f"{kind} {big}"],
                "same @1,000",
                lst[f"{kind} 1000"],
                ratio,
                "<= 1.3x",
                ratio <= 1.3,
            )
    lst = pages[DYNAMODB_IMPORTS.list_name]
    row(
        f"{DYNAMODB_IMPORTS.list_name} page @1,000",
        lst["first 1000"],
        "moto ListExports (all 1,000)",
        lst["moto 1000"],
        lst["moto 1000"] / lst["first 1000"],
        "(info)",
        None,
    )
    for family in PAGED:
        lst = pages[family.list_name]
        per_job, ratio = lst["bytes/job"], lst[f"traverse {big}"] / lst["traverse 1000"]
        rows.append(
            (
                f"{family.label} memory / job @{big:,}",
                f"{per_job:,.0f} B",
                "-",
                "-",
                "< 1,536 B",
                per_job < 1536,
            )
        )
        row(
            f"{family.list_name} traversal / job @{big:,}",
            lst[f"traverse {big}"],
            "same @1,000",
            lst["traverse 1000"],
            ratio,
            "<= 1.3x (linear)",
            ratio <= 1.3,
        )
    moto_bytes = pages["moto"]["bytes/export"]
    rows.append(
        (
            f"DynamoDB memory / export @{big:,}",
            f"{export_bytes:,.0f} B",
            f"moto {moto_bytes:,.0f} B @1,000",
            f"{moto_bytes / export_bytes:.2f}x",
            "< 1,536 B",
            export_bytes < 1536,
        )
    )
    speedup = served["importmock"] / served["moto"]
    rows.append(
        (
            "server DescribeExport, 1 client",
            f"{served['importmock']:,.0f} req/s",
            f"ThreadedMotoServer {served['moto']:,.0f} req/s",
            f"{speedup:.2f}x",
            ">= 3x moto",
            speedup >= 3,
        )
    )
    rows.append(
        (
            "server DescribeExport, 1 client",
            f"{served['importmock']:,.0f} req/s",
            f"floor (canned answer) {served['floor']:,.0f} req/s",
            f"{served['floor'] / served['importmock']:.2f}x",
            "(info)",
            None,
        )
    )
    for family in PAGED:
        created = pages[family.list_name][f"create {big}"]
        rows.append(
            (f"{family.label} {family.create_op}", f"{created:,.0f}/s", f"@{big:,} jobs", "-", "(info)", None)
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
        f"\nmoto has no CloudTrail Lake imports, Forecast dataset import jobs or Q in Connect, nor "
        f"DynamoDB ListImports: it is compared for DynamoDB only. moto ListExports at {big:,} skipped: "
        f"unpaginated, known to take seconds. moto answers DescribeImport itself (FAILED import: no S3 "
        f"bucket), with fewer members."
    )
    print(
        f"ratios: vs hook/Stubber = importmock / other (lower is better); vs moto = moto / importmock "
        f"(times faster). Total run time {time.perf_counter() - started:.0f} s."
    )
    sys.exit(0 if all(r[5] is not False for r in rows) else 1)


if __name__ == "__main__":
    main()
