"""Site basics a company expects, end to end through the CLI on a copy of the sample:
localised not-found pages, the "not available in this language" page, canonical and
``x-default`` links (pages and sitemap), the country's legal footer, and the schema.org
``MedicalWebPage`` JSON-LD of article pages, each accepted by ``i18n check`` and each
tampering with them caught by it.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html
import pytest
from click.testing import CliRunner, Result
from conftest import Runner, copy_project, render_as_of, sitemap_text, sitemaps

from i18n.cli import cli
from i18n.formats.country import load_countries
from i18n.formats.po import read_po, write_po
from i18n.project import Project

TODAY = "2026-11-26"
SITE_URL = "https://www.invamed.example"
DVT = "understanding-deep-vein-thrombosis"
MT = "mechanical-thrombectomy-for-dvt"
CA_FR_WITHHELD = "chronic-venous-insufficiency"  # published in en-CA, untranslated in fr
JSON_LD = "application/ld+json"


def invoke(root: Path, *args: str) -> Result:
    cmd, *rest = args
    return CliRunner().invoke(cli, [cmd, "--project", str(root), *rest])


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample rendered once (publish and preview)."""
    root = copy_project(tmp_path_factory.mktemp("basics") / "proj")
    for result in (
        render_as_of(root, TODAY),
        invoke(root, "render", "--preview", "--today", TODAY),
    ):
        assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def site(rendered: Path, tmp_path: Path) -> Path:
    """A private copy of the rendered project, to tamper with."""
    return Path(shutil.copytree(rendered, tmp_path / "proj"))


def doc(path: Path) -> Any:
    return lxml.html.document_fromstring(path.read_bytes())


def manifest(root: Path) -> dict[str, Any]:
    return json.loads((root / "site/manifest.json").read_text(encoding="utf-8"))


def kinds(root: Path) -> dict[str, str]:
    return {p["path"]: p["kind"] for p in manifest(root)["pages"]}


def robots(page: Any) -> str:
    return " ".join(m.get("content", "") for m in page.iter("meta") if m.get("name") == "robots")


def head_links(page: Any) -> tuple[list[str], dict[str, str]]:
    """(canonical hrefs, {hreflang: href}) of a page's head."""
    canonical = [el.get("href") for el in page.iter("link") if el.get("rel") == "canonical"]
    alternates = {
        el.get("hreflang"): el.get("href")
        for el in page.iter("link")
        if el.get("rel") == "alternate"
    }
    return canonical, alternates


def json_ld(page: Any) -> list[Any]:
    return [json.loads(s.text) for s in page.iter("script") if s.get("type") == JSON_LD]


def check(run: Runner, root: Path, *args: str) -> Result:
    return run(root, "check", "--today", TODAY, *args)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- not found ----------------------------------------------------------------------------


def test_not_found_pages_are_localised_with_absolute_links(rendered: Path) -> None:
    site = rendered / "site"
    root = doc(site / "404.html")
    assert root.get("lang") == "en" and "noindex" in robots(root)
    assert root.findtext(".//h1") == "Page not found"

    german = doc(site / "ch/de/404.html")
    assert german.get("lang") == "de-CH" and german.get("dir") == "ltr"
    assert german.findtext(".//h1") == "Seite nicht gefunden"
    assert "noindex" in robots(german)
    arabic = doc(site / "sa/ar/404.html")
    assert arabic.get("dir") == "rtl" and arabic.findtext(".//h1") == "الصفحة غير موجودة"
    # served by the web server at any missing address: no link may be relative
    for page in (root, german, arabic):
        for a in page.iter("a"):
            assert re.match(r"(https://|mailto:|#)", a.get("href")), a.get("href")
    assert f"{SITE_URL}/ch/de/index.html" in [a.get("href") for a in german.iter("a")]
    # the locale's disclaimer, as on every page of the country's folder
    assert "CH-2026-003" in german.find_class("disclaimer")[0].text_content()

    on_disk = {p.relative_to(site).as_posix() for p in site.rglob("404.html")}
    indexes = {p.parent.relative_to(site).as_posix() for p in site.glob("*/*/index.html")}
    assert on_disk == {"404.html"} | {f"{folder}/404.html" for folder in indexes}
    assert "ch/it/404.html" not in on_disk  # it-CH is withheld: nothing of it is published
    assert {p for p, k in kinds(rendered).items() if k == "not-found"} == on_disk - {"404.html"}
    assert not list((rendered / "site-preview").rglob("404.html"))


