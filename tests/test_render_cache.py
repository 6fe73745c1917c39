"""The render builds only the pages whose content changed (i18n/pipeline/publish/pagecache.py)
from plans made only where their inputs changed (plancache.py), and a render with its page
and plan caches writes the same bytes as a render without them."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import polib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_render import set_msgstr

from i18n.formats.article import load_articles
from i18n.formats.country import load_countries
from i18n.formats.po import read_po
from i18n.formats.runcache import RunRecord
from i18n.pipeline.publish import cldrnames
from i18n.pipeline.publish.gate import plan_site
from i18n.pipeline.publish.pages import Pages
from i18n.pipeline.publish.site import RenderResult, page_jobs, page_spec, render_site
from i18n.project import Project

TODAY = dt.date(2026, 11, 30)
ARTICLE = "mechanical-thrombectomy-for-dvt"


def render(root: Path, out: Path | None = None) -> RenderResult:
    return render_site(Project(root), out=out or root / "site", today=TODAY)


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def cold_site(root: Path, tmp: Path) -> dict[str, bytes]:
    """The site a render writes into an empty folder with no page cache and no plan cache
    (the project's caches are set aside and put back)."""
    names = ("render", "plan", "articles.json", "files.json", cldrnames.CLDR_NAMES_FILE)
    caches = [root / ".cache" / "i18n" / name for name in names]
    aside = [tmp / f"{cache.name}-aside" for cache in caches]
    for cache, away in zip(caches, aside, strict=True):
        _remove(away)
        if cache.exists():
            shutil.move(cache, away)
    out = tmp / "cold"
    shutil.rmtree(out, ignore_errors=True)
    known = dict(cldrnames._CLDR_NAMES)  # the names this process has: asked of Babel again
    cldrnames._CLDR_NAMES.clear()
    try:
        assert render(root, out).reused == 0
        return files(out)
    finally:
        cldrnames._CLDR_NAMES.update(known)
        shutil.rmtree(out, ignore_errors=True)
        for cache, away in zip(caches, aside, strict=True):
            _remove(cache)
            if away.exists():
                shutil.move(away, cache)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def approved_entry(root: Path) -> polib.POEntry:
    po = read_po(Project(root).po_path("de", ARTICLE))
    return next(e for e in po if e.msgstr and not e.msgctxt and not e.obsolete and e.msgid)


def edit_yaml(root: Path, name: str, old: str, new: str) -> None:
    path = root / "source" / "countries" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def pages_of(result: RenderResult) -> set[str]:
    return {rel for rel in result.written if rel.count("/") == 2 and rel.endswith(".html")}


def test_a_second_render_builds_no_page(project: Path) -> None:
    first = render(project)
    second = render(project)
    assert first.built == len(pages_of(first)) > 40
    assert second.built == 0 and second.written == []
    assert first.planned == second.reused == 96 and first.reused == second.planned == 0


def test_one_string_rebuilds_only_the_pages_that_show_it(project: Path, tmp_path: Path) -> None:
    render(project)
    entry = approved_entry(project)
    set_msgstr(project, "de", ARTICLE, entry.msgid, entry.msgstr + " (neu)", approve_it=True)
    after = render(project)
    shown = {f"{cc}/de/{ARTICLE}.html" for cc in ("be", "ch", "de")}
    assert pages_of(after) == shown
    assert after.built == len(shown)
    assert files(project / "site") == cold_site(project, tmp_path)


def test_a_disclaimer_renewal_rebuilds_that_locale_only(project: Path, tmp_path: Path) -> None:
    render(project)
    edit_yaml(project, "ch.yaml", "reference: CH-2026-003", "reference: CH-2026-103")
    after = render(project)
    assert after.built == len(pages_of(after)) > 0
    assert {rel.rsplit("/", 1)[0] for rel in pages_of(after)} == {"ch/de"}
    assert files(project / "site") == cold_site(project, tmp_path)


def test_a_product_status_and_an_approval_rebuild_what_they_change(
    project: Path, tmp_path: Path
) -> None:
    first = render(project)
    edit_yaml(project, "de.yaml", "mantis: {status: available}", "mantis: {status: unavailable}")
    product = render(project)
    assert product.removed and 0 < product.built < first.built
    # DE's pages, and the pages whose hreflang links named the withdrawn DE pages
    mantis = (f"{ARTICLE}.html", "post-thrombotic-syndrome.html")
    assert all(rel.startswith("de/") or rel.endswith(mantis) for rel in pages_of(product))
    assert files(project / "site") == cold_site(project, tmp_path)
    entry = approved_entry(project)
    set_msgstr(project, "de", ARTICLE, entry.msgid, entry.msgstr + " (neu)")  # awaiting review
    waiting = render(project)
    # withheld: the address now holds the "not available in this language" page
    assert f"ch/de/{ARTICLE}.html" in pages_of(waiting)
    assert "(neu)" not in (project / "site" / f"ch/de/{ARTICLE}.html").read_text()
    set_msgstr(project, "de", ARTICLE, entry.msgid, entry.msgstr + " (neu)", approve_it=True)
    approval = render(project)
    assert f"ch/de/{ARTICLE}.html" in pages_of(approval)
    assert 0 < approval.built < first.built
    assert files(project / "site") == cold_site(project, tmp_path)


def test_a_damaged_cache_is_not_trusted(project: Path) -> None:
    first = render(project)
    (cache,) = (project / ".cache" / "i18n" / "render").glob("*.json")
    data = json.loads(cache.read_text())
    rel = f"ch/de/{ARTICLE}.html"
    (project / "site" / rel).write_text("edited by hand")
    # a cache edited to vouch for the hand-edited page: its digest no longer matches
    st = (project / "site" / rel).stat()
    data["entries"][rel][1:] = [st.st_size, st.st_mtime_ns, st.st_ino]
    cache.write_text(json.dumps(data))
    assert render(project).built == first.built
    cache.write_bytes(cache.read_bytes()[:100])  # truncated
    assert render(project).built == first.built
    assert render(project).built == 0  # and written anew


def test_a_page_changed_on_disk_or_a_template_change_rebuilds(project: Path) -> None:
    first = render(project)
    rel = f"ch/de/{ARTICLE}.html"
    original = (project / "site" / rel).read_bytes()
    (project / "site" / rel).write_text("edited by hand")
    again = render(project)
    assert again.built == 1 and again.written == [rel]
    assert (project / "site" / rel).read_bytes() == original
    templates = project / "templates"
    shutil.copytree(Project(project).templates_dir, templates)
    css = templates / "site.css"
    css.write_text(css.read_text() + "\n/* changed */\n")
    assert render(project).built == first.built


CHANGES = st.lists(
    st.sampled_from(
        ["string", "unapproved", "disclaimer", "product", "people", "article", "shard"]
        + ["articles-record"]
    ),
    min_size=1,
    max_size=4,
)


def change(root: Path, kind: str, k: int) -> None:
    entry = approved_entry(root)
    if kind in ("string", "unapproved"):
        text = f"{entry.msgstr} ({k})"
        set_msgstr(root, "de", ARTICLE, entry.msgid, text, approve_it=kind == "string")
    elif kind == "disclaimer":
        path = root / "source" / "countries" / "ch.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("reference: CH-2026-0", f"reference: CH-2026-{k}", 1))
    elif kind == "product":
        path = root / "source" / "countries" / "de.yaml"
        text = path.read_text(encoding="utf-8")
        a, b = "mantis: {status: available}", "mantis: {status: unavailable}"
        path.write_text(text.replace(a, b) if a in text else text.replace(b, a))
    elif kind == "shard":  # a locale's plans cut short: not trusted, that locale re-planned
        path = root / ".cache" / "i18n" / "plan" / "publish" / "ch-fr.json"
        path.write_bytes(path.read_bytes()[: 50 + k])
    elif kind == "articles-record":  # an article's entry edited without the key: not trusted
        path = root / ".cache" / "i18n" / "articles.json"
        data = json.loads(path.read_bytes())
        first = sorted(data["entries"])[0]
        data["entries"][first] = [k, ["warning"]]
        path.write_text(json.dumps(data), encoding="utf-8")
    elif kind == "people":
        path = root / "source" / "people.yaml"
        path.write_text(path.read_text(encoding="utf-8") + f"\n# edit {k}\n")
    else:
        path = root / "source" / "articles" / f"{ARTICLE}.md"
        text = path.read_text(encoding="utf-8")
        path.write_text(text + f"\nA paragraph added ({k}).\n", encoding="utf-8")


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(changes=CHANGES)
def test_cached_and_cold_renders_write_the_same_bytes(
    changes: list[str], tmp_path_factory: object
) -> None:
    tmp = tmp_path_factory.mktemp("cache")  # type: ignore[attr-defined]
    from conftest import copy_project

    root = copy_project(tmp / "proj")
    render(root)
    for k, kind in enumerate(changes):
        change(root, kind, k)
        cached = render(root)
        assert cached.planned + cached.reused == 96
        if kind in ("disclaimer", "product"):  # no article's translations: few plans
            assert cached.planned <= 2, (changes, k)
        if kind in ("disclaimer", "shard"):  # one country's locales opened, or one locale
            assert set(cached.opened) <= {"ch/de", "ch/fr", "ch/it"}, (changes, k)
        assert files(root / "site") == cold_site(root, tmp), (changes, k)


def test_cldr_names_come_from_a_sealed_record(project: Path, monkeypatch) -> None:
    """The names of languages and countries (the country picker, the language switcher) are
    kept in a sealed record: a render with nothing to build (but the country picker) asks
    Babel for none of them, and an edited record is not trusted (Babel is asked again, and
    the page shows its name)."""
    render(project)
    record = project / ".cache" / "i18n" / cldrnames.CLDR_NAMES_FILE
    text = record.read_text(encoding="utf-8")
    assert '"language de": "Deutsch"' in text and '"territory de_CH CH": "Schweiz"' in text

    def no_babel(*args: object) -> None:
        raise AssertionError("Babel asked for a name the record holds")

    monkeypatch.setattr(cldrnames, "_CLDR_NAMES", {})  # a new process: nothing known yet
    monkeypatch.setattr(cldrnames, "Locale", type("NoBabel", (), {"parse": staticmethod(no_babel)}))
    monkeypatch.setattr(cldrnames, "cldr_locale", no_babel)
    before = files(project / "site")
    assert render(project).built == 0  # the country picker alone is built again
    assert files(project / "site") == before
    monkeypatch.undo()

    # forged: the names changed, and the file written as a record without the machine's key
    data = json.loads(text)
    RunRecord(record, data["key"]).save({**data["entries"], "language de": "Evil"})
    assert '"Evil"' in record.read_text(encoding="utf-8")
    monkeypatch.setattr(cldrnames, "_CLDR_NAMES", {})
    render(project, project / "site-3")
    assert files(project / "site-3") == files(project / "site")
    assert "Evil" not in (project / "site-3" / "index.html").read_text(encoding="utf-8")


def test_a_page_fingerprint_follows_what_every_page_carries(project: Path) -> None:
    """The style sheet and the security policy enter a page's fingerprint by one digest,
    computed again when either is set anew (as a preview page sets them)."""
    p = Project(project)
    plan = plan_site(p, load_articles(p.root), load_countries(p), p.settings.today())
    pages = Pages(p, plan, p.settings.site_url)
    jobs = page_jobs(pages, {lp.country.code for lp in plan.locales})
    spec = page_spec(pages, next(job for job in jobs if job[2] == "article"))
    first = pages.fingerprint(spec)
    assert pages.fingerprint(spec) == first
    pages.css += "\nmark { color: red; }"
    second = pages.fingerprint(spec)
    assert second != first
    pages.csp += "; upgrade-insecure-requests"
    assert pages.fingerprint(spec) not in (first, second)
