"""Accessibility, WCAG 2.2 AA, measured in the browser (Debian's Chromium, as in test_browser.py).

axe-core (the npm package, pinned in tools.py and .ci/run, in .cache/axe) is injected into each
page with Selenium's ``execute_script``: DevTools-evaluated scripts are not subject to the page's
Content-Security-Policy, so the pages are tested exactly as served. It runs with the WCAG 2.2
A/AA tags plus axe's best practices (which hold the landmark rules: all content inside
landmarks, one ``main``) over every page type, at 1280 and 390 px: zero violations.

What axe cannot judge is measured here by hand: the focus ring's contrast against what is
around it (1.4.11), the healthcare-professional gate at 400 % zoom (1.4.10), the answer "I am
not a healthcare professional" (announced, with a way onward), a wide table scrolled from the
keyboard (2.1.1), and English text standing in on a Japanese preview declared ``lang="en"``
(3.1.2).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import copy_project
from rendered import DVT, RenderedSample, invoke
from test_browser import Browser, browser, server  # noqa: F401 - module-scoped fixtures
from tools import AXE_JS, require_axe

pytestmark = pytest.mark.browser

WIDE = (1280, 900)
PHONE = (390, 844)
ZOOM_400 = (320, 225)  # a 1280 x 900 window at 400 % zoom, in CSS pixels
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
TABLE = "mechanical-thrombectomy-for-dvt"  # has a table wider than a phone
GATED = f"site/tr/tr/{DVT}.html"  # Türkiye: professional audience

RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then(r => done(r.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}))))
  .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
"""


def axe(b: Browser) -> list[str]:
    """axe-core's violations on the page as it is now, one line per node."""
    if not b.js("return typeof window.axe === 'object'"):
        b.js(AXE_JS.read_text(encoding="utf-8"))
    found = b.driver.execute_async_script(RUN_AXE, TAGS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {n['target']}: "
        + " ".join(n["summary"].split())
        for v in found
        for n in v["nodes"] or [{"target": "-", "summary": ""}]
    ]


def resize(b: Browser, size: tuple[int, int], scale: float = 1) -> None:
    """The viewport in CSS pixels (device emulation: a window cannot be made this small)."""
    width, height = size
    b.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": False},
    )
    assert b.js("return [innerWidth, innerHeight]") == [width, height]


@pytest.fixture
def b(browser: Browser) -> Iterator[Browser]:  # noqa: F811 - the imported fixture
    """The module's browser, back at the wide size and with no declaration after each test."""
    try:
        yield browser
    finally:
        browser.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        browser.js("sessionStorage.clear()")


@pytest.fixture(scope="module")
def reports(rendered_sample: RenderedSample) -> Path:
    """The HTML reports of the CLI on the rendered sample, served next to its sites."""
    root = rendered_sample.root
    folder = root / "a11y-reports"
    folder.mkdir(exist_ok=True)
    for name, args in {
        "status": ["status", "--format", "html"],
        "check": ["check", "--format", "html", "--today", "2026-11-26"],
        "audit": ["audit", "--format", "html"],
        "queue": ["queue", "--format", "html", "--locale", "de", "--state", "all"],
    }.items():
        (folder / f"{name}.html").write_text(invoke(root, *args), encoding="utf-8")
    outdated_site(root)
    return folder


def outdated_site(root: Path) -> None:
    """An outdated page (the English changed after the French was approved), served at
    ``site-outdated/``: a copy of the sample in a git repository of its own, edited."""
    proj = copy_project(root / "outdated-proj")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"]):
        subprocess.run(["git", "-C", str(proj), *args], check=True)
    subprocess.run(
        ["git", "-C", str(proj), "-c", "user.name=T", "-c", "user.email=t@example.invalid"]
        + ["commit", "-qm", "sample"],
        check=True,
    )
    article = proj / "source" / "articles" / f"{DVT}.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("risk rises with age.", "risk rises with age, too."), "utf-8")
    invoke(proj, "render", "--out", str(root / "site-outdated"))


PAGES = {
    "root": "site/index.html",
    "country-index": "site/ch/de/index.html",
    "article-ltr": f"site/ch/de/{TABLE}.html",
    "article-rtl": f"site/sa/ar/{TABLE}.html",
    "gate-before": GATED,
    "gate-after": GATED,
    "preview": f"site-preview/jp/ja/{TABLE}.html",
    "article-outdated": f"site-outdated/ca/fr/{DVT}.html",
    "report-status": "a11y-reports/status.html",
    "report-check": "a11y-reports/check.html",
    "report-audit": "a11y-reports/audit.html",
    "report-queue": "a11y-reports/queue.html",
}


