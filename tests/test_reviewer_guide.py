"""docs/reviewer.md, walked in headless Chromium: a reviewer signs in, reads the queue, opens
an entry (findings, glossary, a changed English), sees it in its page, approves with the
password, rejects with a reason, comments, and approves the rest of an article at once.

Each step asserts what the guide says happens, and takes the guide's screenshot. The
screenshots go to test-artifacts/; with ``I18N_DOC_SCREENSHOTS=1`` they replace those of
docs/img/ (made small with pngquant and optipng when installed), so that the guide can be
refreshed after a change of the pages:

    I18N_DOC_SCREENSHOTS=1 python -m pytest tests/test_reviewer_guide.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import test_serve
from conftest import REPO
from test_serve import PASSWORDS, REVIEWER, TRANSLATOR, Site, git
from tools import ARTIFACTS, require_chromium

from i18n.formats.people import load_people
from i18n.pipeline.review import LocaleReview
from i18n.project import Project

pytestmark = pytest.mark.browser

site = test_serve.site  # the fixtures: a git copy of the sample, `i18n serve` over it
served = test_serve.served

CVI = "chronic-venous-insufficiency"
DVT = "mechanical-thrombectomy-for-dvt"
DOCS = REPO / "docs" / "img"
# the translator's drafts of the first entries of an article, awaiting review
DRAFTS = {
    "title": "Chronische venöse Insuffizienz: Symptome, Stadien und Behandlungsmöglichkeiten",
    # the glossary's "chronische venöse Insuffizienz" is missing: a finding to reject on
    "description": "Eine Einführung in die chronische Veneninsuffizienz: warum Beinvenen nicht "
    "mehr gut arbeiten, häufige Symptome, die CEAP-Stadien und Behandlungen, die helfen können.",
    "category": "Erkrankungen",
    "Chronic venous insufficiency (CVI) is": "Die chronische venöse Insuffizienz (CVI) ist eine "
    "langfristige Erkrankung, bei der die Beinvenen das Blut nur schwer zum Herzen "
    "zurückführen. Leichte Formen von Venenerkrankungen wie Besenreiser und Krampfadern sind "
    "sehr häufig, während fortgeschrittene Formen mit Hautschäden und Geschwüren weniger "
    "Menschen betreffen, meist im höheren Alter.",
    "CVI is not usually": "CVI ist kurzfristig meist nicht gefährlich, kann aber täglich "
    "Beschwerden verursachen und unbehandelt zu Hautproblemen führen, die nur langsam heilen. "
    "Die gute Nachricht: Viele Maßnahmen können die Beschwerden lindern und das Fortschreiten "
    "möglicherweise verlangsamen.",
}


def prepare(root: Path, run: Any) -> dict[str, str]:
    """The translator's drafts (as a PO editor saves them, committed with the translator as
    author), and a changed English sentence in an approved article (extract and update make
    it a draft showing the change); the ids of the entries, by what ``DRAFTS`` names them."""
    people = load_people(Project(root))
    review = LocaleReview.open(Project(root), "de", people=people)
    ids = {}
    for item in review.items(CVI):
        for key, text in DRAFTS.items():
            if item.entry.msgctxt == key or item.entry.msgid.startswith(key):
                review.edit(item, [text], people.persons[TRANSLATOR])
                ids[key] = item.id
    translator = people.persons[TRANSLATOR]
    git(root, "commit", "-qam", "drafts", f"--author={translator.name} <{translator.email}>")
    article = root / "source" / "articles" / f"{DVT}.md"
    english = article.read_text()
    changed = english.replace("developed by INVAMED for removing", "made by INVAMED to remove")
    assert changed != english
    article.write_text(changed)
    for step in (("extract",), ("update", "--locale", "de")):
        done = run(root, *step)
        assert done.exit_code == 0, done.output
    git(root, "commit", "-qam", "a sentence of the English changed")
    after = LocaleReview.open(Project(root), "de", people=people)
    (ids["changed"],) = [i.id for i in after.items(DVT) if i.diff()]
    return ids


class Shots:
    """Screenshots for the guide: into docs/img/ when asked (I18N_DOC_SCREENSHOTS=1)."""

    def __init__(self, driver: Any) -> None:
        self.driver = driver
        self.docs = os.environ.get("I18N_DOC_SCREENSHOTS", "") == "1"
        self.folder = DOCS if self.docs else ARTIFACTS / "reviewer-guide"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.taken: list[Path] = []

    def __call__(self, name: str, css: str | None = None) -> None:
        from selenium.webdriver.common.by import By

        path = self.folder / f"{name}.png"
        if css is None:
            self.driver.save_screenshot(str(path))  # the window as a person sees it
        else:
            element = self.driver.find_element(By.CSS_SELECTOR, css)
            self.driver.execute_script("arguments[0].scrollIntoView()", element)
            element.screenshot(str(path))
        self.taken.append(path)

    def optimise(self) -> None:
        if not self.docs:
            return
        for tool in (["pngquant", "--force", "--skip-if-larger", "--strip", "--ext", ".png"],):
            if shutil.which(tool[0]):
                subprocess.run([*tool, *map(str, self.taken)], check=False)
        if shutil.which("optipng"):
            subprocess.run(["optipng", "-quiet", "-o2", *map(str, self.taken)], check=True)


def test_the_reviewers_guide_in_chromium(site: Site, served, run) -> None:
    require_chromium()
    from selenium.webdriver.common.by import By
    from test_browser import chromium, follow

    ids = prepare(site.root, run)
    url, _ = served
    with chromium(url) as b:
        driver, shot = b.driver, Shots(b.driver)
        driver.set_window_size(1280, 800)

        # 1. sign in
        assert b.open("l/de") == []  # a page behind the sign-in: sent to it
        assert "/login?next=/l/de" in driver.current_url
        b.find("#person").send_keys(REVIEWER)
        b.find("#password").send_keys(PASSWORDS[REVIEWER])
        shot("reviewer-sign-in", "main")
        follow(b, "form.card button")
        assert b.find("h1").text == "Queue: de"

        # 2. the queue: one article, what awaits review
        assert b.open("") == []
        shot("reviewer-locales", "main")
        assert b.open(f"l/de?article={CVI}&state=translated") == []
        assert b.find(".total").text == "5 entries"
        shot("reviewer-queue")

        # 3. an entry: source and translation, glossary, findings, history
        assert b.open(f"l/de/e/{ids['title']}") == []
        marks = driver.find_elements(By.CSS_SELECTOR, "#h-source ~ .text mark.term")
        assert [m.get_attribute("title") for m in marks] == [
            "Glossary: chronische venöse Insuffizienz"
        ]
        shot("reviewer-entry")

        # 4. in context: the page for Switzerland, the entry highlighted
        follow(b, f'a[href="/l/de/e/{ids["title"]}/in/CH#entry"]')
        assert "Chronische venöse Insuffizienz" in b.find("mark#entry").text
        assert b.errors() == []
        shot("reviewer-in-context")
        driver.back()

        # 5. approve, with the password again
        b.find("#approve-password").send_keys(PASSWORDS[REVIEWER])
        shot("reviewer-approve", "section.card:has(#h-approve)")
        follow(b, 'form[action$="/approve"] button')
        flash = b.find(".flash").text
        assert flash == "Approved and signed by Dr. med. Katrin Vogel (sample data)."
        assert b.find("h1 .state").text == "approved"
        shot("reviewer-approved", "main > h1")

        # 6. a required term missing: reject with a reason
        assert b.open(f"l/de/e/{ids['description']}") == []
        missing = b.find(".terms-missing").text
        assert "chronische venöse Insuffizienz" in missing
        assert "required glossary term missing" in b.find(".findings").text
        shot("reviewer-glossary", ".pair")
        reason = "Bitte den Glossarbegriff „chronische venöse Insuffizienz“ verwenden."
        b.find("#reason").send_keys(reason)
        b.find("#reject-password").send_keys(PASSWORDS[REVIEWER])
        shot("reviewer-reject", "section.card:has(#h-reject)")
        follow(b, 'form[action$="/reject"] button')
        assert "Rejected and signed by" in b.find(".flash").text
        assert b.find(".reason").text.endswith(reason)

        # 7. a comment for the translator
        assert b.open(f"l/de/e/{ids['CVI is not usually']}") == []
        b.find("#comment-text").send_keys("„unbehandelt“ passt gut. Danke!")
        follow(b, 'form[action$="/comment"] button')
        assert b.find(".flash").text == "Comment added."
        shot("reviewer-comment", "section:has(#h-history)")

        # 8. the rest of the article at once, once each entry with findings was opened
        assert b.open(f"l/de?article={CVI}") == []
        bulk = b.find("section.card:has(#h-bulk)")
        unopened = bulk.find_elements(By.CSS_SELECTOR, ".unopened a")
        shot("reviewer-bulk-unopened", "section.card:has(#h-bulk)")
        for link in [a.get_attribute("href") for a in unopened]:
            driver.get(link)
        assert b.open(f"l/de?article={CVI}") == []
        b.find("#bulk-password").send_keys(PASSWORDS[REVIEWER])
        shot("reviewer-bulk", "section.card:has(#h-bulk)")
        follow(b, f'form[action="/l/de/a/{CVI}/approve"] button')
        flash = b.find(".flash").text
        assert "Approved and signed 3 entries of chronic-venous-insufficiency" in flash, b.find(
            "main"
        ).text

        # 9. a changed English: the word diff
        assert b.open(f"l/de/e/{ids['changed']}") == []
        assert b.find(".diff del").text and b.find(".diff ins").text
        driver.set_window_size(1280, 1400)  # the whole of the long paragraph and its diff
        shot("reviewer-diff", "section:has(#h-source)")

        # 10. on a phone
        driver.set_window_size(390, 844)
        assert b.open(f"l/de/e/{ids['CVI is not usually']}") == []
        assert b.js("return document.documentElement.scrollWidth") <= 390
        shot("reviewer-phone")
        assert b.errors() == []
        shot.optimise()

    review = LocaleReview.open(Project(site.root), "de")
    states = {i.id: i.state for i in review.items(CVI)}
    assert states[ids["title"]] == "approved" and states[ids["description"]] == "rejected"
    assert all(p.stat().st_size < 200_000 for p in shot.taken) or not shot.docs
