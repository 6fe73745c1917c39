"""Security: hostile text stays text, paths stay inside the project, keys stay secret.

Translators are outside agencies and the site is public, so every place where text reaches a
page is attacked with the same payloads: script and event-handler markup, ``javascript:`` and
``data:`` links, Jinja2 template syntax, raw HTML, and quote-breaking attribute text. Places:
article msgstr (body and front-matter fields), site.po msgstr (element text, attributes,
placeholders), the canonical article's front matter and body, and country disclaimers and
names. Each page is PARSED the way a browser parses it (html5lib, the WHATWG algorithm) and
:func:`active_content` lists anything that could run or navigate: ``<script>`` other than the
site's own hash-pinned ones, ``on*`` attributes, ``javascript:``/``data:``/``vbscript:`` URLs,
embedding elements, inline styles. The payloads are also found as visible text where they
were put, so the check cannot pass by losing them. (test_render.py keeps its own smaller
payload test; the same payloads are attacked here in every other place.)

Path traversal: slugs, ``--out``, ``--country``/``--locale``/``--article`` and the codes in a
country's YAML never make a command read or write outside the project (or the chosen output
folder). Provider keys: an invalid key echoed back by the translation server never reaches
output, catalogs, the ledger or the cache.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import html5lib
import pytest
import yaml
from conftest import Runner, copy_project, render_as_of, snapshot
from fake_libretranslate import FakeLibreTranslate
from rendered import TODAY
from test_render import approve, set_msgstr

from i18n.formats.po import read_po
from i18n.pipeline.publish.pages import HCP_BODY_SCRIPT, HCP_HEAD_SCRIPT
from i18n.project import Project

DVT = "understanding-deep-vein-thrombosis"

# --- what a page may contain ----------------------------------------------------------------

SITE_SCRIPTS = {HCP_HEAD_SCRIPT, HCP_BODY_SCRIPT}  # the professional gate, hash-pinned by CSP
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "poster",
    "srcset",
    "background",
    "cite",
    "data",
    "ping",
    "xlink:href",
    "manifest",
    "codebase",
}
BAD_URL = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)
EMBEDDING = {
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "form",
    "svg",
    "math",
    "template",
    "portal",
}


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def parse(html: str) -> Element:
    return html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)


def local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def active_content(html: str) -> list[str]:
    """Everything in a parsed page that could run, navigate or restyle: empty when inert."""
    problems = []
    root = parse(html)
    csp = [
        m.get("content", "")
        for m in root.iter("meta")
        if (m.get("http-equiv") or "").lower() == "content-security-policy"
    ]
    if len(csp) != 1 or "default-src 'none'" not in csp[0]:
        problems.append(f"expected the site's one CSP meta, found {csp}")
    for el in root.iter():
        tag = local(el.tag)
        if el.tag != tag and tag != "html":  # svg/math namespaced content
            problems.append(f"foreign element <{el.tag}>")
        if tag in EMBEDDING:
            problems.append(f"<{tag}> element")
        if tag == "script" and el.get("type") == "application/ld+json" and el.get("src") is None:
            # structured data: never run; the payloads stay inside one JSON value ("<" is
            # written as \u003c, so no "</script>" or "<!--" can end or bend the element)
            text = el.text or ""
            try:
                json.loads(text)
            except ValueError:
                problems.append(f"JSON-LD that is not JSON: {text[:60]!r}")
            if "<" in text:
                problems.append(f"JSON-LD with a raw '<': {text[:60]!r}")
        elif tag == "script":
            text = el.text or ""
            if el.get("src") is not None or text not in SITE_SCRIPTS:
                problems.append(f"script not the site's own: {text[:60]!r} src={el.get('src')}")
            elif csp and csp_hash(text) not in csp[0]:
                problems.append("site script not pinned by the CSP")
        if tag == "style" and csp and csp_hash(el.text or "") not in csp[0]:
            problems.append("a <style> not pinned by the CSP")
        if tag == "meta" and (el.get("http-equiv") or "").lower() == "refresh":
            problems.append("meta refresh")
        for name, value in el.attrib.items():
            name = local(name) if name.startswith("{") else name.lower()
            if name.startswith("on"):
                problems.append(f"<{tag} {name}=...> event handler")
            if name == "style":
                problems.append(f"<{tag} style=...> inline style")
            squeezed = re.sub(r"[\x00-\x20]", "", value)  # browsers ignore these in URLs
            if name in URL_ATTRIBUTES and BAD_URL.match(squeezed):
                problems.append(f"<{tag} {name}={value!r}>")
    return problems


def text_of(el: Element) -> str:
    return "".join(el.itertext())


def find(root: Element, tag: str, **attrs: str) -> list[Element]:
    return [e for e in root.iter(tag) if all(e.get(k) == v for k, v in attrs.items())]


def body_paragraph(root: Element, marker: str) -> Element:
    found = [p for p in root.iter("p") if text_of(p).startswith(marker)]
    assert len(found) == 1, f"no single paragraph starting with {marker!r}"
    return found[0]


def assert_inert_text(text: str, literal: str) -> None:
    """The literal is there as text, and a template in it was not evaluated."""
    assert literal in text, (literal, text)
    if "{{ 7*7 }}" in literal:
        assert "49" not in text


def test_the_checker_finds_active_content() -> None:
    """:func:`active_content` can fail: each kind of active content in a page is reported."""
    csp = (
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        f'script-src {csp_hash(HCP_HEAD_SCRIPT)}">'
    )
    page = "<!DOCTYPE html><html><head>{csp}<title>t</title>{head}</head><body>{body}</body></html>"
    ok = page.format(csp=csp, head=f"<script>{HCP_HEAD_SCRIPT}</script>", body="<p>x</p>")
    assert active_content(ok) == []
    hostile = {
        "<script>alert(1)</script>": "script not the site's own",
        '<script src="https://evil.example/x.js"></script>': "script not the site's own",
        "<img src=x onerror=alert(1)>": "event handler",
        "<a href=' jav&#x09;ascript:alert(1)'>x</a>": "<a href=",
        '<a href="data:text/html,<script>alert(1)</script>">x</a>': "<a href=",
        "<iframe src=x></iframe>": "<iframe> element",
        "<svg><script>alert(1)</script></svg>": "foreign element",
        '<p style="position:fixed">x</p>': "inline style",
        '<meta http-equiv="refresh" content="0;url=https://evil.example">': "meta refresh",
    }
    for markup, problem in hostile.items():
        found = active_content(page.format(csp=csp, head="", body=markup))
        assert any(problem in f for f in found), (markup, found)
    assert active_content(page.format(csp="", head="", body="")) != []  # no CSP


# --- payloads -------------------------------------------------------------------------------

# Each stays one literal string of visible text: Markdown turns none of them into markup
# (raw HTML is off, and markdown-it refuses javascript:, vbscript:, file: and non-image data:
# link targets). One template per paragraph, as two '*' would pair into emphasis.
BODY_PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "handler": '<img src=x onerror="alert(1)">',
    "svg": "<svg/onload=alert(1)>",
    "raw-link": '<a href="javascript:alert(1)">x</a>',
    "md-js-link": "[x](javascript:alert(1))",
    "md-js-autolink": "<javascript:alert(1)>",
    "md-data-link": "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "md-vbscript": "[x](vbscript:msgbox(1))",
    "template": "{{ 7*7 }}",
    "template-block": "{% for x in range(3) %}{{ x }}{% endfor %}",
    "attribute-breakout": '" onmouseover="alert(1)" x="',
    "comment": "<!-- x --><style>body{display:none}</style>",
}
FIELD_PAYLOADS = {
    "title": '</title><script>alert("title")</script>{{ 7*7 }}',
    "description": '"><script>alert("description")</script>',
    "keyword": '"><img src=x onerror=alert("keyword")>',
}
SITE_PAYLOADS = {
    "Related articles": "<b onmouseover=alert(3)>Verwandt</b> {{ 7*7 }}",
    "Breadcrumb": '" onmouseover="alert(4)" data-x="',  # an attribute value
    "Written by %(name)s": "<script>alert(5)</script> %(name)s",
    "Disclaimer": "<iframe src=javascript:alert(6)></iframe>",
}


# --- 1. translator text: article msgstr, front-matter msgstr, site.po msgstr --------------


@dataclass
class TranslatorSite:
    html: dict[str, str]  # "publish" / "preview" -> the de-DE article page
    markers: dict[str, str]  # payload name -> the msgstr of its paragraph


@pytest.fixture(scope="module")
def translator_site(tmp_path_factory: pytest.TempPathFactory) -> TranslatorSite:
    """de-DE with every payload approved: one paragraph per body payload, the front-matter
    fields, and site strings (element text, an attribute, a placeholder string)."""
    from click.testing import CliRunner

    from i18n.cli import cli

    root = copy_project(tmp_path_factory.mktemp("translator") / "proj")
    approve(root, "de")  # every de entry approved (identity), so only the payloads vary
    po = read_po(Project(root).po_path("de", DVT))
    paragraphs = [
        e for e in po if not e.msgctxt and "paragraph" in (e.comment or "") and "](" not in e.msgid
    ]
    assert len(paragraphs) >= len(BODY_PAYLOADS)
    markers = {}
    for (name, payload), entry in zip(BODY_PAYLOADS.items(), paragraphs, strict=False):
        markers[name] = f"Absatz {name}: {payload}"
        set_msgstr(root, "de", DVT, entry.msgid, markers[name], approve_it=True)
    for ctx, payload in FIELD_PAYLOADS.items():
        entry = next(e for e in po if e.msgctxt == ctx)
        set_msgstr(root, "de", DVT, entry.msgid, payload, approve_it=True, msgctxt=ctx)
    for msgid, payload in SITE_PAYLOADS.items():
        set_msgstr(root, "de", "site", msgid, payload, approve_it=True)

    html = {}
    for mode, args, folder in (("publish", [], "site"), ("preview", ["--preview"], "site-preview")):
        result = (
            render_as_of(root, TODAY, "--country", "DE")
            if mode == "publish"
            else CliRunner().invoke(
                cli, ["render", "--project", str(root), "--country", "DE", "--today", TODAY, *args]
            )
        )
        assert result.exit_code == 0, result.output
        page = root / folder / f"de/de/{DVT}.html"
        assert page.is_file(), f"the payload page was not rendered ({mode}):\n{result.output}"
        html[mode] = page.read_text(encoding="utf-8")
    return TranslatorSite(html, markers)


@pytest.mark.parametrize("mode", ["publish", "preview"])
def test_translator_payload_page_has_no_active_content(
    translator_site: TranslatorSite, mode: str
) -> None:
    assert active_content(translator_site.html[mode]) == []
    html5lib.HTMLParser(strict=True).parse(translator_site.html[mode])  # no parse errors


@pytest.mark.parametrize("mode", ["publish", "preview"])
@pytest.mark.parametrize("name", sorted(BODY_PAYLOADS))
def test_body_payload_is_visible_text(
    translator_site: TranslatorSite, mode: str, name: str
) -> None:
    root = parse(translator_site.html[mode])
    paragraph = body_paragraph(root, f"Absatz {name}: ")
    assert text_of(paragraph) == translator_site.markers[name]
    assert [local(e.tag) for e in paragraph.iter()] in (["p"], ["p", "mark"])


@pytest.mark.parametrize("mode", ["publish", "preview"])
def test_front_matter_translations_are_text(translator_site: TranslatorSite, mode: str) -> None:
    root = parse(translator_site.html[mode])
    title = text_of(next(root.iter("title")))
    assert title.startswith(FIELD_PAYLOADS["title"] + " – ")
    assert_inert_text(text_of(next(root.iter("h1"))), FIELD_PAYLOADS["title"])
    (description,) = find(root, "meta", name="description")
    assert description.get("content") == FIELD_PAYLOADS["description"]
    assert_inert_text(
        text_of(find(root, "p", **{"class": "lead"})[0]), FIELD_PAYLOADS["description"]
    )
    (keywords,) = find(root, "meta", name="keywords")
    assert FIELD_PAYLOADS["keyword"] in keywords.get("content", "").split(", ")


@pytest.mark.parametrize("mode", ["publish", "preview"])
def test_site_string_translations_are_text(translator_site: TranslatorSite, mode: str) -> None:
    root = parse(translator_site.html[mode])
    (related,) = find(root, "h2", id="related-title")
    assert_inert_text(text_of(related), SITE_PAYLOADS["Related articles"])
    (nav,) = find(root, "nav", **{"class": "breadcrumb"})
    assert nav.get("aria-label") == SITE_PAYLOADS["Breadcrumb"]  # stayed inside its quotes
    assert set(nav.attrib) == {"class", "aria-label"}
    (disclaimer,) = find(root, "h2", id="disclaimer-title")
    assert text_of(disclaimer) == SITE_PAYLOADS["Disclaimer"]
    written = [s for s in root.iter("span") if text_of(s).startswith("<script>alert(5)")]
    assert [text_of(s) for s in written] == ["<script>alert(5)</script> Dr. Priya Ramanathan, MD"]


def test_translations_adding_data_or_javascript_links_are_refused(
    project: Path, run: Runner
) -> None:
    """A link markdown-it would render (a data:image URL, here as a link) and a source link
    swapped for javascript: change the entry's link targets: the article is withheld and
    the preview shows the source text, never the translator's link."""
    approve(project, "de")
    po = read_po(Project(project).po_path("de", DVT))
    plain = next(e for e in po if not e.msgctxt and "](" not in e.msgid and len(e.msgid) > 80)
    linked = next(e for e in po if "](https://" in e.msgid)
    set_msgstr(
        project,
        "de",
        DVT,
        plain.msgid,
        "Mehr [hier](data:image/png;base64,iVBORw0KGgo=).",
        approve_it=True,
    )
    set_msgstr(
        project,
        "de",
        DVT,
        linked.msgid,
        re.sub(r"\]\(https://[^)]+\)", "](javascript:alert(1))", linked.msgid),
        approve_it=True,
    )
    result = render_as_of(project, TODAY, "--country", "DE")
    assert result.exit_code == 0, result.output
    assert not (project / f"site/de/de/{DVT}.html").exists()
    assert "2 translation(s) change the source's links" in result.output
    assert run(project, "render", "--country", "DE", "--preview", "--today", TODAY).exit_code == 0
    html = (project / f"site-preview/de/de/{DVT}.html").read_text(encoding="utf-8")
    assert active_content(html) == []
    assert "data:image" not in html and "javascript:" not in html


