"""The render plans again only the (locale, article) plans whose inputs changed
(i18n/pipeline/publish/plancache.py), and a render with its plan cache writes the same bytes,
manifest included, as a render without one. A plan record that does not carry this machine's
seal is not trusted. End to end through the CLI on copies of the sample."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import Runner
from test_render import set_msgstr
from test_render_cache import ARTICLE, approved_entry, cold_site, edit_yaml, files

import i18n.pipeline.publish.site as site_module
from i18n.errors import I18nError
from i18n.formats.article import load_articles
from i18n.formats.country import load_countries
from i18n.pipeline.publish.gate import ArticlePlan, LocalePlan, plan_site
from i18n.pipeline.publish.pages import Pages
from i18n.pipeline.publish.plancache import PlanCache, Shard
from i18n.pipeline.publish.resolve import CatalogStore
from i18n.pipeline.publish.site import PageJob, RenderResult, _batches, page_jobs, render_site
from i18n.project import Project

TODAY = "2026-11-30"
PLANS = 96  # the sample: 16 locales of 11 countries x 6 articles
GERMAN = 3  # locales whose chain reads de: BE, CH and DE
MANTIS = 2  # articles naming mantis (one language in DE)
CH_DE = 6  # the article plans of one locale


def render(run: Runner, root: Path, out: Path) -> tuple[int, int]:
    """``i18n render`` into ``out``: (plans made, plans reused) as it reports them."""
    result = run(root, "render", "--today", TODAY, "--out", str(out))
    assert result.exit_code == 0, result.output
    found = re.search(r"^planned (\d+) pages, (\d+) from cache$", result.output, re.M)
    assert found, result.output
    return int(found[1]), int(found[2])


def record(root: Path, folder: str = "ch-de") -> Path:
    """The plan cache's shard of one locale (``ch-de``: Switzerland, German)."""
    return root / ".cache" / "i18n" / "plan" / "publish" / f"{folder}.json"


def manifest(site: Path) -> dict:
    return json.loads((site / "manifest.json").read_text(encoding="utf-8"))


def withheld(site: Path, tag: str, slug: str | None) -> list[str]:
    """Why the manifest says the page of ``slug`` in ``tag`` (``de-CH``) is withheld."""
    return [
        reason
        for w in manifest(site)["withheld"]
        if w["locale"] == tag and w["article"] == slug
        for reason in w["reasons"]
    ]


def kind(site: Path, rel: str) -> str | None:
    """What the manifest says the page at ``rel`` is (None: no page)."""
    return next((p["kind"] for p in manifest(site)["pages"] if p["path"] == rel), None)


