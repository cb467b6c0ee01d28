"""Amazon Q in Connect: knowledge bases, their content uploads, import jobs and quick responses."""

from __future__ import annotations

from importmock.services.qconnect.errors import ValidationException
from importmock.services.qconnect.import_jobs import ImportJobs
from importmock.services.qconnect.knowledge_bases import KnowledgeBases
from importmock.services.qconnect.quick_response_reads import QuickResponses
from importmock.services.qconnect.uploads import ContentUploads
from importmock.wire.service import Service

SERVICE = Service(
    name="qconnect",
    backends=(ContentUploads, ImportJobs, KnowledgeBases, QuickResponses),
    namespace="",
    signing_name="wisdom",  # Q in Connect shares the legacy Wisdom endpoint and signing name
    validation_error=ValidationException,
)
