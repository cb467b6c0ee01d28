"""What the fuzz tests share: the operations, clients, seeded state, sending, and the property.

The property (issue 7): whatever the request, importmock's answer is either a success whose
parsed response passes the output-shape check, or a 4xx ClientError whose code the operation
models (or is one of AWS's common errors): never a 5xx, never another exception, never a hang.
A request that botocore itself could not serialize (it raises before sending, with client
validation off) never reached the mock and says nothing about it: such an example is rejected.
"""

from __future__ import annotations

import json
import os
import threading
import urllib.parse
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import boto3
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.model import OperationModel
from fuzz_strategies import TEMPLATE, Injection, describe, inject_raw, split_raw
from hypothesis import assume, event, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from importmock import ImportMock

OPERATIONS: dict[str, tuple[str, ...]] = {
    "dynamodb": (
        "ImportTable",
        "DescribeImport",
        "ListImports",
        "ExportTableToPointInTime",
        "DescribeExport",
        "ListExports",
    ),
    "cloudtrail": ("StartImport", "GetImport", "ListImports", "StopImport", "ListImportFailures"),
    "forecast": (
        "CreateDatasetImportJob",
        "DescribeDatasetImportJob",
        "ListDatasetImportJobs",
        "DeleteDatasetImportJob",
        "StopResource",
        "TagResource",
        "UntagResource",
        "ListTagsForResource",
    ),
    "qconnect": ("StartContentUpload", "StartImportJob", "GetImportJob", "ListImportJobs", "DeleteImportJob"),
}
CASES = [(service, operation) for service, operations in OPERATIONS.items() for operation in operations]

REGION = "us-east-1"
OTHER_REGION = "eu-west-1"
DEFAULT_ACCOUNT = "123456789012"  # the in-process mock's account
SERVER_ACCOUNT = "111111111111"  # a 12-digit access key id selects this account on the server
OTHER_ACCOUNT = "999999999999"
SECRET = "x"
TIMEOUT = 20.0  # seconds any one call may take before it counts as a hang

# --- how long a run is -----------------------------------------------------------------------------

# CI runs a few examples per operation, reproducibly; IMPORTMOCK_FUZZ_EXAMPLES=300 (say) runs
# longer, with a fresh random seed each time
EXAMPLES_VARIABLE = "IMPORTMOCK_FUZZ_EXAMPLES"
DEFAULT_EXAMPLES = 20
EXAMPLES = int(os.environ.get(EXAMPLES_VARIABLE) or DEFAULT_EXAMPLES)


def fuzz_settings(scale: int = 1) -> settings:
    """Hypothesis settings of a fuzz test: `scale` x EXAMPLES examples, no example database.

    No deadline: a call's time is bounded by TIMEOUT instead (a hang fails the property), so a
    slow machine does not make the run flaky. No health check is suppressed: the tests draw
    from @given directly, and the mock or server they share is restored before each example.
    """
    return settings(
        max_examples=EXAMPLES * scale,
        deadline=None,
        database=None,
        derandomize=EXAMPLES_VARIABLE not in os.environ,
        print_blob=True,
    )


# --- the answers that are allowed ------------------------------------------------------------------

# A 4xx with one of these codes is legitimate for any operation: AWS's common errors for every
# API (the "Common Errors" page of each service's API reference: AccessDeniedException,
# IncompleteSignature, InvalidAction, InvalidClientTokenId, NotAuthorized, OptInRequired,
# RequestExpired, ThrottlingException, ValidationError), the JSON protocols' own errors
# (SerializationException for an unreadable body, UnknownOperationException,
# MissingAuthenticationTokenException, UnrecognizedClientException, InvalidSignatureException),
# ValidationException (the JSON services' name for ValidationError: DynamoDB's common errors
# list it, and so do botocore's models of most JSON services) and the server's
# RequestEntityTooLargeException (413, docs/server.md).
COMMON_ERROR_CODES = frozenset(
    {
        "AccessDeniedException",
        "IncompleteSignature",
        "IncompleteSignatureException",
        "InvalidAction",
        "InvalidClientTokenId",
        "InvalidSignatureException",
        "MissingAuthenticationTokenException",
        "NotAuthorized",
        "OptInRequired",
        "RequestEntityTooLargeException",
        "RequestURITooLongException",  # 414, 431 and 400 as http.server refuses (docs/server.md)
        "RequestHeaderFieldsTooLargeException",
        "BadRequestException",
        "RequestExpired",
        "SerializationException",
        "ThrottlingException",
        "UnknownOperationException",
        "UnrecognizedClientException",
        "ValidationError",
        "ValidationException",
    }
)


