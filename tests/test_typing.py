"""The public API type-checks in a user's project: `mypy --strict` on a small sample of its uses."""

from __future__ import annotations

import pathlib
import re
import textwrap

from mypy import api

USER_CODE = """
from __future__ import annotations

import unittest
from datetime import datetime, timedelta
from typing import Any

from importmock import Call, Clock, ImportMock, mock_imports
from importmock.server import ThreadedServer


@mock_imports
def bare(name: str, count: int = 1) -> list[str]:
    return [name] * count


@mock_imports(duration=None, durations={"dynamodb:export": 60}, account_id="111122223333")
def with_options(name: str) -> int:
    return len(name)


@mock_imports
async def bare_async(delay: float) -> str:
    return "done"


@mock_imports(state={"version": 1})
async def fetch(arn: str, *, n: int = 3) -> dict[str, int]:
    return {arn: n}


@mock_imports
class TestBare:
    def test_one(self) -> None:
        pass


@mock_imports(duration=0)
class TestCaseWithOptions(unittest.TestCase):
    def test_one(self) -> None:
        self.assertTrue(True)


reveal_type(bare)  # revealed: def (name: str, count: int =) -> list[str]
reveal_type(with_options)  # revealed: def (name: str) -> int
reveal_type(bare_async)  # revealed: def (delay: float) -> typing.Coroutine[Any, Any, str]
reveal_type(fetch)  # revealed: def (arn: str, *, n: int =) -> typing.Coroutine[Any, Any, dict[str, int]]
reveal_type(TestBare)  # revealed: def () -> user.TestBare
reveal_type(TestCaseWithOptions)  # revealed: def (methodName: str =) -> user.TestCaseWithOptions

names: list[str] = bare("orders", count=2)
size: int = with_options("orders")


def context_manager() -> None:
    with mock_imports(duration=None) as mock:
        reveal_type(mock)  # revealed: importmock.mock.ImportMock
        clock: Clock = mock.clock
        later: datetime = mock.clock.advance(60)
        mock.clock.advance(timedelta(minutes=5))
        mock.clock.set(later)
        now: datetime = clock.now()
        mock.finish("arn:aws:dynamodb:us-east-1:123456789012:table/t/import/1", status="FAILED",
                    failure_code="S3NoSuchBucket", failure_message="No bucket")
        mock.fail_next("dynamodb", "DescribeImport", times=2)
        first: Call = mock.calls[0]
        operation: str = mock.calls[0].operation
        error: str | None = first.error
        saved: dict[str, Any] = mock.snapshot()
        mock.restore(saved)
        mock.reset()
        assert now <= later and operation and error is None


async def async_context_manager() -> None:
    async with mock_imports() as mock:
        reveal_type(mock)  # revealed: importmock.mock.ImportMock


def started_by_hand() -> None:
    mock = ImportMock(account_id="111122223333").start()
    try:
        assert mock.active
    finally:
        mock.stop()


def test_with_the_fixture(importmock: ImportMock) -> None:
    importmock.clock.advance(600)


def server() -> str:
    with ThreadedServer(port=0) as running:
        reveal_type(running)  # revealed: importmock.server.ThreadedServer
        url: str = running.url
        running.mock.reset()
        return url
"""


def test_public_api_passes_mypy_strict_in_a_user_project(tmp_path: pathlib.Path) -> None:
    (tmp_path / "user.py").write_text(textwrap.dedent(USER_CODE))
    (tmp_path / "mypy.ini").write_text("[mypy]\n")  # the user's settings, not this repository's
    stdout, stderr, status = api.run(
        [
            "--strict",
            "--config-file",
            str(tmp_path / "mypy.ini"),
            "--cache-dir",
            str(tmp_path / "cache"),
            "--no-error-summary",
            "--hide-error-context",
            str(tmp_path / "user.py"),
        ]
    )
    assert status == 0 and ": error:" not in stdout, stdout + stderr
    # each reveal_type keeps the decorated signature: compare with the comment on its line
    code = textwrap.dedent(USER_CODE).splitlines()
    expected = {n: line.split("# revealed: ")[1] for n, line in enumerate(code, 1) if "# revealed: " in line}
    revealed = {
        int(found[1]): found[2].replace("builtins.", "")  # older mypy spells builtins out
        for found in re.finditer(r'user\.py:(\d+): note: Revealed type is "(.*)"', stdout)
    }
    assert revealed == expected, stdout