# --- 2. the canonical article: front matter and body ---------------------------------------


SOURCE_FIELDS = {
    "title": "<script>alert('t')</script> {{ 7*7 }}",
    "description": '"><img src=x onerror=alert("d")>',
    "author": "<a href=javascript:alert('a')>Dr. X</a>",
    "reviewed_by": "{{ config }} <b onclick=alert(1)>R</b>",
}
SOURCE_KEYWORD = '"><script>alert("k")</script>'
SOURCE_BODY = (
    "\nInline \\<img src=x onerror=alert('inline')> and [js](javascript:alert(1)) and "
    "{% if true %}{{ 7*7 }}{% endif %} end.\n"
)
RAW_HTML = {
    "block": ("\n<script>alert('block')</script>\n", 'HTML block "<script>'),
    "inline": ('\nText <img src=x onerror="alert(1)"> end.\n', "inline HTML '<img src=x"),
}


def test_source_front_matter_and_escaped_html_are_inert(project: Path, run: Runner) -> None:
    path = project / f"source/articles/{DVT}.md"
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    meta.update(SOURCE_FIELDS)
    meta["keywords"] = [SOURCE_KEYWORD, "DVT"]
    path.write_text(
        "---\n"
        + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
        + "---\n"
        + body
        + SOURCE_BODY,
        encoding="utf-8",
    )
    result = render_as_of(project, TODAY, "--country", "US")
    assert result.exit_code == 0, result.output
    html = (project / f"site/us/en/{DVT}.html").read_text(encoding="utf-8")
    assert active_content(html) == []
    root = parse(html)
    assert_inert_text(text_of(next(root.iter("h1"))), SOURCE_FIELDS["title"])
    assert text_of(next(root.iter("title"))).startswith(SOURCE_FIELDS["title"])
    assert find(root, "meta", name="description")[0].get("content") == SOURCE_FIELDS["description"]
    assert find(root, "meta", name="keywords")[0].get("content") == f"{SOURCE_KEYWORD}, DVT"
    meta_line = text_of(find(root, "p", **{"class": "meta"})[0])
    assert SOURCE_FIELDS["author"] in meta_line and SOURCE_FIELDS["reviewed_by"] in meta_line
    last = body_paragraph(root, "Inline ")
    assert text_of(last) == (
        "Inline <img src=x onerror=alert('inline')> and "
        "[js](javascript:alert(1)) and {% if true %}{{ 7*7 }}{% endif %} end."
    )


