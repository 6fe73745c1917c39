"""A locale whose inputs are unchanged is not opened (i18n/pipeline/publish/localedigest.py):
its plans come from its own shard of the plan cache, and none of its catalogs or ledgers is
read. Which locales a render opened is what it reports (``RenderResult.opened``, and the
catalog locales it read, ``plan.read``); every render here also writes the bytes a cold render
writes. On copies of the sample."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import Runner
from test_plan_cache import git
from test_render import set_msgstr
from test_render_cache import ARTICLE, approved_entry, cold_site, edit_yaml, files, render

from i18n.errors import I18nError
from i18n.formats.country import load_countries
from i18n.model.locale import fallback_chain
from i18n.pipeline.publish import gate
from i18n.pipeline.publish.plancache import PlanCache, Shard
from i18n.pipeline.publish.site import RenderResult
from i18n.project import Project

GERMAN = {"be/de", "ch/de", "de/de"}  # the locales whose chain reads de
SHARD_FILES = (".json", ".texts.json")  # a locale's plans, and their texts
SWISS = {"ch/de", "ch/fr", "ch/it"}


def every_locale(root: Path) -> set[str]:
    return {f"{c.slug}/{lang}" for c in load_countries(Project(root)) for lang in c.languages}


def chains(result: RenderResult, folders: set[str]) -> set[str]:
    """The catalog locales the chains of ``folders``' locales read."""
    return {
        loc
        for lp in result.plan.locales
        if lp.folder in folders
        for loc in fallback_chain(lp.locale)
    }


def shard(root: Path, name: str) -> Path:
    return root / ".cache" / "i18n" / "plan" / "publish" / f"{name}.json"


def test_an_unchanged_site_opens_no_locale(project: Path, tmp_path: Path) -> None:
    first = render(project)
    assert set(first.opened) == every_locale(project)
    again = render(project)
    assert again.opened == []
    assert again.plan.read == set()  # no catalog, no ledger was read
    assert (again.planned, again.reused) == (0, first.planned)
    assert files(project / "site") == cold_site(project, tmp_path)


def test_one_german_string_opens_the_german_chain_only(project: Path, tmp_path: Path) -> None:
    render(project)
    before = {p.name: p.stat().st_mtime_ns for p in shard(project, "x").parent.iterdir()}
    entry = approved_entry(project)
    set_msgstr(project, "de", ARTICLE, entry.msgid, entry.msgstr + " (neu)", approve_it=True)
    result = render(project)
    assert set(result.opened) == GERMAN
    assert result.plan.read <= chains(result, GERMAN)
    assert result.planned == len(GERMAN)  # the one article, in each of them
    assert "(neu)" in (project / "site" / f"ch/de/{ARTICLE}.html").read_text(encoding="utf-8")
    after = {p.name: p.stat().st_mtime_ns for p in shard(project, "x").parent.iterdir()}
    assert {name for name in after if after[name] != before[name]} == {
        f"{folder}{suffix}" for folder in ("be-de", "ch-de", "de-de") for suffix in SHARD_FILES
    }  # only the shards of the locales opened (and their texts) are written again
    assert files(project / "site") == cold_site(project, tmp_path)


def test_people_yaml_opens_every_locale(project: Path, tmp_path: Path) -> None:
    render(project)
    path = project / "source" / "people.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    result = render(project)
    assert set(result.opened) == every_locale(project)
    assert result.planned == 0  # each plan's own inputs are unchanged: taken by its key
    assert files(project / "site") == cold_site(project, tmp_path)


def test_a_country_file_opens_that_countrys_locales(project: Path, tmp_path: Path) -> None:
    render(project)
    edit_yaml(project, "ch.yaml", "reference: CH-2026-003", "reference: CH-2026-103")
    result = render(project)
    assert set(result.opened) == SWISS
    assert result.plan.read <= chains(result, SWISS)
    assert "CH-2026-103" in (project / "site" / f"ch/de/{ARTICLE}.html").read_text("utf-8")
    assert files(project / "site") == cold_site(project, tmp_path)


def test_a_template_opens_every_locale(project: Path, tmp_path: Path) -> None:
    render(project)
    templates = project / "templates"
    shutil.copytree(Project(project).templates_dir, templates)
    page = templates / "base.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("</main>", '<p>{{ _("A new string") }}</p></main>', 1))
    result = render(project)
    assert set(result.opened) == every_locale(project)
    assert files(project / "site") == cold_site(project, tmp_path)


@pytest.mark.parametrize("name", ["site", ARTICLE])
def test_a_catalog_swapped_for_a_link_to_the_same_bytes_is_refused(
    project: Path, tmp_path: Path, name: str
) -> None:
    """The digest of a locale's inputs says whether each catalog is a symbolic link: after
    a render that kept every plan, one swapped for a link to a copy of its very bytes opens
    the locale, and the read refuses the link (a cached plan would have trusted it)."""
    render(project)
    catalog = project / f"locales/de/LC_MESSAGES/{name}.po"
    outside = tmp_path / f"{name}.po"
    outside.write_bytes(catalog.read_bytes())
    catalog.unlink()
    catalog.symlink_to(outside)
    with pytest.raises(I18nError, match="is a symbolic link"):
        render(project)


