"""The review server's interface in the reader's language, and the glossary on the entry page.

The catalogs: every visible word of the templates is marked for translation, the POT holds
every marked message of the server (templates and Python), the German catalog translates all
of them and GNU msgfmt accepts it. Over HTTP: a German browser (``Accept-Language``) gets
German pages, messages and plurals, with ``<html lang="de">``; a ``ui_language`` in
people.yaml wins over the browser; the texts under review stay as they are. The glossary:
terms and do-not-translate terms marked in the source, missing ones said beside the
translation, every piece escaped.
"""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import polib
import pytest
import test_serve
import yaml
from test_serve import (
    ARTICLE,
    PASSWORDS,
    REVIEWER,
    TITLE,
    TRANSLATOR,
    Site,
    approve,
    csrf,
    edit,
    sign_in,
    signed_in,
    visible,
)
from tools import AXE_JS, require_chromium

from i18n.formats.people import load_people
from i18n.model.states import entry_id
from i18n.project import Project
from i18n.server import ui
from i18n.server.messages import POT, extract_messages
from i18n.server.views import marked

TEMPLATES = Path(ui.__file__).parent / "templates"
GERMAN = ui.LOCALE_DIR / "de" / "LC_MESSAGES" / "server.po"
DE_BROWSER = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}
CATEGORY = entry_id("de", ARTICLE, "category", "Treatments")
site = test_serve.site  # the fixture: a git copy of the sample with passwords set


# --- the catalogs -------------------------------------------------------------------------


class _Words(HTMLParser):
    """Text and the attributes people read (title, aria-label, placeholder, alt, value of a
    button) left in a template once its Jinja2 markup is taken out."""

    READ = {"title", "aria-label", "placeholder", "alt"}

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_data(self, data: str) -> None:
        self.found.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [value or "" for name, value in attrs if name in self.READ]


def unmarked_words(template: str) -> list[str]:
    source = re.sub(r"\{%-? *trans\b.*?endtrans *-?%\}", " ", template, flags=re.S)
    source = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", " ", source, flags=re.S)
    words = _Words()
    words.feed(source)
    return [w for text in words.found for w in re.findall(r"[^\W\d_]{2,}", text)]


