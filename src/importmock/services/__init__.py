"""Every service importmock answers, and the job families they hold."""

from __future__ import annotations

from importmock.services.dynamodb import SERVICE as DYNAMODB

SERVICES = (DYNAMODB,)

# "service:family" keys of the `durations` option
FAMILIES = tuple(
    family.key for service in SERVICES for backend in service.backends for family in backend.families
)
