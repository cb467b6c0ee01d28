"""Issue 7, tokens: every list operation's NextToken is bound, tamper-evident and opaque.

One matrix over the six list operations (DynamoDB ListImports and ListExports, CloudTrail Lake
ListImports and ListImportFailures, Forecast ListDatasetImportJobs, Q in Connect ListImportJobs)
and the ways a token goes wrong: issued by another mock, before a reset, for another account,
region or operation, truncated, extended, any one character changed, random bytes in the
token's own form, built by hand, or (Forecast, whose tokens live 24 hours) expired. Each is
refused with the service's error for a bad token, in process and through the server. The
existing tests (tests/jobs/test_pagination.py and tests/services/*) cover a few flipped
positions, other parameters, and for Forecast and Q in Connect another account and region;
this matrix covers every operation and every attack. A second test checks that no token shows
an ARN, job id, table or dataset name, knowledge base, account id or count in clear.
"""

from __future__ import annotations

import base64
import binascii
import json
import random
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

import botocore.session
import pytest
from botocore.exceptions import ClientError
from hardening_support import (
    CT_FAILURES,
    CT_IMPORTS,
    DDB_EXPORTS,
    DDB_IMPORTS,
    DEFAULT_CALLER,
    FC_JOBS,
    QC_JOBS,
    STORE_ID,
    Caller,
    Listing,
    World,
    create_forecast_job,
    error_code,
    export_table,
    import_table,
    start_lake_import,
    start_qconnect_job,
    store_arn,
    world,
)

from tampering import flip

OTHER_ACCOUNT = Caller("210987654321")
OTHER_REGION = Caller(DEFAULT_CALLER.access_key, "eu-west-1")
JOBS = 5
PAGE = 2
KNOWLEDGE_BASE = "3c9d7e1f-5a2b-4c6d-8e0f-1a2b3c4d5e6f"
# CloudTrail Lake imports wait for mock.finish, so ListImportFailures has failures to page
OPTIONS: dict[str, Any] = {"duration": 0, "durations": {"cloudtrail:import": None}}
TRANSPORTS = ["in-process", "server"]


@dataclass
class Listed:
    """What a setup made: the request parameters of its listing and the strings no token may show."""

    params: dict[str, Any]
    secrets: set[str] = field(default_factory=set)
    last_ids: list[str] = field(default_factory=list)


def setup_ddb_imports(target: World, caller: Caller) -> Listed:
    ddb = target.client("dynamodb", caller)
    listed = Listed({}, {caller.account})
    for n in range(JOBS):
        table = f"hardening-orders-table-{n}"
        arn = import_table(ddb, table)
        listed.secrets |= {arn, table, arn.rsplit("/", 1)[1]}
        listed.last_ids.append(arn)
    return listed


def setup_ddb_exports(target: World, caller: Caller) -> Listed:
    ddb = target.client("dynamodb", caller)
    listed = Listed({}, {caller.account, "hardening-ledger-table"})
    for _ in range(JOBS):
        arn = export_table(ddb, caller, "hardening-ledger-table")
        listed.secrets |= {arn, arn.rsplit("/", 1)[1]}
        listed.last_ids.append(arn)
    return listed


def setup_ct_imports(target: World, caller: Caller) -> Listed:
    ct = target.client("cloudtrail", caller)
    listed = Listed({}, {caller.account, store_arn(caller), STORE_ID})
    for _ in range(JOBS):
        ident = start_lake_import(ct, caller)
        target.mock.finish(ident)  # one import runs at a time: end it before the next
        listed.secrets.add(ident)
        listed.last_ids.append(ident)
    return listed


def setup_ct_failures(target: World, caller: Caller) -> Listed:
    ct = target.client("cloudtrail", caller)
    ident = start_lake_import(ct, caller)
    listed = Listed({"ImportId": ident}, {caller.account, store_arn(caller), STORE_ID, ident})
    for attempt in range(JOBS):
        if attempt:
            ct.start_import(ImportId=ident)  # a retry of the failed import
        target.mock.clock.advance(1)
        target.mock.finish(ident, status="FAILED", failure_message=f"hardening failure {attempt}")
        listed.last_ids.append(f"hardening failure {attempt}")
    return listed


def setup_forecast(target: World, caller: Caller) -> Listed:
    fc = target.client("forecast", caller)
    listed = Listed({}, {caller.account, "hardening_sales_dataset"})
    for n in range(JOBS):
        arn = create_forecast_job(fc, caller, f"hardening_job_{n}", "hardening_sales_dataset")
        listed.secrets |= {arn, f"hardening_job_{n}"}
        listed.last_ids.append(arn)
    return listed


