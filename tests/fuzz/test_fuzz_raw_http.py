"""Issue 7, over raw HTTP: random bodies, targets, paths and methods, SigV4-signed, to the server.

Whatever arrives, the server answers within the timeout, never with a 500, and every error is
an AWS-style JSON error that names its code: in the `__type` of the body (JSON protocols),
the `x-amzn-ErrorType` header (REST-JSON), or both (what the server answers itself; see
docs/server.md, "Requests it cannot answer"). A 501 is allowed only as the documented
`NotImplemented` answer for a service or operation importmock does not implement.
"""

from __future__ import annotations

import http.client
import json
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import botocore.session
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from fuzz_strategies import ODD_CHARACTERS, json_values, long_text
from fuzz_support import OPERATIONS, OTHER_REGION, REGION, SECRET, SERVER_ACCOUNT, TIMEOUT, fuzz_settings
from hypothesis import given
from hypothesis import strategies as st

from importmock.server import ThreadedServer

KNOWLEDGE_BASE = "8a5b3f0e-2c1d-4e6f-9a7b-0c1d2e3f4a5b"


def _targets() -> list[str]:
    """X-Amz-Target values: every operation of the JSON services (mocked or not), and near misses."""
    session = botocore.session.get_session()
    targets = []
    for service in ("dynamodb", "cloudtrail", "forecast"):
        model = session.get_service_model(service)
        prefix = model.metadata["targetPrefix"]
        mocked = OPERATIONS[service]
        others = [name for name in model.operation_names if name not in mocked][:5]
        targets += [f"{prefix}.{name}" for name in (*mocked, *others)]
        targets += [
            f"{prefix}.",
            prefix,
            f"{prefix}.{mocked[0].lower()}",
            f"{prefix}.{mocked[0]}.{mocked[0]}",
        ]
    return [*targets, "", ".", "DynamoDB_20120810.ListImports\x7f", "AWSIE.ListJobs"]


TARGETS = _targets()
SIGNING_NAMES = [
    "dynamodb",
    "cloudtrail",
    "forecast",
    "wisdom",
    "qconnect",
    "s3",
    "importexport",
    "nosuchservice",
]
CONTENT_TYPES = [
    "application/x-amz-json-1.0",
    "application/x-amz-json-1.1",
    "application/json",
    "text/plain",
    "application/x-www-form-urlencoded",
]

segments = st.one_of(
    st.sampled_from(
        [
            KNOWLEDGE_BASE,
            "knowledgeBases",
            "importJobs",
            "upload",
            "",
            ".",
            "..",
            "%2F",
            "%00",
            "%E2%80%8F",
            "%ZZ",
        ]
    ),
    st.text(alphabet="abcdefABCDEF0123456789-_.~", max_size=40),
    st.lists(st.sampled_from(ODD_CHARACTERS), min_size=1, max_size=4).map(
        lambda chars: urllib.parse.quote("".join(chars), safe="")
    ),
)
queries = st.one_of(
    st.just(""),
    st.sampled_from(
        ["?maxResults=5", "?maxResults=0", "?maxResults=x", "?nextToken=%00", "?nextToken=", "?a&b=&=c"]
    ),
    st.dictionaries(st.text(min_size=1, max_size=8), st.text(max_size=12), max_size=3).map(
        lambda query: "?" + urllib.parse.urlencode(query) if query else ""
    ),
)
paths = st.one_of(
    st.just("/"),
    st.sampled_from(
        [
            f"/knowledgeBases/{KNOWLEDGE_BASE}/importJobs",
            f"/knowledgeBases/{KNOWLEDGE_BASE}/upload",
            f"/knowledgeBases/{KNOWLEDGE_BASE}/importJobs/{KNOWLEDGE_BASE}",
            "/knowledgeBases//importJobs",
            "/knowledgeBases",
            "//",
        ]
    ),
    st.lists(segments, min_size=1, max_size=6).map(lambda parts: "/" + "/".join(parts)),
).filter(lambda path: not path.startswith("/_importmock"))
bodies = st.one_of(
    st.just(b""),
    st.binary(max_size=200),
    json_values().map(lambda value: json.dumps(value).encode()),
    st.dictionaries(
        st.sampled_from(
            ["ImportArn", "TableArn", "MaxResults", "NextToken", "knowledgeBaseId", "ImportId", "Filters"]
        ),
        json_values(),
        max_size=4,
    ).map(lambda value: json.dumps(value).encode()),
    st.sampled_from(
        [
            b"{",
            b"[]",
            b"null",
            b'{"a": NaN}',
            b'{"MaxResults": 1e999}',
            b'{"ImportArn": "\\ud800"}',  # a lone surrogate, escaped
            b"\xff\xfe{}",
            b"{}" + b" " * 1000,
            long_text("[", 10_000).encode(),  # deep nesting
        ]
    ),
)


@dataclass(frozen=True)
class RawRequest:
    method: str
    signing_name: str
    region: str
    path: str
    target: str | None
    content_type: str | None
    body: bytes
    signed: bool


signed = st.integers(min_value=0, max_value=9).map(lambda n: n < 8)  # mostly signed; shrinks to signed

