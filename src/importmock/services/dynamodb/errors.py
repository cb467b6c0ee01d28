"""The errors DynamoDB's import and export operations send."""

from __future__ import annotations

from importmock.errors import ServiceError, ValidationException

NAMESPACE = "com.amazonaws.dynamodb.v20120810"

__all__ = ["ValidationException"]


class ShapeValidationException(ValidationException):
    """A broken input constraint; AWS's generic validator sends it under its own namespace."""

    code = "ValidationException"
    namespace = "com.amazon.coral.validate"


class AccessDeniedException(ServiceError):
    """An ARN of another account."""

    namespace = "com.amazon.coral.service"


class ResourceInUseException(ServiceError):
    """ImportTable into a table that exists (or is being created by another import)."""


class ImportConflictException(ServiceError):
    """A ClientToken reused for an import into another table."""


class ImportNotFoundException(ServiceError):
    """DescribeImport got an ARN this account and region never created."""


class ExportConflictException(ServiceError):
    """A ClientToken reused with other export parameters."""


class ExportNotFoundException(ServiceError):
    """DescribeExport got an ARN this account and region never created."""


class InvalidExportTimeException(ServiceError):
    """An export time outside the point-in-time-recovery window."""


class TableNotFoundException(ServiceError):
    """An export of a table in another region than the request's, or not in the data plane."""


class PointInTimeRecoveryUnavailableException(ServiceError):
    """An export of a data-plane table whose point-in-time recovery is not enabled."""


class InternalServerError(ServiceError):
    """The data plane could not be asked what the call needs (an upstream that is down)."""

    status = 500