def test_an_article_slug_404_is_refused(project: Path, run: Runner) -> None:
    source = (project / f"source/articles/{DVT}.md").read_text(encoding="utf-8")
    (project / "source/articles/404.md").write_text(
        source.replace(f"slug: {DVT}", "slug: '404'", 1), encoding="utf-8"
    )
    result = render_as_of(project, TODAY)
    assert result.exit_code == 2, result.output
    assert "source/articles/404.md:2: slug '404' is a reserved name" in result.output
    assert not (project / "site").exists()


def test_a_language_cldr_has_no_data_for_in_that_country_renders(project: Path) -> None:
    """English in Luxembourg: CLDR has ``en`` and ``fr_LU`` but no ``en_LU``. The page's
    dates, country name and direction come from ``en`` (gettext's fallback), and the render
    neither crashes nor withholds the page for it."""
    us = (project / "source/countries/us.yaml").read_text(encoding="utf-8")
    lu = us.replace("code: US", "code: LU", 1).replace("name: United States", "name: Luxembourg")
    (project / "source/countries/lu.yaml").write_text(lu, encoding="utf-8")
    result = render_as_of(project, TODAY)
    assert result.exit_code == 0, result.output
    page = doc(project / f"site/lu/en/{DVT}.html")
    assert page.get("lang") == "en-LU"
    assert "Luxembourg" in page.text_content()


# --- not available in this language -------------------------------------------------------


def unapprove(root: Path, locale: str, domain: str, msgid: str, msgstr: str) -> None:
    """A translator edits one approved entry: its approval no longer matches."""
    path = Project(root).po_path(locale, domain)
    po = read_po(path)
    entry = po.find(msgid)
    assert entry is not None and entry.msgstr
    entry.msgstr = msgstr
    write_po(path, po)


def test_a_withheld_language_shows_where_the_article_is_published(
    project: Path, run: Runner
) -> None:
    po = read_po(Project(project).po_path("fr", DVT))
    approved_french = [e.msgstr for e in po if e.msgstr and not e.obsolete]
    first = next(e for e in po if e.msgid.startswith("Who is at higher risk"))
    unapprove(project, "fr", DVT, first.msgid, "Qui court un risque accru (brouillon)")
    result = render_as_of(project, TODAY)
    assert result.exit_code == 0, result.output
    site = project / "site"

    rel = f"ch/fr/{DVT}.html"
    assert kinds(project)[rel] == "unavailable"
    page = doc(site / rel)
    assert page.get("lang") == "fr-CH" and "noindex" in robots(page)
    assert page.findtext(".//h1") == "Non disponible dans cette langue"
    links = {a.get("hreflang"): a.get("href") for a in page.find_class("next-steps")[0].iter("a")}
    assert links == {"de-CH": f"../de/{DVT}.html"}  # it-CH publishes nothing
    text = page.text_content()
    assert "brouillon" not in text  # never the unapproved text ...
    assert not [t for t in approved_french if len(t) > 12 and t in text]  # ... nor the rest
    assert "CH-2026-004" in page.find_class("disclaimer")[0].text_content()
    assert json_ld(page) == [] and head_links(page) == ([], {})
    assert f"{SITE_URL}/{rel}" not in sitemap_text(site)
    # France has no other language: no page at all; the German pages do not link to it
    assert not (site / f"fr/fr/{DVT}.html").exists()
    assert f"../fr/{DVT}.html" not in (site / f"ch/de/{DVT}.html").read_text(encoding="utf-8")

    passed = check(run, project, "--country", "CH")
    assert passed.exit_code == 0, passed.output
    # approved again: the article takes its address back
    unapprove(project, "fr", DVT, first.msgid, first.msgstr)
    assert render_as_of(project, TODAY).exit_code == 0
    assert kinds(project)[rel] == "article"


