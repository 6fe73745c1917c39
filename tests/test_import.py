"""``i18n import``: Markdown written for other tools becomes articles, checked before any
write, every refusal reported once with file:line."""

from __future__ import annotations

from pathlib import Path

from conftest import Runner

MKDOCS = """---
title: Compression Stockings
description: How compression stockings help after a deep vein thrombosis.
tags:
  - dvt
  - care
hide:
  - navigation
---

Wear them **every day**, from morning to evening.
"""

HUGO = """---
title: "Walking after DVT"
date: 2024-01-02T10:00:00Z
weight: 10
draft: true
...

Walking helps the blood in the legs flow.
"""

PLAIN = """# Raising Your Legs

Raise your legs above the heart when you rest.
"""

HTML = """---
title: Logos
tags: [brand]
---

Our partners.

<p align="center">Partner logos</p>
"""


def _sources(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "other-tool"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _articles(project: Path) -> set[str]:
    return {p.name for p in (project / "source" / "articles").iterdir()}


def test_import_keeps_known_keys_moves_others_under_extra_and_extract_accepts(
    project: Path, run: Runner, tmp_path: Path
) -> None:
    src = _sources(
        tmp_path,
        **{"Compression Stockings.md": MKDOCS, "walking.md": HUGO, "raising_legs.md": PLAIN},
    )
    before = _articles(project)
    result = run(project, "import", str(src))
    assert result.exit_code == 0, result.output
    assert "3 written to source/articles/" in result.output
    lines = result.output.splitlines()
    assert any("-> compression-stockings.md" in x and "under extra: tags, hide" in x for x in lines)
    assert any("-> walking.md" in x and "under extra: weight, draft" in x for x in lines)
    assert any("-> raising-legs.md" in x and "title from '# heading'" in x for x in lines)
    assert _articles(project) - before == {
        "compression-stockings.md",
        "walking.md",
        "raising-legs.md",
    }
    folder = project / "source" / "articles"
    assert (folder / "compression-stockings.md").read_text() == (
        "---\nslug: compression-stockings\ntitle: Compression Stockings\n"
        "description: How compression stockings help after a deep vein thrombosis.\n"
        "extra:\n  tags:\n  - dvt\n  - care\n  hide:\n  - navigation\n---\n\n"
        "Wear them **every day**, from morning to evening.\n"
    )
    # the '...' closer is read; a date with a time keeps its day
    assert (folder / "walking.md").read_text() == (
        "---\nslug: walking\ntitle: Walking after DVT\ndate: 2024-01-02\n"
        "extra:\n  weight: 10\n  draft: true\n---\n\n"
        "Walking helps the blood in the legs flow.\n"
    )
    # the title comes from the heading, which leaves the body (the page shows it as its h1)
    assert (folder / "raising-legs.md").read_text() == (
        "---\nslug: raising-legs\ntitle: Raising Your Legs\n---\n\n"
        "Raise your legs above the heart when you rest.\n"
    )
    extracted = run(project, "extract")
    assert extracted.exit_code == 0, extracted.output
    pots = project / "locales" / "templates"
    assert 'msgid "Raising Your Legs"' in (pots / "raising-legs.pot").read_text()
    assert "Wear them **every day**" in (pots / "compression-stockings.pot").read_text()


def test_a_refused_file_is_reported_with_its_line_and_nothing_is_written(
    project: Path, run: Runner, tmp_path: Path
) -> None:
    src = _sources(
        tmp_path,
        **{
            "walking.md": HUGO,
            "logos.md": HTML,
            # an existing article's slug: refused, never replaced
            "Post_Thrombotic Syndrome.md": PLAIN,
        },
    )
    original = (project / "source" / "articles" / "post-thrombotic-syndrome.md").read_bytes()
    before = _articles(project)
    result = run(project, "import", str(src))
    assert result.exit_code == 2, result.output
    out = result.output
    assert f"{src / 'logos.md'}:8 " in out  # the line of the HTML block in the source file
    assert "raw HTML" in out
    assert f"{src / 'Post_Thrombotic Syndrome.md'} " in out
    assert "slug 'post-thrombotic-syndrome' is taken by source/articles/" in out
    assert "-> walking.md" in out
    assert "1 accepted, 2 refused: nothing written" in out
    assert _articles(project) == before
    assert (project / "source" / "articles" / "post-thrombotic-syndrome.md").read_bytes() == (
        original
    )


def test_a_refused_body_line_counts_the_heading_taken_as_title(
    project: Path, run: Runner, tmp_path: Path
) -> None:
    src = _sources(tmp_path, **{"notes.md": "# Notes\n\nText.\n\n!!! note\n    Careful.\n"})
    result = run(project, "import", str(src))
    assert result.exit_code == 2
    assert f"{src / 'notes.md'}:5 " in result.output
    assert "admonition '!!! note'" in result.output


def test_dry_run_writes_nothing(project: Path, run: Runner, tmp_path: Path) -> None:
    src = _sources(tmp_path, **{"walking.md": HUGO, "raising_legs.md": PLAIN})
    before = _articles(project)
    result = run(
        project, "import", str(src / "walking.md"), str(src / "raising_legs.md"), "--dry-run"
    )
    assert result.exit_code == 0, result.output
    assert "2 accepted; --dry-run: nothing written" in result.output
    assert "-> raising-legs.md" in result.output
    assert _articles(project) == before


def test_reserved_names_and_files_without_title_are_refused(
    project: Path, run: Runner, tmp_path: Path
) -> None:
    jekyll = "---\nlayout: post\ntitle: Legs\nkeywords: dvt, legs\n---\n\nText.\n"
    src = _sources(
        tmp_path,
        **{
            "index.md": PLAIN,
            "README.md": "Just text.\n",
            "legs.md": jekyll,
            "hugo.md": "+++\ntitle = 'x'\n+++\n",
        },
    )
    result = run(project, "import", str(src))
    assert result.exit_code == 2
    assert "slug 'index' is a reserved name" in result.output
    assert f"{src / 'README.md'}:1 " in result.output
    assert "no title" in result.output
    assert f"{src / 'hugo.md'}:1 " in result.output
    assert "TOML front matter ('+++', Hugo) is not read" in result.output
    # a known key of the wrong type: the line of the key in the file imported
    assert f"{src / 'legs.md'}:4 " in result.output
    assert "front-matter key 'keywords' must be list, found str" in result.output
