"""Extraction of many articles runs in forked worker processes; the result must be the one a
sequential extraction gives: the same POT bytes, and the same first error for bad input."""

from __future__ import annotations

import multiprocessing as mp
import re
import shutil
from pathlib import Path

import pytest
from conftest import REPO, copy_project, snapshot

import i18n.pipeline.extract as catalogs

pytestmark = [
    pytest.mark.slow,  # forked workers over 30 articles
    pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="needs fork"),
]

COPIES = 5  # 6 sample articles x 5 = 30 articles, above the parallel threshold


def many_articles(dest: Path) -> Path:
    root = copy_project(dest, locales=False)
    folder = root / "source" / "articles"
    for src in sorted(folder.glob("*.md")):
        text = src.read_text(encoding="utf-8")
        for k in range(1, COPIES):
            copy = re.sub(r"(?m)^slug: (\S+)$", rf"slug: \g<1>-{k}", text, count=1)
            copy = re.sub(r"(?m)^related: \[.*\]$", "related: []", copy, count=1)
            (folder / f"{src.stem}-{k}.md").write_text(copy, encoding="utf-8")
    return root


def extract_both(run, root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple:
    """(parallel result, sequential result): exit code, output and files of each."""
    assert catalogs._parallel_workers(len(list((root / "source" / "articles").glob("*.md")))) > 1
    first = run(root, "extract")
    files_first = snapshot(root / "locales") if (root / "locales").exists() else {}
    shutil.rmtree(root / "locales", ignore_errors=True)
    monkeypatch.setattr(catalogs, "_PARALLEL_MIN_ARTICLES", 10**9)
    second = run(root, "extract")
    files_second = snapshot(root / "locales") if (root / "locales").exists() else {}
    monkeypatch.undo()
    return (first.exit_code, first.output, files_first), (
        second.exit_code,
        second.output,
        files_second,
    )


def test_parallel_extraction_writes_what_sequential_extraction_writes(
    tmp_path: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = many_articles(tmp_path)
    parallel, sequential = extract_both(run, root, monkeypatch)
    assert parallel[0] == 0, parallel[1]
    assert parallel == sequential
    assert len(parallel[2]) == 6 * COPIES + 1  # one POT per article, and site.pot


@pytest.mark.parametrize("breakage", ["bad-front-matter", "slug-mismatch", "missing-related"])
def test_parallel_extraction_fails_like_sequential_extraction(
    tmp_path: Path, run, monkeypatch: pytest.MonkeyPatch, breakage: str
) -> None:
    root = many_articles(tmp_path)
    folder = root / "source" / "articles"
    victims = sorted(folder.glob("*.md"))
    late, early = victims[-3], victims[7]
    if breakage == "bad-front-matter":  # two broken files: the first in file order is named
        for victim in (late, early):
            victim.write_text("---\nslug: [unclosed\n---\nText.\n", encoding="utf-8")
    elif breakage == "slug-mismatch":  # found in a worker, after earlier chunks succeeded
        text = late.read_text(encoding="utf-8")
        late.write_text(
            re.sub(r"(?m)^slug: \S+$", "slug: another-name", text, count=1), encoding="utf-8"
        )
    else:  # a rule across articles, checked after the workers
        text = late.read_text(encoding="utf-8")
        late.write_text(
            re.sub(r"(?m)^related: \[.*\]$", "related: [no-such-article]", text, count=1),
            encoding="utf-8",
        )
    parallel, sequential = extract_both(run, root, monkeypatch)
    assert parallel[0] == 2
    assert parallel == sequential
    assert parallel[2] == {}  # nothing written


def test_the_sample_stays_sequential() -> None:
    count = len(list((REPO / "source" / "articles").glob("*.md")))
    assert catalogs._parallel_workers(count) == 1
