"""The quick responses a QUICK_RESPONSES import job created, and how Q in Connect shows them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from importmock.clock import epoch_micros
from importmock.jobs.lifecycle import Family, Progress
from importmock.jobs.pagination import Key
from importmock.types import Output, Params

# a quick response's creation, as a job's progress: CREATED from its import's end
CREATION = Family(key="qconnect:quick-response", initial="CREATED", running="CREATED", succeeded="CREATED")
PLAIN, MARKDOWN = "application/x.quickresponse;format=plain", "application/x.quickresponse;format=markdown"
_MARKUP = re.compile(r"[*_`#>~]+|\[([^\]]*)\]\([^)]*\)")  # emphasis, code, headings, quotes; links
# the fields a filter or ordering names, other than those read from the request as they are
TIMES = ("createdTime", "lastModifiedTime")
GROUPING = {"groupingConfiguration.criteria": "criteria", "groupingConfiguration.values": "values"}


@dataclass(slots=True)
class QuickResponse:
    """One quick response: the CreateQuickResponse input its CSV record made, and where it is."""

    id: str
    arn: str
    key: Key
    knowledge_base: str
    knowledge_base_arn: str
    request: Params  # CreateQuickResponse's input, knowledgeBaseId the knowledge base's id
    created: datetime
    import_job: str  # the id of the import job whose file it came from
    CREATED_BY: ClassVar[str] = "CreateQuickResponse"  # its request is read against this input on restore

    def creating_request(self) -> Params:
        """The CreateQuickResponse input its record stands for (for a restore's check)."""
        return self.request

    @property
    def progress(self) -> Progress:
        """Its creation, as a job's progress (what the shared machinery reads of a record)."""
        return Progress(CREATION, started=self.created, due=self.created)

    @property
    def content_type(self) -> str:
        return str(self.request.get("contentType", PLAIN))

    def field(self, name: str) -> Any:
        """The value a search names `name` (a list for channels and grouping values), or None."""
        if name in TIMES:
            return str(epoch_micros(self.created) // 1000)  # compared as epoch milliseconds
        if name in GROUPING:
            return self.request.get("groupingConfiguration", {}).get(GROUPING[name])
        if name == "content":
            return self.request["content"]["content"]
        if name == "contentType":
            return self.content_type
        if name == "isActive":
            return "true" if self.request.get("isActive", True) else "false"
        return self.request.get(name)

    def data(self, region: str) -> Output:
        """QuickResponseData (GetQuickResponse); its summary and search result are subsets and kin."""
        r = self.request
        return {
            "quickResponseArn": self.arn,
            "quickResponseId": self.id,
            "knowledgeBaseArn": self.knowledge_base_arn,
            "knowledgeBaseId": self.knowledge_base,
            "name": r["name"],
            "contentType": self.content_type,
            "status": CREATION.succeeded,
            "createdTime": self.created,
            "lastModifiedTime": self.created,
            "lastModifiedRegion": region,
            "contents": self.contents(),
            "description": r.get("description"),
            "groupingConfiguration": r.get("groupingConfiguration"),
            "shortcutKey": r.get("shortcutKey"),
            "isActive": r.get("isActive", True),
            "channels": r.get("channels"),
            "language": r.get("language"),
            "tags": r.get("tags"),
        }

    def summary(self, region: str) -> Output:
        """QuickResponseSummary (ListQuickResponses)."""
        leave_out = ("contents", "groupingConfiguration", "shortcutKey", "language")
        return {member: value for member, value in self.data(region).items() if member not in leave_out}

    def contents(self) -> Output:
        """The content as plain text and as markdown, as Q in Connect keeps both."""
        text = self.request["content"]["content"]
        plain = _MARKUP.sub(lambda found: found[1] or "", text) if self.content_type == MARKDOWN else text
        return {"plainText": {"content": plain or text}, "markdown": {"content": text}}
