"""Amazon Q in Connect: content uploads and import jobs of knowledge bases."""

from __future__ import annotations

from importmock.services.qconnect.errors import ValidationException
from importmock.services.qconnect.import_jobs import ImportJobs
from importmock.services.qconnect.uploads import ContentUploads
from importmock.wire.service import Service

SERVICE = Service(
    name="qconnect",
    backends=(ContentUploads, ImportJobs),
    namespace="",
    signing_name="wisdom",  # Q in Connect shares the legacy Wisdom endpoint and signing name
    validation_error=ValidationException,
)
