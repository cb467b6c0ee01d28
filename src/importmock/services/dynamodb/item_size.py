"""An item's size by DynamoDB's rules, shared by exports (BilledSizeBytes) and imports (400 KB).

Names and values count in UTF-8 bytes, numbers one byte per two significant digits plus one,
binary by its bytes (given as bytes or as base64 text), and each list or map element one byte
more, as DynamoDB's developer guide describes item sizes.
"""

from __future__ import annotations

import base64
import decimal
from collections.abc import Mapping
from typing import Any

_DIGITS = decimal.Context(prec=40)  # DynamoDB numbers have up to 38 significant digits


def item_size(item: Mapping[str, Any]) -> int:
    """An item's size by DynamoDB's rules: names and values, UTF-8, numbers by their digits."""
    return sum(len(name.encode()) + _size(value) for name, value in item.items())


def _size(value: Mapping[str, Any]) -> int:
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        return _number_size(inner)
    if kind == "B":
        return _blob_size(inner)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(text.encode()) for text in inner)
    if kind == "NS":
        return sum(_number_size(text) for text in inner)
    if kind == "BS":
        return sum(_blob_size(data) for data in inner)
    if kind == "L":
        return 3 + sum(_size(element) + 1 for element in inner)
    return 3 + sum(len(name.encode()) + _size(element) + 1 for name, element in inner.items())  # M


def _number_size(text: str) -> int:
    """1 byte per 2 significant digits, plus 1."""
    try:
        digits = len(_DIGITS.create_decimal(text).normalize(_DIGITS).as_tuple().digits)
    except decimal.InvalidOperation:
        digits = len(text)
    return (digits + 1) // 2 + 1


def _blob_size(data: bytes | str) -> int:
    return len(data) if isinstance(data, bytes | bytearray) else len(base64.b64decode(data))