def test_check_proves_a_not_available_page(site: Path, run: Runner) -> None:
    data = manifest(site)
    entry = next(p for p in data["pages"] if p["path"] == f"ch/fr/{DVT}.html")
    entry.update(kind="unavailable", approvals=[])  # an article page passed off as one
    (site / "site/manifest.json").write_text(json.dumps(data), encoding="utf-8")
    result = check(run, site, "--country", "CH")
    assert result.exit_code == 1
    assert "unavailable-wrong" in result.output
    assert "the article is published in this language" in result.output


# --- canonical, x-default, sitemap ----------------------------------------------------------


def test_canonical_and_x_default_on_indexable_pages_only(rendered: Path) -> None:
    site = rendered / "site"
    canonical, alternates = head_links(doc(site / f"ch/de/{DVT}.html"))
    assert canonical == [f"{SITE_URL}/ch/de/{DVT}.html"]
    assert alternates["x-default"] == f"{SITE_URL}/index.html"
    assert alternates["fr-CH"] == f"{SITE_URL}/ch/fr/{DVT}.html"
    canonical, alternates = head_links(doc(site / "index.html"))  # the x-default page itself
    assert canonical == [f"{SITE_URL}/index.html"]
    assert alternates["x-default"] == f"{SITE_URL}/index.html"
    assert alternates["de-CH"] == f"{SITE_URL}/ch/de/index.html"
    assert "tr-TR" not in alternates  # professional audience: noindex
    for rel in (f"tr/tr/{DVT}.html", f"ca/fr/{CA_FR_WITHHELD}.html", "ch/de/404.html"):
        assert head_links(doc(site / rel)) == ([], {}), rel  # noindex pages
    assert head_links(doc(rendered / f"site-preview/ch/de/{DVT}.html")) == ([], {})

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    maps = sitemaps(site)
    assert list(maps)[0] == "sitemap-root.xml" and "ch/de/sitemap.xml" in maps
    assert not any(rel.startswith("tr/") for rel in maps)  # noindex: no sitemap
    urls = [
        url
        for rel, text in maps.items()
        for url in lxml.etree.fromstring(text.encode()).findall("s:url", ns)
    ]
    # each locale's sitemap offers its own pages only
    for rel, text in maps.items():
        folder = rel.rpartition("/")[0] + "/" if "/" in rel else ""
        for loc in lxml.etree.fromstring(text.encode()).iterfind("s:url/s:loc", ns):
            assert loc.text.startswith(f"{SITE_URL}/{folder}"), (rel, loc.text)
    clusters = [u for u in urls if u.findall("x:link", ns)]
    assert len(clusters) > 30
    for url in clusters:
        defaults = [
            x.get("href") for x in url.findall("x:link", ns) if x.get("hreflang") == "x-default"
        ]
        assert defaults == [f"{SITE_URL}/index.html"], url.findtext("s:loc", namespaces=ns)


def test_check_catches_a_canonical_pointing_elsewhere(site: Path, run: Runner) -> None:
    edit(
        site / f"site/ch/de/{DVT}.html",
        f'<link rel="canonical" href="{SITE_URL}/ch/de/{DVT}.html">',
        f'<link rel="canonical" href="{SITE_URL}/ch/de/{MT}.html">',
    )
    result = check(run, site, "--country", "CH")
    assert result.exit_code == 1
    assert f"canonical-wrong [CH de-CH {DVT}]" in result.output


# --- legal footer -----------------------------------------------------------------------------


def footer_links(page: Any) -> list[tuple[str, str]]:
    nav = page.find_class("legal")
    return [(a.text_content(), a.get("href")) for a in nav[0].iter("a")] if nav else []


