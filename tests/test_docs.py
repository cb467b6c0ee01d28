"""Every Python sample in docs/ runs, so the documentation cannot drift from the code."""

from __future__ import annotations

import pathlib
import re

import pytest

DOCS = pathlib.Path(__file__).parent.parent / "docs"
SAMPLES = [
    pytest.param(sample, id=f"{page.name}:{number}")
    for page in sorted(DOCS.glob("*.md"))
    for number, sample in enumerate(re.findall(r"```python\n(.*?)```", page.read_text(), re.DOTALL), 1)
]


def test_docs_have_samples() -> None:
    assert len(SAMPLES) >= 8


@pytest.mark.parametrize("sample", SAMPLES)
def test_sample_runs(sample: str, pytester: pytest.Pytester) -> None:
    if "def test_" in sample:  # a pytest sample: run it as a test file of its own
        pytester.makepyfile(test_sample=sample)
        pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(
            passed=sample.count("def test_")
        )
    else:
        exec(compile(sample, "<docs sample>", "exec"), {"__name__": "__docs__"})
