"""Callouts: GitHub's alert syntax (``> [!WARNING]``) as a first-class block.

The callout's blocks are entries like a block quote's, with the kind in the extracted comment
and never the marker in a msgid; the label ("Warning") is a site string of site.po; the page
shows an ``<aside role="note">`` named by its label, built from tokens. Publishing shows only
approved text (the label too), a preview marks what is not, and forbidden wording in a callout
withholds the page and is found by ``i18n check`` on the rendered page. Other tools'
admonitions are refused at extract (tests/bad_inputs/cases.yaml, ``callout-*``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import polib
import pytest
from click.testing import Result
from conftest import Runner, render_as_of

from i18n.formats.article import parse_article
from i18n.formats.markdown import render_body, render_source_html
from i18n.model.states import entry_id

TODAY = "2026-11-26"
SLUG = "mechanical-thrombectomy-for-dvt"  # the sample's article with a warning callout
CALLOUT_EN = (
    "Contact your treatment team the same day if the treated leg becomes much more swollen, "
    "painful or cold, or if the puncture site keeps bleeding."
)
CALLOUT_DE = (
    "Wenden Sie sich noch am selben Tag an Ihr Behandlungsteam, wenn das behandelte Bein "
    "deutlich stärker anschwillt, schmerzt oder sich kalt anfühlt oder wenn die Blutung an der "
    "Einstichstelle nicht aufhört."
)
ASIDE = '<aside class="callout callout-warning" role="note" aria-labelledby="callout-1">'

DOC = """---
slug: a
title: Callouts
---

Intro.

> [!WARNING]
> Call an *ambulance* if you
> have chest pain.
>
> - short of breath
> - coughing blood

> [!tip]
> Keep a list of your medicines.

