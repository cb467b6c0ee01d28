"""Opaque NextTokens: a resume key sealed with the mock's secret and bound to the request.

A token holds when it was issued and the key of the last job of its page, encrypted, and a
MAC over those and over the request's other parameters (the scope). So a token cannot be
read (no ARN, no count in clear), edited, used with other parameters, or carried to another
mock, account, region or operation; and because it resumes by key, jobs created or deleted
between pages are never skipped nor repeated.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import struct
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from importmock.clock import epoch_micros

T = TypeVar("T")
Key = tuple[int, int]  # (start time in epoch microseconds, creation sequence number)

_PLAIN = struct.Struct(">qqq")  # issued at, key
_TAG_SIZE = 16
_MAX_PLAIN = 64  # one blake2b digest of keystream


class InvalidToken(ValueError):
    """A token that was not issued for this request by this mock, or has expired."""


@dataclass(frozen=True, slots=True)
class TokenForm:
    """How a service spells its tokens, so ours pass the model's pattern and length.

    Attributes:
        hex: lowercase hex (DynamoDB ListImports) rather than URL-safe base64.
        min_bytes: tokens are padded up to this many bytes.
        block: the byte length is a multiple of this (hex `([0-9a-f]{16})+` needs 8).
    """

    hex: bool = False
    min_bytes: int = 0
    block: int = 1

    def encode(self, raw: bytes) -> str:
        if self.hex:
            return raw.hex()
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    def decode(self, text: str) -> bytes:
        try:
            raw = bytes.fromhex(text) if self.hex else base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (ValueError, binascii.Error) as error:
            raise InvalidToken(str(error)) from error
        if self.encode(raw) != text:  # uppercase hex, or base64 bits the decoder ignores
            raise InvalidToken("not in canonical form")
        return raw

    def padding(self, size: int) -> int:
        """Bytes of padding a plaintext of `size` needs."""
        total = max(self.min_bytes, _TAG_SIZE + size)
        total += -total % self.block
        return total - _TAG_SIZE - size


class PageTokens:
    """Issues and opens NextTokens with one mock's secret."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def issue(self, key: Key, scope: object, now: datetime, form: TokenForm) -> str:
        plain = _PLAIN.pack(epoch_micros(now), *key)
        plain += bytes(form.padding(len(plain)))
        tag = self._tag(plain, scope)
        return form.encode(tag + _xor(plain, self._keystream(tag, len(plain))))

    def open(
        self, token: str, scope: object, now: datetime, form: TokenForm, max_age: timedelta | None
    ) -> Key:
        """Returns the resume key of `token`, or raises InvalidToken."""
        raw = form.decode(token)
        if not _TAG_SIZE + _PLAIN.size <= len(raw) <= _TAG_SIZE + _MAX_PLAIN:
            raise InvalidToken("not a token's length")
        tag, sealed = raw[:_TAG_SIZE], raw[_TAG_SIZE:]
        plain = _xor(sealed, self._keystream(tag, len(sealed)))
        if not hmac.compare_digest(tag, self._tag(plain, scope)):
            raise InvalidToken("tampered, or issued for other parameters")
        issued, *key = _PLAIN.unpack_from(plain)
        if max_age is not None and epoch_micros(now) - issued > max_age // timedelta(microseconds=1):
            raise InvalidToken("expired")
        return key[0], key[1]

    def _tag(self, plain: bytes, scope: object) -> bytes:
        bound = _SCOPE_ENCODER.encode(scope).encode()
        mac = hashlib.blake2b(key=self._secret, digest_size=_TAG_SIZE, person=b"importmock-tag")
        mac.update(plain)
        mac.update(bound)
        return mac.digest()

    def _keystream(self, tag: bytes, size: int) -> bytes:
        stream = hashlib.blake2b(tag, key=self._secret, digest_size=64, person=b"importmock-key")
        return stream.digest()[:size]


# json.dumps(scope, sort_keys=True, default=str) builds an encoder per call: one is kept
_SCOPE_ENCODER = json.JSONEncoder(sort_keys=True, default=str)


def _xor(data: bytes, stream: bytes) -> bytes:
    if len(data) != len(stream):
        raise ValueError("the keystream is not as long as the data")
    # as integers: a generator over the bytes cost several times more
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(len(data), "big")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a listing; `next_token` is None on the last page."""

    items: list[T]
    next_token: str | None


def take_page(
    candidates: Iterable[tuple[Key, T]], limit: int, keep: Callable[[T], bool] | None = None
) -> tuple[list[T], Key | None]:
    """The first `limit` kept items (all kept if `keep` is None), and the key to resume
    after if more are kept."""
    items: list[T] = []
    last: Key | None = None
    for key, item in candidates:
        if keep is not None and not keep(item):
            continue
        if len(items) == limit:
            return items, last
        items.append(item)
        last = key
    return items, None
