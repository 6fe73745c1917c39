"""An article's body is parsed only when a plan or a page reads it (i18n/formats/article.py):
a render parses the bodies of what it plans or builds, and the sealed record
``.cache/i18n/articles.json`` vouches for the bodies checked before, so that a malformed
article still stops every render, naming its file and line. On copies of the sample."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from conftest import untrusted_cache_key
from test_render import set_msgstr
from test_render_cache import ARTICLE, approved_entry, cold_site, files, render

from i18n.formats import article as article_format
from i18n.pipeline.publish import site as site_module
from i18n.pipeline.publish.site import preview_page
from i18n.project import Project

OTHER = "post-thrombotic-syndrome"  # an article no test string of ARTICLE touches
BROKEN = "\nPress <kbd>Ctrl</kbd> to continue.\n"  # inline HTML: refused, naming the line


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The bodies parsed from now on (paths, in order); pages are built in-process, so that
    the pages' parses count too."""
    monkeypatch.setattr(site_module, "workers_for", lambda items: 1)
    article_format.PARSED.clear()
    return article_format.PARSED


def record(root: Path) -> Path:
    return root / ".cache" / "i18n" / "articles.json"


def article_path(root: Path, slug: str) -> Path:
    return root / "source" / "articles" / f"{slug}.md"


def break_article(root: Path, slug: str = OTHER) -> tuple[str, int]:
    """Append inline HTML to ``slug``'s body: (its path as errors name it, the line)."""
    path = article_path(root, slug)
    text = path.read_text(encoding="utf-8")
    path.write_text(text + BROKEN, encoding="utf-8")
    return f"source/articles/{slug}.md", text.count("\n") + 2


def test_a_first_render_parses_every_article_once(project: Path, parsed: list[str]) -> None:
    render(project)
    assert sorted(parsed) == sorted(
        f"source/articles/{p.name}" for p in (project / "source" / "articles").glob("*.md")
    )
    entries = json.loads(record(project).read_bytes())["entries"]
    assert len(entries) == len(parsed)


def test_an_unchanged_render_parses_no_article(project: Path, parsed: list[str]) -> None:
    render(project)
    parsed.clear()
    again = render(project)
    assert parsed == [] and again.built == 0


def test_one_string_parses_only_the_article_of_its_locales(
    project: Path, tmp_path: Path, parsed: list[str]
) -> None:
    render(project)
    entry = approved_entry(project)
    set_msgstr(project, "de", ARTICLE, entry.msgid, entry.msgstr + " (neu)", approve_it=True)
    parsed.clear()
    after = render(project)
    # the German locales are opened and their ~15 other pages fingerprinted, from the record
    # and the cached plans: only the changed article's body is parsed (its plan, its pages)
    assert parsed == [f"source/articles/{ARTICLE}.md"]
    assert after.built == 3 and after.kept > 0
    assert files(project / "site") == cold_site(project, tmp_path)


def test_a_changed_article_is_parsed_and_checked_at_once(project: Path, parsed: list[str]) -> None:
    render(project)
    path = article_path(project, OTHER)
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more paragraph.\n")
    parsed.clear()
    render(project)
    assert parsed == [f"source/articles/{OTHER}.md"]


def test_a_broken_article_is_refused_with_its_file_and_line(
    project: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every locale and page is cached; the broken article still stops the render, with the
    message a render without any record gives, and nothing is written."""
    assert run(project, "render").exit_code == 0
    before = files(project / "site")
    where, line = break_article(project)
    result = run(project, "render")
    assert result.exit_code == 2, result.output
    assert f"{where}:{line}: inline HTML '<kbd>'" in result.output
    assert "Traceback" not in result.output
    assert files(project / "site") == before
    again = run(project, "render")  # refused again: no record vouches for the broken bytes
    assert (again.exit_code, again.output) == (2, result.output)
    monkeypatch.setenv("I18N_NO_CACHE", "1")  # no record, no plan or page cache at all
    cold = run(project, "render")
    assert (cold.exit_code, cold.output) == (2, result.output)


def test_a_forged_record_does_not_vouch_for_a_broken_article(project: Path, run) -> None:
    """A record entry for the broken article's bytes, added without the machine's key (the
    seal is the old one), vouches for nothing: the body is parsed and refused."""
    assert run(project, "render").exit_code == 0
    where, line = break_article(project)
    digest = hashlib.sha256(article_path(project, OTHER).read_bytes()).hexdigest()
    data = json.loads(record(project).read_bytes())
    data["entries"][digest] = [9, [], []]
    record(project).write_text(json.dumps(data), encoding="utf-8")
    result = run(project, "render")
    assert result.exit_code == 2
    assert f"{where}:{line}: inline HTML" in result.output


def test_a_forged_or_truncated_record_is_parsed_around(
    project: Path, tmp_path: Path, parsed: list[str]
) -> None:
    """A record edited by hand (a wrong count of segments, the old seal) or cut short is
    empty: every body is parsed, the site is the cold one, and the record is written anew."""
    render(project)
    data = json.loads(record(project).read_bytes())
    for entry in data["entries"].values():
        entry[0] += 1  # plans would no longer fit their articles
    record(project).write_text(json.dumps(data), encoding="utf-8")
    parsed.clear()
    render(project)
    assert len(parsed) == len(data["entries"])
    assert files(project / "site") == cold_site(project, tmp_path)
    record(project).write_bytes(record(project).read_bytes()[:80])
    parsed.clear()
    render(project)
    assert len(parsed) == len(data["entries"])
    parsed.clear()
    render(project)
    assert parsed == []  # the record written anew


def test_without_a_trusted_key_every_body_is_parsed(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parsed: list[str]
) -> None:
    untrusted_cache_key(monkeypatch, tmp_path)
    render(project)
    first = len(parsed)
    parsed.clear()
    render(project)
    assert len(parsed) == first > 0
    assert not record(project).exists()


def test_a_preview_page_reads_a_broken_article_as_a_render_does(project: Path) -> None:
    render(project)
    page = preview_page(Project(project), "CH", "de_CH", ARTICLE)
    assert "<html" in page.html
    where, line = break_article(project)
    with pytest.raises(Exception, match=f"{where}:{line}: inline HTML"):
        preview_page(Project(project), "CH", "de_CH", ARTICLE)