def test_a_link_to_nothing_in_place_of_a_missing_catalog_is_refused(
    project: Path, tmp_path: Path
) -> None:
    """A link to nothing where a locale has no catalog (de_CH has none of its own for an
    article) is not "no catalog" to the digest of the locale's inputs: warm or cold, the
    render refuses the link."""
    render(project)
    catalog = project / "locales/de_CH/LC_MESSAGES/post-thrombotic-syndrome.po"
    assert not catalog.exists() and catalog.parent.is_dir()
    catalog.symlink_to(tmp_path / "nowhere.po")
    with pytest.raises(I18nError, match="is a symbolic link"):
        render(project)
    shutil.rmtree(project / ".cache" / "i18n" / "plan")
    with pytest.raises(I18nError, match="is a symbolic link"):
        render(project)


def test_a_forged_or_truncated_shard_replans_its_locale(project: Path, tmp_path: Path) -> None:
    entry = approved_entry(project)
    set_msgstr(project, "de", ARTICLE, entry.msgid, entry.msgstr + " (neu)")  # awaiting review
    render(project)
    path = shard(project, "ch-de")
    data = json.loads(path.read_bytes())
    plan = data["entries"]["plans"][f"ch/de/{ARTICLE}"][1]
    plan["reasons"], plan["unapproved"] = [], []  # the withheld page made to say "publish"
    path.write_text(json.dumps(data), encoding="utf-8")  # under the old seal
    result = render(project)
    assert result.opened == ["ch/de"]
    assert result.planned == 6  # its articles, planned afresh
    page = (project / "site" / f"ch/de/{ARTICLE}.html").read_text(encoding="utf-8")
    assert "(neu)" not in page
    path.write_bytes(path.read_bytes()[:100])
    assert render(project).opened == ["ch/de"]
    assert render(project).opened == []  # written anew
    assert files(project / "site") == cold_site(project, tmp_path)


def test_a_ledger_line_only_the_last_commit_has_opens_its_chain(
    project: Path, tmp_path: Path
) -> None:
    """The working tree's ledger is the one the last render read, but the last commit holds
    a line it lacks (deleted since): the approvals before it no longer hold, so the German
    locales are opened, and withheld as a cold render withholds them."""
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "sample")
    render(project)
    ledger = Project(project).ledger_path("de")
    kept = ledger.read_bytes()
    last = kept.rstrip(b"\n").rsplit(b"\n", 1)[-1]
    ledger.write_bytes(kept + last.replace(b'"hash": "', b'"hash": "f', 1) + b"\n")
    git(project, "commit", "-qam", "one more line")
    ledger.write_bytes(kept)  # the line deleted again, the file as the last render read it
    result = render(project)
    assert set(result.opened) == GERMAN
    assert files(project / "site") == cold_site(project, tmp_path)
    status = subprocess.run(
        ["git", "-C", str(project), "status", "--porcelain"], capture_output=True, text=True
    )
    assert "approvals.jsonl" in status.stdout


def test_a_ledger_that_warns_is_read_at_every_render(
    project: Path, run: Runner, tmp_path: Path
) -> None:
    """An unreadable ledger line is reported by every render, as a render without a cache
    reports it: the locale whose planning read it first is opened again each time."""
    ledger = Project(project).ledger_path("de")
    ledger.write_bytes(ledger.read_bytes() + b"not an event\n")
    out = tmp_path / "site"
    outputs = []
    for _ in range(2):
        result = run(project, "render", "--today", "2026-11-30", "--out", str(out))
        assert result.exit_code == 0, result.output
        outputs.append([line for line in result.output.splitlines() if "approvals.jsonl" in line])
    assert outputs[0] == outputs[1] != [], result.output
    again = render(project, out)
    assert again.opened == ["be/de"]  # the first locale whose chain reads de
    assert files(out) == cold_site(project, tmp_path)


def texts_file(root: Path, name: str) -> Path:
    """The file of a locale's plans' texts and approval hashes, beside its shard."""
    return shard(root, name).with_suffix(".texts.json")