def test_legal_footer_comes_from_the_country_yaml(rendered: Path, run: Runner) -> None:
    site = rendered / "site"
    countries = {c.code: c for c in load_countries(Project(rendered))}
    assert footer_links(doc(site / f"ch/de/{DVT}.html")) == [
        ("Impressum", "https://invamed-ch.example/de/impressum"),
        ("Datenschutzerklärung", "https://invamed-ch.example/de/datenschutz"),
        ("Kontakt", "https://invamed-ch.example/de/kontakt"),
    ]
    assert footer_links(doc(site / "sa/ar/index.html"))[2] == (
        "اتصل بنا",
        "https://invamed-sa.example/ar/contact",
    )
    for entry in manifest(rendered)["pages"]:
        country = countries[entry["country"]]
        language = entry["path"].split("/")[1]
        want = [url for _, url in country.legal_links(language)]
        assert [href for _, href in footer_links(doc(site / entry["path"]))] == want
    assert footer_links(doc(site / "index.html")) == []  # the picker belongs to no country
    result = check(run, rendered)
    assert result.exit_code == 0, result.output  # the country's own links are not foreign


def test_check_screens_the_legal_links(site: Path, run: Runner) -> None:
    page = site / f"site/ch/de/{DVT}.html"
    # the footer loses its privacy link; the article body links elsewhere on the same host,
    # and to the imprint outside the footer
    edit(page, '<li><a href="https://invamed-ch.example/de/datenschutz">', "<li><a>")
    edit(
        page,
        '<div class="article-body">',
        '<div class="article-body"><p><a href="https://invamed-ch.example/de/angebot">Angebot</a>'
        ' <a href="https://invamed-ch.example/de/impressum">Impressum</a></p>',
    )
    result = check(run, site, "--country", "CH")
    assert result.exit_code == 1
    out = result.output
    assert "legal-missing" in out and "https://invamed-ch.example/de/datenschutz" in out
    assert "<a href> reaches invamed-ch.example, not an allowed host" in out
    assert "https://invamed-ch.example/de/angebot" in out
    assert re.search(r"link-foreign .*\n\s*https://invamed-ch.example/de/impressum", out)


# --- structured data ----------------------------------------------------------------------