@pytest.mark.parametrize("where", RAW_HTML)
def test_raw_html_in_a_source_is_refused(where: str, project: Path, run: Runner) -> None:
    """Pages never render raw HTML, so a source's raw HTML stops extraction and the render
    (exit 2, file and line): it is never dropped or shown as text without a word."""
    path = project / f"source/articles/{DVT}.md"
    text = path.read_text(encoding="utf-8")
    html, message = RAW_HTML[where]
    path.write_text(text + html, encoding="utf-8")
    line = text.count("\n") + 2
    for command in (["extract"], ["render", "--out", str(project / "site")]):
        result = run(project, *command)
        assert result.exit_code == 2, result.output
        assert f"source/articles/{DVT}.md:{line}: {message}" in result.output


# --- 3. country disclaimers and names ------------------------------------------------------


DISCLAIMER = (
    "Hinweis <script>alert('disc')</script> <img src=x onerror=alert(1)> "
    '<a href="javascript:alert(2)">Link</a> {{ 7*7 }} {% raw %}r{% endraw %}'
)
REFERENCE = '"><svg onload=alert(3)>'
COUNTRY_NAME = "<b onmouseover=alert('name')>Schweiz</b>"


def set_country(root: Path, code: str, language: str, **changes: Any) -> None:
    path = root / f"source/countries/{code}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if key in ("text", "reference"):
            data["disclaimer"][language][key] = value
        else:
            data[key] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_disclaimer_and_country_name_payloads_are_text(project: Path, run: Runner) -> None:
    """The public de-CH page, the right-to-left ar-SA page (Latin runs are wrapped in <bdi>)
    and the professional tr-TR page (the site's own gate scripts are present and pinned)."""
    set_country(project, "ch", "de", text=DISCLAIMER, reference=REFERENCE, name=COUNTRY_NAME)
    set_country(project, "sa", "ar", text="تنبيه " + DISCLAIMER, reference=REFERENCE)
    set_country(project, "tr", "tr", text=DISCLAIMER, reference=REFERENCE)
    result = render_as_of(project, TODAY)
    assert result.exit_code == 0, result.output
    pages = {"ch/de": "", "sa/ar": "تنبيه ", "tr/tr": ""}
    for folder, prefix in pages.items():
        html = (project / f"site/{folder}/{DVT}.html").read_text(encoding="utf-8")
        assert active_content(html) == [], folder
        root = parse(html)
        (aside,) = find(root, "aside", **{"class": "disclaimer"})
        paragraphs = list(aside.iter("p"))
        assert text_of(paragraphs[0]) == prefix + DISCLAIMER, folder
        assert REFERENCE in text_of(paragraphs[1])
        assert {local(e.tag) for e in paragraphs[0].iter()} <= {"p", "bdi"}
        scripts = [
            text_of(s) for s in root.iter("script") if s.get("type") != "application/ld+json"
        ]
        assert scripts == ([HCP_HEAD_SCRIPT, HCP_BODY_SCRIPT] if folder == "tr/tr" else [])
    index = (project / "site/index.html").read_text(encoding="utf-8")
    assert active_content(index) == []
    names = [text_of(s) for s in parse(index).iter("span") if s.get("class") == "country-name"]
    assert COUNTRY_NAME in names


