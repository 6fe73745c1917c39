"""The rendered pages in a real browser: Debian's Chromium, headless, driven by Selenium
through Debian's ChromeDriver (both given by path: Selenium Manager never runs, nothing is
downloaded).

The site is served by a local http.server on 127.0.0.1, so the pages' Content-Security-Policy
(meta tag: hash-pinned style and scripts, nothing else) is enforced as on the web. Console
messages are collected after every page: any SEVERE entry (a script error, a failed load, a CSP
violation) fails the test, and so does any ``securitypolicyviolation`` event.

Screenshots go to test-artifacts/ (git-ignored). Skipped when Chromium is not installed,
except in CI (CI=true), where a missing browser fails.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import re
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rendered import DVT, JA_PREFIX, RenderedSample
from tools import ARTIFACTS, CHROMEDRIVER, CHROMIUM, require_chromium

from i18n.formats.country import load_countries
from i18n.formats.po import read_po
from i18n.project import Project

pytestmark = pytest.mark.browser

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
]

# Records CSP violations from the first moment of each document (DevTools-injected scripts
# are not subject to the page's CSP).
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline')
                              + ' at line ' + e.lineNumber);
});
"""


# --- serving and driving ------------------------------------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.path == "/favicon.ico":  # the browser asks every server; the site has none
            self.send_response(204)
            self.end_headers()
            return
        super().do_GET()


@pytest.fixture(scope="module")
def server(rendered_sample: RenderedSample) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(rendered_sample.root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class Browser:
    def __init__(self, driver: Any, base: str) -> None:
        self.driver = driver
        self.base = base

    def open(self, path: str) -> list[str]:
        """Load a page and return its console errors and CSP violations (empty: clean)."""
        self.driver.get_log("browser")  # drop what earlier pages left
        self.driver.get(f"{self.base}/{path}")
        return self.errors()

    def errors(self) -> list[str]:
        logs = self.driver.get_log("browser")
        found = [
            f"{e['level']}: {e['message']}"
            for e in logs
            if e["level"] == "SEVERE" or "Content Security Policy" in e["message"]
        ]
        found += [f"CSP: {v}" for v in self.js("return window.__cspViolations || []")]
        return found

    def js(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def find(self, css: str) -> Any:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def screenshot(self, name: str, *, full_page: bool = True) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        if not full_page:
            self.driver.save_screenshot(str(path))
            return path
        size = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        shot = self.driver.execute_cdp_cmd(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {
                    "x": 0,
                    "y": 0,
                    "width": size["width"],
                    "height": size["height"],
                    "scale": 1,
                },
            },
        )
        path.write_bytes(base64.b64decode(shot["data"]))
        return path


@contextlib.contextmanager
def chromium(base: str) -> Iterator[Browser]:
    """Headless Chromium on a fresh profile, watching for CSP violations, opening pages
    under ``base``."""
    require_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        for flag in [*FLAGS, f"--user-data-dir={profile}"]:
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
        try:
            driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_CSP})
            yield Browser(driver, base)
        finally:
            driver.quit()


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Browser]:
    with chromium(server) as b:
        yield b


def disclaimer_text(root: Path, code: str, language: str) -> str:
    country = next(c for c in load_countries(Project(root)) if c.code == code)
    return country.disclaimers[language].text


def first_line_edges(b: Browser, css: str) -> dict[str, float]:
    """Where the first line of an element's text starts and ends, against its box."""
    return b.js(
        """
        const el = document.querySelector(arguments[0]);
        const range = document.createRange(); range.selectNodeContents(el);
        const line = range.getClientRects()[0], box = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        return {left: line.left - box.left - parseFloat(style.paddingLeft),
                right: box.right - parseFloat(style.paddingRight) - line.right};
    """,
        css,
    )


def assert_disclaimer(b: Browser, expected: str, reference: str) -> None:
    text = b.find("aside.disclaimer > p:not(.disclaimer-ref)")
    assert text.is_displayed()
    assert text.text == expected
    ref = b.find("aside.disclaimer .disclaimer-ref")
    assert ref.is_displayed() and reference in ref.text


# --- pages --------------------------------------------------------------------------------