def modeled_error_codes(operation_model: OperationModel) -> frozenset[str]:
    """The error codes the operation's model names: shape names and their `error.code`."""
    codes: set[str] = set()
    for shape in operation_model.error_shapes:
        codes.add(shape.name)
        code = shape.metadata.get("error", {}).get("code")
        if code:
            codes.add(code)
    return frozenset(codes)


# --- clients ---------------------------------------------------------------------------------------


def fuzz_config() -> Config:
    """No client-side validation, one attempt, and socket timeouts (for the server)."""
    return Config(
        parameter_validation=False,
        retries={"mode": "standard", "total_max_attempts": 1},
        connect_timeout=5,
        read_timeout=TIMEOUT,
    )


Client = Any  # a boto3 client: its operation methods are made at run time
ClientFactory = Callable[..., Client]


def in_process_clients(service: str, *, validate: bool = True) -> Client:
    """A client for the active in-process mock."""
    config = fuzz_config() if not validate else Config(retries={"mode": "standard", "total_max_attempts": 1})
    return boto3.client(service, region_name=REGION, config=config)  # type: ignore[call-overload]


def server_clients(url: str) -> ClientFactory:
    """A factory of clients of the server at `url`, in SERVER_ACCOUNT."""

    def make(service: str, *, validate: bool = True) -> Client:
        config = (
            fuzz_config() if not validate else Config(retries={"mode": "standard", "total_max_attempts": 1})
        )
        return boto3.client(  # type: ignore[call-overload]
            service,
            region_name=REGION,
            config=config,
            endpoint_url=url,
            aws_access_key_id=SERVER_ACCOUNT,
            aws_secret_access_key=SECRET,
        )

    return make


# --- seeded state: real jobs of each family, and hints that name them -------------------------------


@dataclass
class Seeded:
    """A mock state with jobs of one family, and realistic values per operation and member name."""

    snapshot: dict[str, Any]
    hints: dict[str, SearchStrategy[Any]] = field(default_factory=dict)
    per_operation: dict[str, dict[str, SearchStrategy[Any]]] = field(default_factory=dict)

    def hints_for(self, operation: str) -> dict[str, SearchStrategy[Any]]:
        return {**self.hints, **self.per_operation.get(operation, {})}


TABLE_KEYS = {
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
}


