"""Amazon Ion text for DynamoDB items: the ION format of table exports and ImportTable.

API (items are DynamoDB AttributeValue maps in DynamoDB JSON form, ``{"pk": {"S": "a"}}``):

- ``dump_item(item) -> str``: one export line, ``$ion_1_0 {Item:{...}}`` (no newline). Binary
  values (B, BS) may be ``bytes`` (as botocore gives them) or base64 text.
- ``dump_record(record) -> str``: the same for any top-level struct whose members are
  attribute maps (an incremental export's ``Metadata``, ``Keys``, ``NewImage``, ``OldImage``).
- ``iter_items(text) -> Iterator[item]``: the ``Item`` of every top-level struct of Ion text,
  in DynamoDB JSON form: N as its number text, B and BS as base64 text.
- ``iter_records(text) -> Iterator[dict]``: every top-level struct, member -> AttributeValue.
- ``IonError`` (a ValueError): text that is no Ion, or Ion that is no DynamoDB item; the
  items before it have been yielded.

Types map as AWS's export output format documents: S string, N decimal, B blob, BOOL bool,
NULL null, L list, M struct, SS/NS/BS a list annotated ``$dynamodb_SS``/``_NS``/``_BS``. Read
leniently as AWS's import does: Ion ints and floats are numbers, typed nulls are NULL, version
markers and ``$ion_symbol_table`` structs are skipped. Timestamps, symbols as values, clobs,
s-expressions and symbol ids (``$10``) are IonError: DynamoDB has no type for them.
"""

from __future__ import annotations

import base64
import binascii
import decimal
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

Item = dict[str, Any]

__all__ = ["IonError", "dump_item", "dump_record", "iter_items", "iter_records"]


class IonError(ValueError):
    """Text that cannot be read as Ion, or Ion that holds no DynamoDB item."""


# -- writing ---------------------------------------------------------------------------

_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_KEYWORDS = frozenset({"null", "true", "false", "nan"})
_SYMBOL_ID = re.compile(r"\$\d+")
_IN_STRING = re.compile(r'["\\\x00-\x1f\x7f]')
_IN_SYMBOL = re.compile(r"['\\\x00-\x1f\x7f]")
_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", '"': '\\"', "'": "\\'", "\\": "\\\\"}
_NUMBERS = decimal.Context(prec=60)  # DynamoDB keeps 38 digits; room to spare for reading


def dump_item(item: Mapping[str, Any]) -> str:
    """One line of an ION export: ``$ion_1_0 {Item:{...}}``.

    Raises:
        ValueError: an attribute value that is no DynamoDB type (or a bad N or B).
    """
    return "$ion_1_0 {Item:" + _struct(item) + "}"


def dump_record(record: Mapping[str, Mapping[str, Any]]) -> str:
    """One line holding a struct of attribute maps: ``$ion_1_0 {Keys:{...},NewImage:{...}}``."""
    members = ",".join(_field(name) + ":" + _struct(value) for name, value in record.items())
    return "$ion_1_0 {" + members + "}"


def _struct(attributes: Mapping[str, Any]) -> str:
    return "{" + ",".join(_field(name) + ":" + _value(value) for name, value in attributes.items()) + "}"


def _field(name: str) -> str:
    if _IDENTIFIER.fullmatch(name) and name not in _KEYWORDS and not _SYMBOL_ID.fullmatch(name):
        return name
    return "'" + _IN_SYMBOL.sub(_escape, name) + "'"


def _value(value: Mapping[str, Any]) -> str:
    if len(value) != 1:
        raise ValueError(f"an attribute value has exactly one type: {sorted(value)}")
    ((kind, inner),) = value.items()
    if kind == "S":
        return _string(inner)
    if kind == "N":
        return _decimal(inner)
    if kind == "B":
        return _blob(inner)
    if kind == "BOOL":
        return "true" if inner else "false"
    if kind == "NULL":
        return "null"
    if kind == "M":
        return _struct(inner)
    if kind == "L":
        return "[" + ",".join(_value(element) for element in inner) + "]"
    writers: dict[str, Callable[[Any], str]] = {"SS": _string, "NS": _decimal, "BS": _blob}
    if kind in writers:
        return f"$dynamodb_{kind}::[" + ",".join(writers[kind](element) for element in inner) + "]"
    raise ValueError(f"{kind!r} is no DynamoDB attribute type")


def _string(text: str) -> str:
    return '"' + _IN_STRING.sub(_escape, text) + '"'


def _escape(found: re.Match[str]) -> str:
    char = found.group()
    return _ESCAPES.get(char) or f"\\x{ord(char):02x}"


def _decimal(text: str) -> str:
    """An N as an Ion decimal, the way AWS's exports write them: 103., 6d2, 1.5."""
    try:
        number = _NUMBERS.create_decimal(text)
    except decimal.InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    if not number.is_finite():
        raise ValueError(f"{text!r} is not a number")
    number = number.normalize(_NUMBERS)
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # finite
    sign = "-" if number.is_signed() and number else ""
    coefficient = sign + "".join(map(str, digits))
    if exponent == 0:
        return coefficient + "."
    if exponent > 0 or exponent < -30:
        return f"{coefficient}d{exponent}"
    return format(number, "f")


