"""Outdated, not gone: when the English changes, a page whose earlier version was approved
stays published with that version's approved text and a notice, until the new text is
approved; a safety update, a country's ``outdated: withdraw``, an unavailable product and
forbidden wording withdraw it at once. The earlier version comes from git, never from a
previous site, and ``i18n check`` proves every text on such a page was approved for the
English it translates. End to end through the CLI on a git repository holding a copy of the
sample."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import lxml.html
import pytest
import yaml
from conftest import Runner, copy_project

from i18n.formats.ledger import Ledger
from i18n.formats.po import read_po

pytestmark = pytest.mark.slow

DVT = "understanding-deep-vein-thrombosis"
MT = "mechanical-thrombectomy-for-dvt"
OLD = "risk rises with age."
NEW = "risk rises with age and after major surgery."
# the approved French of the paragraph that changes (sample data)
FIRST = "thrombose veineuse profonde"


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the sample in a git repository of its own, everything committed."""
    root = copy_project(tmp_path / "proj")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "-c", "user.name=T", "-c", "user.email=t@example.invalid", "commit", "-qm", "sample")
    return root


def edit_article(root: Path, old: str, new: str, slug: str = DVT) -> None:
    path = root / "source" / "articles" / f"{slug}.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "-c", "user.name=T", "-c", "user.email=t@example.invalid", "commit", "-qm", message)


def page(site: Path, rel: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / rel).read_bytes())


def render(run: Runner, root: Path, tmp_path: Path) -> Path:
    site = tmp_path / "site"
    result = run(root, "render", "--out", str(site))
    assert result.exit_code == 0, result.output
    return site


def withheld_reasons(site: Path, locale: str, slug: str) -> str:
    data = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    return "; ".join(
        reason
        for w in data["withheld"]
        if w["locale"] == locale and w["article"] == slug
        for reason in w["reasons"]
    )


def body_of(doc: lxml.html.HtmlElement) -> str:
    return doc.find_class("article-body")[0].text_content()


def manifest_page(site: Path, rel: str) -> dict:
    data = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    return next(p for p in data["pages"] if p["path"] == rel)


def test_a_typo_fix_keeps_the_translation_published_with_a_notice(
    repo: Path, run: Runner, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    assert run(repo, "render", "--out", str(site)).exit_code == 0
    before = body_of(page(site, f"ca/fr/{DVT}.html"))
    head = git(repo, "rev-parse", "HEAD").strip()

    edit_article(repo, OLD, NEW)
    assert run(repo, "extract").exit_code == 0
    assert run(repo, "update").exit_code == 0
    result = run(repo, "render", "--out", str(site))
    assert result.exit_code == 0, result.output
    assert "outdated" in result.output
    for rel in (f"ca/fr/{DVT}.html", f"ch/de/{DVT}.html", f"sa/ar/{DVT}.html"):
        assert (site / rel).is_file(), rel
        notice = page(site, rel).find_class("outdated")
        assert len(notice) == 1 and notice[0].get("role") == "note"
        record = manifest_page(site, rel)
        assert record["outdated"]["translates"] == head
    doc = page(site, f"ca/fr/{DVT}.html")
    notice_text = " ".join(doc.find_class("outdated")[0].text_content().split())
    assert "L'original anglais de cet article a été mis à jour le" in notice_text
    assert "approuvée le" in notice_text
    # the English page of the same country is linked; a country without English links none
    link = doc.find_class("outdated")[0].find(".//a")
    assert link.get("href") == f"../en/{DVT}.html" and link.get("hreflang") == "en-CA"
    assert page(site, f"ch/de/{DVT}.html").find_class("outdated")[0].find(".//a") is None
    # the page shows the approved text of the earlier version: the same words as before
    assert body_of(doc) == before
    # the English page shows the new text, and the pages whose English did not change have
    # no notice
    assert "after major surgery" in page(site, f"ca/en/{DVT}.html").text_content()
    assert not page(site, f"ca/fr/{MT}.html").find_class("outdated")
    # check proves it: every text on the page was approved for the English it translates
    checked = run(repo, "check", "--site", str(site))
    assert checked.exit_code == 0, checked.output
    # ... and tells regulatory affairs which pages are outdated
    assert f"warning: page-outdated [CA fr-CA {DVT}] {site}/ca/fr/{DVT}.html" in checked.output


def test_the_outdated_page_is_the_same_from_a_clean_checkout(
    repo: Path, run: Runner, tmp_path: Path
) -> None:
    edit_article(repo, OLD, NEW)
    commit(repo, "typo fix in the English")
    first, second = tmp_path / "one", tmp_path / "two"
    assert run(repo, "render", "--out", str(first)).exit_code == 0
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True)
    assert run(clone, "render", "--out", str(second)).exit_code == 0
    rel = f"fr/fr/{DVT}.html"
    assert (first / rel).read_bytes() == (second / rel).read_bytes()
    assert manifest_page(first, rel) == manifest_page(second, rel)
    # the English was updated when the change was committed: the notice names that day
    import datetime as dt

    from babel.dates import format_date

    day = dt.date.fromisoformat(git(repo, "log", "-1", "--format=%cs").strip())
    shown = format_date(day, format="long", locale="fr_FR")
    assert shown in page(second, rel).find_class("outdated")[0].text_content()


