"""The per-country render, end to end through the CLI on a temporary copy of the project.

Approvals are built inside each test: msgstr values are written with polib through
i18n.catalogs and approval events appended to the locale's ledger, exactly as a reviewer's
sign-off would record them.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import lxml.html
import polib
from conftest import REPO, Runner, render_as_of, signing_as_tester, sitemap_text, sitemaps

from i18n.formats.article import load_articles
from i18n.formats.ledger import Ledger
from i18n.formats.markdown import render_source_html
from i18n.formats.po import read_po, write_po
from i18n.model.events import Approved
from i18n.model.states import content_hash
from i18n.project import Project

DVT = "understanding-deep-vein-thrombosis"
MT = "mechanical-thrombectomy-for-dvt"  # names the product mantis
PTS = "post-thrombotic-syndrome"  # names mantis too


# --- helpers ------------------------------------------------------------------------------


def identity(entry: polib.POEntry) -> str:
    return entry.msgid


def approve(
    root: Path,
    locale: str,
    domains: list[str] | None = None,
    text: Callable[[polib.POEntry], str] = identity,
) -> None:
    """Translate every entry of the locale's catalogs (and of its regional variants, such as
    de_CH for de) with ``text`` and approve it."""
    project = Project(root)
    for folder in sorted(project.locales_dir.iterdir()):
        if folder.name == locale or folder.name.startswith(locale + "_"):
            _approve_catalogs(project, folder.name, domains, text)


def _approve_catalogs(
    project: Project, locale: str, domains: list[str] | None, text: Callable[[polib.POEntry], str]
) -> None:
    folder = project.locales_dir / locale / "LC_MESSAGES"
    events = []
    for path in sorted(folder.glob("*.po")):
        if domains is not None and path.stem not in domains:
            continue
        po = read_po(path)
        for entry in po:
            if entry.obsolete or not entry.msgid:
                continue
            if entry.msgid_plural:
                n = len(entry.msgstr_plural)
                entry.msgstr_plural = {
                    i: entry.msgid if i == 0 and n > 1 else entry.msgid_plural for i in range(n)
                }
            else:
                entry.msgstr = text(entry)
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            events.append(approval(entry, path.stem))
        write_po(path, po)
    Ledger(project.ledger_path(locale)).append(events, signing_as_tester())


def approval(entry: polib.POEntry, catalog: str) -> Approved:
    return Approved(
        hash=content_hash(entry),
        catalog=catalog,
        msgctxt=entry.msgctxt,
        msgid=entry.msgid,
        msgstr=entry.msgstr,
        reviewer="Test Reviewer",
        time="2026-11-01T10:00:00Z",
    )


def set_msgstr(
    root: Path,
    locale: str,
    domain: str,
    msgid: str,
    msgstr: str,
    *,
    approve_it: bool = False,
    msgctxt: str | None = None,
) -> None:
    project = Project(root)
    path = project.po_path(locale, domain)
    po = read_po(path)
    entry = po.find(msgid, msgctxt=msgctxt) if msgctxt else po.find(msgid)
    assert entry is not None, msgid
    entry.msgstr = msgstr
    write_po(path, po)
    if approve_it:
        Ledger(project.ledger_path(locale)).append([approval(entry, domain)], signing_as_tester())


def body(html: str) -> str:
    m = re.search(r'<div class="article-body">\n(.*)\n</div>\n</article>', html, re.DOTALL)
    assert m, "no article body"
    return m.group(1)


def manifest(site: Path) -> dict:
    return json.loads((site / "manifest.json").read_text(encoding="utf-8"))


def published(site: Path) -> set[str]:
    """Article and index pages (not the not-found and not-available pages)."""
    return {p["path"] for p in manifest(site)["pages"] if p["kind"] in ("article", "index")}


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.alternates: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"] or "")
        if tag == "link" and a.get("rel") == "alternate":
            self.alternates.append((a.get("hreflang") or "", a.get("href") or ""))


def links(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def reachable(site: Path) -> set[str]:
    """Every page reachable by following relative links from site/index.html."""
    seen: set[str] = set()
    todo = ["index.html"]
    while todo:
        rel = todo.pop()
        if rel in seen:
            continue
        seen.add(rel)
        page = site / rel
        assert page.is_file(), f"broken link to {rel}"
        for href in links(page).hrefs:
            if "://" in href or href.startswith(("#", "/", "mailto:")):
                continue
            target = (page.parent / href).resolve().relative_to(site.resolve()).as_posix()
            todo.append(target)
    return seen


VOID = {"meta", "link", "br", "hr", "img", "input", "source", "wbr", "col", "area", "base"}


class Structure(HTMLParser):
    """A small HTML5 well-formedness check: nesting balanced, unique ids, one of each root."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: set[str] = set()
        self.count: dict[str, int] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.count[tag] = self.count.get(tag, 0) + 1
        for k, v in attrs:
            if k == "id":
                if v in self.ids:
                    self.errors.append(f"duplicate id {v}")
                self.ids.add(v or "")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.errors.append(f"<{tag}/> is not a void element")
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> (open: {self.stack[-3:]})")
            return
        self.stack.pop()


