"""Hypothesis strategies derived from botocore shapes: request parameters, valid and invalid.

`requests(operation_model, hints)` walks the operation's input shape and draws a parameter
dict for it. Each example first draws a *chaos* level (shrinking towards 0, an entirely
well-formed request); the level sets how often each node of the shape is replaced by

- an invalid value of the right type: out-of-range numbers (huge ones too), strings that are
  too long (up to 300,000 characters), empty, off-pattern or full of odd unicode (NUL, RTL and
  zero-width marks, astral characters; and, as one option of its own, lone surrogates, which
  reach the mock as JSON escapes), lists and maps beyond their bounds, extreme or naive
  timestamps;
- a value of the wrong type (a string where a number is expected, a dict where a list is,
  NaN and Infinity, epochs no datetime can hold, JSON nested hundreds of levels deep);
- nothing at all, for a required member;

and how often a structure gets an unknown extra member.

Values botocore's serializer cannot carry (a list where a structure is expected, an unknown
member: with validation off it raises before sending) are wrapped in `Raw`: the sender takes
them out of the parameters and writes them into the serialized JSON body itself, before the
request is signed (`split_raw`, `inject_raw`).

`hints` maps a member name to a strategy of realistic values (the ARN of a job the test
created, a well-formed table definition...): where a member of that name appears, the hint is
drawn often, so that success paths (create a job, then describe it) are exercised too. The
hint named TEMPLATE, if any, draws whole well-formed requests, for a quarter of the examples.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from botocore.model import OperationModel, Shape, StructureShape
from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

Hints = Mapping[str, SearchStrategy[Any]]
TEMPLATE = "@request"  # the hint of whole, well-formed requests (a quarter of the examples)

MAX_DEPTH = 4  # below this depth optional members are left out and lists kept empty (AttributeValue recurses)

# chaos level -> percent chance, at each node, of an invalid value / a wrong type / a missing
# required member / an unknown extra member
CHAOS: dict[int, tuple[int, int, int, int]] = {
    0: (0, 0, 0, 0),
    1: (4, 2, 3, 4),
    2: (12, 6, 8, 10),
    3: (30, 15, 20, 25),
}

ODD_CHARACTERS = [
    "\x00",  # NUL
    "\u200f",  # RIGHT-TO-LEFT MARK
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE
    "\u200b",  # ZERO WIDTH SPACE
    "\ufeff",  # BYTE ORDER MARK
    "\u0301",  # COMBINING ACUTE ACCENT
    "\u2028",  # LINE SEPARATOR
    "\uffff",  # a noncharacter
    "\U0001f600",  # astral: an emoji
    "\U00010348",  # astral: GOTHIC LETTER HWAIR
    "\U0010fffd",  # the last astral private-use character
    "\x7f",
    "\n",
    "\r",
    "\t",
    '"',
    "\\",
    "/",
    "%",
    "?",
    "#",
    "&",
    "..",
    "%2F",
    "$",
    "*",
    " ",
]

PLAIN_ALPHABET = string.ascii_letters + string.digits + "-_."

# JSON values of each kind, for wrong types and unknown members (NaN and Infinity included:
# botocore's JSON serializer writes them as the non-JSON tokens NaN and Infinity)
WRONG_VALUES: dict[str, list[Any]] = {
    "null": [None],
    "boolean": [True, False],
    "integer": [0, -1, 1, 10**30, -(10**30)],
    "float": [1.5, -0.0, float("nan"), float("inf"), float("-inf"), 1e308],
    "string": ["", "1", "abc", "true", "null", "2024-01-01T00:00:00Z", "\x00"],
    "list": [[], [1], ["a"], [None], [{}]],
    "object": [{}, {"a": 1}, {"": None}],
}

# the JSON kinds a botocore type name already is (never used as its "wrong type")
NATIVE_KINDS: dict[str, tuple[str, ...]] = {
    "string": ("string",),
    "integer": ("integer",),
    "long": ("integer",),
    "float": ("integer", "float"),
    "double": ("integer", "float"),
    "boolean": ("boolean",),
    "timestamp": ("integer", "float"),  # an epoch number is a well-formed JSON timestamp
    "blob": ("string",),
    "list": ("list",),
    "map": ("object",),
    "structure": ("object",),
}

NUMBER_BOUNDS: dict[str, tuple[int, int]] = {
    "integer": (-(2**31), 2**31 - 1),
    "long": (-(2**63), 2**63 - 1),
}

UTC = timezone.utc


class Long(str):
    """A long string that shows itself briefly (hypothesis prints failing examples with repr)."""

    __slots__ = ()

    def __repr__(self) -> str:
        head = str.__repr__(self[:12])
        return f"Long({head} + ... <{len(self)} characters>)"


def long_text(unit: str, length: int) -> Long:
    """`unit` repeated to `length` characters."""
    return Long((unit * (length // len(unit) + 1))[:length])


@dataclass(frozen=True)
class Raw:
    """A value to place in the serialized JSON body as is, bypassing botocore's serializer."""

    value: Any