# --- 4. path traversal ---------------------------------------------------------------------


@pytest.fixture
def guarded(project: Path) -> Iterator[tuple[Path, dict[str, bytes]]]:
    """The project beside a sibling folder; afterwards nothing outside the project may have
    appeared or changed (the whole temporary folder is compared)."""
    outside = project.parent / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("untouched\n")
    before = snapshot(project.parent)
    yield project, before
    after = snapshot(project.parent)
    changed = {
        k
        for k in before.keys() | after.keys()
        if not k.startswith(f"{project.name}/") and before.get(k) != after.get(k)
    }
    assert changed == set()


TRAVERSING_SLUGS = ["../escape", "/tmp/escape", "a/../../escape", "..", "..\\escape"]


@pytest.mark.parametrize("slug", TRAVERSING_SLUGS)
@pytest.mark.parametrize("command", ["extract", "render"])
def test_traversing_slug_is_refused_before_any_write(
    guarded: tuple[Path, dict[str, bytes]], run: Runner, slug: str, command: str
) -> None:
    project, before = guarded
    path = project / "source/articles/escape.md"
    path.write_text(f"---\nslug: {yaml.safe_dump(slug).splitlines()[0]}\ntitle: X\n---\nBody.\n")
    files = snapshot(project)
    result = run(project, command)
    assert result.exit_code == 2, result.output
    assert "source/articles/escape.md:2: invalid slug" in result.output
    assert snapshot(project) == files