def test_de_ch_article_shows_the_swiss_disclaimer_verbatim(
    browser: Browser, rendered_sample: RenderedSample
) -> None:
    errors = browser.open(f"site/ch/de/{DVT}.html")
    browser.screenshot("de-CH-article")
    assert errors == []
    assert browser.js("return document.documentElement.lang") == "de-CH"
    assert browser.js("return getComputedStyle(document.documentElement).direction") == "ltr"
    assert_disclaimer(browser, disclaimer_text(rendered_sample.root, "CH", "de"), "CH-2026-003")
    # the hash-pinned stylesheet applies (a blocked <style> would leave the box unstyled)
    box = browser.js(
        "return getComputedStyle(document.querySelector('.disclaimer')).borderLeftWidth"
    )
    assert box == "4px"
    edges = first_line_edges(browser, "h1")
    assert abs(edges["left"]) < 1 < edges["right"]  # starts at the left edge


def test_ar_sa_article_is_right_to_left_and_mirrored(
    browser: Browser, rendered_sample: RenderedSample
) -> None:
    errors = browser.open(f"site/sa/ar/{DVT}.html")
    browser.screenshot("ar-SA-article")
    assert errors == []
    assert browser.js("return document.documentElement.lang") == "ar-SA"
    assert browser.js("return getComputedStyle(document.documentElement).direction") == "rtl"
    assert_disclaimer(browser, disclaimer_text(rendered_sample.root, "SA", "ar"), "SA-MKT-2026-007")
    # mirrored by the logical CSS properties: the accent rule is on the right, and the first
    # line of the title starts at the right edge
    sides = browser.js(
        "const s = getComputedStyle(document.querySelector('.disclaimer'));"
        "return [s.borderRightWidth, s.borderLeftWidth]"
    )
    assert sides == ["4px", "1px"]
    edges = first_line_edges(browser, "h1")
    assert abs(edges["right"]) < 1 < edges["left"]
    # Latin names inside Arabic text are isolated, so they do not reorder the sentence
    assert browser.js("return document.querySelectorAll('.article-body bdi').length") > 0
    browser.driver.set_window_size(390, 844)
    try:
        assert browser.js("return document.documentElement.scrollWidth") <= 390  # no overflow
        browser.screenshot("ar-SA-article-phone", full_page=False)
    finally:
        browser.driver.set_window_size(1280, 900)


def test_ja_jp_article_shows_the_japanese_disclaimer(
    browser: Browser, rendered_sample: RenderedSample
) -> None:
    errors = browser.open(f"site/jp/ja/{DVT}.html")
    browser.screenshot("ja-JP-article")
    assert errors == []
    assert browser.js("return document.documentElement.lang") == "ja-JP"
    assert browser.find("h1").text.startswith(JA_PREFIX)  # the approved Japanese text
    assert_disclaimer(
        browser, disclaimer_text(rendered_sample.root, "JP", "ja"), "JP-INFO-2026-002"
    )
    assert browser.js("return document.querySelector('.preview-banner')") is None


def test_preview_page_shows_its_banner_and_marks_drafts(
    browser: Browser, rendered_sample: RenderedSample
) -> None:
    errors = browser.open(f"site-preview/jp/ja/{DVT}.html")
    browser.screenshot("ja-JP-preview")
    assert errors == []
    banner = browser.find(".preview-banner")
    assert banner.is_displayed()
    assert (
        banner.find_element("css selector", "strong").text.casefold() == "preview – not approved"
    )  # an untranslated site string: the English fallback
    assert banner.location["y"] < 5  # the first thing on the page
    marks = browser.js(
        "return [...document.querySelectorAll('main mark.unapproved')]"
        ".filter(m => m.checkVisibility()).length"
    )
    assert marks > 10  # the untranslated Japanese entries, highlighted
    robots = browser.js("return document.querySelector('meta[name=robots]').content")
    assert robots == "noindex"
    assert_disclaimer(
        browser, disclaimer_text(rendered_sample.root, "JP", "ja"), "JP-INFO-2026-002"
    )