def assert_valid_html(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>\n")
    s = Structure()
    s.feed(text)
    assert not s.errors and not s.stack, (path, s.errors, s.stack)
    for tag in ("html", "head", "body", "title", "main"):
        assert s.count.get(tag) == 1, (path, tag)
    try:
        import html5lib
    except ImportError:
        return
    html5lib.HTMLParser(strict=True).parse(text)  # raises on any WHATWG parse error


# --- 1. the sample: python render.py ------------------------------------------------------


def test_render_py_on_the_sample_publishes_and_explains(tmp_path: Path) -> None:
    """`python render.py` on a copy of the repository: a table of published and withheld
    pages with reasons, and every published page reachable from site/index.html."""
    from conftest import copy_project

    root = copy_project(tmp_path / "proj")
    (root / "render.py").write_text((REPO / "render.py").read_text())
    proc = subprocess.run(
        [sys.executable, "render.py"],
        cwd=root,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "published" in out and "withheld" in out
    assert "source text" in out  # English-language countries show the source as is
    site = root / "site"
    data = manifest(site)
    pages = published(site)
    assert {"us/en/index.html", f"us/en/{DVT}.html", f"ca/en/{MT}.html"} <= pages
    for item in data["withheld"]:
        assert item["reasons"], item  # nothing is withheld without a reason
    assert reachable(site) == pages | {"index.html"}
    for page in sorted(pages)[:6]:
        assert_valid_html(site / page)


# --- 2. fail closed -----------------------------------------------------------------------


def test_an_unapproved_entry_withdraws_the_article_everywhere(project: Path, run: Runner) -> None:
    approve(project, "de")
    approve(project, "fr")
    ok = run(project, "render")
    site = project / "site"
    page = f"ch/de/{DVT}.html"
    url = f"https://www.invamed.example/{page}"
    assert (site / page).is_file(), ok.output
    assert page in published(site)
    assert f"{DVT}.html" in links(site / "ch/de/index.html").hrefs
    assert ("de-CH", url) in links(site / f"fr/fr/{DVT}.html").alternates
    assert f"../de/{DVT}.html" in links(site / f"ch/fr/{DVT}.html").hrefs
    assert f"<loc>{url}</loc>" in sitemap_text(site)

    # a translator edits one approved German entry: its approval no longer matches
    set_msgstr(project, "de", DVT, "Who is at higher risk", "Wer ein höheres Risiko hat")
    result = run(project, "render", "--strict")
    assert result.exit_code == 1, result.output
    kinds = {p["path"]: p["kind"] for p in manifest(site)["pages"]}
    for gone in (page, f"de/de/{DVT}.html", f"be/de/{DVT}.html"):
        assert gone not in published(site)
        # where another language of the country still publishes it (ch/fr, be/fr), its
        # address shows the "not available in this language" page, without the German text
        if (site / gone).exists():
            assert kinds[gone] == "unavailable"
            assert "Wer ein höheres Risiko hat" not in (site / gone).read_text()
    assert not (site / f"de/de/{DVT}.html").exists()  # Germany has no other language
    assert f"{DVT}.html" not in links(site / "ch/de/index.html").hrefs
    sibling = links(site / f"fr/fr/{DVT}.html").alternates
    assert ("fr-CH", f"https://www.invamed.example/ch/fr/{DVT}.html") in sibling
    assert not any(tag.startswith("de-") for tag, _ in sibling)
    assert f"../de/{DVT}.html" not in links(site / f"ch/fr/{DVT}.html").hrefs
    assert url not in sitemap_text(site)
    withheld = [
        w for w in manifest(site)["withheld"] if w["locale"] == "de-CH" and w["article"] == DVT
    ]
    reason = withheld[0]["reasons"][0]
    assert "1 of" in reason and "Who is at higher risk" in reason
    assert re.search(rf"{DVT}\s+│ withheld\s+│ 1 of \d+ entries not approved", result.output)
    # the other articles of the same locale stay published
    assert (site / f"ch/de/{PTS}.html").is_file()


def test_unapproved_site_strings_withhold_the_whole_locale(project: Path, run: Runner) -> None:
    approve(project, "de")
    set_msgstr(project, "de", "site", "Disclaimer", "Rechtlicher Hinweis (neu)")  # not approved
    result = run(project, "render", "--country", "DE")
    assert result.exit_code == 0
    assert not (project / "site/de").exists()
    assert re.search(
        r"de-DE\s+│ all 6 articles\s+│ withheld\s+│ site\.po: 1 of \d+ template", result.output
    )


def test_each_locale_has_its_own_sitemap_and_loses_it_with_its_pages(
    project: Path, run: Runner
) -> None:
    """``sitemap.xml`` is an index of one sitemap per locale (a search engine reads at most
    50,000 URLs of one file); a locale that no longer publishes, or a country removed, loses
    its sitemap with its pages, while a file the index never listed is not the render's."""
    approve(project, "de")
    approve(project, "fr")
    site = project / "site"
    assert run(project, "render").exit_code == 0
    before = set(sitemaps(site))
    assert {"ch/de/sitemap.xml", "ch/fr/sitemap.xml", "de/de/sitemap.xml"} <= before
    foreign = site / "zz" / "de" / "sitemap.xml"  # someone else's
    foreign.parent.mkdir(parents=True)
    foreign.write_text("<urlset/>", encoding="utf-8")
    (project / "source" / "countries" / "de.yaml").unlink()
    set_msgstr(project, "fr", "site", "Disclaimer", "Avertissement (nouveau)")  # not approved
    result = run(project, "render")
    assert result.exit_code == 0, result.output
    assert not (site / "de").exists()  # the country's pages, sitemap and folders
    assert not (site / "ch" / "fr" / "sitemap.xml").exists()  # French pages all withheld
    assert not (site / "fr").exists()
    assert "ch/de/sitemap.xml" in sitemaps(site)
    assert not any(rel.startswith(("de/", "fr/", "ch/fr/")) for rel in sitemaps(site))
    assert foreign.read_text(encoding="utf-8") == "<urlset/>"
    gone = before - set(sitemaps(site))
    assert {"de/de/sitemap.xml", "ch/fr/sitemap.xml", "fr/fr/sitemap.xml"} <= gone
    assert f"{len(gone)} stale sitemaps removed" in result.output, result.output
    assert not any((site / rel).exists() for rel in gone)


def test_a_sitemap_no_longer_published_is_removed_whatever_the_index_says(
    project: Path, run: Runner
) -> None:
    """The sitemaps a render may remove are those the last index lists (whatever the site's
    address was) and those the page cache recorded (the index deleted), and ``--plan`` names
    them before anything is written."""
    approve(project, "de")
    site = project / "site"
    assert run(project, "render").exit_code == 0
    german = site / "de" / "de" / "sitemap.xml"
    assert german.is_file()
    (project / "source" / "countries" / "de.yaml").unlink()
    plan = run(project, "render", "--plan")
    assert plan.exit_code == 0, plan.output
    assert "1 sitemap(s) now in site/ would be removed: de/de/sitemap.xml" in plan.output
    assert german.is_file()  # --plan writes nothing
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(
        text.replace(
            'site_url = "https://www.invamed.example"', 'site_url = "https://new.example"'
        ),
        encoding="utf-8",
    )
    (site / "sitemap.xml").unlink()
    result = run(project, "render")
    assert result.exit_code == 0, result.output
    assert not german.exists() and not (site / "de").exists()
    assert "1 stale sitemaps removed" in result.output


# --- 3. disclaimers and products ----------------------------------------------------------


def test_expired_disclaimer_withholds_every_page_of_that_language(
    project: Path, run: Runner
) -> None:
    approve(project, "de")
    approve(project, "fr")
    site = project / "site"
    assert render_as_of(project, "2027-09-01").exit_code == 0
    assert (site / f"ch/de/{DVT}.html").is_file() and (site / f"ch/fr/{DVT}.html").is_file()

    # CH's disclaimers expire on 2027-09-01 (de, fr, it); France's on 2028-05-03
    result = render_as_of(project, "2027-09-02", "--strict")
    assert result.exit_code == 1
    assert not (site / "ch").exists()
    assert "disclaimer CH-2026-003 expired on 2027-09-01" in result.output
    assert (site / f"fr/fr/{DVT}.html").is_file()
    reasons = {(w["locale"], w["article"]): w["reasons"] for w in manifest(site)["withheld"]}
    assert all(
        any("expired" in r for r in reasons[("de-CH", a.slug)]) for a in load_articles(project)
    )


def test_unavailable_or_unknown_product_withholds_the_articles_naming_it(
    project: Path, run: Runner
) -> None:
    approve(project, "de")
    ch = project / "source/countries/ch.yaml"
    ch.write_text(
        ch.read_text().replace("mantis: {status: available}", "mantis: {status: unavailable}")
    )
    de = project / "source/countries/de.yaml"
    de.write_text(re.sub(r"\n  vertex: \{[^}]*\}", "", de.read_text()))
    result = run(project, "render")
    site = project / "site"
    assert not (site / f"ch/de/{MT}.html").exists() and not (site / f"ch/de/{PTS}.html").exists()
    assert (site / f"ch/de/{DVT}.html").is_file()
    assert "names product 'mantis', unavailable in CH" in result.output
    assert not (site / "de/de/venous-stenting-iliac-vein-obstruction.html").exists()
    assert (site / f"de/de/{MT}.html").is_file()
    assert "names product 'vertex', which has no status" in result.output


# --- 4. round trip ------------------------------------------------------------------------


def test_identity_translations_render_the_english_page(project: Path, run: Runner) -> None:
    approve(project, "de")
    approve(project, "ar")
    result = run(project, "render", "--strict", "--country", "US")
    assert result.exit_code == 0, result.output
    assert run(project, "render", "--country", "CH").exit_code == 0
    assert run(project, "render", "--country", "SA").exit_code == 0
    site = project / "site"
    for art in load_articles(project):
        english = body((site / f"us/en/{art.slug}.html").read_text())
        german = body((site / f"ch/de/{art.slug}.html").read_text())
        assert german == english
        # the source HTML, with article images made relative to the page (../../images/) and
        # tables in the tab order (they scroll sideways on a phone)
        source = render_source_html(art).replace('src="/images/', 'src="../../images/')
        source = source.replace("<table>", '<table tabindex="0">')
        assert english.strip() == source.strip()
        # right-to-left: the same page, with Latin runs isolated
        arabic = body((site / f"sa/ar/{art.slug}.html").read_text())
        assert re.sub(r"</?bdi[^>]*>", "", arabic) == english


# --- 5. security --------------------------------------------------------------------------

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[x](javascript:alert(1))",
    "{{ 7*7 }}",
    "{% raw %}x{% endraw %}",
]
FIRST_PARAGRAPH_START = "Deep vein thrombosis, usually shortened to DVT"


def test_translator_payloads_are_inert_text(project: Path, run: Runner) -> None:
    approve(project, "de")
    project_ = Project(project)
    po = read_po(project_.po_path("de", DVT))
    para = next(e for e in po if e.msgid.startswith(FIRST_PARAGRAPH_START))
    set_msgstr(project, "de", DVT, para.msgid, " ".join(PAYLOADS), approve_it=True)
    set_msgstr(
        project,
        "de",
        DVT,
        po.find(
            "Understanding Deep Vein Thrombosis: Causes, Symptoms and Treatment", msgctxt="title"
        ).msgid,
        "<script>alert(2)</script> {{ 6*7 }}",
        approve_it=True,
        msgctxt="title",
    )
    set_msgstr(
        project,
        "de",
        "site",
        "Related articles",
        "<b onmouseover=alert(3)>Verwandt</b>",
        approve_it=True,
    )
    result = run(project, "render", "--country", "CH")
    assert result.exit_code == 0, result.output
    html = (project / f"site/ch/de/{DVT}.html").read_text()
    assert "<script>alert" not in html and "<img" not in html and "<b " not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert 'href="javascript' not in html and "[x](javascript:alert(1))" in html
    assert "{{ 7*7 }}" in html and "49" not in body(html)
    visible = re.sub(r"<style>.*?</style>|<meta[^>]*>", "", html, flags=re.DOTALL)
    assert "{{ 6*7 }}" in html and "42" not in visible
    assert "{% raw %}x{% endraw %}" in html
    assert "&lt;b onmouseover=alert(3)&gt;Verwandt&lt;/b&gt;" in html
    assert len(re.findall(r"<script>", html)) == 0  # CH is public: no gate script at all
    assert_valid_html(project / f"site/ch/de/{DVT}.html")


def test_a_translation_that_changes_links_is_refused(project: Path, run: Runner) -> None:
    approve(project, "de")
    po = read_po(Project(project).po_path("de", MT))
    linked = next(e for e in po if "](https://www.invamed.example/" in e.msgid)
    evil = re.sub(r"\]\(https://[^)]+\)", "](https://evil.example/)", linked.msgid)
    set_msgstr(project, "de", MT, linked.msgid, evil, approve_it=True)
    result = run(project, "render", "--country", "DE", "--strict")
    assert result.exit_code == 1
    assert not (project / f"site/de/de/{MT}.html").exists()
    assert "change the source's links" in result.output
    preview = run(project, "render", "--country", "DE", "--preview")
    assert preview.exit_code == 0
    assert "evil.example" not in (project / f"site-preview/de/de/{MT}.html").read_text()


def test_site_string_with_foreign_placeholders_withholds_not_crashes(
    project: Path, run: Runner
) -> None:
    approve(project, "de")
    set_msgstr(
        project,
        "de",
        "site",
        "Reference: %(reference)s",
        "Referenz: %(__class__)s %",
        approve_it=True,
    )
    result = run(project, "render", "--country", "DE")
    assert result.exit_code == 0, result.output
    assert not (project / "site/de").exists()
    assert "unusable" in result.output


def test_a_path_like_slug_is_refused_at_load(project: Path, run: Runner) -> None:
    bad = project / "source/articles/x.md"
    bad.write_text("---\nslug: ../../x\ntitle: X\n---\nBody.\n")
    result = run(project, "render")
    assert result.exit_code == 2
    assert "source/articles/x.md:2: invalid slug '../../x'" in result.output
    assert not (project / "site").exists()


def test_unknown_country_and_bad_options_exit_2(project: Path, run: Runner) -> None:
    for args in (
        ["--country", "XX"],
        ["--country", "../ch"],
        ["--today", "2027-13-01"],
        ["--preview", "--out", str(project / "site")],
        ["--out", str(project)],
    ):
        result = run(project, "render", *args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output
    assert not (project / "site").exists()


# --- 6. locales: right-to-left, regional fallback, dates ----------------------------------


def test_rtl_regional_fallback_and_localized_dates(project: Path, run: Runner) -> None:
    approve(project, "de")
    approve(project, "ar", text=lambda e: "نص عربي " + e.msgid if not e.msgctxt else e.msgid)
    # a Swiss German catalog holds only the entries where the variant differs
    de_ch = Project(project).po_path("de_CH", DVT)
    if de_ch.is_file():
        po = read_po(de_ch)
    else:
        de_ch.parent.mkdir(parents=True, exist_ok=True)
        po = polib.POFile()
        po.metadata = {
            "Language": "de_CH",
            "Content-Type": "text/plain; charset=UTF-8",
            "Plural-Forms": "nplurals=2; plural=(n != 1);",
        }
    assert po.find("Who is at higher risk") is None  # only where the variant differs
    entry = polib.POEntry(msgid="Who is at higher risk", msgstr="Wer ein erhöhtes Risiko hat")
    po.append(entry)
    write_po(de_ch, po)
    Ledger(Project(project).ledger_path("de_CH")).append(
        [approval(entry, DVT)], signing_as_tester()
    )
    assert run(project, "render", "--country", "CH").exit_code == 0
    assert run(project, "render", "--country", "DE").exit_code == 0
    assert run(project, "render", "--country", "SA").exit_code == 0
    site = project / "site"
    swiss = (site / f"ch/de/{DVT}.html").read_text()
    german = (site / f"de/de/{DVT}.html").read_text()
    assert '<html lang="de-CH" dir="ltr">' in swiss
    assert "<h2>Wer ein erhöhtes Risiko hat</h2>" in swiss  # from de_CH
    assert "<h2>How a clot forms in a deep vein</h2>" in swiss  # from de
    assert "Wer ein erhöhtes" not in german and "<h2>Who is at higher risk</h2>" in german
    assert "Published 20. Mai 2025" in swiss  # article date 2025-05-20, Babel long format
    arabic = (site / f"sa/ar/{DVT}.html").read_text()
    assert '<html lang="ar-SA" dir="rtl">' in arabic
    assert "<bdi>Mantis</bdi>" in (site / f"sa/ar/{MT}.html").read_text()
    assert "<bdi>Dr. Henrik Aalders, Haematology</bdi>" in arabic
    # the disclaimer reference: isolated as one left-to-right run that never wraps
    assert '<bdi dir="ltr" class="ref">SA-MKT-2026-007</bdi>' in arabic
    assert "٢٠٢٥" in arabic or "2025" in arabic
    assert_valid_html(site / f"sa/ar/{DVT}.html")


def test_related_articles_and_language_links_only_to_published_siblings(
    project: Path, run: Runner
) -> None:
    for locale in ("de", "de_CH"):  # start from no German approvals, whatever the sample has
        Project(project).ledger_path(locale).unlink(missing_ok=True)
    approve(project, "de", [DVT, "site"])
    approve(project, "fr")
    assert run(project, "render", "--country", "CH").exit_code == 0
    site = project / "site"
    page = links(site / f"ch/de/{DVT}.html")
    assert not any(h.endswith(f"{MT}.html") for h in page.hrefs)  # not published in de-CH
    assert f"../fr/{DVT}.html" in page.hrefs  # the French sibling is published
    assert "../it/" not in " ".join(page.hrefs)
    fr_page = links(site / f"ch/fr/{DVT}.html")
    assert f"{MT}.html" in fr_page.hrefs  # related, published in fr-CH


# --- professional audience ----------------------------------------------------------------


def test_professional_country_opens_behind_a_self_declaration(project: Path, run: Runner) -> None:
    approve(project, "tr")
    assert run(project, "render").exit_code == 0
    html = (project / f"site/tr/tr/{DVT}.html").read_text()
    assert '<meta name="robots" content="noindex">' in html
    assert 'id="hcp-gate"' in html and "<noscript>" in html and "sessionStorage" in html
    assert "I am a healthcare professional" in html  # identity-approved Turkish site strings
    assert "tr/tr/" not in sitemap_text(project / "site")
    us = (project / f"site/us/en/{DVT}.html").read_text()
    assert '<meta name="robots"' not in us and 'id="hcp-gate"' not in us and "<script>" not in us


# --- preview --------------------------------------------------------------------------------


def test_preview_renders_drafts_marked_into_its_own_folder(project: Path, run: Runner) -> None:
    po_path = Project(project).po_path("de", DVT)
    po = read_po(po_path)
    draft = next(e for e in po if e.msgid == "Who is at higher risk")
    draft.msgstr = "Wer ist besonders gefährdet"
    draft.flags.append("fuzzy")
    next(e for e in po if e.msgid == "How DVT is diagnosed").msgstr = ""  # untranslated
    write_po(po_path, po)
    set_msgstr(project, "de", "site", "Related articles", "Verwandte Artikel (Entwurf)")
    set_msgstr(project, "de", "site", "Disclaimer", "")
    result = run(project, "render", "--preview", "--country", "CH")
    assert result.exit_code == 0, result.output
    assert not (project / "site").exists()
    html = (project / f"site-preview/ch/de/{DVT}.html").read_text()
    assert 'class="preview-banner"' in html and '<meta name="robots" content="noindex">' in html
    assert '<h2><mark class="unapproved">Wer ist besonders gefährdet</mark></h2>' in html
    assert '<mark class="unapproved">Verwandte Artikel (Entwurf)</mark>' in html
    # the English standing in for what is untranslated says it is English (WCAG 3.1.2)
    assert '<h2><mark class="unapproved" lang="en">How DVT is diagnosed</mark></h2>' in html
    assert '<mark class="unapproved" lang="en">Disclaimer</mark>' in html
    assert 'rel="alternate"' not in html
    assert "preview" in result.output


# --- 7. idempotent --------------------------------------------------------------------------


def test_second_render_rewrites_nothing(project: Path, run: Runner) -> None:
    approve(project, "de")
    first = render_as_of(project, "2026-11-26")
    assert first.exit_code == 0
    site = project / "site"
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in site.rglob("*") if p.is_file()}
    second = render_as_of(project, "2026-11-26")
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in site.rglob("*") if p.is_file()}
    assert after == before
    assert "0 files written" in second.output


