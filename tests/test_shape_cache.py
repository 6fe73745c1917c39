"""A locale whose pages cannot have changed is not built (i18n/pipeline/publish/shape.py and
the locale keys of pagecache.py): its inputs' digest and its shape (what its pages read from
other locales) are the last render's, and each page's file is untouched. A change in another
locale that a page shows (a newly published sibling, a country's added language) builds it
again; every render here writes the bytes of a cold render. On copies of the sample."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_locale_cache import GERMAN
from test_render import set_msgstr
from test_render_cache import ARTICLE, TODAY, approved_entry, change, cold_site, files, render

from i18n.formats.manifest import _page_record, manifest_text, read_manifest, read_text
from i18n.pipeline.publish import pagecache
from i18n.pipeline.publish import site as site_module
from i18n.pipeline.publish.pagecache import PageCache
from i18n.pipeline.publish.site import RenderResult, render_site
from i18n.project import Project

FR_DISCLAIMER = """  fr:
    text: "Ces informations sont fournies uniquement à des fins éducatives."
    reference: DE-2026-099
    approved_by: Regulatory Affairs DACH
    approved_on: 2026-07-20
    expires: 2027-07-20
"""


def page_count(result: RenderResult) -> int:
    pages = result.written + result.unchanged
    return len([rel for rel in pages if rel.count("/") == 2 and rel.endswith(".html")])


def of(result: RenderResult, folders: set[str]) -> set[str]:
    return {
        rel for rel in result.written if rel.rsplit("/", 1)[0] in folders and rel.endswith(".html")
    }


def record(root: Path) -> Path:
    (path,) = (root / ".cache" / "i18n" / "render").glob("*.json")
    return path


def withhold_german(root: Path, approve: bool) -> None:
    """One German string of ARTICLE edited: awaiting review (the article withheld in every
    German locale), or approved (published again)."""
    entry = approved_entry(root)
    text = entry.msgstr if entry.msgstr.endswith(" (neu)") else entry.msgstr + " (neu)"
    set_msgstr(root, "de", ARTICLE, entry.msgid, text, approve_it=approve)


def add_french_to_germany(root: Path) -> None:
    path = root / "source" / "countries" / "de.yaml"
    text = path.read_text(encoding="utf-8").replace("languages: [de]", "languages: [de, fr]")
    path.write_text(text.replace("\nlegal:", f"\n{FR_DISCLAIMER}legal:", 1), encoding="utf-8")


def toggle_french_in_germany(root: Path) -> None:
    path = root / "source" / "countries" / "de.yaml"
    text = path.read_text(encoding="utf-8")
    if "[de, fr]" not in text:
        add_french_to_germany(root)
        return
    text = text.replace("languages: [de, fr]", "languages: [de]").replace(FR_DISCLAIMER, "")
    path.write_text(text, encoding="utf-8")


def test_an_unchanged_render_builds_no_page_and_keeps_all(project: Path, tmp_path: Path) -> None:
    first = render(project)
    assert first.kept == 0 and first.built == page_count(first) > 40
    again = render(project)
    assert (again.built, again.kept) == (0, page_count(first))
    assert again.written == []
    assert files(project / "site") == cold_site(project, tmp_path)


def test_one_string_builds_the_pages_of_its_locales_only(project: Path, tmp_path: Path) -> None:
    first = render(project)
    entry = approved_entry(project)
    set_msgstr(project, "de", ARTICLE, entry.msgid, entry.msgstr + " (neu)", approve_it=True)
    after = render(project)
    german = len(of(first, GERMAN))
    assert after.kept == page_count(first) - german  # every other locale: file state only
    assert after.built == 3  # the article's page in each German locale (its fingerprint)
    assert files(project / "site") == cold_site(project, tmp_path)


def test_a_sibling_published_elsewhere_builds_the_pages_linking_it(
    project: Path, tmp_path: Path
) -> None:
    """French pages' inputs do not change when German approvals do, but their hreflang
    alternates name the German pages: they are built again."""
    withhold_german(project, approve=False)
    render(project)
    page = project / "site" / f"ch/fr/{ARTICLE}.html"
    assert 'hreflang="de-CH"' not in page.read_text(encoding="utf-8")
    withhold_german(project, approve=True)
    after = render(project)
    assert f"ch/fr/{ARTICLE}.html" in after.written
    assert 'hreflang="de-CH"' in page.read_text(encoding="utf-8")
    assert f"fr/fr/{ARTICLE}.html" in after.written  # another country's page too
    assert not of(after, {"fr/fr"}) - {f"fr/fr/{ARTICLE}.html"}  # its other pages kept
    assert files(project / "site") == cold_site(project, tmp_path)


def test_a_countrys_added_language_builds_its_siblings_pages(project: Path, tmp_path: Path) -> None:
    first = render(project)
    add_french_to_germany(project)
    after = render(project)
    assert of(after, {"de/fr"})  # the new locale's pages
    page = project / "site" / f"ch/fr/{ARTICLE}.html"
    assert 'hreflang="fr-DE"' in page.read_text(encoding="utf-8")
    assert f"ch/fr/{ARTICLE}.html" in after.written  # its alternates name the new locale
    assert 'href="../fr/' in (project / "site" / "de/de/index.html").read_text("utf-8")
    # every locale's index page names the new locale's index: no locale is kept whole; the
    # pages that do not name it are still not written (their fingerprints are the same)
    assert after.kept == 0 < after.built < first.built
    assert files(project / "site") == cold_site(project, tmp_path)


def test_a_forged_or_truncated_record_keeps_no_page(project: Path) -> None:
    first = render(project)
    path = record(project)
    rel = f"ch/fr/{ARTICLE}.html"
    original = (project / "site" / rel).read_bytes()
    (project / "site" / rel).write_text("edited by hand", encoding="utf-8")
    data = json.loads(path.read_bytes())
    st_ = (project / "site" / rel).stat()
    data["entries"][rel][1:] = [st_.st_size, st_.st_mtime_ns, st_.st_ino]
    path.write_text(json.dumps(data), encoding="utf-8")  # vouches for the edit, old seal
    forged = render(project)
    assert forged.kept == 0 and forged.built == first.built
    assert (project / "site" / rel).read_bytes() == original
    path.write_bytes(path.read_bytes()[:100])
    assert render(project).kept == 0
    assert render(project).kept == page_count(first)  # written anew


def test_a_page_edited_by_hand_in_a_kept_locale_is_built(project: Path) -> None:
    render(project)
    rel = f"ch/fr/{ARTICLE}.html"
    original = (project / "site" / rel).read_bytes()
    (project / "site" / rel).write_bytes(original.replace(b"<main", b"<main data-x", 1))
    again = render(project)
    assert again.written == [rel] and again.built == 1
    assert (project / "site" / rel).read_bytes() == original


def test_a_cached_render_writes_what_a_render_without_records_writes(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    render(project)
    withhold_german(project, approve=False)
    render(project)
    withhold_german(project, approve=True)
    render(project)  # every locale's shape changed (the sample publishes the article in each)
    change(project, "string", 7)
    cached = render(project)
    assert cached.kept > 0
    monkeypatch.setenv("I18N_NO_CACHE", "1")
    cold = render(project, tmp_path / "cold")
    assert cold.kept == 0 and cold.reused == 0
    assert files(project / "site") == files(tmp_path / "cold")


CHANGES = st.lists(
    st.sampled_from(
        [
            "string",
            "withhold",
            "approve",
            "language",
            "product",
            "disclaimer",
            "article",
            "articles-record",
        ]
    ),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(changes=CHANGES)
def test_kept_and_cold_renders_write_the_same_bytes(
    changes: list[str], tmp_path_factory: object
) -> None:
    tmp = tmp_path_factory.mktemp("shape")  # type: ignore[attr-defined]
    from conftest import copy_project

    root = copy_project(tmp / "proj")
    render(root)
    for k, kind in enumerate(changes):
        if kind in ("withhold", "approve"):
            withhold_german(root, approve=kind == "approve")
        elif kind == "language":
            toggle_french_in_germany(root)
        else:
            change(root, kind, k)
        render(root)
        assert files(root / "site") == cold_site(root, tmp), (changes, k)


def test_a_kept_locales_sitemap_and_manifest_parts_are_cut_from_the_last_files(
    project: Path, tmp_path: Path
) -> None:
    first = render(project)
    locales = len(first.plan.locales)
    assert first.parts_kept == 0
    assert render(project).parts_kept == locales
    change(project, "string", 3)
    after = render(project)
    assert after.parts_kept == locales - len(GERMAN)
    assert files(project / "site") == cold_site(project, tmp_path)


def test_a_sitemap_or_manifest_changed_on_disk_is_not_cut(project: Path, tmp_path: Path) -> None:
    first = render(project)
    locales = len(first.plan.locales)
    site = project / "site"
    german = site / "ch" / "de" / "sitemap.xml"
    sitemap = german.read_bytes()
    german.write_bytes(sitemap.replace(b"<url>", b"<url> ", 3))
    again = render(project)
    assert again.parts_kept == locales - 1 and "ch/de/sitemap.xml" in again.written
    assert german.read_bytes() == sitemap
    assert render(project).parts_kept == locales
    german.unlink()  # a sitemap removed by hand is written again
    again = render(project)
    assert again.parts_kept == locales - 1 and german.read_bytes() == sitemap
    index = (site / "sitemap.xml").read_bytes()
    (site / "sitemap.xml").write_bytes(index.replace(b"<sitemap>", b"<sitemap> ", 2))
    again = render(project)  # the index and the picker's sitemap are always written
    assert "sitemap.xml" in again.written and (site / "sitemap.xml").read_bytes() == index
    manifest = site / "manifest.json"
    os.utime(manifest, ns=(1, 1))  # same bytes, another mtime: not the file as written
    assert render(project).parts_kept == 0
    assert files(site) == cold_site(project, tmp_path)


def test_a_site_with_one_sitemap_of_an_earlier_version_gets_the_index(
    project: Path, tmp_path: Path
) -> None:
    """Before sitemaps were split, ``sitemap.xml`` held every URL: the next render replaces
    it with the index, keeps every locale's sitemap, and writes what a cold render writes."""
    first = render(project)
    site = project / "site"
    every = "".join(
        (site / rel).read_text(encoding="utf-8").split("<urlset", 1)[1].split(">", 1)[1]
        for rel in ["sitemap-root.xml", *(f"{lp.folder}/sitemap.xml" for lp in first.plan.locales)]
        if (site / rel).exists()
    ).replace("</urlset>", "")
    (site / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
        f'schemas/sitemap/0.9">{every}</urlset>\n',
        encoding="utf-8",
    )
    again = render(project)
    assert "sitemap.xml" in again.written and not again.removed
    assert again.parts_kept == len(first.plan.locales)
    assert files(site) == cold_site(project, tmp_path)