@pytest.mark.parametrize("kind", list(PAGES))
def test_axe_finds_no_violations(kind: str, b: Browser, reports: Path) -> None:
    require_axe()
    problems: list[str] = []
    for size in (WIDE, PHONE):
        resize(b, size)
        errors = b.open(PAGES[kind])
        if kind.startswith("gate-"):
            assert b.find("#hcp-gate").is_displayed()  # a fresh session: the gate is up
            if kind == "gate-after":
                b.find("#hcp-yes").click()
                assert b.find("main").is_displayed()
        if kind == "article-outdated":
            assert b.find("p.outdated a").is_displayed()  # the notice, linking the English
        if TABLE in PAGES[kind]:  # the sample's warning callout is measured too
            assert b.find("aside.callout-warning").is_displayed()
        problems += [f"{size[0]} px: {line}" for line in axe(b)]
        b.screenshot(f"a11y-{kind}-{size[0]}", full_page=False)
        errors += b.errors()  # axe itself ran under the page's CSP without a violation
        assert errors == []
        b.js("sessionStorage.clear()")
    assert problems == [], "axe-core violations:\n" + "\n".join(problems)


def test_axe_reports_what_the_issue_found(b: Browser, rendered_sample: RenderedSample) -> None:
    """The check can fail: the preview page as it was (the banner outside any landmark, the
    wide table not focusable) gives exactly those two violations at 390 px."""
    require_axe()
    page = (rendered_sample.preview / f"jp/ja/{TABLE}.html").read_text(encoding="utf-8")
    before = page.replace(
        '<section class="preview-banner" aria-labelledby="preview-title">',
        '<div class="preview-banner" role="note">',
    )
    before = before.replace("</mark>\n</section>", "</mark>\n</div>", 1)
    before = before.replace('<table tabindex="0">', "<table>")
    assert before.count("<table>") == 1 and 'role="note"' in before
    canary = rendered_sample.preview / f"jp/ja/a11y-canary-{TABLE}.html"
    canary.write_text(before, encoding="utf-8")
    try:
        resize(b, PHONE)
        b.open(canary.relative_to(rendered_sample.root).as_posix())
        found = axe(b)
    finally:
        canary.unlink()
    assert sorted({line.split(" ")[0] for line in found}) == [
        "region",
        "scrollable-region-focusable",
    ], found
    assert any("scrollable-region-focusable" in f and "table" in f for f in found), found


# --- measured by hand ---------------------------------------------------------------------


CALLOUT = """
const a = document.querySelector('aside.callout'), s = getComputedStyle(a);
const title = document.getElementById(a.getAttribute('aria-labelledby'));
return {left: s.borderLeftWidth, right: s.borderRightWidth, background: s.backgroundColor,
        title: getComputedStyle(title).color, text: getComputedStyle(a.querySelector('p + p'))
        .color, inside: a.contains(title)};
"""


@pytest.mark.parametrize(
    ("rel", "label", "start"),
    [
        (f"site/ch/de/{TABLE}.html", "Warnung", "left"),
        (f"site/sa/ar/{TABLE}.html", "تحذير", "right"),
    ],
)
def test_callout_is_a_note_named_by_its_label(b: Browser, rel: str, label: str, start: str) -> None:
    """A callout is announced as a note named by its translated label; its rule is on the
    side the reading starts (mirrored on a right-to-left page); label and text keep 4.5:1."""
    b.open(rel)
    aside = b.find("aside.callout-warning")
    assert aside.aria_role == "note"
    assert aside.accessible_name == label
    got = b.js(CALLOUT)
    end = "right" if start == "left" else "left"
    assert got["inside"] and got[start] == "4px" and got[end] == "0px", got
    assert contrast(got["title"], got["background"]) >= 4.5, got
    assert contrast(got["text"], got["background"]) >= 4.5, got


