"""Q in Connect knowledge bases: CreateKnowledgeBase, GetKnowledgeBase, ListKnowledgeBases,
DeleteKnowledgeBase; and the check other operations make of the knowledge base they name."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar, Protocol, runtime_checkable

from importmock.jobs.backend import Backend, BackendContext, operation
from importmock.jobs.idempotency import ClientTokens
from importmock.jobs.lifecycle import Family, Progress
from importmock.jobs.pagination import Key
from importmock.jobs.sharing import shared
from importmock.services.qconnect.errors import (
    ConflictException,
    ResourceNotFoundException,
    ValidationException,
)
from importmock.services.qconnect.references import knowledge_base_arn, knowledge_base_id
from importmock.types import Output, Params

# a knowledge base's creation, as a job's progress: CREATE_IN_PROGRESS, then ACTIVE
CREATION = Family(
    key="qconnect:knowledge-base",
    initial="CREATE_IN_PROGRESS",
    running="CREATE_IN_PROGRESS",
    succeeded="ACTIVE",
)
TIMED_BY = "qconnect:import-job"  # Q in Connect's one durations key times its knowledge bases too
TOKEN_WINDOW = timedelta(hours=8)
PAGE_SIZE = 10  # ListKnowledgeBases documents no default page size: ListImportJobs' one
SOURCED = ("EXTERNAL", "MANAGED")  # the types that take (and need) a sourceConfiguration
SETTINGS = ("sourceConfiguration", "renderingConfiguration", "vectorIngestionConfiguration",
            "serverSideEncryptionConfiguration", "description", "tags")  # fmt: skip
SUMMARY = ("knowledgeBaseId", "knowledgeBaseArn", "name", "knowledgeBaseType", "status", *SETTINGS,
           "lastModifiedTime")  # fmt: skip


@runtime_checkable
class Contents(Protocol):
    """A backend that changes what a knowledge base holds (ImportJobs), as GetKnowledgeBase asks it."""

    def content_modified(self, knowledge_base: str, now: datetime) -> datetime | None:
        """When the content of `knowledge_base` last changed by `now`, or None if it holds none."""


@dataclass(slots=True)
class KnowledgeBase:
    """One knowledge base: the request that made it and its life-cycle marks."""

    id: str
    arn: str
    key: Key
    request: Params  # CreateKnowledgeBase's input, its clientToken aside
    created: datetime
    active: datetime  # ACTIVE from then on
    deleting_since: datetime | None = None
    deleted_at: datetime | None = None  # gone from then on
    CREATED_BY: ClassVar[str] = "CreateKnowledgeBase"  # its request is read against this input on restore

    def creating_request(self) -> Params:
        """The CreateKnowledgeBase input that made it (for a restore's check)."""
        return self.request

    @property
    def progress(self) -> Progress:
        """Its creation, as a job's progress (what the shared machinery reads of a record)."""
        return Progress(CREATION, started=self.created, due=self.active)

    @property
    def name(self) -> str:
        return str(self.request["name"])

    @property
    def kind(self) -> str:
        return str(self.request["knowledgeBaseType"])

    def status(self, now: datetime) -> str:
        if self.deleted_at is not None:
            return "DELETE_IN_PROGRESS" if now < self.deleted_at else "DELETED"
        return self.progress.status(now)

    def gone(self, now: datetime) -> bool:
        return self.deleted_at is not None and now >= self.deleted_at

    def describe(self, now: datetime, status: str | None = None) -> Output:
        changes = [self.created, self.active, self.deleting_since]
        return {
            "knowledgeBaseId": self.id,
            "knowledgeBaseArn": self.arn,
            "name": self.name,
            "knowledgeBaseType": self.kind,
            "status": status or self.status(now),
            **{member: self.request.get(member) for member in SETTINGS},
            "lastModifiedTime": max(when for when in changes if when is not None and when <= now),
        }


class KnowledgeBases(Backend):
    """The knowledge bases of one account and region.

    CREATE_IN_PROGRESS in CreateKnowledgeBase's answer and until the `qconnect:import-job`
    duration has passed (no time when it is 0 or None), then ACTIVE. DeleteKnowledgeBase shows
    DELETE_IN_PROGRESS for that duration, then the knowledge base is gone: not found, its name
    and clientToken free. Names are unique among the knowledge bases not gone (ConflictException).
    Other operations check a knowledge base this backend made (`known`); one it never made is
    accepted when well formed (made outside importmock).

    Differs from AWS: nothing is synchronised from a source, so `ingestionStatus` is never
    shown; KMS keys and AppIntegrations ARNs are not checked; no quota on the number of
    knowledge bases; tags are shown but TagResource and its kin are not answered.
    """

    arn_service = "wisdom"
    invalid_token = ValidationException
    invalid_token_message = "Invalid nextToken: {token}"

    def __init__(self, context: BackendContext) -> None:
        super().__init__(context)
        self._bases: dict[str, KnowledgeBase] = {}  # by id, in creation order
        self._tokens: ClientTokens[KnowledgeBase] = ClientTokens(TOKEN_WINDOW)
        self._gone: list[str] = []  # ids of the knowledge bases whose deletion has completed

    @operation("CreateKnowledgeBase")
    def create_knowledge_base(self, params: Params) -> Output:
        now = self._purge()
        request = shared({member: value for member, value in params.items() if member != "clientToken"})
        earlier = self._tokens.get(params.get("clientToken"), now)
        if earlier is not None and earlier.deleted_at is None:  # a deleted knowledge base frees its token
            if earlier.request != request:
                raise ConflictException("The clientToken was used with different parameters")
            return {"knowledgeBase": self._describe(earlier, now)}
        self._check_source(params)
        if any(base.name == params["name"] for base in self._bases.values()):
            raise ConflictException(f"A knowledge base with the name {params['name']} already exists")
        ident = self._new_id()
        base = KnowledgeBase(
            id=ident,
            arn=knowledge_base_arn(ident, self.context),
            key=self.new_key(now),
            request=request,
            created=now,
            active=now + self._duration(),
        )
        self._bases[ident] = base
        self._tokens.remember(params.get("clientToken"), base, now)
        return {"knowledgeBase": self._describe(base, now, status=CREATION.initial)}

    @operation("GetKnowledgeBase")
    def get_knowledge_base(self, params: Params) -> Output:
        now = self._purge()
        return {"knowledgeBase": self._describe(self._base(params["knowledgeBaseId"]), now)}

    @operation("ListKnowledgeBases")
    def list_knowledge_bases(self, params: Params) -> Output:
        now = self._purge()
        bases = list(self._bases.values())  # creation order is key order
        page = self.page_of(
            lambda after: [(b.key, b) for b in bases if after is None or b.key > after],
            token=params.get("nextToken"),
            limit=params.get("maxResults", PAGE_SIZE),
            scope={},
        )
        summaries = [{m: v for m, v in b.describe(now).items() if m in SUMMARY} for b in page.items]
        return {"knowledgeBaseSummaries": summaries, "nextToken": page.next_token}

    @operation("DeleteKnowledgeBase")
    def delete_knowledge_base(self, params: Params) -> Output:
        now = self._purge()
        base = self._base(params["knowledgeBaseId"])
        if base.deleted_at is not None:
            raise ConflictException(f"Knowledge base {base.id} is already being deleted")
        base.deleting_since, base.deleted_at = now, now + self._duration()
        self._purge()
        return {}

    def known(self, knowledge_base: str, *, listing: bool = False) -> KnowledgeBase | None:
        """The knowledge base `knowledge_base` (an id) if this backend made it, else None.

        One made here and deleted (also while DELETE_IN_PROGRESS) is ResourceNotFoundException,
        or ValidationException for a `listing` whose model has no not-found error.
        """
        self._purge()
        base = self._bases.get(knowledge_base)
        if knowledge_base in self._gone or (base is not None and base.deleted_at is not None):
            message = f"Knowledge base {knowledge_base} not found"
            if listing:
                raise ValidationException(message)
            raise ResourceNotFoundException(message, resourceName=knowledge_base)
        return base

    def _describe(self, base: KnowledgeBase, now: datetime, status: str | None = None) -> Output:
        modified = [
            when
            for backend in self.context.neighbours()
            if isinstance(backend, Contents) and (when := backend.content_modified(base.id, now)) is not None
        ]
        return {**base.describe(now, status), "lastContentModificationTime": max(modified, default=None)}

    def _base(self, reference: str) -> KnowledgeBase:
        ident = knowledge_base_id(reference, self.context)
        base = self._bases.get(ident)
        if base is None:
            raise ResourceNotFoundException(f"Knowledge base {reference} not found", resourceName=reference)
        return base

    def _check_source(self, params: Params) -> None:
        kind, given = params["knowledgeBaseType"], "sourceConfiguration" in params
        if given and kind not in SOURCED:
            raise ValidationException(
                f"sourceConfiguration can be set only for EXTERNAL or MANAGED knowledge bases, not {kind}"
            )
        if not given and kind in SOURCED:
            raise ValidationException(f"sourceConfiguration is required for a knowledge base of type {kind}")

    def _duration(self) -> timedelta:
        return timedelta(seconds=self.context.durations[TIMED_BY] or 0.0)

    def _purge(self) -> datetime:
        """Forgets the knowledge bases whose deletion has completed; returns the time."""
        now = self.clock.now()
        for base in [b for b in self._bases.values() if b.gone(now)]:
            del self._bases[base.id]
            self._gone.append(base.id)
        return now

    def _new_id(self) -> str:
        while True:  # 122 random bits: a clash is rare, but must not merge knowledge bases
            ident = str(uuid.UUID(int=self.context.rng.getrandbits(128), version=4))
            if ident not in self._bases and ident not in self._gone:
                return ident


def checked_knowledge_base(
    backend: Backend, reference: str, *, listing: bool = False
) -> tuple[str, KnowledgeBase | None]:
    """The id `reference` names and, if this mock made it, the knowledge base (see `known`)."""
    ident = knowledge_base_id(reference, backend.context, listing=listing)
    bases = backend.neighbour(KnowledgeBases)
    return ident, bases.known(ident, listing=listing) if bases is not None else None
