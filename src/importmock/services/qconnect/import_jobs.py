"""Q in Connect import jobs: StartImportJob, GetImportJob, ListImportJobs, DeleteImportJob."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from importmock.jobs.backend import Backend, BackendContext, JobIndex, operation
from importmock.jobs.idempotency import ClientTokens
from importmock.jobs.lifecycle import Family, Progress
from importmock.jobs.pagination import Key
from importmock.jobs.sharing import shared
from importmock.jobs.uploads import presigned_url
from importmock.jobs.work import Failure
from importmock.services.qconnect.errors import (
    ConflictException,
    ResourceNotFoundException,
    ValidationException,
)
from importmock.services.qconnect.knowledge_bases import checked_knowledge_base
from importmock.services.qconnect.quick_response_records import QuickResponse
from importmock.services.qconnect.quick_responses import EMPTY_REPORT, Outcome, import_file
from importmock.services.qconnect.references import knowledge_base_arn, quick_response_arn
from importmock.types import Output, Params

IMPORT_JOB = Family(
    key="qconnect:import-job",
    initial="START_IN_PROGRESS",
    running="START_IN_PROGRESS",
    succeeded="COMPLETE",
    endings={"FAILED": (None, None)},
)
DELETABLE = ("COMPLETE", "FAILED")
URL_LIFETIME = timedelta(hours=1)  # the download URLs of a job's file and failure report
TOKEN_WINDOW = timedelta(hours=8)
EVERY = (-(2**63), -1)  # a floor below every job key


@dataclass(slots=True)
class ImportJob:
    id: str
    key: Key
    knowledge_base: str
    knowledge_base_arn: str
    request: Params
    progress: Progress
    deleting_since: datetime | None = None
    deleted_at: datetime | None = None
    strict: bool = False  # a data plane at its start: a missing upload fails it (else: invented)
    settled: bool = False  # whether it has read its upload (as it succeeded)
    result: Outcome | None = None  # what it made of the file it read (None: nothing uploaded)
    CREATED_BY: ClassVar[str] = "StartImportJob"  # its request is read against this input on restore

    def creating_request(self) -> Params:
        """The StartImportJob input that made the job (for a restore's check)."""
        return self.request

    @property
    def arn(self) -> str | None:
        return None  # import jobs have ids only

    def status(self, now: datetime) -> str:
        if self.deleted_at is not None:
            return "DELETE_IN_PROGRESS" if now < self.deleted_at else "DELETED"
        return self.progress.status(now)

    def gone(self, now: datetime) -> bool:
        return self.deleted_at is not None and now >= self.deleted_at

    def summarize(self, now: datetime, status: str | None = None) -> Output:
        ended = self.progress.end_time(now)
        changes = [self.progress.started, ended, self.deleting_since]
        return {
            "importJobId": self.id,
            "knowledgeBaseId": self.knowledge_base,
            "uploadId": self.request["uploadId"],
            "knowledgeBaseArn": self.knowledge_base_arn,
            "importJobType": self.request["importJobType"],
            "status": status or self.status(now),
            "createdTime": self.progress.started,
            "lastModifiedTime": max(
                (when for when in changes if when is not None and when <= now), default=self.progress.started
            ),
            "metadata": self.request.get("metadata"),
            "externalSourceConfiguration": self.request.get("externalSourceConfiguration"),
        }


class ImportJobs(Backend):
    """Import jobs of the knowledge bases of one account and region.

    START_IN_PROGRESS until the family's duration has passed on the mock clock, then it reads
    its uploaded file (quick_responses.py): COMPLETE if a quick response could be imported
    (failed records in a report), else FAILED with the report; FAILED through `mock.finish`
    too. An upload nothing was PUT to fails the job only if a data plane existed at its start
    (else its outcome stays invented). DeleteImportJob shows DELETE_IN_PROGRESS for the
    family's duration (at once when it is None), then the job is gone. A job that completes
    creates a quick response of each record imported (kept here, read by QuickResponses; a
    job's deletion leaves them). The knowledge base is checked as KnowledgeBases knows it
    (`checked_knowledge_base`): one it made and deleted is not found, one not of type
    QUICK_RESPONSES takes no QUICK_RESPONSES import; one it never made is accepted.
    Differs from AWS: the file's columns are CreateQuickResponse's members.
    """

    families = (IMPORT_JOB,)
    arn_service = "wisdom"
    invalid_token = ValidationException
    invalid_token_message = "Invalid nextToken: {token}"

    def __init__(self, context: BackendContext) -> None:
        super().__init__(context)
        self._jobs: JobIndex[ImportJob] = JobIndex(group=lambda job: job.knowledge_base)
        self._tokens: ClientTokens[ImportJob] = ClientTokens(TOKEN_WINDOW)
        self._deleting: list[ImportJob] = []
        self._quick_responses: dict[str, QuickResponse] = {}  # by id, in creation order

    def find_job(self, ref: str) -> ImportJob | None:
        self._purge(self.clock.now())
        return self._jobs.get(ref)

    @operation("StartImportJob")
    def start_import_job(self, params: Params) -> Output:
        now, c = self.clock.now(), self.context
        base, known = checked_knowledge_base(self, params["knowledgeBaseId"])
        if known is not None and known.kind != params["importJobType"]:
            raise ValidationException(
                f"Knowledge base {base} is of type {known.kind}: a {params['importJobType']} import "
                f"needs a knowledge base of type {params['importJobType']}"
            )
        upload = c.uploads.get(params["uploadId"])
        if upload is None or (upload.owner, upload.account_id, upload.region) != (
            base,
            c.account_id,
            c.region,
        ):
            raise ResourceNotFoundException(
                f"Upload {params['uploadId']} not found", resourceName=params["uploadId"]
            )
        request = {**params, "knowledgeBaseId": base}
        earlier = self._tokens.get(params.get("clientToken"), now)
        if earlier is not None and earlier.deleted_at is None:  # a deleted job frees its token
            if earlier.request != request:
                raise ConflictException("The clientToken was used with different parameters")
            return {"importJob": self._describe(self._settle(earlier, now), now)}
        ident = str(uuid.UUID(int=c.rng.getrandbits(128), version=4))
        job = ImportJob(
            id=ident,
            key=self.new_key(now),
            knowledge_base=base,
            knowledge_base_arn=knowledge_base_arn(base, c),
            request=shared(request),
            progress=Progress(IMPORT_JOB, started=now, due=self.due(IMPORT_JOB.key, now)),
        )
        self._jobs.add(job)
        self._tokens.remember(params.get("clientToken"), job, now)
        job.strict = self.data_client("s3") is not None  # decided now, kept on the record
        self.when_succeeded(job.progress, lambda: self._read(job))
        return {"importJob": self._describe(job, now, status=IMPORT_JOB.initial)}

    @operation("GetImportJob")
    def get_import_job(self, params: Params) -> Output:
        return {"importJob": self._describe(self._job(params), self.clock.now())}

    @operation("ListImportJobs")
    def list_import_jobs(self, params: Params) -> Output:
        now = self.clock.now()
        base, _ = checked_knowledge_base(self, params["knowledgeBaseId"], listing=True)
        self._purge(now)
        page = self.paginate(
            self._jobs,
            token=params.get("nextToken"),
            limit=params.get("maxResults", 10),
            scope={"knowledgeBaseId": base},
            group=base,
        )
        summaries = [self._settle(job, now).summarize(now) for job in page.items]
        return {"importJobSummaries": summaries, "nextToken": page.next_token}

    @operation("DeleteImportJob")
    def delete_import_job(self, params: Params) -> Output:
        job, now = self._job(params), self.clock.now()
        status = job.status(now)
        if status not in DELETABLE:
            raise ConflictException(f"Import job {job.id} cannot be deleted while its status is {status}")
        seconds = self.context.durations[IMPORT_JOB.key] or 0.0
        job.deleting_since, job.deleted_at = now, now + timedelta(seconds=seconds)
        self._deleting.append(job)
        return {}

    def _job(self, params: Params) -> ImportJob:
        now, (base, _) = self.clock.now(), checked_knowledge_base(self, params["knowledgeBaseId"])
        self._purge(now)
        job = self._jobs.get(params["importJobId"])
        if job is None or job.knowledge_base != base:
            raise ResourceNotFoundException(
                f"Import job {params['importJobId']} not found", resourceName=params["importJobId"]
            )
        return self._settle(job, now)

    def _purge(self, now: datetime) -> None:
        """Drops jobs whose deletion has completed (only those being deleted are looked at)."""
        for job in [job for job in self._deleting if job.gone(now)]:
            self._deleting.remove(job)
            self._jobs.remove(job)

    def _read(self, job: ImportJob) -> Failure | None:
        """The job's work as it succeeds: its upload read once; FAILED if nothing could be imported."""
        if job.settled:
            return None
        job.settled = True
        upload = self.context.uploads.get(job.request["uploadId"])
        received = upload.received if upload is not None else None
        if received is None and not job.strict:
            return None  # nothing uploaded and no data plane: the outcome stays invented
        result = import_file(received, job.knowledge_base)
        job.result = dataclasses.replace(result, records=())
        if result.problem is None and result.imported:
            self._create(job, result.records)
            return None  # records that failed go to the report; the job completes
        return Failure("FAILED", "ImportFailed", result.problem or "No quick response could be imported.")

    def quick_responses(self, knowledge_base: str, now: datetime) -> list[QuickResponse]:
        """The quick responses the jobs of `knowledge_base` created by `now`, oldest first."""
        for _, job in self._jobs.newest_first(None, knowledge_base, EVERY):
            self._settle(job, now)
        return [qr for qr in self._quick_responses.values() if qr.knowledge_base == knowledge_base]

    def content_modified(self, knowledge_base: str, now: datetime) -> datetime | None:
        """When a job last created quick responses in `knowledge_base` (see KnowledgeBases)."""
        return max((qr.created for qr in self.quick_responses(knowledge_base, now)), default=None)

    def _create(self, job: ImportJob, records: tuple[Params, ...]) -> None:
        """The quick responses of the records `job` imported, created as it ends."""
        created = job.progress.ended or job.progress.due or self.clock.now()
        for request in records:
            ident = str(uuid.UUID(int=self.context.rng.getrandbits(128), version=4))
            self._quick_responses[ident] = QuickResponse(
                id=ident,
                arn=quick_response_arn(job.knowledge_base, ident, self.context),
                key=self.new_key(created),
                knowledge_base=job.knowledge_base,
                knowledge_base_arn=job.knowledge_base_arn,
                request=shared(request),
                created=created,
                import_job=job.id,
            )

    def _settle(self, job: ImportJob, now: datetime) -> ImportJob:
        """`job`, having read its upload if it has succeeded: a restored job has no pending work."""
        if not job.settled and job.progress.status(now) == IMPORT_JOB.succeeded:
            failure = self._read(job)
            if failure is not None:
                job.progress.fail(failure.status, failure.code, failure.message)
        return job

    def _describe(self, job: ImportJob, now: datetime, status: str | None = None) -> Output:
        """A job with download links signed now, as each read of AWS signs them anew."""
        c, report, result = self.context, None, job.result
        outcome = job.progress.status(now)
        if outcome == "FAILED" or (outcome == IMPORT_JOB.succeeded and result is not None and result.failed):
            report_key = f"{job.id}/failed-records.csv"
            c.uploads.publish(c.account_id, report_key, result.report if result is not None else EMPTY_REPORT)
            report = presigned_url(c.region, c.account_id, report_key, now, URL_LIFETIME)
        return {
            **job.summarize(now, status),
            "url": presigned_url(c.region, c.account_id, job.request["uploadId"], now, URL_LIFETIME),
            "urlExpiry": now + URL_LIFETIME,
            "failedRecordReport": report,
        }