def test_professional_gate_hides_content_until_confirmed(
    browser: Browser, rendered_sample: RenderedSample
) -> None:
    path = f"site/tr/tr/{DVT}.html"
    browser.open(path)
    browser.js("sessionStorage.clear()")
    errors = browser.open(path)
    browser.screenshot("tr-TR-gate", full_page=False)
    site_po = read_po(Project(rendered_sample.root).po_path("tr", "site"))
    yes_text = site_po.find("I am a healthcare professional").msgstr
    main = browser.find("main")

    gate, yes, no = browser.find("#hcp-gate"), browser.find("#hcp-yes"), browser.find("#hcp-no")
    assert gate.is_displayed() and yes.is_displayed() and yes.text == yes_text
    assert not main.is_displayed()
    assert not browser.find("aside.disclaimer > p").is_displayed()
    assert browser.js("return document.activeElement.id") == "hcp-yes"

    no.click()
    assert browser.find("#hcp-denied").is_displayed()
    assert not main.is_displayed()

    yes.click()
    assert not gate.is_displayed()
    assert main.is_displayed()
    assert_disclaimer(browser, disclaimer_text(rendered_sample.root, "TR", "tr"), "TR-HCP-2026-006")
    browser.screenshot("tr-TR-after-confirmation")
    errors += browser.errors()

    errors += browser.open(path)  # remembered for the browser session
    assert browser.find("main").is_displayed() and not browser.find("#hcp-gate").is_displayed()
    assert errors == []


def test_every_published_page_loads_without_console_errors(
    browser: Browser, rendered_sample: RenderedSample
) -> None:
    """A sweep over every published page (what the public sees; the preview pages share
    their templates, and the preview page test above loads one)."""
    problems: dict[str, list[str]] = {}
    for page in sorted(rendered_sample.site.rglob("*.html")):
        rel = page.relative_to(rendered_sample.root).as_posix()
        errors = browser.open(rel)  # a missing image (404) counts as an error too
        if errors:
            problems[rel] = errors
        assert browser.js("return document.title")
    assert problems == {}


def test_the_error_collector_sees_a_csp_violation(
    browser: Browser, rendered_sample: RenderedSample
) -> None:
    """The check above can fail: a published page with one injected inline script and one
    inline style attribute is refused by the page's own CSP, and both refusals are seen."""
    page = (rendered_sample.site / f"ch/de/{DVT}.html").read_text(encoding="utf-8")
    evil = page.replace(
        "<main ", '<script>document.title = "pwned"</script>\n<main style="color: red" ', 1
    )
    canary = rendered_sample.root / "canary/csp.html"  # served, but outside site/
    canary.parent.mkdir(exist_ok=True)
    canary.write_text(evil, encoding="utf-8")
    try:
        errors = browser.open("canary/csp.html")
    finally:
        canary.unlink()
    assert browser.js("return document.title") != "pwned"
    console = [e for e in errors if e.startswith("SEVERE:")]
    assert any(
        re.search(r"inline script violates .*Content Security Policy", e) for e in console
    ), errors
    violations = sorted(e.split(" blocked ")[0] for e in errors if e.startswith("CSP:"))
    assert violations == ["CSP: script-src-elem", "CSP: style-src-attr"], errors


# --- site basics: references, not-found and not-available pages, legal footer -------------

# The lines a run of text occupies: the distinct tops of its client rects (a run that breaks
# across lines has rects on two or more lines).
LINES_OF = """
const range = document.createRange(); range.selectNodeContents(arguments[0]);
return [...new Set([...range.getClientRects()].filter(r => r.width > 0)
                    .map(r => Math.round(r.top)))].length;
"""


def test_arabic_disclaimer_references_stay_one_ltr_line(
    browser: Browser, rendered_sample: RenderedSample
) -> None:
    """MDMA-2026-04817 in the Arabic disclaimer is one left-to-right run that never breaks,
    whatever the width of the box (measured: its rects lie on one line)."""
    errors = browser.open(f"site/sa/ar/{DVT}.html")
    assert errors == []
    refs = browser.js(
        "return [...document.querySelectorAll('aside.disclaimer bdi.ref')]"
        ".map(b => [b.textContent, getComputedStyle(b).direction])"
    )
    assert ["MDMA-2026-04817", "ltr"] in refs and ["MDMA-2026-05129", "ltr"] in refs
    assert ["SA-MKT-2026-007", "ltr"] in refs  # the reference line too
    box = browser.find("aside.disclaimer > p:not(.disclaimer-ref)")
    broken: dict[int, list[str]] = {}
    try:
        for width in range(160, 721, 4):  # every line-break position the text can take
            browser.js("arguments[0].style.inlineSize = arguments[1] + 'px'", box, width)
            for bdi in box.find_elements("css selector", "bdi.ref"):
                if browser.js(LINES_OF, bdi) != 1:
                    broken.setdefault(width, []).append(bdi.text)
    finally:
        browser.js("arguments[0].style.inlineSize = ''", box)
    assert broken == {}
    browser.driver.set_window_size(390, 844)
    try:
        for bdi in browser.driver.find_elements("css selector", "aside.disclaimer bdi.ref"):
            assert browser.js(LINES_OF, bdi) == 1, bdi.text
        assert browser.js("return document.documentElement.scrollWidth") <= 390
        browser.screenshot("ar-SA-disclaimer-phone")
    finally:
        browser.driver.set_window_size(1280, 900)