def test_pages_are_deterministic_across_projects(tmp_path: Path, run: Runner) -> None:
    from conftest import copy_project

    outputs = []
    for name in ("a", "b"):
        root = copy_project(tmp_path / name)
        approve(root, "de")
        approve(root, "ar")
        assert run(root, "render").exit_code == 0
        outputs.append(
            {
                p.relative_to(root / "site"): p.read_bytes()
                for p in (root / "site").rglob("*")
                if p.is_file()
            }
        )
    assert outputs[0] == outputs[1]


def test_bad_country_config_names_file_and_line(project: Path, run: Runner) -> None:
    ch = project / "source/countries/ch.yaml"
    text = ch.read_text()
    line = text.splitlines().index("languages: [de, fr, it]") + 1
    ch.write_text(text.replace("languages: [de, fr, it]", "languages: [de, xx, it]"))
    result = run(project, "render")
    assert result.exit_code == 2
    assert f"source/countries/ch.yaml:{line}: unknown language or locale code 'xx'" in result.output
    assert not (project / "site").exists()


def test_article_images_are_copied_and_linked_relative_to_the_page(
    project: Path, run: Runner
) -> None:
    assert run(project, "render", "--country", "US").exit_code == 0
    site = project / "site"
    svg = "mechanical-thrombectomy-for-dvt-diagram.svg"
    assert (site / "images" / svg).read_bytes() == (project / "source/images" / svg).read_bytes()
    page = (site / "us/en/mechanical-thrombectomy-for-dvt.html").read_text()
    assert f'src="../../images/{svg}"' in page
    assert (site / "us/en" / f"../../images/{svg}").resolve().is_file()


