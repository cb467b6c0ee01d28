"""Section 1: one describe and one list call per family, per call, against the bare hook and moto.

Each call goes through a real botocore client (serialize, sign, send, parse): DynamoDB
DescribeImport and ListImports, DescribeExport and ListExports, CloudTrail GetImport and
ListImports, Forecast DescribeDatasetImportJob and ListDatasetImportJobs, Q in Connect
GetImportJob and ListImportJobs. Each family holds a handful (HANDFUL) of jobs, so each list
call answers one page holding all of them.

- importmock: the answer comes from importmock's patched URLLib3Session.send.
- bare hook: a ``before-send.<service>.<Operation>`` handler returning one prebuilt AWSResponse
  holding the very status, bytes and headers importmock answered. This is the floor for any
  mock that answers at botocore's HTTP layer: the client still builds, signs and parses the
  request and response, only the answering is free. importmock's overhead is what it spends
  above this (routing, validating the request, looking the jobs up, serializing the response).
- Stubber (DescribeImport only): botocore.stub.Stubber with the same parsed response; it
  short-circuits at before-call (no serialization, signing or parsing), so it is below the
  floor; shown for scale only.
- moto (mock_aws), DynamoDB only: moto 5.2 implements ImportTable/DescribeImport (not
  ListImports) and ExportTableToPointInTime/DescribeExport/ListExports (exports of a
  PITR-enabled table), but no CloudTrail Lake imports, no Forecast dataset import jobs and
  nothing of Q in Connect. Its DescribeImport and DescribeExport are compared with
  importmock's; its ListExports over the same handful of exports is shown for scale. moto's
  answers are smaller (fewer members) than importmock's.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import botocore.session
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber

from importmock import ImportMock

from . import harness
from .families import (
    DYNAMODB_IMPORTS,
    FAMILIES,
    NEWER_FAMILIES,
    Family,
    export_table,
    import_table,
    moto_pitr_table,
)
from .harness import Client, Row, Settings, Variant, fmt, row

HANDFUL = 5  # jobs per family
MEASURED = (*FAMILIES, *NEWER_FAMILIES)  # the bulk operations and Forecast's exports too (issue 15)
Parsed = dict[str, dict[str, Any]]  # "<family> <operation>" -> a parsed response, or the parameters


def measure(settings: Settings) -> dict[str, float]:
    """ns per call; keys "<family> <operation>: importmock" and ": bare hook", moto's, Stubber's."""
    print(f"1. describe and list calls per family ({HANDFUL} jobs held), per call ...", flush=True)
    from moto import mock_aws

    parsed: Parsed = {}
    params: Parsed = {}
    with harness.job_mock() as mock, mock_aws():
        moto = _moto_variants(mock)  # first: its table in moto is the one importmock's exports name
        variants = [v for family in MEASURED for v in _family_variants(family, parsed, params)]
        stubber = _stubber_variant(parsed, params)
        variants += [*moto, stubber]
        results = harness.interleave(variants, settings.rounds, settings.pick(100, 200))
    for name, im, hook in hook_pairs(results):
        print(f"  {name:<40}importmock {fmt(im):>10}  bare hook {fmt(hook):>10}  {im / hook:.2f}x")
    for name in ("moto DescribeImport", "moto DescribeExport", "moto ListExports", "Stubber DescribeImport"):
        print(f"  {name:<40}{fmt(results[name]):>21}")
    return results


def rows(results: dict[str, float]) -> list[Row]:
    """The report's lines: each call against the hook, DynamoDB's against moto and the Stubber."""
    lines = [
        row(f"{name} / call", fmt(im), f"bare hook {fmt(hook)}", im / hook, harness.HOOK_RATIO)
        for name, im, hook in hook_pairs(results)
    ]
    moto_budgets = {
        "DescribeImport": harness.MOTO_SPEEDUP,
        "DescribeExport": harness.MOTO_SPEEDUP,
        "ListExports": None,
    }
    for name, budget in moto_budgets.items():
        im, other = results[f"DynamoDB {name}: importmock"], results[f"moto {name}"]
        lines.append(row(f"DynamoDB {name} / call", fmt(im), f"moto {name} {fmt(other)}", other / im, budget))
    im, stub = results["DynamoDB DescribeImport: importmock"], results["Stubber DescribeImport"]
    lines.append(row("DynamoDB DescribeImport / call", fmt(im), f"Stubber {fmt(stub)}", im / stub))
    return lines


def hook_pairs(results: dict[str, float]) -> Iterator[tuple[str, float, float]]:
    """(call, importmock's ns, the bare hook's ns) of every family's describe and list, in order."""
    for family in MEASURED:
        for name in (family.describe_name, family.list_name):
            yield name, results[f"{name}: importmock"], results[f"{name}: bare hook"]