def test_the_manifest_joined_from_parts_is_the_json_of_the_whole(project: Path) -> None:
    """:func:`manifest_text` joins records' texts: the bytes ``json.dumps`` writes for the
    whole manifest (withheld articles, helper pages, outdated pages, images, a timezone)."""
    withhold_german(project, approve=False)
    render(project)
    written = (project / "site" / "manifest.json").read_text(encoding="utf-8")
    manifest = read_text(written, "manifest.json")
    assert manifest.withheld and manifest.pages
    for m in (manifest, replace(manifest, today="2026-11-30", timezone="Europe/Zurich")):
        data: dict[str, Any] = {"preview": m.preview}
        if m.today is not None:
            data["rendered_for"] = {"date": m.today, "timezone": m.timezone}
        data["pages"] = [_page_record(p) for p in m.pages]
        data["withheld"] = [
            {
                "country": w.country,
                "locale": w.locale,
                "article": w.article,
                "reasons": list(w.reasons),
            }
            for w in m.withheld
        ]
        data["images"] = dict(m.images)
        whole = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
        assert manifest_text(m) == whole
    empty = replace(manifest, pages=(), withheld=(), today=None, timezone=None)
    assert (
        manifest_text(empty)
        == json.dumps(
            {"preview": False, "pages": [], "withheld": [], "images": dict(manifest.images)},
            indent=2,
        )
        + "\n"
    )