@dataclass(frozen=True)
class Deep:
    """A JSON value nested `depth` levels deep, built only when the body is written.

    `member` and `container` say how a recursive shape nests in itself (DynamoDB's
    AttributeValue: member "M", a map of AttributeValue); without them the nesting is plain
    JSON arrays (container "list") or objects ("map").
    """

    depth: int
    container: str = "list"
    member: str | None = None

    def build(self) -> Any:
        value: Any = {self.member: {}} if self.member is not None else []
        for _ in range(self.depth):
            inner = [value] if self.container == "list" else {"k": value}
            value = {self.member: inner} if self.member is not None else inner
        return value


@dataclass(frozen=True)
class Injection:
    """Write `value` under `key` in the JSON object at `path` (serialized names, list indices)."""

    path: tuple[str | int, ...]
    key: str
    value: Any


def json_values() -> SearchStrategy[Any]:
    """Any JSON value, small, including NaN and the infinities."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**20), max_value=10**20),
        st.floats(),
        st.text(max_size=8),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
        ),
        max_leaves=6,
    )


def _usable_pattern(pattern: str | None) -> str | None:
    """`pattern` if Python's re reads it as Java would (no \\p classes, no \\u escapes)."""
    if not pattern or "\\p" in pattern or "\\u" in pattern:
        return None
    try:
        re.compile(pattern)
    except re.error:
        return None
    return pattern


def _length_bounds(shape: Shape) -> tuple[int, int | None]:
    minimum = shape.metadata.get("min")
    maximum = shape.metadata.get("max")
    return (int(minimum) if minimum is not None else 0, int(maximum) if maximum is not None else None)