def test_approving_the_new_text_ends_the_notice(repo: Path, run: Runner, tmp_path: Path) -> None:
    edit_article(repo, OLD, NEW)
    assert run(repo, "extract").exit_code == 0
    assert run(repo, "update").exit_code == 0
    po_path = repo / "locales" / "fr" / "LC_MESSAGES" / f"{DVT}.po"
    po = read_po(po_path, "fr.po")
    entry = next(e for e in po if e.msgid.endswith(NEW))
    assert "fuzzy" in entry.flags  # update offered the old translation as a draft
    entry.flags.remove("fuzzy")
    entry.msgstr = entry.msgstr.replace("avec l'âge.", "avec l'âge et après une chirurgie lourde.")
    from i18n.formats.po import write_po

    write_po(po_path, po)
    from i18n.model.states import entry_id

    approved = run(repo, "approve", "--locale", "fr", entry_id("fr", DVT, None, entry.msgid))
    assert approved.exit_code == 0, approved.output
    site = tmp_path / "site"
    assert run(repo, "render", "--out", str(site)).exit_code == 0
    doc = page(site, f"fr/fr/{DVT}.html")
    assert not doc.find_class("outdated")
    assert "chirurgie lourde" in doc.text_content()
    assert "outdated" not in manifest_page(site, f"fr/fr/{DVT}.html")
    # Belgium's French falls back to fr as well; the Swiss German page still shows its notice
    assert page(site, f"ch/de/{DVT}.html").find_class("outdated")