def test_registration_numbers_of_named_products_are_shown_where_the_market_has_them(
    project: Path, run: Runner
) -> None:
    assert run(project, "render", "--country", "US").exit_code == 0
    assert run(project, "render", "--country", "DE").exit_code == 0
    us = lxml.html.parse(str(project / f"site/us/en/{MT}.html")).getroot()
    spans = us.xpath("//aside[@class='disclaimer']/p[@class='registrations']/span")
    regs = [" ".join(s.text_content().split()) for s in spans]
    assert regs == ["Mantis: registration no. K253187"]  # us.yaml: mantis K253187
    dvt = lxml.html.parse(str(project / f"site/us/en/{DVT}.html")).getroot()
    assert dvt.xpath("//p[@class='registrations']") == []  # names no product
    de = (project / f"site/de/de/{MT}.html").read_text()
    assert 'class="registrations"' not in de  # Germany: CE marking, no national number


def test_approved_text_with_forbidden_wording_is_withheld(project: Path, run: Runner) -> None:
    """An approval does not make a forbidden claim publishable: the country's claims and the
    built-in risky wording withhold the page (fail closed), for translations and English."""
    po = read_po(Project(project).po_path("de", MT))
    entry = next(e for e in po if e.msgid.startswith("Most people with DVT"))
    set_msgstr(
        project,
        "de",
        MT,
        entry.msgid,
        entry.msgstr + " Der Erfolg ist garantiert.",
        approve_it=True,
    )
    article = project / "source/articles/understanding-deep-vein-thrombosis.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(
        text.replace("\n\n## ", "\n\nPrompt treatment cures most clots.\n\n## ", 1),
        encoding="utf-8",
    )
    assert run(project, "extract").exit_code == 0
    result = render_as_of(project, "2026-11-26", "--strict")
    assert result.exit_code == 1
    out = " ".join(result.output.split())
    assert "forbidden wording" in out and "garantiert" in out
    site = project / "site"
    assert not (site / f"de/de/{MT}.html").exists()  # DE: garantiert
    assert not (site / f"us/en/{DVT}.html").exists()  # US: "cures"
    assert (site / f"us/en/{MT}.html").exists()  # the untouched article still publishes
    manifest = json.loads((site / "manifest.json").read_text())
    reasons = [w for w in manifest["withheld"] if w["locale"] == "de-DE" and w["article"] == MT]
    assert any("forbidden wording" in r for r in reasons[0]["reasons"])