class _Generator:
    """Draws values for shapes; one instance per example (it holds the example's chaos level)."""

    def __init__(self, draw: DrawFn, hints: Hints, chaos: int) -> None:
        self.draw = draw
        self.hints = hints
        self.invalid, self.wrong, self.missing, self.unknown = CHAOS[chaos]
        self.chaos = chaos

    def roll(self, percent: int) -> bool:
        """True with about `percent`% chance; shrinks to False."""
        return percent > 0 and self.draw(st.integers(min_value=0, max_value=99)) >= 100 - percent

    # --- structures and members -------------------------------------------------------------

    def structure(self, shape: StructureShape, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, member in shape.members.items():
            if name in shape.required_members:
                present = not self.roll(self.missing)
            else:
                present = depth < MAX_DEPTH and self.draw(st.booleans())
            if present:
                where = member.serialization.get("location")
                out[name] = self.member(name, member, depth + 1, body=where is None)
        if self.roll(self.unknown):
            key = self.draw(_unknown_names(shape))
            out[key] = Raw(self.draw(json_values()))
        return out

    def member(self, name: str, shape: Shape, depth: int, body: bool) -> Any:
        """A structure member's value; wrong types go around the serializer for body members."""
        hint = self.hints.get(name)
        if hint is not None and self.draw(st.integers(min_value=0, max_value=9)) < (
            8 if self.chaos == 0 else 6
        ):
            return self.draw(hint)
        if self.roll(self.wrong):
            wrong = self.draw(wrong_type(shape))
            return Raw(wrong) if body else wrong
        return self.value(shape, depth)

    def value(self, shape: Shape, depth: int) -> Any:
        """A value of `shape`'s type: valid, or (by the chaos level) invalid."""
        invalid = self.roll(self.invalid)
        kind = shape.type_name
        if kind == "structure":
            assert isinstance(shape, StructureShape)
            return self.structure(shape, depth)
        if kind == "list":
            return self.list(shape, depth, invalid)
        if kind == "map":
            return self.map(shape, depth, invalid)
        if kind == "string":
            return self.draw(invalid_string(shape) if invalid else valid_string(shape))
        if kind in ("integer", "long"):
            return self.draw(invalid_integer(shape) if invalid else valid_integer(shape))
        if kind in ("float", "double"):
            return self.draw(st.floats(allow_nan=invalid, allow_infinity=invalid))
        if kind == "boolean":
            return self.draw(st.booleans())
        if kind == "timestamp":
            return self.draw(invalid_timestamp() if invalid else valid_timestamp())
        if kind == "blob":
            return self.draw(st.binary(max_size=2000 if invalid else 64))
        raise AssertionError(f"no strategy for the shape type {kind}")

    # --- collections ---------------------------------------------------------------------------

    def _size(self, shape: Shape, depth: int, invalid: bool) -> tuple[int, bool]:
        """How many elements, and whether to repeat a single one (for oversized collections)."""
        minimum, maximum = _length_bounds(shape)
        if invalid:
            choices = [0] if minimum > 0 else []
            choices.append((maximum if maximum is not None else 1000) + 1)
            if minimum > 1:
                choices.append(minimum - 1)
            return self.draw(st.sampled_from(choices)), True
        if depth >= MAX_DEPTH:
            return minimum, True
        upper = minimum + 3 if maximum is None else min(maximum, minimum + 3)
        return self.draw(st.integers(min_value=minimum, max_value=upper)), False

    def list(self, shape: Shape, depth: int, invalid: bool) -> list[Any]:
        size, repeat = self._size(shape, depth, invalid)
        member = shape.member  # type: ignore[attr-defined]
        if repeat:
            if size == 0:
                return []
            one = self.value(member, depth + 1)
            return [_copy(one) for _ in range(size)]
        return [self.value(member, depth + 1) for _ in range(size)]

    def map(self, shape: Shape, depth: int, invalid: bool) -> dict[Any, Any]:
        size, repeat = self._size(shape, depth, invalid)
        key_shape, value_shape = shape.key, shape.value  # type: ignore[attr-defined]
        out: dict[Any, Any] = {}
        if repeat and size > 0:
            one = self.value(value_shape, depth + 1)
            return {f"k{index}": _copy(one) for index in range(size)}
        for _ in range(size):
            key = self.draw(
                valid_string(key_shape) if not self.roll(self.invalid) else invalid_string(key_shape)
            )
            out[key] = self.value(value_shape, depth + 1)
        return out


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _unknown_names(shape: StructureShape) -> SearchStrategy[str]:
    """Names of members `shape` does not have: invented ones, and case variants of real ones."""
    real = list(shape.members)
    variants = [name[0].swapcase() + name[1:] for name in real if name] + [name.upper() for name in real]
    invented = ["Unknown", "__type", "__proto__", "constructor", "", " ", "a" * 300, "Ünknown\u202e"]
    names = [name for name in variants + invented if name not in shape.members]
    return st.one_of(st.sampled_from(names), st.text(max_size=12).filter(lambda n: n not in shape.members))


# --- scalar strategies ---------------------------------------------------------------------------


_SINGLE_CLASS = re.compile(r"\^?\[((?:[^\]\\]|\\.)+)\]([+*])\$?")


def valid_string(shape: Shape) -> SearchStrategy[str]:
    """Strings that satisfy the shape's enum, or its pattern and length bounds (as far as re can)."""
    enum = shape.metadata.get("enum")
    if enum:
        return st.sampled_from(list(enum))
    minimum, maximum = _length_bounds(shape)
    upper = minimum + 24 if maximum is None else min(maximum, minimum + 24)
    plain = st.text(alphabet=PLAIN_ALPHABET, min_size=minimum, max_size=max(upper, minimum))
    pattern = _usable_pattern(shape.metadata.get("pattern"))
    if pattern is None:
        return plain
    single = _SINGLE_CLASS.fullmatch(pattern)
    if single is not None:  # one character class repeated: draw exactly the length wanted
        characters = st.from_regex(f"[{single.group(1)}]", fullmatch=True)
        return st.text(
            alphabet=characters, min_size=max(minimum, 1 if single.group(2) == "+" else 0), max_size=upper
        )

    def fits(text: str) -> SearchStrategy[str]:
        ok = len(text) >= minimum and (maximum is None or len(text) <= maximum)
        return st.just(text) if ok else plain

    return st.from_regex(pattern, fullmatch=True).flatmap(fits)


def odd_text(min_size: int = 0, max_size: int = 40) -> SearchStrategy[str]:
    """Text full of odd unicode: NUL, direction marks, astral characters (no lone surrogates)."""
    pieces = st.one_of(st.sampled_from(ODD_CHARACTERS), st.characters(codec="utf-8"))
    return st.lists(pieces, min_size=min_size, max_size=max_size).map("".join)


def invalid_string(shape: Shape) -> SearchStrategy[str]:
    """Strings that break a constraint of the shape (length, enum, pattern), or are just odd."""
    minimum, maximum = _length_bounds(shape)
    options: list[SearchStrategy[str]] = [odd_text(), st.just("")]
    long_length = (maximum + 1) if maximum is not None else 70_000
    options.append(
        st.builds(
            lambda unit, extra: long_text(unit, long_length + extra),
            st.sampled_from(["a", "\U0001f600", "\u200f", "0"]),
            st.integers(min_value=0, max_value=3),
        )
    )
    options.append(st.sampled_from([long_text("a", 300_000), long_text("\x00", 1024)]))
    # a long run the pattern accepts, then a character it refuses: backtracking regexes choke on these
    options.append(
        st.builds(
            lambda prefix, unit, end: Long(prefix + long_text(unit, long_length) + end),
            st.one_of(st.just(""), valid_string(shape)),
            st.sampled_from(["a", "0", ":", "-", "a:", "a-", "/"]),
            st.sampled_from(["!", "\x00", "$", " ", "\U0001f600"]),
        )
    )
    # lone surrogates: no UTF-8 holds them, but JSON's \ud800 escapes (botocore writes ASCII) do
    options.append(st.sampled_from(["\ud800", "a\udfffb", "\udbff\udbff"]))
    if minimum > 1:
        options.append(st.just(long_text("a", minimum - 1)))
    enum = shape.metadata.get("enum")
    if enum:
        values = list(enum)
        options.append(
            st.sampled_from([v.lower() for v in values] + [v + " " for v in values] + ["NOT_AN_ENUM"])
        )
    pattern = _usable_pattern(shape.metadata.get("pattern"))
    if pattern is not None:  # a valid value with odd characters around it
        options.append(
            st.tuples(valid_string(shape), st.sampled_from(ODD_CHARACTERS)).map(
                lambda pair: pair[0] + pair[1]
            )
        )
    return st.one_of(options)


def _number_bounds(shape: Shape) -> tuple[int, int]:
    low, high = NUMBER_BOUNDS.get(shape.type_name, NUMBER_BOUNDS["long"])
    minimum, maximum = shape.metadata.get("min"), shape.metadata.get("max")
    return (int(minimum) if minimum is not None else low, int(maximum) if maximum is not None else high)


def valid_integer(shape: Shape) -> SearchStrategy[int]:
    low, high = _number_bounds(shape)
    return st.one_of(st.integers(min_value=low, max_value=high), st.sampled_from([low, high]))


def invalid_integer(shape: Shape) -> SearchStrategy[int]:
    low, high = _number_bounds(shape)
    edges = [low - 1, high + 1, -1, 0, 2**31, 2**63, 2**64, -(2**63) - 1, 10**30, -(10**30), 10**400]
    return st.one_of(
        st.sampled_from(edges),
        st.integers(max_value=low - 1),
        st.integers(min_value=high + 1),
    )


def valid_timestamp() -> SearchStrategy[datetime]:
    return st.datetimes(
        min_value=datetime(2015, 1, 1),  # noqa: DTZ001 - bounds of a naive range, made aware below
        max_value=datetime(2035, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    )


def invalid_timestamp() -> SearchStrategy[Any]:
    """Extreme, naive and oddly zoned datetimes, epoch numbers, and ISO strings."""
    return st.one_of(
        st.sampled_from(
            [
                datetime(1, 1, 1, tzinfo=UTC),
                datetime(1970, 1, 1, tzinfo=UTC),
                datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
                datetime(9999, 12, 31, 10, tzinfo=timezone(timedelta(hours=-12))),
                0,
                -1,
                2**31,
                253402300800,  # 10000-01-01
                1.5,
                "1970-01-01T00:00:00Z",
                "2024-02-30T00:00:00Z",
            ]
        ),
        st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=14)), None])),
    )