def out_cases(project: Path) -> list[str]:
    return [
        str(project),
        str(project.parent),
        str(project / "source"),
        str(project / "source/articles/out"),
        str(project / "locales"),
        str(project / "locales/de/LC_MESSAGES"),
        str(project / "source/../locales/x"),
        str(project / "source/articles") + "/../../locales",
    ]


@pytest.mark.parametrize("case", range(8))
def test_out_into_the_project_or_above_it_is_refused(
    guarded: tuple[Path, dict[str, bytes]], run: Runner, case: int
) -> None:
    project, _ = guarded
    out = out_cases(project)[case]
    files = snapshot(project)
    result = run(project, "render", "--out", out)
    assert result.exit_code == 2, (out, result.output)
    assert "Traceback" not in result.output
    assert snapshot(project) == files


def test_out_never_deletes_files_it_did_not_write(
    project: Path, run: Runner, tmp_path: Path
) -> None:
    out = tmp_path / "documents"
    (out / "ab/cd").mkdir(parents=True)
    (out / "ab/cd/notes.html").write_text("<p>mine</p>\n")
    result = run(project, "render", "--country", "JP", "--out", str(out), "--today", TODAY)
    assert result.exit_code == 0
    assert (out / "ab/cd/notes.html").read_text() == "<p>mine</p>\n"
    assert "ab/cd/notes.html was not written by a render" in result.output


