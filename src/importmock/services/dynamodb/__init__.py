"""Amazon DynamoDB: table imports, table exports and bulk operations."""

from __future__ import annotations

from importmock.services.dynamodb.bulk_operations import BulkOperations
from importmock.services.dynamodb.errors import NAMESPACE, ShapeValidationException
from importmock.services.dynamodb.exports import TableExports
from importmock.services.dynamodb.imports import TableImports
from importmock.wire.service import Service

SERVICE = Service(
    name="dynamodb",
    backends=(TableImports, TableExports, BulkOperations),
    namespace=NAMESPACE,
    validation_error=ShapeValidationException,
)
