"""Issue 7, threads: one mock, eight threads with their own clients, every family at once.

Each thread creates, describes, lists and deletes jobs of every family (DynamoDB imports and
exports, CloudTrail Lake imports, Forecast dataset import jobs, Q in Connect import jobs),
starting together at a barrier. Afterwards no thread has raised, every traversal a thread made
was free of duplicates and held the thread's own live jobs, and the full listings of every
account and region equal the jobs created there minus those deleted. The same runs in process
and against a ThreadedServer over concurrent HTTP.
"""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import threading
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hardening_support import (
    CT_IMPORTS,
    DDB_EXPORTS,
    DDB_IMPORTS,
    FC_JOBS,
    QC_JOBS,
    TABLE,
    Caller,
    Listing,
    World,
    create_forecast_job,
    export_table,
    import_table,
    start_lake_import,
    start_qconnect_job,
    world,
)

THREADS = 8
ROUNDS = 4
PAGE = 3
BARRIER_TIMEOUT = 60.0  # seconds the threads may take to reach the start line
JOIN_TIMEOUT = 300.0  # seconds a thread may take for its whole workload
KNOWLEDGE_BASE = "0f6e2a51-7c3b-4d8e-9a1f-2b3c4d5e6f70"
FAMILIES = ("dynamodb:import", "dynamodb:export", "cloudtrail:import", "forecast", "qconnect")
LISTINGS: dict[str, Listing] = {
    "dynamodb:import": DDB_IMPORTS,
    "dynamodb:export": DDB_EXPORTS,
    "cloudtrail:import": CT_IMPORTS,
    "forecast": FC_JOBS,
    "qconnect": QC_JOBS,
}
# "shared": every thread in one account and region; "spread": four (account, region) groups
# of two threads each, so threads contend within a group and must stay apart across groups
LAYOUTS: dict[str, list[Caller]] = {
    "shared": [Caller("AKIAHARDENINGSHARED")] * THREADS,
    "spread": [
        Caller(("111111111111", "222222222222")[n % 2], ("us-east-1", "eu-west-1")[(n // 2) % 2])
        for n in range(THREADS)
    ],
}


@dataclass
class Ledger:
    """What one thread did: the jobs it created and deleted per family, its requests, its failures."""

    caller: Caller
    created: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    deleted: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    requests: int = 0
    problems: list[str] = field(default_factory=list)

    def count(self, **_: Any) -> None:
        self.requests += 1


def params_of(family: str) -> dict[str, Any]:
    return {"knowledgeBaseId": KNOWLEDGE_BASE} if family == "qconnect" else {}


class Worker:
    """The workload of one thread, through clients of its own."""

    def __init__(self, index: int, clients: dict[str, Any], ledger: Ledger, upload: bool) -> None:
        self.index, self.clients, self.ledger, self.upload = index, clients, ledger, upload
        self.caller = ledger.caller

    def run(self, barrier: threading.Barrier) -> None:
        barrier.wait()
        for round_ in range(ROUNDS):
            self.create_and_describe(round_)
            if round_ % 2 == 1:
                self.delete_earlier(round_ - 1)
            for family in FAMILIES:
                self.traverse(family)

    def create_and_describe(self, round_: int) -> None:
        ddb, ct, fc, qc = (self.clients[name] for name in ("dynamodb", "cloudtrail", "forecast", "qconnect"))
        name = f"hardening-t{self.index}-r{round_}"
        created = self.ledger.created

        arn = import_table(ddb, name)
        created["dynamodb:import"].append(arn)
        assert ddb.describe_import(ImportArn=arn)["ImportTableDescription"]["ImportArn"] == arn

        arn = export_table(ddb, self.caller, name)
        created["dynamodb:export"].append(arn)
        assert ddb.describe_export(ExportArn=arn)["ExportDescription"]["ExportArn"] == arn

        ident = start_lake_import(ct, self.caller)
        created["cloudtrail:import"].append(ident)
        assert ct.get_import(ImportId=ident)["ImportId"] == ident

        job = f"hardening_t{self.index}_r{round_}"
        arn = create_forecast_job(fc, self.caller, job, f"hardening_sales_{self.index % 3}")
        created["forecast"].append(arn)
        described = fc.describe_dataset_import_job(DatasetImportJobArn=arn)
        assert described["DatasetImportJobArn"] == arn

        ident, _ = start_qconnect_job(qc, KNOWLEDGE_BASE, put=self.upload)
        created["qconnect"].append(ident)
        got = qc.get_import_job(knowledgeBaseId=KNOWLEDGE_BASE, importJobId=ident)["importJob"]
        assert got["importJobId"] == ident

    def delete_earlier(self, round_: int) -> None:
        arn = self.ledger.created["forecast"][round_]
        self.clients["forecast"].delete_dataset_import_job(DatasetImportJobArn=arn)
        self.ledger.deleted["forecast"].append(arn)
        ident = self.ledger.created["qconnect"][round_]
        self.clients["qconnect"].delete_import_job(knowledgeBaseId=KNOWLEDGE_BASE, importJobId=ident)
        self.ledger.deleted["qconnect"].append(ident)

    def traverse(self, family: str) -> None:
        listing = LISTINGS[family]
        seen, _ = listing.traverse(self.clients[listing.service], params_of(family), PAGE)
        repeated = sorted(ident for ident, n in Counter(seen).items() if n > 1)
        if repeated:
            self.ledger.problems.append(f"{family}: one traversal listed {repeated} more than once")
        live = set(self.ledger.created[family]) - set(self.ledger.deleted[family])
        missing = sorted(live - set(seen))
        if missing:
            self.ledger.problems.append(f"{family}: a traversal left out this thread's live jobs {missing}")
        resurrected = sorted(set(self.ledger.deleted[family]) & set(seen))
        if resurrected:
            self.ledger.problems.append(f"{family}: a traversal listed deleted jobs {resurrected}")


def run_threads(target: World, callers: list[Caller], upload: bool) -> list[Ledger]:
    """Runs the workload in THREADS threads; returns their ledgers once all have ended."""
    ledgers = [Ledger(caller) for caller in callers]
    workers = []
    for index, ledger in enumerate(ledgers):
        clients = {
            service: target.client(service, ledger.caller)
            for service in ("dynamodb", "cloudtrail", "forecast", "qconnect")
        }
        for client in clients.values():
            client.meta.events.register("before-send", ledger.count)
        workers.append(Worker(index, clients, ledger, upload))
    errors: list[str] = []
    barrier = threading.Barrier(len(workers), timeout=BARRIER_TIMEOUT)

    def guarded(worker: Worker) -> Callable[[], None]:
        def run() -> None:
            try:
                worker.run(barrier)
            except BaseException:  # every failure of a thread is reported by the test
                errors.append(f"thread {worker.index}:\n{traceback.format_exc()}")
                barrier.abort()

        return run

    threads = [
        threading.Thread(target=guarded(worker), name=f"hardening-worker-{worker.index}")
        for worker in workers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_TIMEOUT)
    alive = [thread.name for thread in threads if thread.is_alive()]
    assert alive == [], f"threads still running after {JOIN_TIMEOUT} s: {alive}"
    assert errors == [], "\n".join(errors)
    problems = [problem for ledger in ledgers for problem in ledger.problems]
    assert problems == [], "\n".join(problems)
    return ledgers


def check_listings(target: World, ledgers: list[Ledger]) -> None:
    """Full listings of every (account, region) equal the jobs created there minus those deleted."""
    all_created = [ident for ledger in ledgers for ids in ledger.created.values() for ident in ids]
    duplicated = sorted(ident for ident, n in Counter(all_created).items() if n > 1)
    assert duplicated == [], f"ids handed out twice: {duplicated}"
    assert len(all_created) == THREADS * ROUNDS * len(FAMILIES)

    groups: dict[Caller, list[Ledger]] = defaultdict(list)
    for ledger in ledgers:
        groups[ledger.caller].append(ledger)
    for caller, members in groups.items():
        for family in FAMILIES:
            listing = LISTINGS[family]
            expected = {i for m in members for i in m.created[family]} - {
                i for m in members for i in m.deleted[family]
            }
            client = target.client(listing.service, caller)
            for size in (1, PAGE, 100 if listing is not DDB_IMPORTS and listing is not DDB_EXPORTS else 25):
                seen, _ = listing.traverse(client, params_of(family), size)
                assert len(seen) == len(set(seen)), (caller, family, size, "duplicates", seen)
                assert set(seen) == expected, (caller, family, size, set(seen) ^ expected)


def check_calls(target: World, ledgers: list[Ledger], recorded: int, uploads: int) -> None:
    """Every request of every thread was recorded once, and none of them failed."""
    assert recorded == sum(ledger.requests for ledger in ledgers) + uploads
    failed = [(call.operation, call.error) for call in target.mock.calls[:recorded] if call.error is not None]
    assert failed == []


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("transport", ["in-process", "server"])
def test_threads_create_describe_list_delete_every_family_at_once(
    make_client: Callable[..., Any], transport: str, layout: str
) -> None:
    # the one-import-at-a-time rule of CloudTrail Lake: imports end at once, so threads can start theirs
    with world(transport, make_client, duration=0, durations={"cloudtrail:import": 0}) as target:
        upload = transport == "in-process"  # the server does not serve upload URLs (docs/server.md)
        ledgers = run_threads(target, LAYOUTS[layout], upload)
        recorded = len(target.mock.calls)
        check_calls(target, ledgers, recorded, THREADS * ROUNDS if upload else 0)
        check_listings(target, ledgers)


# -- races on one job: idempotency tokens and uniqueness rules under contention ---------------

RACE_CALLER = Caller("333333333333")
RACE_TOKEN = "hardening-race-client-token"


@dataclass(frozen=True)
class Race:
    """Eight threads send the same creation at once: who wins, what the others get, what is listed."""

    service: str
    create: Callable[[Any, str], str]  # (client, thread's own suffix) -> job id
    listing: Listing
    params: dict[str, Any]
    losers_get: str | None  # None: every thread gets the one job (an idempotent retry)


def race_import(ddb: Any, _: str) -> str:
    response = ddb.import_table(
        S3BucketSource={"S3Bucket": "hardening-source"},
        InputFormat="CSV",
        TableCreationParameters={"TableName": "hardening-race", **TABLE},
        ClientToken=RACE_TOKEN,
    )
    return str(response["ImportTableDescription"]["ImportArn"])


def race_import_same_table(ddb: Any, _: str) -> str:
    return import_table(ddb, "hardening-race-table")  # a ClientToken of its own per call


def race_export(ddb: Any, _: str) -> str:
    response = ddb.export_table_to_point_in_time(
        TableArn=RACE_CALLER.arn("dynamodb", "table/hardening-race"),
        S3Bucket="hardening-exports",
        ClientToken=RACE_TOKEN,
    )
    return str(response["ExportDescription"]["ExportArn"])


def race_lake_import(ct: Any, _: str) -> str:
    return start_lake_import(ct, RACE_CALLER)


def race_forecast(fc: Any, _: str) -> str:
    return create_forecast_job(fc, RACE_CALLER, "hardening_race", "hardening_race_dataset")


RACE_UPLOADS: dict[str, str] = {}  # the upload id every qconnect racer imports, set before the race


def race_qconnect(qc: Any, _: str) -> str:
    job = qc.start_import_job(
        knowledgeBaseId=KNOWLEDGE_BASE,
        importJobType="QUICK_RESPONSES",
        uploadId=RACE_UPLOADS["upload"],
        clientToken=RACE_TOKEN,
    )["importJob"]
    return str(job["importJobId"])


RACES = {
    "dynamodb-import-same-client-token": Race("dynamodb", race_import, DDB_IMPORTS, {}, None),
    "dynamodb-import-same-table": Race(
        "dynamodb", race_import_same_table, DDB_IMPORTS, {}, "ResourceInUseException"
    ),
    "dynamodb-export-same-client-token": Race("dynamodb", race_export, DDB_EXPORTS, {}, None),
    "cloudtrail-one-import-at-a-time": Race(
        "cloudtrail", race_lake_import, CT_IMPORTS, {}, "AccountHasOngoingImportException"
    ),
    "forecast-same-name": Race("forecast", race_forecast, FC_JOBS, {}, "ResourceAlreadyExistsException"),
    "qconnect-same-client-token": Race(
        "qconnect", race_qconnect, QC_JOBS, {"knowledgeBaseId": KNOWLEDGE_BASE}, None
    ),
}


def run_race(target: World, race: Race) -> list[tuple[str, str]]:
    """Each thread's outcome: ("job", id) or ("error", code)."""
    clients = [target.client(race.service, RACE_CALLER) for _ in range(THREADS)]
    outcomes: list[tuple[str, str]] = []
    errors: list[str] = []
    barrier = threading.Barrier(THREADS, timeout=BARRIER_TIMEOUT)

    def run(index: int) -> None:
        try:
            barrier.wait()
            try:
                outcomes.append(("job", race.create(clients[index], str(index))))
            except ClientError as error:
                outcomes.append(("error", str(error.response["Error"]["Code"])))
        except BaseException:  # every other failure of a thread is reported by the test
            errors.append(f"thread {index}:\n{traceback.format_exc()}")
            barrier.abort()

    threads = [threading.Thread(target=run, args=(n,), name=f"hardening-racer-{n}") for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_TIMEOUT)
    assert [t.name for t in threads if t.is_alive()] == []
    assert errors == [], "\n".join(errors)
    return outcomes


@pytest.mark.parametrize("race_name", list(RACES))
@pytest.mark.parametrize("transport", ["in-process", "server"])
def test_threads_racing_for_one_job_make_exactly_one(
    make_client: Callable[..., Any], transport: str, race_name: str
) -> None:
    race = RACES[race_name]
    # jobs wait for mock.finish, so "one import at a time" and "table in use" hold during the race
    with world(transport, make_client, duration=None) as target:
        if race.service == "qconnect":
            qc = target.client("qconnect", RACE_CALLER)
            RACE_UPLOADS["upload"] = qc.start_content_upload(
                knowledgeBaseId=KNOWLEDGE_BASE, contentType="text/csv"
            )["uploadId"]
        outcomes = run_race(target, race)
        jobs = [value for kind, value in outcomes if kind == "job"]
        refusals = [value for kind, value in outcomes if kind == "error"]
        listed, _ = race.listing.traverse(target.client(race.service, RACE_CALLER), race.params, 10)
    assert len(outcomes) == THREADS
    if race.losers_get is None:
        assert (len(set(jobs)), len(jobs), refusals) == (1, THREADS, [])
    else:
        assert (len(jobs), refusals) == (1, [race.losers_get] * (THREADS - 1))
    assert listed == jobs[:1]


# -- the test-side controls under load: snapshots and the clock -------------------------------

SNAPSHOTS = 12


def test_snapshots_taken_while_threads_work_restore_to_consistent_listings(
    make_client: Callable[..., Any],
) -> None:
    callers = LAYOUTS["spread"]
    snapshots: list[dict[str, Any]] = []
    problems: list[str] = []
    with world("in-process", make_client, duration=0) as target:
        done = threading.Event()

        def take() -> None:
            try:
                while not done.is_set() and len(snapshots) < SNAPSHOTS:
                    snapshots.append(json.loads(json.dumps(target.mock.snapshot())))
                    done.wait(0.05)
            except BaseException:  # reported by the test
                problems.append(traceback.format_exc())

        taker = threading.Thread(target=take, name="hardening-snapshots")
        taker.start()
        try:
            ledgers = run_threads(target, callers, upload=True)
        finally:
            done.set()
            taker.join(timeout=JOIN_TIMEOUT)
        snapshots.append(target.mock.snapshot())
    assert not taker.is_alive() and problems == []
    every_id = {i for ledger in ledgers for ids in ledger.created.values() for i in ids}
    for number, snapshot in enumerate(snapshots):
        with world("in-process", make_client, state=snapshot, duration=0) as restored:
            for caller in set(callers):
                for family in FAMILIES:
                    listing = LISTINGS[family]
                    client = restored.client(listing.service, caller)
                    seen, _ = listing.traverse(client, params_of(family), PAGE)
                    assert len(seen) == len(set(seen)), (number, caller, family, seen)
                    assert set(seen) <= every_id, (number, caller, family, set(seen) - every_id)
            if number == len(snapshots) - 1:
                check_listings(restored, ledgers)  # the last one, restored, lists what the live mock did


CLOCK_STEPS = 50
POLLERS = 4


def test_clock_advanced_by_threads_while_others_poll_job_statuses(make_client: Callable[..., Any]) -> None:
    caller = Caller("444444444444")
    with world("in-process", make_client, durations={"dynamodb:import": 100}) as target:
        ddb = target.client("dynamodb", caller)
        arns = [import_table(ddb, f"hardening-clock-{n}") for n in range(3)]
        start = target.mock.clock.now()
        pollers = [target.client("dynamodb", caller) for _ in range(POLLERS)]
        seen: dict[int, list[tuple[str, str]]] = defaultdict(list)
        errors: list[str] = []
        barrier = threading.Barrier(2 * POLLERS, timeout=BARRIER_TIMEOUT)

        def advance() -> None:
            try:
                barrier.wait()
                for _ in range(CLOCK_STEPS):
                    target.mock.clock.advance(1)
            except BaseException:  # reported by the test
                errors.append(traceback.format_exc())

        def poll(index: int) -> None:
            try:
                barrier.wait()
                for _ in range(CLOCK_STEPS):
                    for arn in arns:
                        job = pollers[index].describe_import(ImportArn=arn)["ImportTableDescription"]
                        seen[index].append((arn, job["ImportStatus"]))
            except BaseException:  # reported by the test
                errors.append(traceback.format_exc())

        threads = [threading.Thread(target=advance, name=f"hardening-advance-{n}") for n in range(POLLERS)]
        threads += [
            threading.Thread(target=poll, args=(n,), name=f"hardening-poll-{n}") for n in range(POLLERS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=JOIN_TIMEOUT)
        assert [t.name for t in threads if t.is_alive()] == [] and errors == []
        # every advance counts: no step lost to another thread's
        assert (target.mock.clock.now() - start).total_seconds() == POLLERS * CLOCK_STEPS
        final = {
            arn: ddb.describe_import(ImportArn=arn)["ImportTableDescription"]["ImportStatus"] for arn in arns
        }
    assert final == dict.fromkeys(arns, "COMPLETED")
    for index, observed in seen.items():
        for arn in arns:
            statuses = [status for job, status in observed if job == arn]
            ended = statuses.index("COMPLETED") if "COMPLETED" in statuses else len(statuses)
            # a poller never sees a job go back from COMPLETED to IN_PROGRESS
            assert set(statuses[:ended]) <= {"IN_PROGRESS"} and set(statuses[ended:]) <= {"COMPLETED"}, index


# -- a fresh process: the first request of each kind arrives from many threads at once -------

FRESH_PROCESS = """
import json, sys, threading, traceback
sys.path[:0] = [sys.argv[2]]
sys.setswitchinterval(1e-6)  # switch threads as often as possible, to meet any race at first use
import boto3
from botocore.config import Config
from importmock import mock_imports
from importmock.server import ThreadedServer
from hardening_support import (
    Caller, create_forecast_job, export_table, import_table, start_lake_import, start_qconnect_job,
)

THREADS, transport = int(sys.argv[3]), sys.argv[1]
config = Config(retries={"mode": "standard", "total_max_attempts": 1})
errors = []

def work(index, clients, caller, barrier):
    try:
        barrier.wait()
        ddb, ct, fc, qc = clients
        arn = import_table(ddb, f"fresh-{index}")
        ddb.describe_import(ImportArn=arn)
        ddb.list_imports()
        arn = export_table(ddb, caller, f"fresh-{index}")
        ddb.describe_export(ExportArn=arn)
        ddb.list_exports()
        ident = start_lake_import(ct, caller)
        ct.get_import(ImportId=ident)
        ct.list_imports()
        arn = create_forecast_job(fc, caller, f"fresh_{index}", "fresh")
        fc.describe_dataset_import_job(DatasetImportJobArn=arn)
        fc.list_dataset_import_jobs()
        ident, _ = start_qconnect_job(qc, "0f6e2a51-7c3b-4d8e-9a1f-2b3c4d5e6f70")
        qc.get_import_job(knowledgeBaseId="0f6e2a51-7c3b-4d8e-9a1f-2b3c4d5e6f70", importJobId=ident)
        qc.list_import_jobs(knowledgeBaseId="0f6e2a51-7c3b-4d8e-9a1f-2b3c4d5e6f70")
    except BaseException:
        errors.append(traceback.format_exc(limit=-6))
        barrier.abort()

def run(endpoint):
    callers = [Caller(f"{100000000000 + n}") for n in range(THREADS)]
    extra = {} if endpoint is None else {"endpoint_url": endpoint}
    clients = [
        [
            boto3.session.Session().client(
                service, region_name="us-east-1", config=config,
                aws_access_key_id=caller.access_key, aws_secret_access_key="x", **extra,
            )
            for service in ("dynamodb", "cloudtrail", "forecast", "qconnect")
        ]
        for caller in callers
    ]
    barrier = threading.Barrier(THREADS, timeout=60)
    threads = [
        threading.Thread(target=work, args=(n, clients[n], callers[n], barrier)) for n in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    errors.extend(f"thread {t.name} still running" for t in threads if t.is_alive())

if transport == "in-process":
    with mock_imports(duration=0):
        run(None)
else:
    with ThreadedServer(port=0, duration=0) as server:
        run(server.url)
print(json.dumps(errors))
"""


FRESH_PROCESSES = 3  # each a fresh interpreter whose caches are cold
FRESH_THREADS = 8


@pytest.mark.parametrize("transport", ["in-process", "server"])
def test_first_requests_of_a_fresh_process_arrive_from_many_threads(transport: str) -> None:
    # in a process that has answered nothing yet, importmock builds what it caches on first use
    # (serializers and the like) while many threads ask for it at once; a few fresh processes
    # run side by side, each one a chance to meet a race at first use
    here = str(pathlib.Path(__file__).parent)
    command = [sys.executable, "-c", FRESH_PROCESS, transport, here, str(FRESH_THREADS)]
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(FRESH_PROCESSES)
    ]
    outcomes = []
    for process in processes:
        try:
            out, err = process.communicate(timeout=240)
        finally:
            process.kill()
        outcomes.append((process.returncode, out, err))
    assert [(code, err[-3000:]) for code, _, err in outcomes if code != 0] == []
    errors = [error for _, out, _ in outcomes for error in json.loads(out.strip().splitlines()[-1])]
    assert errors == [], f"{len(errors)} threads failed:\n" + "\n".join(errors)[:6000]
