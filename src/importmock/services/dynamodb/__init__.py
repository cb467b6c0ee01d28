"""Amazon DynamoDB: table imports and table exports."""

from __future__ import annotations

from importmock.services.dynamodb.errors import NAMESPACE, ShapeValidationException
from importmock.services.dynamodb.exports import TableExports
from importmock.services.dynamodb.imports import TableImports
from importmock.wire.service import Service

SERVICE = Service(
    name="dynamodb",
    backends=(TableImports, TableExports),
    namespace=NAMESPACE,
    validation_error=ShapeValidationException,
)
