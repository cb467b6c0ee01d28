"""Every Python sample in docs/ runs, so the documentation cannot drift from the code."""

from __future__ import annotations

import pathlib
import re
import shlex
import urllib.parse
from typing import Any

import pytest
import yaml

from importmock.cli import _endpoints, parser

DOCS = pathlib.Path(__file__).parent.parent / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
FENCE = re.compile(r"^```(\S*)\n(.*?)^```$", re.DOTALL | re.MULTILINE)
# shell sessions, pseudo-code and compose files are shown, not run (compose files are checked
# below); everything else must be a runnable sample
SHOWN_ONLY = {"sh", "bash", "text", "yaml"}
SAMPLES = [
    (f"{page.relative_to(DOCS)}:{number}", sample)
    for page in PAGES
    for number, sample in enumerate(
        (body for language, body in FENCE.findall(page.read_text()) if language == "python"), 1
    )
]
# a sample that defines tests runs as a test file of its own; any other runs in this process
# (outside pytester, whose module snapshot would drop what a sample imports, like requests)
# a sample using aiobotocore runs where it is installed (tests/conftest.py)
PARAMS = [
    pytest.param(sample, id=name, marks=[pytest.mark.requires_aiobotocore] * ("aiobotocore" in sample))
    for name, sample in SAMPLES
]
SCRIPTS = [param for param in PARAMS if "def test_" not in param.values[0]]
TEST_FILES = [param for param in PARAMS if "def test_" in param.values[0]]
COMPOSE_FILES = [
    pytest.param(body, id=f"{page.relative_to(DOCS)}:{number}")
    for page in PAGES
    for number, body in enumerate(
        (body for language, body in FENCE.findall(page.read_text()) if language == "yaml"), 1
    )
]


def test_docs_have_samples() -> None:
    assert len(SAMPLES) >= 20


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(DOCS)))
def test_every_block_is_run_or_marked_as_shown_only(page: pathlib.Path) -> None:
    languages = {language for language, _ in FENCE.findall(page.read_text())}
    assert languages <= {"python"} | SHOWN_ONLY, f"{page.name}: blocks tagged {languages}"


@pytest.mark.parametrize("sample", SCRIPTS)
def test_sample_runs(sample: str) -> None:
    exec(compile(sample, "<docs sample>", "exec"), {"__name__": "__docs__"})


@pytest.mark.parametrize("sample", TEST_FILES)
def test_sample_tests_pass(sample: str, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_sample=sample)
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=sample.count("def test_"))


def importmock_commands(service: dict[str, Any]) -> list[list[str]]:
    """The `importmock server ...` command lines a compose service runs (in `sh -c` or not)."""
    command = service.get("command", [])
    text = " ".join(command) if isinstance(command, list) else command
    return [shlex.split(found) for found in re.findall(r"importmock server[^&;|]*", text)]


@pytest.mark.parametrize("compose", COMPOSE_FILES)
def test_compose_file_runs_a_valid_importmock_server(compose: str) -> None:
    services = yaml.safe_load(compose)["services"]
    commands = [line for service in services.values() for line in importmock_commands(service)]

    assert commands, "no service runs importmock server"
    for line in commands:
        options = parser().parse_args(line[1:])
        assert options.host == "0.0.0.0"  # loopback in a container is unreachable from the others
        for url in _endpoints(options).values():  # the URLs the server accepts at start-up
            assert urllib.parse.urlsplit(url).hostname in services, f"{url} is no service of the file"
