"""Q in Connect quick responses: GetQuickResponse, ListQuickResponses, SearchQuickResponses."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from importmock.jobs.backend import Backend, operation
from importmock.services.qconnect.errors import ResourceNotFoundException, ValidationException
from importmock.services.qconnect.import_jobs import ImportJobs
from importmock.services.qconnect.knowledge_bases import checked_knowledge_base
from importmock.services.qconnect.quick_response_records import GROUPING, TIMES, QuickResponse
from importmock.services.qconnect.references import quick_response_id
from importmock.types import Output, Params

PAGE_SIZE = 10  # neither listing documents a default page size: ListImportJobs' one
QUERIED = ("content", "name", "description", "shortcutKey")  # QuickResponseQueryField's names
# the names QuickResponseFilterField and QuickResponseOrderField take
FILTERED = ("name", "description", "shortcutKey", "isActive", "channels", "language", "contentType",
            *TIMES, "lastModifiedBy", *GROUPING)  # fmt: skip
WEIGHT = {"HIGH": 3, "MEDIUM": 2, "LOW": 1}  # a query's priority, in a result's relevance
_WORD = re.compile(r"\w+")


class QuickResponses(Backend):
    """The quick responses of the knowledge bases of one account and region, as reads see them.

    They are the ones QUICK_RESPONSES import jobs created (ImportJobs holds them): this
    backend holds nothing itself. A knowledge base KnowledgeBases made and deleted is not
    found; one it never made is read like any other (it holds what imports put in it).
    Lists are in creation order (a file's records in its order). SearchQuickResponses matches
    words, case aside: CONTAINS needs every word of a value in the field, CONTAINS_AND_PREFIX
    lets the last one be the start of a word; a result matches at least one query (if any are
    given) and every filter, and is ranked by the priorities of the queries it matches
    (MEDIUM when none is given), or by `orderOnField`.

    Differs from AWS: `allowFuzziness` finds only exact words; `attributes` are not
    interpolated (no attributesInterpolated is shown); createdTime and lastModifiedTime are
    filtered as epoch milliseconds in text.
    """

    arn_service = "wisdom"
    invalid_token = ValidationException
    invalid_token_message = "Invalid nextToken: {token}"

    @operation("GetQuickResponse")
    def get_quick_response(self, params: Params) -> Output:
        now, (base, _) = self.clock.now(), checked_knowledge_base(self, params["knowledgeBaseId"])
        ident = quick_response_id(params["quickResponseId"], base, self.context)
        found = next((qr for qr in self._of(base, now) if qr.id == ident), None)
        if found is None:
            reference = params["quickResponseId"]
            raise ResourceNotFoundException(f"Quick response {reference} not found", resourceName=reference)
        return {"quickResponse": found.data(self.context.region)}

    @operation("ListQuickResponses")
    def list_quick_responses(self, params: Params) -> Output:
        now, (base, _) = self.clock.now(), checked_knowledge_base(self, params["knowledgeBaseId"])
        listed = self._of(base, now)
        page = self.page_of(
            lambda after: [(qr.key, qr) for qr in listed if after is None or qr.key > after],
            token=params.get("nextToken"),
            limit=params.get("maxResults", PAGE_SIZE),
            scope={"knowledgeBaseId": base},
        )
        summaries = [qr.summary(self.context.region) for qr in page.items]
        return {"quickResponseSummaries": summaries, "nextToken": page.next_token}

    @operation("SearchQuickResponses")
    def search_quick_responses(self, params: Params) -> Output:
        now, (base, _) = self.clock.now(), checked_knowledge_base(self, params["knowledgeBaseId"])
        expression = params["searchExpression"]
        found = search(self._of(base, now), expression)
        # ranked, not in key order: a page resumes after the position of its last result
        page = self.page_of(
            lambda after: [
                ((n, qr.key[1]), qr) for n, qr in enumerate(found) if after is None or (n, qr.key[1]) > after
            ],
            token=params.get("nextToken"),
            limit=params.get("maxResults", PAGE_SIZE),
            scope={"knowledgeBaseId": base, "searchExpression": expression},
        )
        results = [qr.data(self.context.region) for qr in page.items]
        return {"results": results, "nextToken": page.next_token}

    def _of(self, base: str, now: datetime) -> list[QuickResponse]:
        jobs = self.neighbour(ImportJobs)
        return jobs.quick_responses(base, now) if jobs is not None else []


def search(candidates: list[QuickResponse], expression: Params) -> list[QuickResponse]:
    """The quick responses `expression` (a QuickResponseSearchExpression) finds, in its order."""
    queries, filters = expression.get("queries", []), expression.get("filters", [])
    for query in queries:
        _check_name(query["name"], QUERIED, "queries")
    for kept in filters:
        _check_name(kept["name"], FILTERED, "filters")
    scored = []
    for qr in candidates:
        score = sum(WEIGHT[q.get("priority", "MEDIUM")] for q in queries if _matches(qr, q))
        if (score or not queries) and all(_kept(qr, f) for f in filters):
            scored.append((score, qr))
    scored.sort(key=lambda pair: -pair[0])  # stable: creation order among equals
    found = [qr for _, qr in scored]
    order = expression.get("orderOnField")
    if order is not None:
        _check_name(order["name"], FILTERED, "orderOnField")
        found = _ordered(found, order["name"], descending=order.get("order") == "DESC")
    return found


def _check_name(name: str, allowed: tuple[str, ...], where: str) -> None:
    if name not in allowed:
        raise ValidationException(
            f"searchExpression.{where}: {name} is not a field to search by; use one of {', '.join(allowed)}"
        )


def _matches(qr: QuickResponse, query: Params) -> bool:
    text = qr.field(query["name"])
    if text is None:
        return False
    words = _WORD.findall(str(text).lower())
    prefix = query["operator"] == "CONTAINS_AND_PREFIX"
    return any(_has(words, value, prefix=prefix) for value in query["values"])


def _has(words: list[str], value: str, *, prefix: bool) -> bool:
    wanted = _WORD.findall(value.lower())
    if not wanted:
        return False
    *whole, last = wanted
    ends = any(word.startswith(last) for word in words) if prefix else last in words
    return ends and all(word in words for word in whole)


def _kept(qr: QuickResponse, kept: Params) -> bool:
    value = qr.field(kept["name"])
    if value is None or value == []:
        return bool(kept.get("includeNoExistence", False))
    values = value if isinstance(value, list) else [value]
    test: Callable[[str, str], bool] = str.startswith if kept["operator"] == "PREFIX" else str.__eq__
    return any(test(str(held), wanted) for held in values for wanted in kept.get("values", []))


def _ordered(found: list[QuickResponse], name: str, *, descending: bool) -> list[QuickResponse]:
    """`found` sorted by field `name` (lists by their first element); those without it last."""

    def sort_key(qr: QuickResponse) -> Any:
        value = qr.field(name)
        value = value[0] if isinstance(value, list) and value else value
        return str(value) if value not in (None, []) else ""

    present = [qr for qr in found if sort_key(qr) != ""]
    missing = [qr for qr in found if sort_key(qr) == ""]
    return sorted(present, key=sort_key, reverse=descending) + missing
