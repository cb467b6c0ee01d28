"""References as Q in Connect accepts them: an id, or an ARN of the caller's (knowledge bases,
quick responses)."""

from __future__ import annotations

import re

from importmock.jobs.backend import BackendContext
from importmock.services.qconnect.errors import (
    AccessDeniedException,
    ResourceNotFoundException,
    ValidationException,
)

_UUID = r"[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}"
_ARN = re.compile(
    rf"arn:(?P<partition>[a-z-]+):wisdom:(?P<region>[a-z0-9-]+):(?P<account>\d{{12}}):(?P<kind>[a-z-]+)/(?P<id>{_UUID})(?:/(?P<child>{_UUID}))?"
)


def knowledge_base_id(reference: str, context: BackendContext, *, listing: bool = False) -> str:
    """The id of the knowledge base `reference` names (an id, or an ARN of this caller).

    Whether the knowledge base exists is KnowledgeBases' question (knowledge_bases.py). An ARN
    of another account or partition is AccessDeniedException; of another region or of
    another kind of resource, ResourceNotFoundException, except for ListImportJobs
    (`listing`), whose model has no such error: there it is ValidationException.
    """
    if not reference.startswith("arn:"):
        return reference  # the shape reader has checked it is a UUID
    found = _ARN.fullmatch(reference)
    if found is not None and (found["partition"], found["account"]) != (
        context.partition,
        context.account_id,
    ):
        raise AccessDeniedException("User is not authorized to perform this action on the knowledge base")
    if (
        found is None
        or found["region"] != context.region
        or (found["kind"], found["child"]) != ("knowledge-base", None)
    ):
        if listing:
            raise ValidationException(
                f"knowledgeBaseId {reference} names no knowledge base of {context.region}"
            )
        raise ResourceNotFoundException(f"Knowledge base {reference} not found", resourceName=reference)
    return found["id"]


def knowledge_base_arn(knowledge_base: str, context: BackendContext) -> str:
    c = context
    return f"arn:{c.partition}:wisdom:{c.region}:{c.account_id}:knowledge-base/{knowledge_base}"


def quick_response_id(reference: str, knowledge_base: str, context: BackendContext) -> str:
    """The id of the quick response `reference` names (an id, or its ARN) in `knowledge_base`.

    An ARN of another account or partition is AccessDeniedException; of another region, knowledge
    base or kind of resource, ResourceNotFoundException.
    """
    if not reference.startswith("arn:"):
        return reference
    found = _ARN.fullmatch(reference)
    caller = (context.partition, context.account_id)
    if found is not None and (found["partition"], found["account"]) != caller:
        raise AccessDeniedException("User is not authorized to perform this action on the quick response")
    expected = (context.region, "quick-response", knowledge_base)
    if found is None or found["child"] is None or (found["region"], found["kind"], found["id"]) != expected:
        raise ResourceNotFoundException(f"Quick response {reference} not found", resourceName=reference)
    return found["child"]


def quick_response_arn(knowledge_base: str, quick_response: str, context: BackendContext) -> str:
    c, resource = context, f"quick-response/{knowledge_base}/{quick_response}"
    return f"arn:{c.partition}:wisdom:{c.region}:{c.account_id}:{resource}"