def test_the_last_pages_are_taken_from_the_record_only_for_the_manifest_written(
    project: Path,
) -> None:
    """A render finds the pages the last one wrote (to remove those no longer published) in
    the page cache, which holds the paths manifest.json lists; a manifest edited since (its
    size, mtime or inode changed) is read instead."""
    site = project / "site"
    for country in (None, "CH"):
        render_site(Project(project), out=site, today=TODAY, country=country)
        cache = PageCache.load(Project(project), site.resolve())
        listed = read_manifest(site / "manifest.json", "manifest.json")
        assert listed is not None
        assert cache.manifest_paths(site.resolve()) == listed.paths()
    manifest = site / "manifest.json"
    manifest.write_text(manifest.read_text(encoding="utf-8") + " ", encoding="utf-8")
    assert PageCache.load(Project(project), site.resolve()).manifest_paths(site.resolve()) is None


def test_an_upgrade_finds_the_last_pages_without_reading_the_manifest(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The paths the last manifest lists are kept by the output folder alone, not by the
    code: the first render of an upgraded tool (every other record empty) still removes a
    page no longer published without reading manifest.json (at 60,000 pages, 1.45 GiB to
    parse); a record edited under its seal is not taken, and the manifest is read."""
    site = project / "site"
    render_site(Project(project), out=site, today=TODAY)
    entry = approved_entry(project)
    set_msgstr(project, "de", ARTICLE, entry.msgid, entry.msgstr + " (neu)")  # awaiting review
    read: list[Path] = []
    real = site_module.manifest_paths

    def spy(path: Path, shown: str) -> set[str] | None:
        read.append(path)
        return real(path, shown)

    monkeypatch.setattr(site_module, "manifest_paths", spy)
    monkeypatch.setattr(pagecache, "render_key", lambda project, out: "an upgraded tool")
    result = render_site(Project(project), out=site, today=TODAY)
    assert f"de/de/{ARTICLE}.html" in result.removed
    assert not (site / f"de/de/{ARTICLE}.html").exists()
    assert read == []

    record = next((project / ".cache" / "i18n" / "render").glob("paths/*.json"))
    data = json.loads(record.read_bytes())
    data["entries"]["paths"] = []  # nothing ours: no page would ever be removed
    record.write_text(json.dumps(data), encoding="utf-8")  # under the old seal
    set_msgstr(project, "de", ARTICLE, entry.msgid, entry.msgstr)  # published again
    monkeypatch.setattr(pagecache, "render_key", lambda project, out: "and another")
    render_site(Project(project), out=site, today=TODAY)
    assert read == [site.resolve() / "manifest.json"]
