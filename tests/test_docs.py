"""Every Python sample in docs/ runs, so the documentation cannot drift from the code."""

from __future__ import annotations

import pathlib
import re

import pytest

DOCS = pathlib.Path(__file__).parent.parent / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
FENCE = re.compile(r"^```(\S*)\n(.*?)^```$", re.DOTALL | re.MULTILINE)
# shell sessions and pseudo-code are shown, not run; everything else must be a runnable sample
SHOWN_ONLY = {"sh", "bash", "text"}
SAMPLES = [
    pytest.param(sample, id=f"{page.relative_to(DOCS)}:{number}")
    for page in PAGES
    for number, sample in enumerate(
        (body for language, body in FENCE.findall(page.read_text()) if language == "python"), 1
    )
]


def test_docs_have_samples() -> None:
    assert len(SAMPLES) >= 20


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(DOCS)))
def test_every_block_is_run_or_marked_as_shown_only(page: pathlib.Path) -> None:
    languages = {language for language, _ in FENCE.findall(page.read_text())}
    assert languages <= {"python"} | SHOWN_ONLY, f"{page.name}: blocks tagged {languages}"


@pytest.mark.parametrize("sample", SAMPLES)
def test_sample_runs(sample: str, pytester: pytest.Pytester) -> None:
    if "def test_" in sample:  # a pytest sample: run it as a test file of its own
        pytester.makepyfile(test_sample=sample)
        pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(
            passed=sample.count("def test_")
        )
    else:
        exec(compile(sample, "<docs sample>", "exec"), {"__name__": "__docs__"})
