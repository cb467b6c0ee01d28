"""Q in Connect content uploads: StartContentUpload."""

from __future__ import annotations

from datetime import timedelta

from importmock.jobs.backend import Backend, operation
from importmock.services.qconnect.knowledge_bases import checked_knowledge_base
from importmock.types import Output, Params


class ContentUploads(Backend):
    """Upload URLs issued to the knowledge bases of one account and region.

    The URL is S3-style and presigned in form only. In process, a `requests.put` to it while
    the mock is active is captured; the server hands out URLs on itself that sign the
    headers to include, and answers the PUT (jobs/uploads.py). The file is kept in the mock,
    where an import job reads it. A knowledge base KnowledgeBases made and deleted is not found.
    """

    arn_service = "wisdom"

    @operation("StartContentUpload")
    def start_content_upload(self, params: Params) -> Output:
        c, now = self.context, self.clock.now()
        owner, _ = checked_knowledge_base(self, params["knowledgeBaseId"])
        ttl = timedelta(minutes=params.get("presignedUrlTimeToLive", 60))
        headers = {"content-type": params["contentType"], "x-amz-server-side-encryption": "aws:kms"}
        upload = c.uploads.issue(owner, c.account_id, c.region, now, ttl, params["contentType"], headers)
        return {
            "uploadId": upload.id,
            "url": upload.url,
            "urlExpiry": upload.expires,
            "headersToInclude": headers,
        }