def test_every_article_page_describes_itself_from_approved_text(rendered: Path) -> None:
    site = rendered / "site"
    countries = {c.code: c for c in load_countries(Project(rendered))}
    german_title = read_po(Project(rendered).po_path("de", DVT)).find(
        "Understanding Deep Vein Thrombosis: Causes, Symptoms and Treatment", msgctxt="title"
    )
    seen = 0
    for entry in manifest(rendered)["pages"]:
        page = doc(site / entry["path"])
        if entry["kind"] != "article":
            assert json_ld(page) == [], entry["path"]
            continue
        seen += 1
        (data,) = json_ld(page)
        h1 = page.findtext(".//h1").strip()
        assert data["@type"] == "MedicalWebPage" and data["@context"] == "https://schema.org"
        assert data["name"] == data["headline"] == h1
        assert page.findtext(".//title").startswith(data["name"] + " – ")
        assert data["inLanguage"] == page.get("lang") == entry["locale"]
        assert data["url"] == data["@id"] == f"{SITE_URL}/{entry['path']}"
        description = [
            m.get("content") for m in page.iter("meta") if m.get("name") == "description"
        ]
        assert [data.get("description")] == description
        audience = countries[entry["country"]].audience
        want = "Clinician" if audience == "professional" else "Patient"
        assert data["audience"]["audienceType"] == want
        assert data["reviewedBy"]["@type"] == "Person" and data["reviewedBy"]["name"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", data["dateModified"])
        assert data["lastReviewed"] == data["dateModified"]
        assert data["publisher"] == {
            "@type": "Organization",
            "name": "INVAMED articles",
            "url": f"{SITE_URL}/",
        }
        if entry["path"] == f"ch/de/{DVT}.html":
            assert data["headline"] == german_title.msgstr  # the approved translation
    assert seen == 30
    # a preview shows drafts: it describes nothing to search engines
    for path in (rendered / "site-preview").rglob("*.html"):
        assert json_ld(doc(path)) == [], path


def test_json_ld_cannot_be_closed_by_a_title(project: Path, run: Runner) -> None:
    """The US shows the English source as written: a title with ``</script>`` and ``<!--``
    stays one JSON value (``<`` written as ``\\u003c``), and no second script appears."""
    title = "DVT </script><script>alert(1)</script> <!-- <script>"
    article = project / f"source/articles/{DVT}.md"
    text = article.read_text(encoding="utf-8")
    old = re.search(r"^title: .*$", text, re.M).group(0)
    article.write_text(text.replace(old, f"title: {json.dumps(title)}", 1), encoding="utf-8")
    assert render_as_of(project, TODAY, "--country", "US").exit_code == 0
    html = (project / f"site/us/en/{DVT}.html").read_text(encoding="utf-8")
    page = doc(project / f"site/us/en/{DVT}.html")
    assert [s.get("type") for s in page.iter("script")] == [JSON_LD]
    (data,) = json_ld(page)
    assert data["headline"] == title
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert block and "<" not in block.group(1)
    result = check(run, project, "--country", "US")
    assert "structured-data" not in result.output and "script-" not in result.output


@pytest.mark.parametrize(
    ("name", "change", "code"),
    [
        ("altered headline", ('"headline": "', '"headline": "Heilt garantiert: '), "altered"),
        (
            "key given twice",
            ('"@type": "MedicalWebPage", ', '"@type": "MedicalWebPage", ' * 2),
            "invalid",
        ),
        ("not JSON", ('{"@context"', '{{"@context"'), "invalid"),
        (
            "a second block",
            ("</head>", f'<script type="{JSON_LD}">{{}}</script></head>'),
            "unexpected",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_check_proves_the_json_ld(
    site: Path, run: Runner, name: str, change: tuple[str, str], code: str
) -> None:
    edit(site / f"site/ch/de/{DVT}.html", *change)
    result = check(run, site, "--country", "CH")
    assert result.exit_code == 1, name
    assert f"structured-data-{code} [CH de-CH {DVT}]" in result.output
    assert "script-unknown" not in result.output  # data is proven, not run through the CSP rule


def test_json_ld_on_a_page_without_it_and_scripts_of_other_types(site: Path, run: Runner) -> None:
    index = site / "site/ch/de/index.html"
    edit(
        index, "</head>", f'<script type="{JSON_LD}">{{"@type": "MedicalWebPage"}}</script></head>'
    )
    edit(
        site / f"site/ch/fr/{DVT}.html", "</head>", '<script type="module">alert(1)</script></head>'
    )
    result = check(run, site, "--country", "CH")
    assert result.exit_code == 1
    assert "structured-data-unexpected [CH de-CH] site/ch/de/index.html" in result.output
    assert f"script-unknown [CH fr-CH {DVT}]" in result.output


def test_own_templates_without_the_new_pages_still_render(project: Path, run: Runner) -> None:
    """A project's own templates/ made before these pages existed: they are not written
    (their addresses stay not found), everything else is, and check passes."""
    own = project / "templates"
    shutil.copytree(Path(__file__).parents[1] / "i18n/templates", own)
    (own / "not_found.html").unlink()
    (own / "unavailable.html").unlink()
    result = render_as_of(project, TODAY)
    assert result.exit_code == 0, result.output
    site = project / "site"
    assert not list(site.rglob("404.html"))
    assert not (site / f"ca/fr/{CA_FR_WITHHELD}.html").exists()
    assert (site / f"ch/de/{DVT}.html").is_file()
    assert set(kinds(project).values()) == {"article", "index"}
    passed = check(run, project)
    assert passed.exit_code == 0, passed.output