def setup_qconnect(target: World, caller: Caller) -> Listed:
    qc = target.client("qconnect", caller)
    listed = Listed({"knowledgeBaseId": KNOWLEDGE_BASE}, {caller.account, KNOWLEDGE_BASE})
    for _ in range(JOBS):
        ident, upload = start_qconnect_job(qc, KNOWLEDGE_BASE)
        listed.secrets |= {ident, upload}
        listed.last_ids.append(ident)
    return listed


@dataclass(frozen=True)
class Case:
    """A list operation, the error a bad token gets (the service's model), and a donor of foreign tokens."""

    name: str
    listing: Listing
    setup: Callable[[World, Caller], Listed]
    error: str
    donor: str
    hex: bool = False
    max_age: timedelta | None = None


# DynamoDB models no token error: a bad one is its common ValidationException, as AWS answers.
# CloudTrail and Forecast model InvalidNextTokenException; Q in Connect ValidationException.
CASES = {
    case.name: case
    for case in (
        Case(
            "dynamodb:ListImports",
            DDB_IMPORTS,
            setup_ddb_imports,
            "ValidationException",
            "dynamodb:ListExports",
        ),
        Case(
            "dynamodb:ListExports",
            DDB_EXPORTS,
            setup_ddb_exports,
            "ValidationException",
            "dynamodb:ListImports",
        ),
        Case(
            "cloudtrail:ListImports",
            CT_IMPORTS,
            setup_ct_imports,
            "InvalidNextTokenException",
            "cloudtrail:ListImportFailures",
        ),
        Case(
            "cloudtrail:ListImportFailures",
            CT_FAILURES,
            setup_ct_failures,
            "InvalidNextTokenException",
            "cloudtrail:ListImports",
        ),
        Case(
            "forecast:ListDatasetImportJobs",
            FC_JOBS,
            setup_forecast,
            "InvalidNextTokenException",
            "qconnect:ListImportJobs",
            max_age=timedelta(hours=24),
        ),
        Case(
            "qconnect:ListImportJobs",
            QC_JOBS,
            setup_qconnect,
            "ValidationException",
            "forecast:ListDatasetImportJobs",
        ),
    )
}


@dataclass
class Scene:
    """A world with a case's jobs in it, the caller's client and one genuine first-page token."""

    target: World
    case: Case
    listed: Listed
    client: Any
    token: str
    make_client: Callable[..., Any]

    def refused(self, token: str, client: Any | None = None) -> str | None:
        """None if `token` is refused as the case requires, else what happened instead."""
        return refusal(self.case, client or self.client, self.listed.params, token)


def refusal(case: Case, client: Any, params: dict[str, Any], token: str) -> str | None:
    try:
        page = case.listing.page(client, params, PAGE, token)
    except ClientError as error:
        code, status = error_code(error)
        return None if (code, status) == (case.error, 400) else f"{code} ({status}): {error}"
    return f"accepted, listing {[item.get(case.listing.ident) for item in page[case.listing.items]]}"


@contextmanager
def scene(case: Case, transport: str, make_client: Callable[..., Any]) -> Iterator[Scene]:
    with world(transport, make_client, **OPTIONS) as target:
        listed = case.setup(target, DEFAULT_CALLER)
        client = target.client(case.listing.service, DEFAULT_CALLER, validate=False)
        first = case.listing.page(client, listed.params, PAGE)
        token = first[case.listing.token_key]
        # the genuine token works (so every refusal below is the attack's doing)
        second = case.listing.page(client, listed.params, PAGE, token)
        assert [item[case.listing.ident] for item in second[case.listing.items]]
        yield Scene(target, case, listed, client, token, make_client)


# -- the attacks: each yields (label, token, client or None) to try ---------------------------

Attempts = Iterator[tuple[str, str, Any]]


def other_mock(s: Scene) -> Attempts:
    # a second mock with the same jobs (nested in process: the innermost answers; or a second server)
    transport = "in-process" if s.target.endpoint is None else "server"
    with world(transport, s.make_client, **OPTIONS) as other:
        s.case.setup(other, DEFAULT_CALLER)
        yield "token of another mock", s.token, other.client(s.case.listing.service, DEFAULT_CALLER, False)


def after_reset(s: Scene) -> Attempts:
    s.target.mock.reset()
    s.case.setup(s.target, DEFAULT_CALLER)
    yield "token issued before reset", s.token, None


def other_caller(caller: Caller) -> Callable[[Scene], Attempts]:
    def attack(s: Scene) -> Attempts:
        s.case.setup(s.target, caller)
        client = s.target.client(s.case.listing.service, caller, validate=False)
        yield f"token used by {caller}", s.token, client

    return attack