# epoch seconds no datetime can hold, for a timestamp member (botocore only writes real datetimes)
TIMESTAMP_EXTREMES: list[Any] = [
    1e20,
    -1e20,
    10**30,
    -62135596801,
    253402300800,
    float("nan"),
    float("inf"),
    1e-320,
]

DEEP_LEVELS = (100, 400)  # deep enough to trip a recursive reader, shallow enough for json.dumps


def wrong_type(shape: Shape) -> SearchStrategy[Any]:
    """JSON values of any type but the shape's own; out-of-range epochs; very deep nesting."""
    native = NATIVE_KINDS.get(shape.type_name, ())
    values = [value for kind, values in WRONG_VALUES.items() if kind not in native for value in values]
    if shape.type_name == "timestamp":
        values += TIMESTAMP_EXTREMES
    if shape.type_name in ("structure", "list", "map"):
        values += [Deep(depth, container) for depth in DEEP_LEVELS for container in ("list", "map")]
        recursion = _recursion(shape)
        if recursion is not None:  # well-typed, but nested far deeper than any service allows
            values += [Deep(depth, recursion[1], recursion[0]) for depth in DEEP_LEVELS]
    return st.sampled_from(values)


def _recursion(shape: Shape) -> tuple[str, str] | None:
    """(member, container) through which a structure contains itself, if it does."""
    if not isinstance(shape, StructureShape):
        return None
    for name, member in shape.members.items():
        if member.type_name == "map" and member.value.name == shape.name:  # type: ignore[attr-defined]
            return name, "map"
        if member.type_name == "list" and member.member.name == shape.name:  # type: ignore[attr-defined]
            return name, "list"
    return None


