"""The docs name the tests that prove their guarantees: each name must be a test that exists,
so that a renamed or deleted test cannot leave a guarantee citing nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CITED = re.compile(r"`(test_\w+\.py)::(\w+)")


@pytest.mark.parametrize("doc", sorted((ROOT / "docs").glob("*.md")), ids=lambda p: p.name)
def test_every_cited_test_exists(doc: Path) -> None:
    missing = []
    for file, name in CITED.findall(doc.read_text(encoding="utf-8")):
        source = ROOT / "tests" / file
        if not source.is_file() or not re.search(
            rf"^(async )?def {name}\(", source.read_text(encoding="utf-8"), re.M
        ):
            missing.append(f"{file}::{name}")
    assert missing == [], f"{doc.name} cites tests that do not exist: {missing}"


def test_the_reliability_page_cites_tests() -> None:
    """The pattern still finds the citations (a changed format would make the test above
    pass on nothing)."""
    text = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    assert len(CITED.findall(text)) > 50