def other_operation(s: Scene) -> Attempts:
    donor = CASES[s.case.donor]
    listed = donor.setup(s.target, DEFAULT_CALLER)
    client = s.target.client(donor.listing.service, DEFAULT_CALLER, validate=False)
    token = donor.listing.page(client, listed.params, PAGE)[donor.listing.token_key]
    yield f"token of {donor.name}", token, None


def truncated(s: Scene) -> Attempts:
    t = s.token
    for cut in sorted({1, 2, 4, 16, len(t) // 2, len(t) - 4}):
        yield f"last {cut} characters cut", t[:-cut], None
    yield "first character cut", t[1:], None
    yield "first 16 characters cut", t[16:], None


def extended(s: Scene) -> Attempts:
    t = s.token
    more = "0" * 16 if s.case.hex else "AAAA"
    yield "padded at the end", t + more, None
    yield "padded at the start", more + t, None
    yield "doubled", t + t, None
    yield "with a trailing newline", t + "\n", None
    yield "with a leading space", " " + t, None
    yield "with a non-ASCII character", t[:-1] + "\u00e9", None
    yield "with a zero-width space", t[:8] + "\u200b" + t[8:], None
    yield "at the model's longest", (t * (1 + longest(s.case) // len(t)))[: longest(s.case)], None
    if not s.case.hex:
        yield "with base64 padding", t + "=" * (-len(t) % 4 or 4), None
        yield "standard base64 alphabet", t.replace("-", "+").replace("_", "/") + "+/", None


def longest(case: Case) -> int:
    """The longest token the operation's model allows (1024 where it sets no limit)."""
    model = botocore.session.get_session().get_service_model(case.listing.service)
    operation = model.operation_model(xform_name_of(case.listing.method))
    shape = operation.input_shape.members[case.listing.token_key]
    return int(shape.metadata.get("max", 1024))


def xform_name_of(method: str) -> str:
    return "".join(part.capitalize() for part in method.split("_"))


def flipped(s: Scene) -> Attempts:
    for index in range(len(s.token)):
        yield f"character {index} changed", flip(s.token, index), None
    if not s.case.hex:
        yield "uppercased", s.token.upper(), None
    else:
        yield "uppercase hex", s.token.upper(), None


def form_of(case: Case, token: str) -> tuple[bytes, Callable[[bytes], str]]:
    """The bytes a token spells, and how its form spells bytes (hex, or URL-safe base64)."""
    if case.hex or all(c in "0123456789abcdef" for c in token):
        return bytes.fromhex(token), bytes.hex
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    return raw, lambda data: base64.urlsafe_b64encode(data).decode().rstrip("=")


def forged(s: Scene) -> Attempts:
    raw, spell = form_of(s.case, s.token)
    rng = random.Random(s.case.name)
    for n in range(16):
        yield f"random bytes {n} in the token's form", spell(rng.randbytes(len(raw))), None
    yield "tag zeroed", spell(bytes(16) + raw[16:]), None
    yield "body zeroed", spell(raw[:16] + bytes(len(raw) - 16)), None
    yield "all zero bytes", spell(bytes(len(raw))), None


def hand_built(s: Scene) -> Attempts:
    last = s.listed.last_ids[-PAGE] if len(s.listed.last_ids) >= PAGE else s.listed.last_ids[0]
    ident = s.case.listing.ident
    documents: list[dict[str, Any]] = [
        {"ExclusiveStartKey": {ident: {"S": last}}},
        {"ExclusiveStartKey": {ident: last}},
        {"nextToken": last, "offset": PAGE},
        {"parameterChecksum": 0, "pageEnding": [last]},
        {"StartingToken": last, "PageSize": PAGE},
        {"offset": PAGE},
    ]
    for document in documents:
        text = json.dumps(document).encode()
        yield f"base64 of {document}", base64.b64encode(text).decode(), None
        yield f"URL-safe base64 of {document}", base64.urlsafe_b64encode(text).decode().rstrip("="), None
        padded = text + b" " * (max(56, len(text)) - len(text))
        padded += b" " * (-len(padded) % 8)
        yield f"hex of {document}", padded.hex(), None
    yield "the last id in clear", last, None
    yield "an offset", f"{PAGE:04d}", None
    yield "zero hex", "0" * 112, None
    yield "ff hex", "f" * 128, None
    yield "a uuid", str(uuid.UUID(int=7, version=4)), None
    yield "an ARN-like string", f"arn:aws:{s.case.listing.service}:us-east-1:123456789012:page/{PAGE}", None


def expired(s: Scene) -> Attempts:
    assert s.case.max_age is not None
    s.target.mock.clock.advance(s.case.max_age + timedelta(seconds=1))
    yield "token replayed after its lifetime", s.token, None


ATTACKS: dict[str, Callable[[Scene], Attempts]] = {
    "other-mock": other_mock,
    "after-reset": after_reset,
    "other-account": other_caller(OTHER_ACCOUNT),
    "other-region": other_caller(OTHER_REGION),
    "other-operation": other_operation,
    "truncated": truncated,
    "extended": extended,
    "flipped": flipped,
    "forged": forged,
    "hand-built": hand_built,
}
MATRIX = [
    pytest.param(case, attack, id=f"{case}-{attack}")
    for case in CASES
    for attack in [*ATTACKS, *(["expired"] if CASES[case].max_age else [])]
]


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize(("case_name", "attack"), MATRIX)
def test_bad_tokens_are_refused_with_the_services_error(
    make_client: Callable[..., Any], transport: str, case_name: str, attack: str
) -> None:
    case = CASES[case_name]
    wrong: list[str] = []
    with scene(case, transport, make_client) as s:
        attempts = ATTACKS.get(attack, expired)(s)
        for label, token, client in attempts:
            outcome = s.refused(token, client)
            if outcome is not None:
                wrong.append(f"{label} ({token[:40]}...): {outcome}")
    expected = f"each refused with {case.error} (400)"
    assert wrong == [], f"{case_name}, {expected}:\n" + "\n".join(wrong)


def test_forecast_token_still_works_just_before_expiry_through_the_server(
    make_client: Callable[..., Any],
) -> None:
    # the positive side of the expiry attack, through the server's clock (in process: tests/services)
    with scene(CASES["forecast:ListDatasetImportJobs"], "server", make_client) as s:
        s.target.mock.clock.advance(timedelta(hours=24))
        page = s.case.listing.page(s.client, s.listed.params, PAGE, s.token)
        assert len(page[s.case.listing.items]) == PAGE


# -- opacity --------------------------------------------------------------------------------


def decodings(token: str) -> list[bytes]:
    """The token's bytes under every encoding it could be in (hex, base64, URL-safe base64), twice."""
    found: list[bytes] = []
    layer = [token.encode()]
    for _ in range(2):
        next_layer = []
        for blob in layer:
            text = blob.decode("ascii", "replace").strip()
            for decode in (
                bytes.fromhex,
                lambda t: base64.b64decode(t + "=" * (-len(t) % 4), validate=False),
                lambda t: base64.urlsafe_b64decode(t + "=" * (-len(t) % 4)),
            ):
                try:
                    decoded = decode(text)
                except (ValueError, binascii.Error):
                    continue
                if decoded and decoded not in found:
                    found.append(decoded)
                    next_layer.append(decoded)
        layer = next_layer
    return found


BYTE_FORMS: tuple[tuple[int, Literal["big", "little"]], ...] = (
    (4, "big"),
    (4, "little"),
    (8, "big"),
    (8, "little"),
)


def leaks(token: str, secrets: set[str], counts: range) -> list[str]:
    shown: list[str] = []
    texts = [token.encode(), *decodings(token)]
    for secret in secrets:
        forms = {secret.encode(), secret.lower().encode(), secret.replace("-", "").lower().encode()}
        with suppress(ValueError):
            forms.add(uuid.UUID(secret).bytes)
        if secret.isdigit():
            forms |= {int(secret).to_bytes(8, "big"), int(secret).to_bytes(8, "little")}
        for blob in texts:
            if any(form in blob or form in blob.lower() for form in forms):
                shown.append(f"{secret!r} in {blob[:60]!r}")
    for blob in texts[1:]:
        printable = sum(32 <= b < 127 for b in blob) / len(blob)
        if printable > 0.9 and len(blob) >= 8:
            shown.append(f"decodes to text {blob[:60]!r}")
        for n in counts:
            for size, order in BYTE_FORMS:
                if n.to_bytes(size, order) in blob:
                    shown.append(f"count {n} as {size} {order}-endian bytes in {blob[:60]!r}")
    return shown


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("case_name", list(CASES))
def test_tokens_reveal_nothing_in_clear(
    make_client: Callable[..., Any], transport: str, case_name: str
) -> None:
    case = CASES[case_name]
    with world(transport, make_client, **OPTIONS) as target:
        listed = case.setup(target, DEFAULT_CALLER)
        client = target.client(case.listing.service, DEFAULT_CALLER)
        tokens = [
            token for size in (1, PAGE) for token in case.listing.traverse(client, listed.params, size)[1]
        ]
    assert len(tokens) == JOBS - 1 + (JOBS - 1) // PAGE
    secrets = listed.secrets | set(listed.last_ids) | {"us-east-1"}
    shown = [f"{token}: {leak}" for token in tokens for leak in leaks(token, secrets, range(1, JOBS + 1))]
    assert shown == []