def _table_parameters() -> SearchStrategy[dict[str, Any]]:
    """Well-formed TableCreationParameters, some naming a table an import already holds."""
    names = st.one_of(
        st.sampled_from(["orders", "customers", "refunds"]), st.from_regex(r"[a-z]{3,12}", fullmatch=True)
    )
    billing = st.sampled_from(
        [
            {"BillingMode": "PAY_PER_REQUEST"},
            {
                "BillingMode": "PROVISIONED",
                "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
            },
            {"ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}},
        ]
    )
    return st.builds(lambda name, bill: {"TableName": name, **TABLE_KEYS, **bill}, names, billing)


def _often(real: list[str], others: list[str]) -> SearchStrategy[str]:
    """One of `real` (three times as likely) or of `others`."""
    return st.sampled_from(real * 3 + others)


def _variants(arn: str, account: str) -> list[str]:
    """Near misses of a real ARN: another account or region, a changed id, a trailing slash, upper case."""
    return [
        arn.replace(account, OTHER_ACCOUNT),
        arn.replace(REGION, OTHER_REGION),
        arn[:-1] + ("0" if arn[-1] != "0" else "1"),
        arn + "/",
        arn.upper(),
    ]


def seed_dynamodb(make: ClientFactory, mock: ImportMock, account: str, operation: str) -> Seeded:
    """Three imports (completed, failed, running) and two exports (completed, running)."""
    ddb = make("dynamodb")
    table_arn = f"arn:aws:dynamodb:{REGION}:{account}:table/orders"
    imports = [
        ddb.import_table(
            S3BucketSource={"S3Bucket": "exports"},
            InputFormat="CSV",
            TableCreationParameters={"TableName": name, **TABLE_KEYS, "BillingMode": "PAY_PER_REQUEST"},
        )["ImportTableDescription"]["ImportArn"]
        for name in ("orders", "customers", "invoices")
    ]
    mock.finish(imports[0])
    mock.finish(imports[1], status="FAILED", failure_code="S3NoSuchBucket", failure_message="No bucket")
    exports = [
        ddb.export_table_to_point_in_time(TableArn=table_arn, S3Bucket="exports", S3Prefix=prefix)[
            "ExportDescription"
        ]["ExportArn"]
        for prefix in ("a/", "b/")
    ]
    mock.finish(exports[0])
    import_token = ddb.list_imports(PageSize=1)["NextToken"]
    export_token = ddb.list_exports(MaxResults=1)["NextToken"]
    now = mock.clock.now()
    tables = [table_arn, table_arn.replace("orders", "customers")]
    other_tables = [
        *_variants(table_arn, account),
        f"{table_arn}/index/by-date",
        f"arn:aws-cn:dynamodb:cn-north-1:{account}:table/orders",
        f"arn:aws:s3:::{account}",
    ]
    valid_times = st.sampled_from([now - timedelta(hours=2), now - timedelta(days=1)])
    times = st.one_of(
        valid_times,
        st.sampled_from([now - timedelta(minutes=2), now + timedelta(hours=1), now - timedelta(days=36)]),
    )
    import_request = st.fixed_dictionaries(
        {
            "S3BucketSource": st.just({"S3Bucket": "exports"}),
            "InputFormat": st.sampled_from(["CSV", "DYNAMODB_JSON", "ION"]),
            "TableCreationParameters": _table_parameters(),
        },
        optional={
            "InputCompressionType": st.sampled_from(["GZIP", "NONE"]),
            "ClientToken": st.just("fuzz-token-1"),
        },
    )
    export_request = st.fixed_dictionaries(
        {"TableArn": st.sampled_from(tables), "S3Bucket": st.just("exports")},
        optional={
            "ExportTime": valid_times,
            "ExportFormat": st.sampled_from(["DYNAMODB_JSON", "ION"]),
            "ClientToken": st.just("fuzz-token-1"),
            "S3Prefix": st.just("fuzz/"),
        },
    )
    return Seeded(
        snapshot=mock.snapshot(),
        hints={
            "ImportArn": _often(imports, [exports[0], *_variants(imports[0], account)]),
            "ExportArn": _often(exports, [imports[0], *_variants(exports[0], account)]),
            "TableArn": _often(tables, other_tables),
            "S3Bucket": st.sampled_from(["exports", "my.bucket-1"]),
            "S3BucketSource": st.fixed_dictionaries(
                {"S3Bucket": st.just("exports")},
                optional={
                    "S3KeyPrefix": st.just("orders/"),
                    "S3BucketOwner": st.sampled_from([account, OTHER_ACCOUNT]),
                },
            ),
            "TableCreationParameters": _table_parameters(),
            "ClientToken": st.sampled_from(["fuzz-token-1", "fuzz-token-2"]),
            "ExportTime": times,
            "IncrementalExportSpecification": st.fixed_dictionaries(
                {"ExportFromTime": times, "ExportToTime": times},
                optional={"ExportViewType": st.sampled_from(["NEW_IMAGE", "NEW_AND_OLD_IMAGES"])},
            ),
            "PageSize": st.integers(min_value=1, max_value=25),
            "MaxResults": st.integers(min_value=1, max_value=25),
        },
        per_operation={
            "ImportTable": {TEMPLATE: import_request},
            "ExportTableToPointInTime": {TEMPLATE: export_request},
            "ListImports": {"NextToken": st.sampled_from([import_token, export_token])},
            "ListExports": {"NextToken": st.sampled_from([export_token, import_token])},
        },
    )


def seed_cloudtrail(make: ClientFactory, mock: ImportMock, account: str, operation: str) -> Seeded:
    """Imports that failed, completed and stopped; and, unless StartImport is fuzzed, a running one."""
    cloudtrail = make("cloudtrail")
    store = f"arn:aws:cloudtrail:{REGION}:{account}:eventdatastore/EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE"
    source = {
        "S3": {
            "S3LocationUri": "s3://trail-bucket/AWSLogs",
            "S3BucketRegion": REGION,
            "S3BucketAccessRoleArn": f"arn:aws:iam::{account}:role/lake-import",
        }
    }
    endings = ["FAILED", "COMPLETED", "STOP"] + ([] if operation == "StartImport" else ["RUNNING"])
    ids = []
    for ending in endings:
        import_id = cloudtrail.start_import(Destinations=[store], ImportSource=source)["ImportId"]
        if ending == "STOP":
            cloudtrail.stop_import(ImportId=import_id)
        elif ending == "FAILED":
            mock.finish(
                import_id, status=ending, failure_code="AccessDenied", failure_message="Access Denied"
            )
        elif ending == "COMPLETED":
            mock.finish(import_id, status=ending)
        ids.append(import_id)
    token = cloudtrail.list_imports(MaxResults=1)["NextToken"]
    now = mock.clock.now()
    times = st.sampled_from([now - timedelta(days=2), now - timedelta(days=1), now + timedelta(days=1)])
    new_import = st.fixed_dictionaries(
        {"Destinations": st.just([store]), "ImportSource": st.just(source)},
        optional={
            "StartEventTime": st.just(now - timedelta(days=2)),
            "EndEventTime": st.just(now - timedelta(days=1)),
        },
    )
    retry = st.fixed_dictionaries({"ImportId": st.sampled_from([ids[0], ids[2]])})
    stop = {TEMPLATE: st.fixed_dictionaries({"ImportId": st.just(ids[-1])})} if len(ids) > 3 else {}
    return Seeded(
        snapshot=mock.snapshot(),
        hints={
            "ImportId": _often(ids, ["00000000-0000-4000-8000-000000000000", ids[0].upper()]),
            "Destinations": st.sampled_from(
                [
                    [store],
                    [store.replace(account, OTHER_ACCOUNT)],
                    [store.replace(REGION, OTHER_REGION)],
                    [store, store],
                ]
            ),
            "Destination": _often([store], [store.replace(account, OTHER_ACCOUNT)]),
            "ImportSource": st.just(source),
            "S3BucketRegion": st.sampled_from([REGION, OTHER_REGION, "nowhere-1"]),
            "StartEventTime": times,
            "EndEventTime": times,
            "MaxResults": st.integers(min_value=1, max_value=1000),
        },
        per_operation={
            "StartImport": {TEMPLATE: st.one_of(new_import, retry)},
            "StopImport": stop,
            "ListImports": {"NextToken": st.just(token)},
        },
    )


def seed_forecast(make: ClientFactory, mock: ImportMock, account: str, operation: str) -> Seeded:
    """Jobs daily (ACTIVE), weekly (in progress) and monthly (CREATE_FAILED) on dataset sales."""
    forecast = make("forecast")
    dataset = f"arn:aws:forecast:{REGION}:{account}:dataset/sales"
    role = f"arn:aws:iam::{account}:role/forecast"
    source = {"S3Config": {"Path": "s3://data/sales.csv", "RoleArn": role}}
    jobs = {
        name: forecast.create_dataset_import_job(
            DatasetImportJobName=name,
            DatasetArn=dataset,
            DataSource=source,
            Tags=[{"Key": "team", "Value": "demand"}],
        )["DatasetImportJobArn"]
        for name in ("daily", "weekly", "monthly")
    }
    mock.finish(jobs["daily"])
    mock.finish(jobs["monthly"], status="CREATE_FAILED", failure_message="bad file")
    token = forecast.list_dataset_import_jobs(MaxResults=1)["NextToken"]
    others = [
        dataset,
        *_variants(jobs["daily"], account),
        f"arn:aws:forecast:{REGION}:{account}:dataset-import-job/sales",
        f"arn:aws:forecast:{REGION}:{account}:predictor/p",
    ]
    arns = _often(list(jobs.values()), others)
    filters = st.lists(
        st.one_of(
            st.fixed_dictionaries(
                {
                    "Key": st.just("DatasetArn"),
                    "Value": st.sampled_from([dataset, dataset + "2"]),
                    "Condition": st.sampled_from(["IS", "IS_NOT"]),
                }
            ),
            st.fixed_dictionaries(
                {
                    "Key": st.just("Status"),
                    "Value": st.sampled_from(["ACTIVE", "CREATE_PENDING", "CREATE_FAILED", "nonsense"]),
                    "Condition": st.sampled_from(["IS", "IS_NOT"]),
                }
            ),
        ),
        max_size=3,
    )
    tags = st.lists(
        st.fixed_dictionaries(
            {
                "Key": st.sampled_from(["team", "cost", "aws:reserved", "Team"]),
                "Value": st.sampled_from(["a", ""]),
            }
        ),
        max_size=4,
    )
    create = st.fixed_dictionaries(
        {
            "DatasetImportJobName": st.sampled_from(["hourly", "yearly", "daily"]),
            "DatasetArn": st.just(dataset),
            "DataSource": st.just(source),
        },
        optional={
            "Tags": tags,
            "TimestampFormat": st.just("yyyy-MM-dd"),
            "Format": st.sampled_from(["CSV", "PARQUET"]),
            "ImportMode": st.sampled_from(["FULL", "INCREMENTAL"]),
            "TimeZone": st.just("Europe/Paris"),
        },
    )
    job_arns = st.sampled_from(list(jobs.values()))
    return Seeded(
        snapshot=mock.snapshot(),
        hints={
            "DatasetImportJobArn": arns,
            "ResourceArn": arns,
            "DatasetArn": st.sampled_from(
                [
                    dataset,
                    f"arn:aws:forecast:{REGION}:{account}:dataset/other",
                    dataset.replace(account, OTHER_ACCOUNT),
                ]
            ),
            "DataSource": st.just(source),
            "RoleArn": st.sampled_from([role, role.replace(account, OTHER_ACCOUNT)]),
            "DatasetImportJobName": st.sampled_from(["daily", "hourly", "yearly", "weekly"]),
            "Filters": filters,
            "Tags": tags,
            "TagKeys": st.lists(st.sampled_from(["team", "cost", "aws:reserved"]), max_size=3),
            "MaxResults": st.integers(min_value=1, max_value=100),
        },
        per_operation={
            "CreateDatasetImportJob": {TEMPLATE: create},
            "StopResource": {TEMPLATE: st.fixed_dictionaries({"ResourceArn": st.just(jobs["weekly"])})},
            "DeleteDatasetImportJob": {
                TEMPLATE: st.fixed_dictionaries(
                    {"DatasetImportJobArn": st.sampled_from([jobs["daily"], jobs["monthly"]])}
                )
            },
            "TagResource": {TEMPLATE: st.fixed_dictionaries({"ResourceArn": job_arns, "Tags": tags})},
            "UntagResource": {
                TEMPLATE: st.fixed_dictionaries(
                    {
                        "ResourceArn": job_arns,
                        "TagKeys": st.lists(st.sampled_from(["team", "cost"]), max_size=2),
                    }
                )
            },
            "ListDatasetImportJobs": {"NextToken": st.just(token)},
        },
    )


KNOWLEDGE_BASE = "8a5b3f0e-2c1d-4e6f-9a7b-0c1d2e3f4a5b"


def seed_qconnect(make: ClientFactory, mock: ImportMock, account: str, operation: str) -> Seeded:
    """Four uploads; jobs of three of them: COMPLETE, FAILED and in progress."""
    qconnect = make("qconnect")
    uploads = [
        qconnect.start_content_upload(knowledgeBaseId=KNOWLEDGE_BASE, contentType="text/csv")["uploadId"]
        for _ in range(4)
    ]
    jobs = [
        qconnect.start_import_job(
            knowledgeBaseId=KNOWLEDGE_BASE, importJobType="QUICK_RESPONSES", uploadId=upload
        )["importJob"]["importJobId"]
        for upload in uploads[:3]
    ]
    mock.finish(jobs[0])
    mock.finish(jobs[1], status="FAILED")
    token = qconnect.list_import_jobs(knowledgeBaseId=KNOWLEDGE_BASE, maxResults=1)["nextToken"]
    kb_arn = f"arn:aws:wisdom:{REGION}:{account}:knowledge-base/{KNOWLEDGE_BASE}"
    knowledge_base = st.just(KNOWLEDGE_BASE)
    return Seeded(
        snapshot=mock.snapshot(),
        hints={
            "knowledgeBaseId": _often(
                [KNOWLEDGE_BASE, kb_arn],
                [*_variants(kb_arn, account), str(uuid.UUID(int=1)), KNOWLEDGE_BASE.upper()],
            ),
            "importJobId": _often(jobs, [str(uuid.UUID(int=2))]),
            "uploadId": _often(uploads, [str(uuid.UUID(int=3))]),
            "contentType": st.sampled_from(["text/csv", "application/pdf"]),
            "clientToken": st.sampled_from(["fuzz-token-1", "fuzz-token-2"]),
            "maxResults": st.integers(min_value=1, max_value=100),
        },
        per_operation={
            "StartContentUpload": {
                TEMPLATE: st.fixed_dictionaries(
                    {"knowledgeBaseId": knowledge_base, "contentType": st.just("text/csv")},
                    optional={"presignedUrlTimeToLive": st.integers(min_value=1, max_value=60)},
                )
            },
            "StartImportJob": {
                TEMPLATE: st.fixed_dictionaries(
                    {
                        "knowledgeBaseId": knowledge_base,
                        "importJobType": st.just("QUICK_RESPONSES"),
                        "uploadId": st.just(uploads[3]),
                    },
                    optional={
                        "clientToken": st.just("fuzz-token-1"),
                        "metadata": st.just({"source": "fuzz"}),
                    },
                )
            },
            "GetImportJob": {
                TEMPLATE: st.fixed_dictionaries(
                    {"knowledgeBaseId": knowledge_base, "importJobId": st.sampled_from(jobs)}
                )
            },
            "DeleteImportJob": {
                TEMPLATE: st.fixed_dictionaries(
                    {"knowledgeBaseId": knowledge_base, "importJobId": st.sampled_from(jobs[:2])}
                )
            },
            "ListImportJobs": {"nextToken": st.just(token)},
        },
    )


SEEDERS: dict[str, Callable[[ClientFactory, ImportMock, str, str], Seeded]] = {
    "dynamodb": seed_dynamodb,
    "cloudtrail": seed_cloudtrail,
    "forecast": seed_forecast,
    "qconnect": seed_qconnect,
}


# --- sending ---------------------------------------------------------------------------------------


@dataclass
class Answer:
    """What one call came to: a parsed response, or the exception raised; and whether it was sent."""

    reached: bool
    response: dict[str, Any] | None = None
    error: BaseException | None = None
    hung: bool = False


class Sender:
    """Calls one client's operations with parameters that may hold Raw values.

    Its `before-sign` handler writes the Raw values into the serialized body (before the
    signature is computed, so it stays valid); its `before-send` handler records that the
    request was really sent, and returns None so that it goes on.
    """

    def __init__(self, client: Client) -> None:
        self.client = client
        self.protocol = client.meta.service_model.protocol
        self._injections: list[Injection] = []
        self._reached = threading.Event()
        client.meta.events.register("before-sign", self._before_sign)
        client.meta.events.register("before-send", self._before_send)

    def _before_sign(self, request: Any, **_: Any) -> None:
        if not self._injections:
            return
        body = request.data
        if self.protocol == "rest-json" and not body and request.method in ("GET", "DELETE", "HEAD"):
            # no body to carry unknown members: they become query parameters, as a REST client's would
            top = [i for i in self._injections if not i.path]
            if top:
                query = urllib.parse.urlencode([(i.key, _query_text(i.value)) for i in top])
                request.url += ("&" if "?" in request.url else "?") + query
            return
        injected = inject_raw(body, self._injections)
        if injected is not None:
            request.data = injected
            if self.protocol == "rest-json" and not body:
                request.headers["Content-Type"] = "application/json"

    def _before_send(self, **_: Any) -> None:
        self._reached.set()

    def send(self, operation_model: OperationModel, params: Mapping[str, Any]) -> tuple[Answer, str]:
        """Calls the operation (on a thread, to notice a hang); returns the answer and the request shown."""
        clean, injections = split_raw(params, operation_model.input_shape)
        shown = describe(clean, injections)
        self._injections = injections
        self._reached.clear()
        method = getattr(self.client, xform_name(operation_model.name))
        outcome: dict[str, Any] = {}

        def call() -> None:
            try:
                outcome["response"] = method(**clean)
            except BaseException as error:  # noqa: BLE001 - every exception is reported, none lost
                outcome["error"] = error

        worker = threading.Thread(target=call, name=f"fuzz-{operation_model.name}", daemon=True)
        worker.start()
        worker.join(TIMEOUT + 10)
        if worker.is_alive():
            return Answer(reached=self._reached.is_set(), hung=True), shown
        return Answer(self._reached.is_set(), outcome.get("response"), outcome.get("error")), shown


def _query_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


# --- the property ----------------------------------------------------------------------------------

ShapeCheck = Callable[[OperationModel, dict[str, Any]], None]


def check_answer(
    operation_model: OperationModel, answer: Answer, shown: str, check_shape: ShapeCheck
) -> None:
    """Fails unless the answer is a shape-checked success or a modeled (or common) 4xx error."""
    where = f"{operation_model.service_model.service_name} {operation_model.name} with {shown}"
    if answer.hung:
        raise AssertionError(f"no answer within {TIMEOUT + 10:.0f} s (a hang): {where}")
    error = answer.error
    if error is None:
        assert answer.response is not None
        status = answer.response["ResponseMetadata"]["HTTPStatusCode"]
        assert 200 <= status < 300, f"success with HTTP {status}: {where}"
        event("answer: success")
        try:
            check_shape(operation_model, answer.response)
        except Exception as failure:
            raise AssertionError(f"response does not fit the output shape ({failure}): {where}") from failure
        return
    if isinstance(error, ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        code = error.response.get("Error", {}).get("Code")
        message = error.response.get("Error", {}).get("Message")
        event(f"answer: {status} {code}")
        assert isinstance(status, int) and status < 500, f"HTTP {status} {code} ({message}): {where}"
        assert 400 <= status < 500, f"an error with HTTP {status} {code} ({message}): {where}"
        allowed = modeled_error_codes(operation_model) | COMMON_ERROR_CODES
        assert code in allowed, f"HTTP {status} with the unmodeled error code {code!r} ({message}): {where}"
        return
    if not answer.reached:
        event(f"not sent: {type(error).__name__}")
        # botocore could not serialize this request (validation is off): the mock never saw it
        assume(False)
    raise AssertionError(f"{type(error).__name__}: {error}: {where}") from error