@pytest.mark.parametrize("name", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_every_word_of_the_templates_is_marked_for_translation(name: str) -> None:
    """What is left of a template without its ``{% trans %}`` blocks and ``{{ }}``
    expressions has no words: every visible string goes through gettext."""
    assert unmarked_words((TEMPLATES / name).read_text()) == []


def test_the_check_finds_an_unmarked_word() -> None:
    assert unmarked_words('<p>{{ _("Yes") }} Approve</p><a title="Next">x</a>') == [
        "Approve",
        "Next",
    ]


def test_the_pot_is_up_to_date_and_the_german_catalog_complete_and_valid() -> None:
    """``python -m i18n.server.messages`` left nothing behind; German translates every
    message (no fuzzy), in both plural forms; msgfmt --check (formats too) accepts it."""
    extracted = {m.id for m in extract_messages() if m.id}
    pot = polib.pofile(str(POT))
    shipped = {(e.msgid, e.msgid_plural) if e.msgid_plural else e.msgid for e in pot}
    assert shipped == extracted, "run: python -m i18n.server.messages"
    german = polib.pofile(str(GERMAN))
    assert {e.msgid for e in german if not e.obsolete} == {e.msgid for e in pot}
    assert german.untranslated_entries() == [] and german.fuzzy_entries() == []
    assert all(len(e.msgstr_plural) == 2 for e in german if e.msgid_plural)
    for path in (POT, GERMAN):
        checked = subprocess.run(
            ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stderr
    package_data = (Path(ui.__file__).parents[2] / "pyproject.toml").read_text()
    assert '"locale/*.pot", "locale/*/LC_MESSAGES/*.po"' in package_data  # shipped


def test_the_language_negotiated() -> None:
    assert ui.choose(None, "de-CH,de;q=0.9") == "de"
    assert ui.choose(None, "fr-FR,fr;q=0.9,de;q=0.1") == "de"  # no French catalog
    assert ui.choose(None, "fr-FR,en;q=0.9,de;q=0.1") == "en"
    assert ui.choose(None, "de;q=0") == "en"
    assert ui.choose("en", "de") == "en"
    assert ui.choose("de_CH", "en") == "de"


# --- a German browser -----------------------------------------------------------------------


def test_a_german_browser_sees_german_pages_and_messages(site: Site) -> None:
    """Sign-in page, queue, entry, refusals and the flash of an approval in German; the
    English source and the German translation under review are shown as they are."""
    client = site.client()
    client.headers.update(DE_BROWSER)
    page = client.get("/login").text
    assert '<html lang="de">' in page and "<h1>Anmelden</h1>" in page
    assert "Kennung (wie in people.yaml)" in page and "Sign in" not in page
    token = csrf(client, "/login")
    data = {"csrf": token, "person": REVIEWER, "password": "not the password"}
    assert "Unbekannte Kennung oder falsches Passwort." in client.post("/login", data=data).text
    data["password"] = PASSWORDS[REVIEWER]
    assert client.post("/login", data=data, follow_redirects=False).status_code == 303

    home = client.get("/").text
    assert "Ihre Sprachversionen" in home and "<td>Prüfung</td>" in home  # the role
    queue = client.get("/l/de?q=Thrombektomie").text
    assert "<h1>Prüfliste: de</h1>" in queue and "Einträge" in queue
    assert re.search(r"\b1 Eintrag\b", client.get(f"/l/de?q={TITLE}").text)  # ngettext
    assert "218 Einträge, Seite 1 von 5" in client.get("/l/de?state=untranslated").text

    entry = client.get(f"/l/de/e/{TITLE}").text
    assert '<html lang="de">' in entry and "Freigeben und signieren" in entry
    assert "Ablehnen und signieren" in entry and "Kommentar hinzufügen" in entry
    assert "Mechanical Thrombectomy for Deep Vein Thrombosis" in visible(entry)  # content
    assert "Approve" not in visible(entry).replace("Approved", "")
    wrong = approve(client, "de", TITLE, "wrong password")
    assert wrong.status_code == 403 and "Falsches Passwort: Es wurde nichts signiert." in wrong.text
    assert client.get("/l/fr").status_code == 403
    assert "Sie haben laut people.yaml keine Rolle für fr." in client.get("/l/fr").text

    english = signed_in(site, REVIEWER)  # no Accept-Language: English
    assert '<html lang="en">' in english.get("/").text


def test_ui_language_in_people_yaml_wins_over_the_browser(site: Site) -> None:
    people = site.root / "source" / "people.yaml"
    data = yaml.safe_load(people.read_text())
    data["people"][REVIEWER]["ui_language"] = "de"
    people.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    assert load_people(Project(site.root)).persons[REVIEWER].ui_language == "de"
    translator, reviewer = signed_in(site, TRANSLATOR), signed_in(site, REVIEWER)
    reviewer.headers.update({"Accept-Language": "en-GB,en"})
    assert edit(translator, site, "de", CATEGORY, "Therapien").status_code == 303
    answer = approve(reviewer, "de", CATEGORY, PASSWORDS[REVIEWER])
    assert answer.status_code == 303, answer.text
    page = reviewer.get(answer.headers["location"]).text
    assert '<html lang="de">' in page
    assert "Freigegeben und signiert von Dr. med. Katrin Vogel (sample data)." in page
    assert "Saved." in translator.get(f"/l/de/e/{CATEGORY}").text  # the translator's: English
    data["people"][REVIEWER]["ui_language"] = "<b>"
    people.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    with pytest.raises(Exception, match=r"people.yaml.*ui_language must be a language code"):
        load_people(Project(site.root))


# --- the glossary on the entry page -------------------------------------------------------------


def test_glossary_terms_are_marked_and_missing_ones_said(site: Site) -> None:
    """The title's two glossary terms are marked in the English with their required German
    (a tooltip and a label for screen readers) and in the translation; once the translator
    drops one, the page says it is missing, as the QA finding does."""
    reviewer = signed_in(site, REVIEWER)
    page = reviewer.get(f"/l/de/e/{TITLE}").text
    assert re.search(
        r'<mark class="term" title="Glossary: tiefe Venenthrombose">Deep Vein Thrombosis'
        r'<span class="vh"> \(glossary: tiefe Venenthrombose\)</span></mark>',
        page,
    )
    assert '<mark class="term" title="Glossary: mechanische Thrombektomie">' in page
    assert '<mark class="term" title="Glossary: tiefe Venenthrombose">Tiefe Venenthrombose' in page
    assert "terms-missing" not in page
    old = site.item("de", TITLE).msgstr
    translator = signed_in(site, TRANSLATOR)
    dropped = old.replace("Tiefe Venenthrombose", "TVT")
    assert edit(translator, site, "de", TITLE, dropped).status_code == 303
    page = reviewer.get(f"/l/de/e/{TITLE}").text
    assert '<mark class="term missing" title="Glossary: tiefe Venenthrombose">' in page
    assert "missing in the translation" in page and 'class="terms-missing"' in page
    assert "required glossary term missing" in page  # the QA finding says the same
    german = site.client()
    german.headers.update(DE_BROWSER)
    assert sign_in(german, REVIEWER).status_code == 303
    assert (
        "Fehlt in der Übersetzung, obwohl das Glossar es vorschreibt:"
        in german.get(f"/l/de/e/{TITLE}").text
    )


def test_glossary_marks_are_inert_with_markup_in_source_translation_and_terms(site: Site) -> None:
    """HTML in the English, the translation, a do-not-translate term and a required
    translation is shown as text: each piece is escaped, only the server's <mark> is markup."""
    glossary = site.root / "source" / "glossary.yaml"
    data = yaml.safe_load(glossary.read_text())
    data["do_not_translate"].append("</script>")
    data["terms"]["deep vein thrombosis"]["de"] = '"><img src=x onerror=alert(3)>'
    glossary.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    po_path = site.root / "locales" / "de" / "LC_MESSAGES" / f"{ARTICLE}.po"
    po = polib.pofile(str(po_path))
    entry = next(e for e in po if e.msgctxt == "category")
    entry.msgid = "Mantis <script>alert(1)</script> for deep vein thrombosis"
    entry.msgstr = "<script>alert(2)</script> Mantis"
    po.save()
    ident = entry_id("de", ARTICLE, "category", entry.msgid)
    page = signed_in(site, REVIEWER).get(f"/l/de/e/{ident}").text
    assert "<script>" not in page and "<img" not in page and "onerror=alert(3)>" not in page
    assert '<mark class="term dnt" title="Do not translate">Mantis<' in page  # kept
    assert '<mark class="term dnt" title="Do not translate">&lt;/script&gt;<' in page
    assert "&lt;script&gt;alert(1)" in page and "&lt;script&gt;alert(2)" in page
    assert 'title="Glossary: &#34;&gt;&lt;img src=x onerror=alert(3)&gt;"' in page


def test_marked_pieces_rebuild_the_text() -> None:
    from i18n.pipeline.qa import term_uses

    text = "Mantis, mantis and deep vein thrombosis (Deep vein thrombosis)."
    uses = term_uses(text, "", ["Mantis"], {"deep vein thrombosis": "tiefe Venenthrombose"})
    pieces = marked(text, uses)
    assert "".join(p.text for p in pieces) == text
    assert [p.text for p in pieces if p.use] == [
        "Mantis",
        "deep vein thrombosis",
        "Deep vein thrombosis",
    ]  # do-not-translate terms as written, glossary terms in any case


# --- in headless Chromium -----------------------------------------------------------------------

served = test_serve.served  # the fixture: `i18n serve` in a process over the site


def speak(driver: Any, accept_language: str) -> None:
    """Every request of this browser asks for ``accept_language`` (as a German desktop)."""
    driver.execute_cdp_cmd("Network.enable", {})
    headers = {"headers": {"Accept-Language": accept_language}}
    driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", headers)


@pytest.mark.browser
def test_in_chromium_a_german_reviewer_sees_german_and_the_glossary(site: Site, served) -> None:
    require_chromium()
    from test_browser import chromium

    url, _ = served
    with chromium(url) as b:
        speak(b.driver, "de-DE,de;q=0.9")
        assert b.open("login") == []
        assert b.js("return document.documentElement.lang") == "de"
        assert b.find("h1").text == "Anmelden"
        b.find("#person").send_keys(REVIEWER)
        b.find("#password").send_keys(PASSWORDS[REVIEWER])
        b.find("form.card button").click()
        assert b.find("header form button").text == "Abmelden"
        assert b.open(f"l/de/e/{TITLE}") == []
        assert b.js("return document.documentElement.lang") == "de"
        assert b.find('form[action$="/approve"] button').text == "Freigeben und signieren"
        if AXE_JS.is_file():  # WCAG 2.2 AA with the glossary's marks (test_accessibility)
            from test_accessibility import axe

            assert axe(b) == []
        mark = b.find("mark.term")
        assert mark.get_attribute("title") == "Glossar: mechanische Thrombektomie"
        label = b.find("mark.term .vh")
        assert b.js("return arguments[0].getBoundingClientRect().width", label) <= 1
        assert b.js("return getComputedStyle(arguments[0]).backgroundColor", mark) != (
            "rgba(0, 0, 0, 0)"
        )  # the highlight's style applies under the CSP
        assert b.errors() == []
        b.find("#approve-password").send_keys("wrong password")
        b.find('form[action$="/approve"] button').click()  # a 403 page, in German
        assert b.find(".error").text == "Falsches Passwort: Es wurde nichts signiert."
