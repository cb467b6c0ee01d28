"""The errors Amazon Forecast's dataset import job operations send."""

from __future__ import annotations

from importmock.errors import ServiceError

NAMESPACE = "com.amazonaws.forecast"


class InvalidInputException(ServiceError):
    """A value out of its shape's constraints, or one Forecast refuses (another account's role)."""


class InvalidNextTokenException(ServiceError):
    """A NextToken that was tampered with, issued for other filters, or is over 24 hours old."""


class LimitExceededException(ServiceError):
    """More than 50 user tags on one resource."""


class ResourceAlreadyExistsException(ServiceError):
    """A dataset import job of that name exists on that dataset."""


class ResourceInUseException(ServiceError):
    """DeleteDatasetImportJob on a job that is neither ACTIVE nor CREATE_FAILED."""


class ResourceNotFoundException(ServiceError):
    """An ARN of no resource of this account and region (or of another region's dataset)."""