def test_a_second_render_plans_nothing(project: Path, run: Runner, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert render(run, project, site) == (PLANS, 0)
    assert render(run, project, site) == (0, PLANS)
    assert files(site) == cold_site(project, tmp_path)


def test_one_string_replans_its_article_where_it_is_read(
    project: Path, run: Runner, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    render(run, project, site)
    entry = approved_entry(project)
    set_msgstr(project, "de", ARTICLE, entry.msgid, entry.msgstr + " (neu)", approve_it=True)
    assert render(run, project, site) == (GERMAN, PLANS - GERMAN)
    assert "(neu)" in (site / f"ch/de/{ARTICLE}.html").read_text(encoding="utf-8")
    assert files(site) == cold_site(project, tmp_path)


def test_an_edit_then_its_approval_each_replan_only_that_article(
    project: Path, run: Runner, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    render(run, project, site)
    entry = approved_entry(project)
    set_msgstr(project, "de", ARTICLE, entry.msgid, entry.msgstr + " (neu)")  # awaiting review
    assert render(run, project, site) == (GERMAN, PLANS - GERMAN)
    assert any("not approved" in r for r in withheld(site, "de-CH", ARTICLE))
    assert files(site) == cold_site(project, tmp_path)
    # the approval alone: the catalog's bytes are the same, the ledger holds one more line
    set_msgstr(project, "de", ARTICLE, entry.msgid, entry.msgstr + " (neu)", approve_it=True)
    assert render(run, project, site) == (GERMAN, PLANS - GERMAN)
    assert withheld(site, "de-CH", ARTICLE) == []
    assert files(site) == cold_site(project, tmp_path)


def test_a_disclaimer_renewal_replans_no_article(
    project: Path, run: Runner, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    render(run, project, site)
    edit_yaml(project, "ch.yaml", "reference: CH-2026-003", "reference: CH-2026-103")
    assert render(run, project, site) == (0, PLANS)
    assert "CH-2026-103" in (site / f"ch/de/{ARTICLE}.html").read_text(encoding="utf-8")
    # an expired one withholds the locale's pages, still without planning an article again
    edit_yaml(project, "ch.yaml", "expires: 2027-09-01", "expires: 2026-10-01")
    assert render(run, project, site) == (0, PLANS)
    assert not (site / f"ch/de/{ARTICLE}.html").exists()
    assert files(site) == cold_site(project, tmp_path)


def test_a_product_status_replans_the_articles_naming_it(
    project: Path, run: Runner, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    render(run, project, site)
    assert (site / f"de/de/{ARTICLE}.html").is_file()
    edit_yaml(project, "de.yaml", "mantis: {status: available}", "mantis: {status: unavailable}")
    assert render(run, project, site) == (MANTIS, PLANS - MANTIS)
    assert not (site / f"de/de/{ARTICLE}.html").exists()
    assert any("unavailable in DE" in r for r in withheld(site, "de-DE", ARTICLE))
    assert files(site) == cold_site(project, tmp_path)


def test_forbidden_wording_added_to_a_country_replans_its_pages(
    project: Path, run: Runner, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    render(run, project, site)
    word = approved_entry(project).msgstr.split()[0]
    edit_yaml(project, "ch.yaml", "  de: ['", f"  de: ['\\b{re.escape(word)}\\b', '")
    made, reused = render(run, project, site)
    assert (made, reused) == (6, PLANS - 6)  # CH's German articles (and its site strings)
    assert any("forbidden wording" in r for r in withheld(site, "de-CH", ARTICLE))
    assert files(site) == cold_site(project, tmp_path)


def test_a_reviewer_removed_from_people_yaml_replans_what_they_approved(
    project: Path, run: Runner, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    render(run, project, site)
    assert (site / f"ch/de/{ARTICLE}.html").is_file()
    path = project / "source" / "people.yaml"
    people = yaml.safe_load(path.read_text(encoding="utf-8"))
    del people["people"]["katrin.vogel"]
    path.write_text(yaml.safe_dump(people, allow_unicode=True), encoding="utf-8")
    made, reused = render(run, project, site)
    assert made > 0 and made + reused == PLANS
    assert not (site / f"ch/de/{ARTICLE}.html").exists()
    assert files(site) == cold_site(project, tmp_path)


def test_a_template_string_added_replans_the_site_strings(
    project: Path, run: Runner, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    render(run, project, site)
    templates = project / "templates"
    shutil.copytree(Project(project).templates_dir, templates)
    page = templates / "base.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("</main>", '<p>{{ _("A new string") }}</p></main>', 1))
    assert "A new string" in page.read_text(encoding="utf-8")
    # the articles' plans do not read the templates; every locale's site strings do
    assert render(run, project, site) == (0, PLANS)
    assert kind(site, f"ch/de/{ARTICLE}.html") is None
    assert any("template strings not approved" in r for r in withheld(site, "de-CH", ARTICLE))
    assert files(site) == cold_site(project, tmp_path)


def _forge(path: Path, edit: callable, seal: str | None) -> None:  # type: ignore[valid-type]
    data = json.loads(path.read_bytes())
    edit(data["entries"])
    canonical = json.dumps(data["entries"], sort_keys=True).encode()
    data["digest"] = seal or hashlib.sha256(canonical).hexdigest()
    path.write_text(json.dumps(data), encoding="utf-8")


def test_a_forged_plan_record_is_not_trusted(project: Path, run: Runner, tmp_path: Path) -> None:
    site = tmp_path / "site"
    entry = approved_entry(project)
    set_msgstr(project, "de", ARTICLE, entry.msgid, entry.msgstr + " (neu)")  # awaiting review
    render(run, project, site)
    assert not (site / f"ch/de/{ARTICLE}.html").read_text().count("(neu)")

    def publish(entries: dict) -> None:  # the withheld plan made to say "publish"
        name = f"ch/de/{ARTICLE}"
        entries["plans"][name][1]["reasons"] = []
        entries["plans"][name][1]["unapproved"] = []

    # a plain checksum (what anyone who can write .cache/ can compute), an edit under the
    # old seal, and a seal made with another key: each is an empty record (Switzerland's
    # German plans are made again, the other locales' are taken from their own shards)
    other = hashlib.sha256(b"another machine").hexdigest()
    for seal in (None, "keep", other):
        old = json.loads(record(project).read_bytes())["digest"]
        _forge(record(project), publish, old if seal == "keep" else seal)
        assert render(run, project, site) == (CH_DE, PLANS - CH_DE), seal
        assert "(neu)" not in (site / f"ch/de/{ARTICLE}.html").read_text(encoding="utf-8")
        assert any("not approved" in r for r in withheld(site, "de-CH", ARTICLE))
    record(project).write_bytes(record(project).read_bytes()[:200])  # truncated
    assert render(run, project, site) == (CH_DE, PLANS - CH_DE)
    assert render(run, project, site) == (0, PLANS)  # and written anew
    assert files(site) == cold_site(project, tmp_path)


def test_without_a_trustworthy_key_there_is_no_plan_cache(
    project: Path, run: Runner, tmp_path: Path, monkeypatch: object
) -> None:
    key = tmp_path / "open-key"
    key.write_bytes(b"k" * 32)
    key.chmod(0o644)  # readable by others: not trusted
    monkeypatch.setenv("I18N_CACHE_KEY", str(key))  # type: ignore[attr-defined]
    site = tmp_path / "site"
    assert render(run, project, site) == (PLANS, 0)
    assert render(run, project, site) == (PLANS, 0)
    assert not record(project).exists()
    assert not (project / ".cache" / "i18n" / "plan").exists()


def git(root: Path, *args: str, when: str | None = None) -> None:
    ident = ["-c", "user.name=T", "-c", "user.email=t@example.invalid"]
    env = {**os.environ, "GIT_COMMITTER_DATE": when} if when else None
    subprocess.run(
        ["git", "-C", str(root), *ident, *args], check=True, capture_output=True, env=env
    )


def test_an_outdated_page_is_replanned_when_its_history_changes(
    project: Path, run: Runner, tmp_path: Path
) -> None:
    dvt = "understanding-deep-vein-thrombosis"
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "sample")
    path = project / "source" / "articles" / f"{dvt}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("risk rises with age.", "risk rises with age, too.", 1))
    for step in ("extract", "update"):
        assert run(project, step).exit_code == 0
    git(project, "commit", "-qam", "typo")
    site = tmp_path / "site"
    assert render(run, project, site)[0] == PLANS
    assert kind(site, f"ca/fr/{dvt}.html") == "article"  # outdated, kept
    assert render(run, project, site) == (0, PLANS)
    assert files(site) == cold_site(project, tmp_path)
    # the new English committed on another day: the notice's date of the update changes
    git(project, "commit", "-q", "--amend", "--no-edit", when="2026-11-02T12:00:00+00:00")
    made, reused = render(run, project, site)
    assert 0 < made < PLANS and made + reused == PLANS
    assert files(site) == cold_site(project, tmp_path)
    # without the history the earlier version cannot be read: those plans are made again
    shutil.rmtree(project / ".git")
    made, reused = render(run, project, site)
    assert 0 < made < PLANS and made + reused == PLANS
    assert kind(site, f"ca/fr/{dvt}.html") == "unavailable"
    assert files(site) == cold_site(project, tmp_path)


def test_plans_hold_one_language_at_a_time(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The render plans one language at a time and releases its catalogs and ledgers before
    the next: at each release the store holds that language's locales only, and the plans
    keep the countries' order."""
    held: list[tuple[str, set[str]]] = []
    real = CatalogStore.release

    def release(self: CatalogStore, language: str) -> None:
        held.append((language, {loc.split("_")[0] for loc, _ in self._po}))
        real(self, language)
        assert not any(loc.split("_")[0] == language for loc, _ in self._po)

    monkeypatch.setattr(CatalogStore, "release", release)
    p = Project(project)
    countries = load_countries(p)
    plan = plan_site(p, load_articles(p.root), countries, p.settings.today())
    assert [lp.folder for lp in plan.locales] == [
        f"{c.slug}/{lang}" for c in countries for lang in c.languages
    ]
    assert len(held) > 2
    for language, languages in held:
        assert languages <= {language}, (language, languages)


# --- a render holds the texts of the pages it builds, not the library's ---------------------


def _translated(result: RenderResult) -> list[ArticlePlan]:
    return [ap for lp in result.plan.locales if not lp.source for ap in lp.articles.values()]


def test_planned_locales_keep_their_texts_only_in_the_cache(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once a locale is planned, its article plans hold no texts or approval hashes in
    memory: they are in its texts file, read again by the pages that show them and released
    after. The site is the one a render that keeps every text in memory writes."""
    held: list[str] = []
    real = PlanCache.planned

    def planned(self: PlanCache, lp: LocalePlan) -> None:
        real(self, lp)
        held.extend(f"{lp.folder}/{s}" for s, ap in lp.articles.items() if ap._hashes)

    monkeypatch.setattr(PlanCache, "planned", planned)
    for _ in range(2):  # every plan made, then every plan from the cache
        shutil.rmtree(project / "site", ignore_errors=True)
        result = render_site(Project(project), today=dt.date.fromisoformat(TODAY))
        plans = _translated(result)
        assert held == [] and plans and result.built > 0
        # after the pages and the manifest, nothing is held in the parent either
        assert all(ap.stored is not None and ap.by_index is not None for ap in plans)
        assert not any(ap._hashes or ap._texts or ap.by_index[0] for ap in plans)  # type: ignore[index]
    stowed = files(project / "site")
    # the same render with every text kept in memory once read
    monkeypatch.setattr(ArticlePlan, "forget", lambda self: None)
    shutil.rmtree(project / ".cache" / "i18n" / "plan")
    kept = render_site(Project(project), out=tmp_path / "kept", today=dt.date.fromisoformat(TODAY))
    assert kept.reused == 0 and all(ap._hashes for ap in _translated(kept) if ap.ok)
    assert files(tmp_path / "kept") == stowed
    # a stowed plan read back gives the texts the planning made
    again = render_site(Project(project), today=dt.date.fromisoformat(TODAY), dry_run=True)
    for lp, cold in zip(result.plan.locales, kept.plan.locales, strict=True):
        for slug, ap in lp.articles.items():
            assert ap.texts == cold.articles[slug].texts, (lp.folder, slug)
            assert ap.hashes == cold.articles[slug].hashes, (lp.folder, slug)
    assert again.reused == PLANS


def test_a_language_s_batches_read_each_texts_file_once(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of pages keep the texts of their own locales for the next batch (of the same
    language, most often) and release the others': with every page to build from cached
    plans, in one process, each locale's texts file is read once by the pages (and once by
    the manifest), and no plan holds texts once the render is done."""
    render_site(Project(project), today=dt.date.fromisoformat(TODAY))
    shutil.rmtree(project / "site")
    reads: list[str] = []
    real = Shard.stored_texts

    def stored_texts(self: Shard, name: str) -> Any:
        if self.stored is None:
            reads.append(self.texts_path.name)
        return real(self, name)

    monkeypatch.setattr(Shard, "stored_texts", stored_texts)
    monkeypatch.setattr(site_module, "workers_for", lambda n: 1)
    real_batches = site_module._batches
    cut: list[int] = []

    def batches(*args: Any) -> Any:
        got = real_batches(*args)
        cut.append(len(got))
        return got

    monkeypatch.setattr(site_module, "_batches", batches)
    result = render_site(Project(project), today=dt.date.fromisoformat(TODAY))
    assert result.reused == PLANS and result.built > 0 and cut[0] > 3
    translated = {f"{lp.folder.replace('/', '-')}.texts.json" for lp in result.plan.locales}
    translated = {name for name in translated if name in reads}
    assert len(translated) > 5
    assert sorted(reads) == sorted([*translated, *translated])  # pages, then the manifest
    plans = _translated(result)
    assert not any(ap._hashes or ap._texts or ap.by_index[0] for ap in plans)  # type: ignore[index]


def test_texts_changed_during_the_render_stop_it(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A texts file rewritten after its locale was planned (another process writing into
    .cache/) is never read as the plan's: the render stops, names the file, and the next
    render plans that locale afresh."""
    texts = record(project).with_suffix(".texts.json")
    real = site_module.write_pages

    def write_pages(*args: Any, **kwargs: Any) -> Any:
        raw = json.loads(texts.read_text(encoding="utf-8"))
        texts.write_text(json.dumps(raw, indent=1), encoding="utf-8")  # same JSON, other bytes
        return real(*args, **kwargs)

    monkeypatch.setattr(site_module, "write_pages", write_pages)
    with pytest.raises(I18nError, match=r"ch-de\.texts\.json changed during the render"):
        render_site(Project(project), today=dt.date.fromisoformat(TODAY))
    assert not texts.exists() and not record(project).exists()
    monkeypatch.setattr(site_module, "write_pages", real)
    result = render_site(Project(project), today=dt.date.fromisoformat(TODAY))
    assert (result.planned, result.reused) == (CH_DE, PLANS - CH_DE)
    assert texts.exists()


def test_page_batches_keep_a_language_together(project: Path) -> None:
    """The pages are built in batches of a few languages each: an article's pages in every
    locale of a language in one batch, a language's pages in batches that follow one
    another (each reads its locales' texts once), and within a batch article by article
    (its body parsed once per text its pages show)."""
    p = Project(project)
    plan = plan_site(p, load_articles(p.root), load_countries(p), p.settings.today())
    pages = Pages(p, plan, p.settings.site_url)
    jobs = page_jobs(pages, {lp.country.code for lp in plan.locales})
    batches = _batches(jobs, 6, plan.locales)
    assert sorted(job for batch in batches for job in batch) == sorted(jobs)

    def language(job: PageJob) -> str:
        return plan.locales[job[1]].locale.split("_")[0]

    where: dict[tuple[str, str | None], set[int]] = {}
    spans: dict[str, set[int]] = {}
    for n, batch in enumerate(batches):
        for job in batch:
            if job[2] == "article":
                where.setdefault((language(job), job[3]), set()).add(n)
            spans.setdefault(language(job), set()).add(n)
    assert where and all(len(found) == 1 for found in where.values())
    assert len({lp.country.code for lp in plan.locales if lp.language == "de"}) > 1
    for found in spans.values():  # each language's batches follow one another
        assert max(found) - min(found) == len(found) - 1
    for batch in batches:  # within a batch, article by article (one parse per text)
        slugs = [job[3] or "" for job in batch]
        assert slugs == sorted(slugs)


def test_a_render_stopped_by_bad_input_leaves_the_plan_cache_as_it_was(
    project: Path, run: Runner, tmp_path: Path
) -> None:
    """Planning saves each locale as it goes; a render that then stops on bad input (here
    an unsafe picture, found once every locale is planned) puts every shard and texts file
    back as it found them, and the next render plans what changed, once."""
    site = tmp_path / "site"
    render(run, project, site)
    entry = approved_entry(project)
    set_msgstr(project, "de", ARTICLE, entry.msgid, entry.msgstr + " (neu)", approve_it=True)
    folder = project / ".cache" / "i18n" / "plan"
    before = files(folder)
    (project / "source" / "images" / "bad.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        encoding="utf-8",
    )
    stopped = run(project, "render", "--today", TODAY, "--out", str(site))
    assert stopped.exit_code == 2 and "unsafe SVG" in stopped.output, stopped.output
    assert files(folder) == before
    (project / "source" / "images" / "bad.svg").unlink()
    assert render(run, project, site) == (GERMAN, PLANS - GERMAN)
    assert not list(folder.rglob("*.bak"))