def _blob(data: bytes | bytearray | str) -> str:
    if isinstance(data, str):  # DynamoDB JSON's form: already base64
        try:
            data = base64.b64decode(data, validate=True)
        except binascii.Error:
            raise ValueError("a binary value is not base64 text") from None
    return "{{" + base64.b64encode(bytes(data)).decode("ascii") + "}}"


# -- reading ---------------------------------------------------------------------------

_SPACE = re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/)*", re.DOTALL)
_NUMBER = re.compile(
    r"[-+]?(?:0[xX][0-9a-fA-F](?:_?[0-9a-fA-F])*|0[bB][01](?:_?[01])*"
    r"|\d(?:_?\d)*(?P<fraction>\.(?:\d(?:_?\d)*)?)?(?P<exponent>[dDeE][+-]?\d+)?)"
)
_TIMESTAMP = re.compile(r"\d{4}(?:T|-\d\d)")
_STRING = re.compile(r'"((?:[^"\\\n]|\\(?:\r\n|[\s\S]))*)"')
_LONG = re.compile(r"'''((?:[^'\\]|\\[\s\S]|'(?!''))*)'''")
_QUOTED = re.compile(r"'((?:[^'\\\n]|\\[\s\S])*)'")
_LOB = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_STOP = frozenset(" \t\r\n\v\f,]})/{[(\"'")
_UNESCAPE = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(\r\n|[\s\S]))")
_SIMPLE = {"a": "\a", "b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "v": "\v", "0": "\0"}
_TYPED_NULL = re.compile(r"\.[a-z]+")
_SETS = {"$dynamodb_SS": ("SS", "S"), "$dynamodb_NS": ("NS", "N"), "$dynamodb_BS": ("BS", "B")}


def iter_items(text: str) -> Iterator[Item]:
    """The ``Item`` of every top-level ``{Item: {...}}`` struct of `text`.

    Raises:
        IonError: a value that is no Ion, or a top-level value with no Item struct.
    """
    for record in iter_records(text):
        item = record.get("Item")
        if item is None or "M" not in item:
            raise IonError("a top-level value has no Item struct")
        yield item["M"]


def iter_records(text: str) -> Iterator[dict[str, Any]]:
    """Every top-level struct of `text`: member name -> AttributeValue.

    Raises:
        IonError: a value that is no Ion, or a top-level value that is not a struct.
    """
    reader = _Reader(text)
    while (record := reader.top_level()) is not None:
        yield record


class _Reader:
    """A recursive-descent reader of Ion text, straight into DynamoDB's typed values."""

    def __init__(self, text: str) -> None:
        self.text, self.at = text, 0

    def top_level(self) -> dict[str, Any] | None:
        while True:
            self._space()
            if self.at >= len(self.text):
                return None
            if self.text.startswith("$ion_1_0", self.at) and self._ends(self.at + 8):
                self.at += 8
                continue
            annotations = self._annotations()
            start = self.at
            value = self._value(annotations)
            if "$ion_symbol_table" in annotations:
                continue  # symbol ids are refused anyway, so its symbols are never needed
            if "M" not in value:
                raise self._error("a top-level value is not a struct", start)
            record: dict[str, Any] = value["M"]
            return record

    def _error(self, message: str, at: int | None = None) -> IonError:
        where = self.at if at is None else at
        line = self.text.count("\n", 0, where) + 1
        return IonError(f"{message} (line {line}, column {where - self.text.rfind(chr(10), 0, where)})")

    def _space(self) -> None:
        found = _SPACE.match(self.text, self.at)
        self.at = found.end() if found else self.at

    def _ends(self, at: int) -> bool:
        return at >= len(self.text) or self.text[at] in _STOP or self.text[at] == ":"

    def _annotations(self) -> list[str]:
        found: list[str] = []
        while True:
            start = self.at
            symbol = self._symbol()
            if symbol is None:
                return found
            self._space()
            if not self.text.startswith("::", self.at):
                self.at = start
                return found
            self.at += 2
            self._space()
            found.append(symbol)

    def _symbol(self) -> str | None:
        """A symbol's text at the cursor (identifier or quoted), or None, cursor unmoved."""
        if self.text.startswith("'''", self.at):
            return None
        quoted = _QUOTED.match(self.text, self.at)
        if quoted:
            self.at = quoted.end()
            return _unescape(quoted.group(1))
        plain = _IDENTIFIER.match(self.text, self.at)
        if plain is None or plain.group() in _KEYWORDS:
            return None
        if _SYMBOL_ID.fullmatch(plain.group()):
            raise self._error("symbol ids need a symbol table, which is not read")
        self.at = plain.end()
        return plain.group()

    def _value(self, annotations: list[str]) -> dict[str, Any]:
        text, at = self.text, self.at
        char = text[at] if at < len(text) else ""
        if char == "{":
            return self._blob() if text.startswith("{{", at) else self._struct()
        if char == "[":
            return self._list(annotations)
        if char == '"' or text.startswith("'''", at):
            return {"S": self._string()}
        if char == "(":
            raise self._error("an s-expression is no DynamoDB type")
        if char == "'" or (char == "$" and _SYMBOL_ID.match(text, at)):
            raise self._error("a symbol is no DynamoDB type (nor are symbol ids)")
        return self._scalar()

    def _struct(self) -> dict[str, Any]:
        self.at += 1
        members: dict[str, Any] = {}
        while True:
            self._space()
            if self.text.startswith("}", self.at):
                self.at += 1
                return {"M": members}
            name = self._field_name()
            self._space()
            if not self.text.startswith(":", self.at):
                raise self._error("expected ':' after a field name")
            self.at += 1
            self._space()
            members[name] = self._value(self._annotations())
            self._separator("}")

    def _field_name(self) -> str:
        if self.text.startswith('"', self.at) or self.text.startswith("'''", self.at):
            return self._string()
        name = self._symbol()
        if name is None:
            keyword = _IDENTIFIER.match(self.text, self.at)  # null, true... are names here
            if keyword is None:
                raise self._error("expected a field name")
            self.at, name = keyword.end(), keyword.group()
        return name

    def _separator(self, closing: str) -> None:
        self._space()
        if self.text.startswith(",", self.at):
            self.at += 1
        elif not self.text.startswith(closing, self.at):
            raise self._error(f"expected ',' or '{closing}'")

    def _list(self, annotations: list[str]) -> dict[str, Any]:
        self.at += 1
        elements: list[dict[str, Any]] = []
        while True:
            self._space()
            if self.text.startswith("]", self.at):
                self.at += 1
                break
            elements.append(self._value(self._annotations()))
            self._separator("]")
        kind = next((_SETS[name] for name in annotations if name in _SETS), None)
        if kind is None:
            return {"L": elements}
        set_type, member_type = kind
        if any(member_type not in element for element in elements):
            raise self._error(f"a {set_type} set holds a value of another type")
        return {set_type: [element[member_type] for element in elements]}

    def _string(self) -> str:
        short = _STRING.match(self.text, self.at)
        if short:
            self.at = short.end()
            return _unescape(short.group(1))
        parts: list[str] = []
        while (long := _LONG.match(self.text, self.at)) is not None:  # adjacent ones concatenate
            parts.append(_unescape(long.group(1)))
            self.at = long.end()
            self._space()
        if not parts:
            raise self._error("an unterminated string")
        return "".join(parts)

    def _blob(self) -> dict[str, Any]:
        found = _LOB.match(self.text, self.at)
        if found is None:
            raise self._error("an unterminated blob")
        content = found.group(1).strip()
        if content.startswith(('"', "'")):
            raise self._error("a clob is no DynamoDB type")
        try:
            data = base64.b64decode("".join(content.split()), validate=True)
        except binascii.Error:
            raise self._error("a blob that is not base64") from None
        self.at = found.end()
        return {"B": base64.b64encode(data).decode("ascii")}

    def _scalar(self) -> dict[str, Any]:
        start = self.at
        word = _IDENTIFIER.match(self.text, start)
        if word and word.group() in ("true", "false"):
            self.at = word.end()
            return {"BOOL": word.group() == "true"}
        if word and word.group() == "null":
            self.at = word.end()
            typed = _TYPED_NULL.match(self.text, self.at)  # null.string and the like
            self.at = typed.end() if typed else self.at
            return {"NULL": True}
        if _TIMESTAMP.match(self.text, start):
            raise self._error("a timestamp is no DynamoDB type")
        number = _NUMBER.match(self.text, start)
        if number is None or not self._ends(number.end()):
            if word and word.group() == "nan" or self.text.startswith(("+inf", "-inf"), start):
                raise self._error("nan and infinities are no DynamoDB numbers")
            if word:
                raise self._error(f"a symbol ({word.group()}) is no DynamoDB type")
            raise self._error("expected a value")
        self.at = number.end()
        return {"N": _number(number)}


def _number(found: re.Match[str]) -> str:
    text = found.group().replace("_", "")
    if found.group("fraction") is None and found.group("exponent") is None:
        return str(int(text, 0))  # ints, also 0x and 0b ones
    number = _NUMBERS.create_decimal(text.replace("d", "e").replace("D", "e"))
    return number_text(number)


def number_text(number: decimal.Decimal) -> str:
    """An N's text as DynamoDB writes it: no exponent and no trailing zeros where it can."""
    if not number:
        return "0"
    number = number.normalize(_NUMBERS)
    return format(number, "f") if -30 <= number.adjusted() < 40 else str(number)


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _UNESCAPE.sub(_unescaped, text)


def _unescaped(found: re.Match[str]) -> str:
    hex_code = found.group(1) or found.group(2) or found.group(3)
    if hex_code:
        return chr(int(hex_code, 16))
    char = found.group(4)
    if char in ("\n", "\r\n"):
        return ""  # a line continuation
    return _SIMPLE.get(char, char)