random_requests = st.builds(
    RawRequest,
    method=st.sampled_from(["POST", "POST", "GET", "PUT", "DELETE", "PATCH", "OPTIONS"]),
    signing_name=st.sampled_from(SIGNING_NAMES),
    region=st.sampled_from([REGION, OTHER_REGION, "xx-nowhere-9"]),
    path=st.tuples(paths, queries).map("".join),
    target=st.one_of(st.none(), st.sampled_from(TARGETS)),
    content_type=st.one_of(st.none(), st.sampled_from(CONTENT_TYPES)),
    body=bodies,
    signed=signed,
)

# the wire form of each service: signing name, content type, and (JSON protocols) target prefix
SESSION = botocore.session.get_session()
MODELS = {service: SESSION.get_service_model(service) for service in OPERATIONS}


def _deep_body(member: str, depth: int) -> bytes:
    """A JSON object whose `member` is nested `depth` levels deep in arrays."""
    return b'{"' + member.encode() + b'": ' + b"[" * depth + b"]" * depth + b"}"


@st.composite
def aimed_requests(draw: st.DrawFn) -> RawRequest:
    """A request of a real operation, right in its wire form, with a random body of its members."""
    service = draw(st.sampled_from(sorted(OPERATIONS)))
    model = MODELS[service]
    operation = model.operation_model(draw(st.sampled_from(OPERATIONS[service])))
    members = list(operation.input_shape.members) if operation.input_shape is not None else []
    document = draw(st.dictionaries(st.sampled_from([*members, "Unknown"]), json_values(), max_size=4))
    body = draw(
        st.one_of(
            st.just(json.dumps(document).encode()),
            st.sampled_from(members or ["Unknown"]).flatmap(
                lambda member: st.sampled_from([_deep_body(member, 400), _deep_body(member, 100_000)])
            ),
            bodies,
        )
    )
    if model.protocol == "json":
        version = model.metadata["jsonVersion"]
        return RawRequest(
            method="POST",
            signing_name=model.signing_name,
            region=REGION,
            path="/",
            target=f"{model.metadata['targetPrefix']}.{operation.name}",
            content_type=f"application/x-amz-json-{version}",
            body=body,
            signed=draw(signed),
        )
    path = operation.http["requestUri"]
    for label in ("knowledgeBaseId", "importJobId"):
        path = path.replace("{" + label + "}", draw(st.one_of(st.just(KNOWLEDGE_BASE), segments)))
    return RawRequest(
        method=operation.http["method"],
        signing_name=model.signing_name,
        region=REGION,
        path=path + draw(queries),
        target=None,
        content_type="application/json",
        body=body,
        signed=draw(signed),
    )


raw_requests = st.one_of(aimed_requests(), random_requests)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


def send(url: str, request: RawRequest) -> Reply:
    """Signs `request` with SigV4 (unless it is to be unsigned) and sends it, bounded by TIMEOUT."""
    headers: dict[str, str] = {}
    if request.target is not None:
        headers["X-Amz-Target"] = request.target
    if request.content_type is not None:
        headers["Content-Type"] = request.content_type
    aws_request = AWSRequest(
        method=request.method, url=url + request.path, data=request.body, headers=headers
    )
    if request.signed:
        credentials = Credentials(SERVER_ACCOUNT, SECRET)
        SigV4Auth(credentials, request.signing_name, request.region).add_auth(aws_request)
    prepared = aws_request.prepare()
    body = prepared.body
    assert body is None or isinstance(body, bytes)
    parts = urllib.parse.urlsplit(prepared.url)
    assert parts.hostname is not None and parts.port is not None
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
    try:
        connection.request(request.method, target, body=body, headers=dict(prepared.headers.items()))
        response = connection.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedServer]:
    with ThreadedServer(port=0, duration=None) as running:
        yield running


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError as error:
        raise AssertionError(f"the body is not JSON: {body[:300]!r}") from error


def test_raw_requests_get_aws_answers(server: ThreadedServer) -> None:
    @fuzz_settings(scale=5)
    @given(request=raw_requests)
    def answers_in_aws_form(request: RawRequest) -> None:
        try:
            reply = send(server.url, request)
        except TimeoutError as error:
            raise AssertionError(f"no answer within {TIMEOUT:.0f} s (a hang): {request}") from error
        shown = f"HTTP {reply.status} {reply.body[:400]!r} for {request}"
        assert reply.status != 500, shown
        if reply.status < 300:
            assert reply.status == 204 or isinstance(_json(reply.body), dict), shown
            return
        if reply.status >= 500:
            assert reply.status == 501, shown
        document = _json(reply.body)
        # each on its own line, so that hypothesis reports (and shrinks) each failure apart
        assert isinstance(document, dict), f"not a JSON object: {shown}"
        in_body, in_header = document.get("__type"), reply.headers.get("x-amzn-errortype")
        assert in_body or in_header, f"no error code in the body nor the header: {shown}"
        if in_body and in_header:
            assert str(in_body).rpartition("#")[2] == in_header.split(":")[0], shown
        if reply.status == 501:
            assert str(document["__type"]).rpartition("#")[2] == "NotImplemented", shown

    answers_in_aws_form()