# --- requests -------------------------------------------------------------------------------------


def requests(operation_model: OperationModel, hints: Hints | None = None) -> SearchStrategy[dict[str, Any]]:
    """Parameter dicts for `operation_model`, from entirely valid to chaotic."""
    shape = operation_model.input_shape
    hint_map: Hints = hints or {}

    template = hint_map.get(TEMPLATE)

    @st.composite
    def draw_request(draw: DrawFn) -> dict[str, Any]:
        if shape is None:
            return {}
        if template is not None and draw(st.integers(min_value=0, max_value=3)) == 0:
            return draw(template)
        chaos = draw(st.sampled_from(sorted(CHAOS)))
        generator = _Generator(draw, hint_map, chaos)
        assert isinstance(shape, StructureShape)
        return generator.structure(shape, depth=0)

    return draw_request()


# --- Raw values: taken out of the parameters, written into the body --------------------------------


def split_raw(params: Mapping[str, Any], shape: Shape | None) -> tuple[dict[str, Any], list[Injection]]:
    """`params` without its Raw values, and where each goes in the serialized JSON body."""
    injections: list[Injection] = []
    clean = _strip(params, shape, (), injections)
    assert isinstance(clean, dict)
    return clean, injections


def _strip(value: Any, shape: Shape | None, path: tuple[str | int, ...], out: list[Injection]) -> Any:
    kind = shape.type_name if shape is not None else None
    if isinstance(value, dict) and kind == "structure":
        assert isinstance(shape, StructureShape)
        clean: dict[str, Any] = {}
        for name, item in value.items():
            member = shape.members.get(name)
            wire = str(member.serialization.get("name", name)) if member is not None else str(name)
            if isinstance(item, Raw):
                out.append(Injection(path, wire, item.value))
            else:
                clean[name] = _strip(item, member, (*path, wire), out)
        return clean
    if isinstance(value, dict) and kind == "map":
        return {k: _strip(v, shape.value, (*path, k), out) for k, v in value.items()}  # type: ignore[union-attr]
    if isinstance(value, list) and kind == "list":
        return [_strip(v, shape.member, (*path, i), out) for i, v in enumerate(value)]  # type: ignore[union-attr]
    return value