def test_disclaimer_is_a_bordered_note_right_after_the_article(browser: Browser) -> None:
    assert browser.open(f"site/ch/de/{DVT}.html") == []
    box = browser.find("aside.disclaimer")
    assert box.get_attribute("role") == "note"
    assert browser.js("return arguments[0].previousElementSibling.tagName", box) == "ARTICLE"
    heading = browser.find("aside.disclaimer h2")
    assert heading.is_displayed() and heading.text == "Wichtiger Hinweis"
    assert (
        browser.js(
            "return document.getElementById(arguments[0].getAttribute('aria-labelledby')).tagName",
            box,
        )
        == "H2"
    )
    widths = browser.js(
        "const s = getComputedStyle(arguments[0]);"
        "return [s.borderTopWidth, s.borderRightWidth, s.borderBottomWidth, s.borderLeftWidth]",
        box,
    )
    assert widths == ["1px", "1px", "1px", "4px"]
    body, page = browser.js(
        "return [getComputedStyle(arguments[0]).backgroundColor,"
        " getComputedStyle(document.body).backgroundColor]",
        box,
    )
    assert body != page  # a tinted box, set apart from the page


def test_not_found_page_in_the_page_language(browser: Browser) -> None:
    errors = browser.open("site/ch/de/404.html")
    browser.screenshot("de-CH-404")
    assert errors == []
    assert browser.find("h1").text == "Seite nicht gefunden"
    legal = browser.driver.find_elements("css selector", "footer nav.legal a")
    assert [a.text for a in legal] == ["Impressum", "Datenschutzerklärung", "Kontakt"]
    assert all(a.is_displayed() for a in legal)
    assert browser.find("aside.disclaimer").is_displayed()
    # served at any missing address: its links work from there (absolute)
    hrefs = browser.js(
        "return [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"
    )
    assert all(re.match(r"https://|mailto:|#", h) for h in hrefs), hrefs
    assert browser.open("site/404.html") == []
    assert browser.find("h1").text == "Page not found"


def test_not_available_page_links_the_published_language(browser: Browser) -> None:
    errors = browser.open("site/ca/fr/chronic-venous-insufficiency.html")
    browser.screenshot("fr-CA-not-available")
    assert errors == []
    assert browser.find("h1").text == "Non disponible dans cette langue"
    link = browser.find(".next-steps a")
    assert link.is_displayed() and link.text == "English"
    assert link.get_attribute("lang") == "en-CA"
    link.click()
    assert browser.driver.current_url.endswith("site/ca/en/chronic-venous-insufficiency.html")
    assert browser.js("return document.documentElement.lang") == "en-CA"


def follow(b: Any, css: str) -> None:
    """Click what ``css`` finds and wait for the next page: on a busy machine, asking for an
    element at once finds the old page's, which goes stale as the new one loads."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    old = b.driver.find_element(By.TAG_NAME, "html")
    b.find(css).click()
    WebDriverWait(b.driver, 30).until(lambda _: _gone(old))


def _gone(element: Any) -> bool:
    """Whether the page that held ``element`` has been replaced. Selenium's ``staleness_of``
    knows only StaleElementReferenceException; while the old document is being torn down,
    chromedriver can answer "Node with given id does not belong to the document" instead
    (seen once in a full run beside three benchmarks), which means the same thing."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as e:
        if "does not belong to the document" in str(e):
            return True
        raise
    return False