> A plain quote.
"""


def test_callout_blocks_are_entries_with_the_kind_and_no_marker() -> None:
    art = parse_article(DOC, "a.md")
    body = [(s.msgid, s.kind, s.line) for s in art.segments if s.msgctxt is None]
    assert body == [
        ("Intro.", "paragraph", 6),
        ("Call an *ambulance* if you have chest pain.", "callout (warning), paragraph", 9),
        ("short of breath", "callout (warning), list item", 12),
        ("coughing blood", "callout (warning), list item", 13),
        ("Keep a list of your medicines.", "callout (tip), paragraph", 16),
        ("A plain quote.", "block quote, paragraph", 18),
    ]
    assert not any("[!" in s.msgid or s.msgid in ("Warning", "Tip") for s in art.segments)


def test_callout_renders_as_an_aside_named_by_its_label() -> None:
    art = parse_article(DOC, "a.md")
    html = render_body(art, lambda ctx, msgid: f"«{msgid}»")
    assert (
        f"{ASIDE}\n"
        '<p class="callout-title" id="callout-1">Warning</p>\n'
        "<p>«Call an <em>ambulance</em> if you have chest pain.»</p>\n"
        "<ul>\n<li>«short of breath»</li>\n<li>«coughing blood»</li>\n</ul>\n"
        "</aside>\n"
        '<aside class="callout callout-tip" role="note" aria-labelledby="callout-2">\n'
        '<p class="callout-title" id="callout-2">Tip</p>\n'
        "<p>«Keep a list of your medicines.»</p>\n"
        "</aside>\n"
        "<blockquote>\n<p>«A plain quote.»</p>\n</blockquote>\n"
    ) in html
    assert "[!" not in html and "markdown-alert" not in html
    # the identity translation shows the source (the round-trip invariant)
    assert render_body(art) == render_source_html(art)


def test_a_translation_cannot_make_a_callout_or_html() -> None:
    """The aside comes from the source's tokens: a translated block that spells a marker or
    HTML shows it as text."""
    art = parse_article(DOC, "a.md")
    evil = '[!NOTE] <aside class="callout">x</aside>'
    html = render_body(art, lambda ctx, msgid: evil if msgid == "A plain quote." else None)
    assert "<p>[!NOTE] &lt;aside class=&quot;callout&quot;&gt;x&lt;/aside&gt;</p>" in html
    assert html.count("<aside") == 2


# --- through the CLI on the sample ------------------------------------------------------------


def pot(project: Path, domain: str) -> polib.POFile:
    return polib.pofile(str(project / "locales" / "templates" / f"{domain}.pot"))


def test_extract_gives_the_kind_comment_and_the_labels_as_site_strings(
    run: Runner, project: Path
) -> None:
    res = run(project, "extract")
    assert res.exit_code == 0, res.output
    article = pot(project, SLUG)
    entry = article.find(CALLOUT_EN)
    assert entry is not None and entry.comment == "type: callout (warning), paragraph"
    assert entry.occurrences == [(f"source/articles/{SLUG}.md", "110")]
    assert not any("[!" in e.msgid or e.msgid == "Warning" for e in article)
    labels = {e.msgid: e for e in pot(project, "site") if e.msgctxt == "callout"}
    assert list(labels) == ["Note", "Tip", "Important", "Warning", "Caution"]
    assert labels["Warning"].comment == (
        "type: callout label\nthe label above a callout ('> [!WARNING]') in an article's text"
    )


def page(project: Path, rel: str) -> str:
    return (project / "site" / rel).read_text(encoding="utf-8")


def render(project: Path, *args: str) -> Result:
    res = render_as_of(project, TODAY, *args)
    assert res.exit_code == 0, res.output
    return res


def withheld(project: Path, locale: str, slug: str) -> str:
    data = json.loads((project / "site" / "manifest.json").read_text(encoding="utf-8"))
    return "; ".join(
        r
        for w in data["withheld"]
        if w["locale"] == locale and w["article"] == slug
        for r in w["reasons"]
    )


def test_published_pages_show_the_approved_label_and_text(project: Path) -> None:
    render(project)
    de = page(project, f"de/de/{SLUG}.html")
    assert (
        f"{ASIDE}\n"
        '<p class="callout-title" id="callout-1">Warnung</p>\n'
        "<p><strong>Wann Sie den Notruf wählen sollten:</strong> Rufen Sie sofort"
    ) in de
    assert f"<p>{CALLOUT_DE}</p>\n</aside>" in de
    assert '<p class="callout-title" id="callout-1">Warning</p>' in page(
        project, f"us/en/{SLUG}.html"
    )
    ar = page(project, f"sa/ar/{SLUG}.html")
    assert '<p class="callout-title" id="callout-1">تحذير</p>' in ar
    assert de.count('id="callout-1"') == 1 and "callout-2" not in de


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_unapproved_label_withholds_the_language_and_is_marked_in_a_preview(
    project: Path,
) -> None:
    edit(project / "locales/de/LC_MESSAGES/site.po", 'msgstr "Warnung"', 'msgstr "Achtung"')
    render(project)
    assert re.search(
        r"site\.po: 1 of \d+ template strings not approved", withheld(project, "de-DE", SLUG)
    )
    assert not (project / "site" / f"de/de/{SLUG}.html").exists()
    render(project, "--preview", "--out", str(project / "preview"))
    html = (project / "preview" / f"de/de/{SLUG}.html").read_text(encoding="utf-8")
    assert (
        '<p class="callout-title" id="callout-1"><mark class="unapproved">Achtung</mark></p>'
    ) in html


def test_an_unapproved_callout_withholds_the_page_and_is_marked_in_a_preview(
    project: Path,
) -> None:
    po = project / "locales/de/LC_MESSAGES" / f"{SLUG}.po"
    edit(po, "nicht aufhört.", "nicht zum Stillstand kommt.")
    render(project)
    assert "1 of" in withheld(project, "de-DE", SLUG)  # entries not approved
    assert not (project / "site" / f"de/de/{SLUG}.html").exists()
    assert (project / "site" / "de/de/understanding-deep-vein-thrombosis.html").exists()
    render(project, "--preview", "--out", str(project / "preview"))
    html = (project / "preview" / f"de/de/{SLUG}.html").read_text(encoding="utf-8")
    assert '<p><mark class="unapproved">Wenden Sie sich' in html
    assert "nicht zum Stillstand kommt.</mark></p>\n</aside>" in html


def test_forbidden_wording_in_a_callout_withholds_the_page(run: Runner, project: Path) -> None:
    po = project / "locales/de/LC_MESSAGES" / f"{SLUG}.po"
    edit(po, "nicht aufhört.", "nicht aufhört. Heilung garantiert.")
    ident = entry_id("de", SLUG, None, CALLOUT_EN)
    res = run(project, "approve", "--locale", "de", ident, "--override", "test scenario")
    assert res.exit_code == 0 and "1 approved" in res.stdout, res.output
    render(project)
    assert "forbidden wording" in withheld(project, "de-DE", SLUG)
    assert not (project / "site" / f"de/de/{SLUG}.html").exists()
    res = run(project, "check", "--today", TODAY, "--country", "DE")
    assert res.exit_code == 1
    assert f"violation: claim-translation [DE de-DE {SLUG}]" in res.stdout


@pytest.mark.parametrize("where", ["label", "text"])
def test_check_reads_a_callout_as_page_text(run: Runner, project: Path, where: str) -> None:
    """The rendered-output proof screens a callout's text and label like any text of the page
    (a callout is no disclaimer box): a claim written into either is a violation."""
    render(project)
    res = run(project, "check", "--today", TODAY, "--country", "DE")
    assert res.exit_code == 0, res.output  # the page with its callout proves clean
    old = ">Warnung<" if where == "label" else "Rufen Sie sofort"
    new = ">Heilung garantiert<" if where == "label" else "Heilung garantiert. Rufen Sie sofort"
    edit(project / "site" / f"de/de/{SLUG}.html", old, new)
    res = run(project, "check", "--today", TODAY, "--country", "DE")
    assert res.exit_code == 1, res.output
    assert f"violation: claim-page [DE de-DE {SLUG}] site/de/de/{SLUG}.html" in res.stdout
    assert "violation: disclaimer" not in res.stdout