def test_a_safety_update_withdraws_at_once(repo: Path, run: Runner, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run(repo, "render", "--out", str(site)).exit_code == 0
    # the day after the last approval of the sample's French: every text predates it
    last = max(
        line.event.time[:10]
        for line in Ledger.read(repo / "locales" / "fr" / "approvals.jsonl").lines
        if line.event is not None
    )
    safety = (dt.date.fromisoformat(last) + dt.timedelta(days=1)).isoformat()
    edit_article(repo, OLD, NEW)
    edit_article(repo, "date: 2025-05-20\n", f"date: 2025-05-20\nsafety_update: {safety}\n")
    result = run(repo, "render", "--out", str(site))
    assert result.exit_code == 0
    assert not (site / f"fr/fr/{DVT}.html").exists()
    assert f"safety update of {safety}" in withheld_reasons(site, "fr-FR", DVT)
    assert (site / f"fr/fr/{MT}.html").is_file()  # other articles are not touched
    assert run(repo, "check", "--site", str(site)).exit_code == 0


def test_a_country_that_withdraws_outdated_pages(repo: Path, run: Runner, tmp_path: Path) -> None:
    path = repo / "source" / "countries" / "fr.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "outdated: withdraw\n", encoding="utf-8")
    edit_article(repo, OLD, NEW)
    site = render(run, repo, tmp_path)
    assert not (site / f"fr/fr/{DVT}.html").exists()
    assert "says outdated: withdraw" in withheld_reasons(site, "fr-FR", DVT)
    assert (site / f"be/fr/{DVT}.html").is_file()  # Belgium keeps its outdated page


def test_a_product_withdrawn_is_not_kept_by_an_outdated_page(
    repo: Path, run: Runner, tmp_path: Path
) -> None:
    edit_article(repo, "The Mantis", "The Mantis system", MT)
    path = repo / "source" / "countries" / "fr.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pid = next(iter(data["products"]))
    data["products"][pid]["status"] = "unavailable"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    site = tmp_path / "site"
    result = run(repo, "render", "--out", str(site))
    assert result.exit_code == 0, result.output
    assert not (site / f"fr/fr/{MT}.html").exists()
    assert (site / f"be/fr/{MT}.html").is_file()


def test_a_revoked_approval_of_the_earlier_version_withholds(
    repo: Path, run: Runner, tmp_path: Path
) -> None:
    edit_article(repo, OLD, NEW)
    # revoke one approved text of the earlier version that is still in the catalog
    po = read_po(repo / "locales" / "fr" / "LC_MESSAGES" / f"{DVT}.po", "fr.po")
    title = next(e for e in po if e.msgctxt == "title")
    from i18n.model.states import entry_id

    revoked = run(
        repo,
        "revoke",
        "--locale",
        "fr",
        entry_id("fr", DVT, "title", title.msgid),
        "--reason",
        "wrong term",
    )
    assert revoked.exit_code == 0, revoked.output
    site = tmp_path / "site"
    assert run(repo, "render", "--out", str(site)).exit_code == 0
    assert not (site / f"fr/fr/{DVT}.html").exists()


def test_check_refuses_a_manifest_that_lies_about_the_version(
    repo: Path, run: Runner, tmp_path: Path
) -> None:
    edit_article(repo, OLD, NEW)
    site = tmp_path / "site"
    assert run(repo, "render", "--out", str(site)).exit_code == 0
    path = site / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    rec = next(p for p in data["pages"] if p["path"] == f"fr/fr/{DVT}.html")
    del rec["outdated"]
    path.write_text(json.dumps(data), encoding="utf-8")
    checked = run(repo, "check", "--site", str(site), "--country", "FR")
    assert checked.exit_code == 1
    assert "outdated-mismatch" in checked.output


def test_without_git_history_a_changed_article_is_withheld(
    project: Path, run: Runner, tmp_path: Path
) -> None:
    edit_article(project, OLD, NEW)
    site = render(run, project, tmp_path)
    assert not (site / f"fr/fr/{DVT}.html").exists()
    assert "1 of 44 entries not approved" in withheld_reasons(site, "fr-FR", DVT)


def test_forbidden_wording_is_not_kept_by_an_outdated_page(
    repo: Path, run: Runner, tmp_path: Path
) -> None:
    path = repo / "source" / "countries" / "fr.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("fr: ['", "fr: ['\\bcaillots?\\b', '", 1), encoding="utf-8")
    edit_article(repo, OLD, NEW)
    site = render(run, repo, tmp_path)
    assert not (site / f"fr/fr/{DVT}.html").exists()
    assert "forbidden wording /\\bcaillots?\\b/" in withheld_reasons(site, "fr-FR", DVT)
    assert (site / f"be/fr/{DVT}.html").is_file()  # Belgium forbids no such word


def test_a_project_in_a_subfolder_of_its_repository(run: Runner, tmp_path: Path) -> None:
    """The git repository may hold more than the project (a monorepo): the history of the
    project's articles is still found."""
    mono = tmp_path / "mono"
    root = copy_project(mono / "content" / "proj")
    git(mono, "init", "-q", "-b", "main")
    git(mono, "add", "-A")
    git(mono, "-c", "user.name=T", "-c", "user.email=t@example.invalid", "commit", "-qm", "all")
    edit_article(root, OLD, NEW)
    site = render(run, root, tmp_path)
    assert page(site, f"fr/fr/{DVT}.html").find_class("outdated")
    assert run(root, "check", "--site", str(site)).exit_code == 0
