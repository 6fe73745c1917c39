"""The hostile-input corpus (tests/hostile/cases.yaml): every trick a translator (or an
attacker) can put into a translation to show readers something nobody approved, or to make
a block disappear. Each one is refused at approve with a named blocking finding; approved
anyway with --override, it never reaches a page; and check fails where the text is a claim.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest
import yaml
from conftest import copy_project

from i18n.model.states import entry_id

CASES = yaml.safe_load((Path(__file__).parent / "hostile" / "cases.yaml").read_text("utf-8"))
MT = "mechanical-thrombectomy-for-dvt"
SOURCE = "For many patients the whole procedure takes about 1 to 3 hours."
PAGE = f"site/de/de/{MT}.html"
CATALOG = f"locales/de/LC_MESSAGES/{MT}.po"
LEDGER = "locales/de/approvals.jsonl"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("hostile") / "proj")


@pytest.fixture
def proj(base: Path, tmp_path: Path) -> Path:
    """A fresh copy of the sample for each case."""
    root = tmp_path / "proj"
    root.mkdir()
    for name in ("source", "locales", "pyproject.toml"):
        src = base / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / name)
    return root


def test_the_corpus_is_large_and_varied() -> None:
    assert len(CASES) >= 55
    assert {c["blocks"] for c in CASES} == {"claims", "bidi", "links", "empty"}
    assert len({c["name"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_hostile_text_is_refused_and_never_published(proj: Path, run, case: dict) -> None:
    path = proj / CATALOG
    catalog = polib.pofile(str(path), wrapwidth=79)
    (entry,) = [e for e in catalog if SOURCE in e.msgid]
    entry.msgstr = case["text"]
    catalog.save(str(path))
    item = entry_id("de", MT, entry.msgctxt, entry.msgid)

    refused = run(proj, "approve", "--locale", "de", item)
    assert refused.exit_code == 1, refused.output
    assert f"blocking {case['blocks']}" in refused.stderr, refused.stderr

    forced = run(proj, "approve", "--locale", "de", item, "--override", "hostile corpus")
    assert forced.exit_code == 0, forced.output
    rendered = run(proj, "render", "--country", "DE")
    assert rendered.exit_code == 0, rendered.output
    assert not (proj / PAGE).exists(), f"{case['name']}: published"
    if case["blocks"] == "claims":
        checked = run(proj, "check", "--country", "DE")
        assert checked.exit_code == 1 and "claim-translation" in checked.stdout
