"""The errors Q in Connect's import operations send (REST-JSON, named by x-amzn-ErrorType)."""

from __future__ import annotations

from importmock.errors import ServiceError


class ValidationException(ServiceError):
    """Input that breaks a constraint of the model or of the service."""


class ResourceNotFoundException(ServiceError):
    """A knowledge base, upload or import job that this account and region do not hold."""


class AccessDeniedException(ServiceError):
    """A knowledge base ARN of another account or partition."""


class ConflictException(ServiceError):
    """A job in a status that does not allow the request, or a reused clientToken."""