def luminance(css: str) -> float:
    """WCAG 2 relative luminance of an opaque CSS colour (``rgb(r, g, b)``)."""
    values = [float(x) for x in re.findall(r"[\d.]+", css)]
    assert len(values) == 3 or values[3] == 1, f"not opaque: {css}"
    lin = [
        s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4
        for s in (c / 255 for c in values[:3])
    ]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted([luminance(a), luminance(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_matches_wcag_examples() -> None:
    assert round(contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)"), 2) == 21
    assert round(contrast("rgb(217, 164, 0)", "rgb(255, 255, 255)"), 2) == 2.27  # the old ring
    assert round(contrast("rgb(118, 118, 118)", "rgb(255, 255, 255)"), 2) == 4.54


FOCUS_RING = r"""
const el = document.activeElement, s = getComputedStyle(el);
let bg = 'rgba(0, 0, 0, 0)';
for (let p = el.parentElement; p; p = p.parentElement) {  // what the ring is drawn on
  bg = getComputedStyle(p).backgroundColor;
  if (!/rgba\(.*, 0\)$/.test(bg)) break;
}
if (/rgba\(.*, 0\)$/.test(bg)) bg = 'rgb(255, 255, 255)';  // the canvas
return {what: el.tagName + (el.id ? '#' + el.id : '') + ' ' + el.textContent.trim().slice(0, 30),
        visible: el.matches(':focus-visible'), style: s.outlineStyle,
        width: parseFloat(s.outlineWidth), offset: parseFloat(s.outlineOffset),
        color: s.outlineColor, background: bg};
"""


def press(b: Browser, key: str, *, shift: bool = False) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    chain = ActionChains(b.driver)
    if shift:
        chain = chain.key_down(Keys.SHIFT).send_keys(key).key_up(Keys.SHIFT)
    else:
        chain = chain.send_keys(key)
    chain.perform()


def test_focus_ring_has_3_to_1_contrast(b: Browser) -> None:
    """1.4.11: the keyboard focus ring of every link, button and the focusable table on an
    article and the professional gate, measured from computed styles against the background
    it is drawn on."""
    from selenium.webdriver.common.keys import Keys

    rings = []
    b.open(f"site/ch/de/{TABLE}.html")
    for _ in range(60):  # the skip link, the header, the breadcrumb, the article, the table
        press(b, Keys.TAB)
        if b.js("return document.activeElement !== document.body"):
            rings.append(b.js(FOCUS_RING))
    b.open(GATED)
    press(b, Keys.TAB)  # from "I am a healthcare professional" (focused on load) to "not"
    rings.append(b.js(FOCUS_RING))
    press(b, Keys.TAB, shift=True)
    rings.append(b.js(FOCUS_RING))
    press(b, Keys.TAB)
    press(b, Keys.ENTER)  # "not a professional": focus moves to the reply
    rings.append(b.js(FOCUS_RING))
    assert rings[-1]["what"].startswith("P#hcp-denied"), rings[-1]
    kinds = {r["what"].split(" ")[0].split("#")[0] for r in rings}
    assert {"A", "BUTTON", "TABLE"} <= kinds, rings
    weak = []
    for ring in rings:
        ratio = contrast(ring["color"], ring["background"])
        if not (ring["visible"] and ring["style"] == "solid" and ring["width"] >= 2):
            weak.append(f"{ring['what']}: no ring ({ring})")
        elif ring["offset"] <= 0:
            weak.append(f"{ring['what']}: the ring touches the element ({ring})")
        elif ratio < 3:
            weak.append(f"{ring['what']}: {ratio:.2f}:1 ({ring['color']} on {ring['background']})")
    assert weak == []


def test_wide_table_scrolls_from_the_keyboard(b: Browser) -> None:
    """2.1.1: on a phone the article's table is wider than the screen; it is in the tab order
    (``tabindex="0"``: Chromium 130+ makes a scroller focusable on its own, Safari and older
    browsers do not), Tab reaches it and the arrow keys scroll it (smoothly: waited for)."""
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.wait import WebDriverWait

    resize(b, PHONE)
    b.open(f"site/ch/de/{TABLE}.html")
    table = b.find(".article-body table")
    assert b.js("return arguments[0].scrollWidth - arguments[0].clientWidth", table) > 50
    assert table.get_attribute("tabindex") == "0"
    for _ in range(60):
        press(b, Keys.TAB)
        if b.js("return document.activeElement === arguments[0]", table):
            break
    else:
        pytest.fail("Tab never reaches the table")
    assert b.js("return arguments[0].scrollLeft", table) == 0
    for _ in range(30):
        press(b, Keys.ARROW_RIGHT)
    end = "return arguments[0].scrollWidth - arguments[0].clientWidth - arguments[0].scrollLeft"
    WebDriverWait(b.driver, 5).until(lambda _: b.js(end, table) < 1)  # to its last column
    b.screenshot("a11y-table-scrolled-390", full_page=False)


def test_professional_gate_at_400_percent_zoom(b: Browser) -> None:
    """1.4.10: a 1280 x 900 window at 400 % zoom is 320 x 225 CSS pixels; the gate's dialog is
    then taller than the window: it scrolls, from its title to its last button."""
    resize(b, ZOOM_400, scale=4)
    b.open(GATED)
    gate = b.find("#hcp-gate")
    assert gate.is_displayed()
    assert b.js("return arguments[0].scrollHeight > arguments[0].clientHeight + 100", gate)
    for css in ("#hcp-title", "#hcp-no"):
        element = b.find(css)
        b.js("arguments[0].scrollIntoView({block: 'nearest'})", element)
        box = b.js("return arguments[0].getBoundingClientRect().toJSON()", element)
        assert box["top"] >= 0 and box["bottom"] <= ZOOM_400[1] + 1, (css, box)
        assert box["left"] >= 0 and box["right"] <= ZOOM_400[0] + 1, (css, box)
        hit = "const r = arguments[0].getBoundingClientRect();"
        hit += "return arguments[0].contains(document.elementFromPoint(r.x + 2, r.y + 2))"
        assert b.js(hit, element), css  # seen, not under something else
        if css == "#hcp-title":
            b.screenshot("a11y-gate-400-percent-title", full_page=False)
    press_no = b.find("#hcp-no")
    press_no.click()  # reachable and usable at this size
    assert b.find("#hcp-denied").is_displayed()


def test_not_a_professional_is_announced_with_a_way_onward(
    b: Browser, rendered_sample: RenderedSample
) -> None:
    """Answering "I am not a healthcare professional" moves focus to the reply, so a screen
    reader reads it, and the reply links the country picker (public pages); the content stays
    hidden."""
    from selenium.webdriver.common.keys import Keys

    from i18n.formats.po import read_po
    from i18n.project import Project

    site_po = read_po(Project(rendered_sample.root).po_path("tr", "site"))
    errors = b.open(GATED)
    press(b, Keys.TAB)
    assert b.js("return document.activeElement.id") == "hcp-no"
    press(b, Keys.ENTER)  # from the keyboard, as a screen-reader user would
    denied = b.find("#hcp-denied")
    assert denied.is_displayed()
    assert b.js("return document.activeElement") == denied
    assert denied.text.startswith(
        site_po.find("Sorry, this content is available to healthcare professionals only.").msgstr
    )
    assert not b.find("main").is_displayed()
    b.screenshot("a11y-gate-not-a-professional", full_page=False)

    press(b, Keys.TAB)  # onward: the link is the next stop
    link = b.js("return document.activeElement")
    assert link.tag_name == "a" and link.text == site_po.find("Choose your country").msgstr
    press(b, Keys.ENTER)
    assert b.driver.current_url == f"{b.base}/site/index.html"
    assert b.js("return document.documentElement.classList.contains('hcp-pending')") is False
    assert b.find("main").is_displayed() and b.find(".country-list").is_displayed()
    errors += b.errors()
    assert errors == []


def test_english_standing_in_on_a_japanese_preview_is_declared_english(
    b: Browser, rendered_sample: RenderedSample
) -> None:
    """3.1.2: the sample's Japanese catalogs are untranslated, so its ja-JP preview shows the
    English source, highlighted: each highlight declares lang="en" (the page stays ja-JP), and
    no visible English sentence is left declared Japanese. The published ja-JP page (approved
    Japanese) declares no English."""
    errors = b.open(f"site-preview/jp/ja/{DVT}.html")
    assert b.js("return document.documentElement.lang") == "ja-JP"
    langs = b.js(
        "return [...document.querySelectorAll('mark.unapproved:not(.legend)')]"
        ".map(m => m.closest('[lang]').lang)"
    )
    assert len(langs) > 10 and set(langs) == {"en"}
    assert b.js("return document.querySelector('h1 > mark').lang") == "en"
    undeclared = b.js(
        r"""
        const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT), out = [];
        for (let n = walk.nextNode(); n; n = walk.nextNode()) {
          const el = n.parentElement;
          if (el.checkVisibility() && /[A-Za-z]+ [a-z]+ [a-z]+/.test(n.data)
              && !el.closest('[lang]').lang.startsWith('en')) out.push(n.data.trim());
        }
        return out;
        """
    )
    assert undeclared == []  # (the brand, "INVAMED articles", is a name)

    errors += b.open(f"site/jp/ja/{DVT}.html")
    english = b.js(
        "return [...document.querySelectorAll('body [lang^=en]')]"
        ".filter(e => !e.closest('nav.lang-switch')).length"
    )
    assert english == 0
    assert errors == []