def inject_raw(body: bytes | str | None, injections: list[Injection]) -> bytes | None:
    """`body` (a JSON object) with the injections written in; None if it is not a JSON object."""
    text = body.decode("utf-8") if isinstance(body, bytes) else (body or "")
    try:
        document = json.loads(text) if text.strip() else {}
    except ValueError:  # botocore wrote NaN or Infinity: Python's json reads those too, so not this
        return None
    if not isinstance(document, dict):
        return None
    for injection in injections:
        target = _walk(document, injection.path)
        if isinstance(target, dict):
            target[injection.key] = _materialize(injection.value)
    return json.dumps(document).encode("utf-8")


def _materialize(value: Any) -> Any:
    """`value` with every Deep built."""
    if isinstance(value, Deep):
        return value.build()
    if isinstance(value, dict):
        return {k: _materialize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_materialize(v) for v in value]
    return value


def _walk(document: Any, path: tuple[str | int, ...]) -> Any:
    """The node at `path` in `document`, or None if there is none."""
    node = document
    for step in path:
        in_object = isinstance(node, dict) and step in node
        in_array = isinstance(node, list) and isinstance(step, int) and step < len(node)
        if not (in_object or in_array):
            return None
        node = node[step]
    return node


def describe(params: Mapping[str, Any], injections: list[Injection]) -> str:
    """A short, readable rendering of a request for failure messages."""
    shown = json.dumps(_abbreviate(params), default=repr, ensure_ascii=True)
    extra = "; ".join(
        f"body{''.join(f'[{step!r}]' for step in i.path)}[{i.key!r}] = {_abbreviate(i.value)!r}"
        for i in injections
    )
    return shown + (f" + raw: {extra}" if extra else "")


def _abbreviate(value: Any) -> Any:
    if isinstance(value, str) and len(value) > 80:
        return f"{value[:20]}...<{len(value)} chars>"
    if isinstance(value, dict):
        return {k: _abbreviate(v) for k, v in value.items()}
    if isinstance(value, list):
        shown = [_abbreviate(v) for v in value[:5]]
        return shown + ([f"...<{len(value)} items>"] if len(value) > 5 else [])
    if isinstance(value, Raw):
        return Raw(_abbreviate(value.value))
    return value


def walk_shapes(shape: Shape, seen: frozenset[str] = frozenset()) -> Iterator[Shape]:
    """Every shape reachable from `shape`, each recursive one once."""
    yield shape
    if shape.name in seen:
        return
    seen = seen | {shape.name}
    children: list[Shape] = []
    if isinstance(shape, StructureShape):
        children = list(shape.members.values())
    elif shape.type_name == "list":
        children = [shape.member]  # type: ignore[attr-defined]
    elif shape.type_name == "map":
        children = [shape.key, shape.value]  # type: ignore[attr-defined]
    for child in children:
        yield from walk_shapes(child, seen)