def _family_variants(family: Family, parsed: Parsed, params: Parsed) -> list[Variant]:
    """importmock's and the bare hook's describe and list of `family`, over HANDFUL new jobs.

    Records each call's parsed response and parameters in `parsed` and `params`.
    """
    im, hooked = harness.make_client(family.service), harness.make_client(family.service)
    create = family.creator(im, harness.ACCOUNT)
    jobs = [create(i) for i in range(HANDFUL)]
    variants: list[Variant] = []
    for name, operation, args in (
        (family.describe_name, family.describe_op, family.describe_args(jobs[0])),
        (family.list_name, family.list_op, family.list_args),
    ):
        call = harness.bound(im, operation, args)
        response, parsed[name] = recorded(im, operation, call)
        params[name] = args
        event = f"before-send.{hooked.meta.service_model.service_id.hyphenize()}.{operation}"
        hooked.meta.events.register(event, answering(response))
        variants += [
            Variant(f"{name}: importmock", call),
            Variant(f"{name}: bare hook", harness.bound(hooked, operation, args)),
        ]
    assert len(parsed[family.list_name][family.items]) == HANDFUL
    return variants


def _stubber_variant(parsed: Parsed, params: Parsed) -> Variant:
    """DescribeImport through a Stubber loaded, before each round, with importmock's answer."""
    stubbed = harness.make_client("dynamodb")
    stubber = Stubber(stubbed)
    stubber.activate()
    name = DYNAMODB_IMPORTS.describe_name
    canned = {k: v for k, v in parsed[name].items() if k != "ResponseMetadata"}

    def load_stubber(count: int) -> None:
        for _ in range(count):
            stubber.add_response("describe_import", canned)

    args = params[name]
    return Variant("Stubber DescribeImport", lambda: stubbed.describe_import(**args), prepare=load_stubber)


def _moto_variants(mock: ImportMock) -> list[Variant]:
    """moto's DescribeImport, DescribeExport and ListExports, each run with `mock` paused.

    Its table (moto_pitr_table) also serves importmock's exports: while moto's mock is active,
    moto is importmock's data plane, and ExportTableToPointInTime needs the table there.
    """
    moto_session = botocore.session.get_session()  # made after `import moto`: moto's hook is in it
    moto_client = harness.make_client("dynamodb", session=moto_session)
    with harness.paused(mock):
        moto_import = import_table(moto_client, "bench-describe")["ImportArn"]
        table_arn = moto_pitr_table(moto_client)
        moto_exports = [export_table(moto_client, table_arn) for _ in range(HANDFUL)]
        time.sleep(0.2)  # moto runs imports and exports in threads; let them settle
    calls: dict[str, Callable[[], object]] = {
        "moto DescribeImport": lambda: moto_client.describe_import(ImportArn=moto_import),
        "moto DescribeExport": lambda: moto_client.describe_export(ExportArn=moto_exports[0]),
        "moto ListExports": lambda: moto_client.list_exports(TableArn=table_arn, MaxResults=harness.PAGE),
    }
    return [Variant(name, call, 0.5, pause=mock) for name, call in calls.items()]


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
