"""Knowledge base references as Q in Connect accepts them: an id, or an ARN of the caller's."""

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
    rf"arn:(?P<partition>[a-z-]+):wisdom:(?P<region>[a-z0-9-]+):(?P<account>\d{{12}}):(?P<kind>[a-z-]+)/(?P<id>{_UUID})"
)


def knowledge_base_id(reference: str, context: BackendContext, *, listing: bool = False) -> str:
    """The id of the knowledge base `reference` names (an id, or an ARN of this caller).

    Knowledge bases themselves are not modelled: a well-formed reference names one. An ARN
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
    if found is None or found["region"] != context.region or found["kind"] != "knowledge-base":
        if listing:
            raise ValidationException(
                f"knowledgeBaseId {reference} names no knowledge base of {context.region}"
            )
        raise ResourceNotFoundException(f"Knowledge base {reference} not found", resourceName=reference)
    return found["id"]


def knowledge_base_arn(knowledge_base: str, context: BackendContext) -> str:
    c = context
    return f"arn:{c.partition}:wisdom:{c.region}:{c.account_id}:knowledge-base/{knowledge_base}"