def test_a_locale_whose_pages_are_kept_never_reads_its_texts(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    render(project)
    read: list[str] = []
    stored_texts = Shard.stored_texts

    def spy(self: Shard, name: str) -> tuple[list, list] | None:
        read.append(name)
        return stored_texts(self, name)

    monkeypatch.setattr(Shard, "stored_texts", spy)
    assert render(project).kept > 0
    assert read == []  # nothing changed: no locale read its texts
    (project / "site" / f"ch/de/{ARTICLE}.html").unlink()
    again = render(project)
    assert again.written == [f"ch/de/{ARTICLE}.html"]
    assert read and {name.rsplit("/", 1)[0] for name in read} == {"ch/de"}
    assert files(project / "site") == cold_site(project, tmp_path)


def test_a_forged_or_replayed_texts_file_replans_its_locale(project: Path, tmp_path: Path) -> None:
    """The texts of a locale's plans are taken only from the file its shard was saved with
    (by SHA-256): one edited under its old seal, or an older sealed one put back, makes the
    locale plan its articles afresh."""
    render(project)
    path = texts_file(project, "ch-de")
    older = path.read_bytes()
    data = json.loads(older)
    texts = data["entries"][f"ch/de/{ARTICLE}"][0]
    first = next(i for i, text in enumerate(texts) if text)
    texts[first] = "Forged text"
    path.write_text(json.dumps(data), encoding="utf-8")  # under the old seal
    result = render(project)
    assert (result.opened, result.planned) == (["ch/de"], 6)
    assert "Forged text" not in (project / "site" / f"ch/de/{ARTICLE}.html").read_text()
    entry = approved_entry(project)
    set_msgstr(project, "de", ARTICLE, entry.msgid, entry.msgstr + " (neu)", approve_it=True)
    render(project)
    path.write_bytes(older)  # sealed by this machine, but not the shard's texts any more
    result = render(project)
    assert result.opened == ["ch/de"] and result.planned > 0
    assert "(neu)" in (project / "site" / f"ch/de/{ARTICLE}.html").read_text(encoding="utf-8")
    assert files(project / "site") == cold_site(project, tmp_path)


@pytest.mark.parametrize("damage", ["forged", "deleted", "truncated"])
def test_a_damaged_texts_file_is_written_again_when_every_page_is_built(
    project: Path, tmp_path: Path, damage: str
) -> None:
    """A texts file damaged between two renders, with every page of its locale to build
    (the site removed): the locale plans afresh, its texts file is written again, and the
    pages show what a render without any cache writes."""
    render(project)
    path = texts_file(project, "ch-de")
    if damage == "forged":
        data = json.loads(path.read_bytes())
        texts = data["entries"][f"ch/de/{ARTICLE}"][0]
        texts[next(i for i, text in enumerate(texts) if text)] = "Forged text"
        path.write_text(json.dumps(data), encoding="utf-8")  # under the old seal
    elif damage == "deleted":
        path.unlink()
    else:
        path.write_bytes(path.read_bytes()[:100])
    shutil.rmtree(project / "site")
    result = render(project)
    assert (result.opened, result.planned) == (["ch/de"], 6)
    assert "Forged text" not in (project / "site" / f"ch/de/{ARTICLE}.html").read_text()
    assert files(project / "site") == cold_site(project, tmp_path)
    assert render(project).opened == []  # the shard and its texts file agree again


def spoil_after_planning(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once the render has saved its plans, change ch-de's texts file (another process
    writing into .cache/): same size, other bytes."""
    save = PlanCache.save

    def save_then_spoil(self: PlanCache) -> None:
        save(self)
        path = texts_file(project, "ch-de")
        path.write_bytes(path.read_bytes().replace(b'"', b"'", 1))

    monkeypatch.setattr(PlanCache, "save", save_then_spoil)


def test_texts_changed_during_a_render_stop_it(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The texts file is checked when the render begins; one changed after that (another
    process writing into .cache/) is never used: the render stops with the file's name
    before it writes a page, removes the locale's shard, and the next render plans the
    locale again."""
    render(project)
    page = project / "site" / f"ch/de/{ARTICLE}.html"
    kept = page.read_bytes()
    page.write_bytes(kept.replace(b"</main>", b"<p>edited</p></main>"))  # to be built again
    spoil_after_planning(project, monkeypatch)
    with pytest.raises(I18nError, match=r"ch-de\.texts\.json changed during the render"):
        render(project)
    assert b"<p>edited</p>" in page.read_bytes()  # nothing was written
    assert not texts_file(project, "ch-de").exists() and not shard(project, "ch-de").exists()
    monkeypatch.undo()
    assert render(project).opened == ["ch/de"]
    assert files(project / "site") == cold_site(project, tmp_path)


def test_texts_changed_before_the_pages_stop_the_render_before_any_page(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With every page to build (the site removed), the batches of other languages would
    write their pages before the one that reads a spoiled texts file stops: the texts
    files are checked before the first batch starts, so no page at all is written."""
    render(project)
    shutil.rmtree(project / "site")
    spoil_after_planning(project, monkeypatch)
    with pytest.raises(I18nError, match=r"ch-de\.texts\.json changed during the render"):
        render(project)
    assert not list((project / "site").glob("*/*/*.html"))


def test_a_kept_locale_takes_its_text_direction_from_its_shard(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Babel's locale data is loaded to know a locale's direction only when its shard does
    not hold it: an unchanged Arabic locale still renders right to left."""
    cold = cold_site(project, tmp_path)
    render(project)
    monkeypatch.setattr(gate, "_is_rtl", lambda locale: pytest.fail(f"asked Babel for {locale}"))
    result = render(project)
    assert result.opened == []
    assert files(project / "site") == cold
    assert '<html lang="ar-SA" dir="rtl"' in cold["sa/ar/index.html"].decode()
