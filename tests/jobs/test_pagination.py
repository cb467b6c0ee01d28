"""NextTokens: opaque, tamper-evident, bound to their request; JobIndex traversal."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from importmock.jobs.backend import JobIndex
from importmock.jobs.pagination import InvalidToken, PageTokens, TokenForm, take_page

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
HEX = TokenForm(hex=True, min_bytes=56, block=8)
B64 = TokenForm()


@pytest.fixture
def tokens() -> PageTokens:
    return PageTokens(b"k" * 32)


@pytest.mark.parametrize("form", [HEX, B64])
def test_token_round_trip(tokens: PageTokens, form: TokenForm) -> None:
    token = tokens.issue((1_700_000_000_000_000, 42), ["scope"], NOW, form)
    assert tokens.open(token, ["scope"], NOW, form, None) == (1_700_000_000_000_000, 42)


def test_hex_token_matches_dynamodb_model_pattern(tokens: PageTokens) -> None:
    token = tokens.issue((1, 2), [], NOW, HEX)
    assert re.fullmatch(r"([0-9a-f]{16})+", token) and len(token) >= 112


def test_token_does_not_show_its_key_in_clear(tokens: PageTokens) -> None:
    key = (1_700_000_000_000_000, 123456)
    raw = bytes.fromhex(tokens.issue(key, [], NOW, HEX))
    assert key[0].to_bytes(8, "big") not in raw and key[1].to_bytes(8, "big") not in raw


def test_every_flipped_bit_is_detected(tokens: PageTokens) -> None:
    raw = bytearray(bytes.fromhex(tokens.issue((5, 6), ["s"], NOW, HEX)))
    for index in range(len(raw)):
        for bit in range(8):
            raw[index] ^= 1 << bit
            with pytest.raises(InvalidToken):
                tokens.open(raw.hex(), ["s"], NOW, HEX, None)
            raw[index] ^= 1 << bit


@pytest.mark.parametrize("token", ["", "zz", "0" * 112, "A" * 112, "0" * 20])
def test_garbage_tokens_are_invalid(tokens: PageTokens, token: str) -> None:
    with pytest.raises(InvalidToken):
        tokens.open(token, [], NOW, HEX, None)


def test_token_is_bound_to_scope_and_secret(tokens: PageTokens) -> None:
    token = tokens.issue((5, 6), ["ListImports", {"TableArn": "a"}], NOW, B64)
    with pytest.raises(InvalidToken):
        tokens.open(token, ["ListImports", {"TableArn": "b"}], NOW, B64, None)
    with pytest.raises(InvalidToken):
        PageTokens(b"x" * 32).open(token, ["ListImports", {"TableArn": "a"}], NOW, B64, None)


def test_token_expires(tokens: PageTokens) -> None:
    token = tokens.issue((5, 6), [], NOW, B64)
    day = timedelta(hours=24)
    assert tokens.open(token, [], NOW + day, B64, day) == (5, 6)
    with pytest.raises(InvalidToken, match="expired"):
        tokens.open(token, [], NOW + day + timedelta(microseconds=1), B64, day)


@dataclass
class FakeJob:
    id: str
    key: tuple[int, int]
    group: str
    arn: str | None = None
    progress: object = None


def test_job_index_pages_survive_creates_and_deletes_between_pages() -> None:
    index: JobIndex[FakeJob] = JobIndex(group=lambda job: job.group)
    jobs = [FakeJob(f"j{n}", (n, n), "a" if n % 2 else "b") for n in range(10)]
    for job in jobs:
        index.add(job)
    floor = (-1, -1)
    first, last = take_page(index.newest_first(None, None, floor), 3, lambda job: True)
    assert [j.id for j in first] == ["j9", "j8", "j7"]
    index.remove(jobs[6])  # the next one to be listed
    index.add(FakeJob("j10", (10, 10), "a"))  # newer than the traversal: not listed
    rest, _ = take_page(index.newest_first(last, None, floor), 100, lambda job: True)
    assert [j.id for j in rest] == ["j5", "j4", "j3", "j2", "j1", "j0"]
    grouped, _ = take_page(index.newest_first(None, "a", floor), 100, lambda job: True)
    assert [j.id for j in grouped] == ["j10", "j9", "j7", "j5", "j3", "j1"]
    assert index.get("j6") is None and len(index) == 10


def test_take_page_reports_no_resume_key_on_the_last_page() -> None:
    items, last = take_page(iter([((1, 1), "a"), ((0, 0), "b")]), 2, lambda item: True)
    assert (items, last) == (["a", "b"], None)