@pytest.mark.parametrize(
    "change",
    [
        {"code": "../../escape"},
        {"code": "CH/../../escape"},
        {"code": "/tmp"},
        {"languages": ["../../escape"]},
        {"languages": ["de/../../../escape"]},
        {"languages": ["/tmp/escape"]},
        {"languages": ["de", ".."]},
    ],
)
def test_traversing_codes_in_country_yaml_are_refused(
    guarded: tuple[Path, dict[str, bytes]], run: Runner, change: dict[str, Any]
) -> None:
    project, _ = guarded
    path = project / "source/countries/ch.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(change)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    files = snapshot(project)
    for command in ("render", "update", "check"):
        result = run(project, command)
        assert result.exit_code == 2, (command, result.output)
        assert "source/countries/ch.yaml:" in result.output
    assert snapshot(project) == files


@pytest.mark.parametrize(
    "args",
    [
        ("render", "--country", "../ch"),
        ("render", "--country", "/etc/passwd"),
        ("check", "--country", "ch/../../x"),
        ("update", "--locale", "../de"),
        ("update", "--locale", "de/../../../x"),
        ("translate", "--locale", "../../de", "--provider", "pseudo"),
        (
            "translate",
            "--locale",
            "de",
            "--provider",
            "pseudo",
            "--article",
            "../../fr/LC_MESSAGES/site",
        ),
        ("translate", "--locale", "de", "--provider", "pseudo", "--article", "/etc/passwd"),
        ("approve", "--locale", "de/../fr", "--all"),
        ("approve", "--locale", "de", "--article", "../../fr/LC_MESSAGES/site"),
        ("queue", "--locale", "../fr"),
        ("queue", "--locale", "de", "--article", "../de_CH/site"),
        ("reject", "--locale", "../fr", "deadbeef", "--reason", "x"),
    ],
)
def test_traversing_command_line_values_are_refused(
    guarded: tuple[Path, dict[str, bytes]], run: Runner, args: tuple[str, ...]
) -> None:
    project, _ = guarded
    files = snapshot(project)
    result = run(project, *args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert snapshot(project) == files


# --- 5. provider keys ------------------------------------------------------------------------

KEY = "lt-key/9b2e+41 SECRET"  # characters that URL-encoding changes
UNTRANSLATED_IN_DE = "venous-stenting-iliac-vein-obstruction"


def test_provider_key_echoed_by_a_rejecting_server_is_redacted(
    project: Path, run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeLibreTranslate(api_key="the-right-key", echo_key=True).start()
    try:
        monkeypatch.setenv("LIBRETRANSLATE_API_KEY", KEY)
        result = run(
            project,
            "translate",
            "--locale",
            "de",
            "--provider",
            "libre",
            "--endpoint",
            fake.url,
            "--article",
            UNTRANSLATED_IN_DE,
        )
        rejected = fake.translate_requests()
    finally:
        fake.stop()
    assert rejected and {r.status for r in rejected} == {403}
    assert all(r.api_key == KEY for r in rejected)  # the server saw (and echoed) our key
    output = result.output + (result.stderr or "")
    assert result.exit_code == 1, output
    assert "HTTP 403" in output and "[redacted]" in output
    assert "Traceback" not in output
    from urllib.parse import quote, quote_plus

    for form in (KEY, quote(KEY, safe=""), quote_plus(KEY), "9b2e"):
        assert form not in output
        leaks = [p for p in project.rglob("*") if p.is_file() and form.encode() in p.read_bytes()]
        assert leaks == []
    cache = project / ".cache/i18n/mt.sqlite3"
    if cache.exists():
        assert "9b2e" not in "\n".join(sqlite3.connect(cache).iterdump())
