"""Edits of page tokens that tests use to check tokens are tamper-evident."""

from __future__ import annotations


def flip(token: str, index: int) -> str:
    """The token with the character at `index` replaced by another of the same kind."""
    c = token[index]
    if c.isdigit():
        new = str((int(c) + 1) % 10)
    elif c.isalpha():
        new = ("b" if c.lower() == "a" else "a") if c.islower() else ("B" if c == "A" else "A")
    else:
        new = "A" if c != "A" else "B"
    return token[:index] + new + token[index + 1 :]
