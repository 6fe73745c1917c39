"""What ``i18n check`` keeps of each rendered page (i18n.pipeline.check.pagecache): a check
that reads the record reports byte for byte what ``check --cold`` does, after an edited page,
catalog or ledger line; a record this machine did not seal, or a truncated one, is not
read; ``--cold`` reads and writes none."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polib
import pytest
from conftest import Runner, copy_project

from i18n.formats.localkey import seal

PAGE = "site/de/de/mechanical-thrombectomy-for-dvt.html"
CLAIM = "<p>Die Behandlung heilt g\u00adarantiert.</p>"  # a soft hyphen hides the claim


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from i18n.cli import cli

    root = copy_project(tmp_path_factory.mktemp("checkcache") / "proj")
    result = CliRunner().invoke(cli, ["render", "--project", str(root)])
    assert result.exit_code == 0 and (root / PAGE).is_file(), result.output
    return root


@pytest.fixture
def site(rendered: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(rendered, tmp_path / "proj"))


def record(root: Path) -> Path:
    return root / ".cache" / "i18n" / "check" / "pages.json"


def check(run: Runner, root: Path, *more: str) -> str:
    res = run(root, "check", "--format", "json", *more)
    assert res.exit_code in (0, 1), res.output
    return res.stdout


def same_warm_and_cold(run: Runner, root: Path) -> str:
    """The warm report (the record read, written when something changed) equals the cold one
    and a second warm one, byte for byte."""
    warm = check(run, root)
    assert record(root).is_file()
    assert check(run, root, "--cold") == warm == check(run, root)
    return warm


def findings(report: str) -> list[str]:
    data = json.loads(report)
    codes = [f["code"] for f in data["general"]]
    return codes + [f["code"] for c in data["countries"] for f in c["findings"]]


def test_warm_and_cold_agree_after_a_page_a_catalog_and_a_ledger_line_change(
    site: Path, run: Runner
) -> None:
    clean = same_warm_and_cold(run, site)
    assert "claim-page" not in findings(clean)

    page = site / PAGE  # a claim hidden by an invisible character: the page is read again
    html = page.read_text("utf-8")
    page.write_text(html.replace("</main>", CLAIM + "</main>", 1), "utf-8")
    claimed = same_warm_and_cold(run, site)
    assert "claim-page" in findings(claimed)

    # a look-alike letter (Cyrillic а) in the disclaimer: the same length, another byte
    assert "Diese Informationen" in html
    page.write_text(html.replace("Diese Informationen", "Diese Inform\u0430tionen", 1), "utf-8")
    altered = same_warm_and_cold(run, site)
    assert "disclaimer-altered" in findings(altered) and "claim-page" not in findings(altered)

    page.write_text(html, "utf-8")
    assert same_warm_and_cold(run, site) == clean

    po_path = site / "locales" / "de" / "LC_MESSAGES" / "mechanical-thrombectomy-for-dvt.po"
    po = polib.pofile(str(po_path))
    entry = next(e for e in po if e.msgstr and not e.obsolete)
    entry.msgstr += " geändert"
    po.save()
    catalog = same_warm_and_cold(run, site)
    assert catalog != clean

    ledger = site / "locales" / "de" / "approvals.jsonl"
    lines = ledger.read_text("utf-8").splitlines()
    i = next(n for n, line in enumerate(lines) if '"signature"' in line)
    event = json.loads(lines[i])
    event["msgstr"] = event.get("msgstr", "") + " (edited)"
    lines[i] = json.dumps(event, ensure_ascii=False, sort_keys=True)
    ledger.write_text("\n".join(lines) + "\n", "utf-8")
    edited = same_warm_and_cold(run, site)
    assert "ledger-bad-signature" in findings(edited) and edited != catalog


def _forge(root: Path, secret: bytes | None) -> None:
    """The record with every page's forbidden wording forgotten, its digest a plain checksum
    (None) or sealed with ``secret``."""
    path = record(root)
    data = json.loads(path.read_bytes())
    for entry in data["entries"]["pages"].values():
        entry[2][3] = []
    canonical = json.dumps(data["entries"], sort_keys=True).encode()
    data["digest"] = seal(secret, canonical) if secret else hashlib.sha256(canonical).hexdigest()
    path.write_text(json.dumps(data), encoding="utf-8")


def test_a_forged_or_truncated_record_is_not_read(site: Path, run: Runner) -> None:
    page = site / PAGE
    page.write_text(page.read_text("utf-8").replace("</main>", CLAIM + "</main>", 1), "utf-8")
    first = check(run, site)
    assert "claim-page" in findings(first)

    believed = _only_the_seal_guards(run, site, first, _forge, record(site))
    assert "claim-page" not in findings(believed)


def test_check_cold_reads_and_writes_no_page_record(site: Path, run: Runner) -> None:
    shutil.rmtree(site / ".cache", ignore_errors=True)
    cold = check(run, site, "--cold")
    assert not record(site).exists() and not plans(site).exists()
    assert check(run, site) == cold and record(site).is_file() and plans(site).is_dir()
    mtime = record(site).stat().st_mtime_ns
    page = site / PAGE
    page.write_text(page.read_text("utf-8").replace("</main>", CLAIM + "</main>", 1), "utf-8")
    assert "claim-page" in findings(check(run, site, "--cold"))
    assert record(site).stat().st_mtime_ns == mtime  # nothing written
    shutil.rmtree(plans(site))
    check(run, site, "--cold")
    assert not plans(site).exists()


def _forge_locale(root: Path, locale: str, secret: bytes | None) -> None:
    """The locale's kept result with its QA counts gone, its digest a plain checksum (None)
    or sealed with ``secret``."""
    path = root / ".cache" / "i18n" / "check" / "locales" / f"{locale}.json"
    data = json.loads(path.read_bytes())
    data["entries"]["result"]["qa"] = {}
    canonical = json.dumps(data["entries"], sort_keys=True).encode()
    data["digest"] = seal(secret, canonical) if secret else hashlib.sha256(canonical).hexdigest()
    path.write_text(json.dumps(data), encoding="utf-8")


def test_a_forged_locale_record_is_not_read(site: Path, run: Runner) -> None:
    first = check(run, site)
    assert json.loads(first)["translation_qa"]["de"]["entries"] > 0
    _forge_locale(site, "de", None)
    assert check(run, site) == first
    _forge_locale(site, "de", b"x" * 32)
    assert check(run, site) == first
    # sealed with this machine's key, it is believed (the seal is the guard); --cold is not
    _forge_locale(site, "de", Path(os.environ["I18N_CACHE_KEY"]).read_bytes())
    assert "de" not in json.loads(check(run, site))["translation_qa"]
    assert check(run, site, "--cold") == first


def plans(root: Path) -> Path:
    """The check's own plan cache (never the render's, ``.cache/i18n/plan/``)."""
    return root / ".cache" / "i18n" / "check" / "plan"


def test_warm_and_cold_agree_after_a_country_file_and_a_forged_ledger_line(
    site: Path, run: Runner
) -> None:
    clean = same_warm_and_cold(run, site)
    assert (plans(site) / "de-de.json").is_file()

    country = site / "source" / "countries" / "de.yaml"
    text = country.read_text("utf-8")
    assert "mantis: {status: available}" in text  # named by the article of PAGE
    country.write_text(text.replace("mantis: {status: available}", "mantis: {status: unavailable}"))
    unavailable = same_warm_and_cold(run, site)
    assert "withheld-published" in findings(unavailable)  # the article is withheld now
    country.write_text(text, "utf-8")
    assert same_warm_and_cold(run, site) == clean

    # a signed approval copied onto another text of the catalog: its signature is forged
    ledger = site / "locales" / "de" / "approvals.jsonl"
    lines = ledger.read_text("utf-8").splitlines()
    signed = [json.loads(line) for line in lines if '"signature"' in line]
    forged = dict(signed[0], hash=signed[1]["hash"], msgid=signed[1]["msgid"])
    forged["msgctxt"], forged["msgstr"] = signed[1].get("msgctxt"), signed[1].get("msgstr")
    ledger.write_text("\n".join([*lines, json.dumps(forged, ensure_ascii=False)]) + "\n", "utf-8")
    bad = same_warm_and_cold(run, site)
    assert "ledger-bad-signature" in findings(bad) and bad != clean


def _forge_plan(path: Path, slug: str, secret: bytes | None) -> None:
    """The shard with the plan of ``slug`` withheld for a reason no catalog gives, its
    digest a plain checksum (None) or sealed with ``secret``."""
    data = json.loads(path.read_bytes())
    name = next(n for n in data["entries"]["plans"] if n.endswith(f"/{slug}"))
    data["entries"]["plans"][name][1]["reasons"] = ["forged"]
    canonical = json.dumps(data["entries"], sort_keys=True).encode()
    data["digest"] = seal(secret, canonical) if secret else hashlib.sha256(canonical).hexdigest()
    path.write_text(json.dumps(data), encoding="utf-8")


def test_a_forged_or_truncated_plan_shard_is_not_read(site: Path, run: Runner) -> None:
    first = check(run, site)
    assert "withheld-published" not in findings(first)
    shard = plans(site) / "de-de.json"
    slug = Path(PAGE).stem
    _forge_plan(shard, slug, None)
    assert check(run, site) == first
    _forge_plan(shard, slug, b"x" * 32)
    assert check(run, site) == first
    data = shard.read_bytes()
    shard.write_bytes(data[: len(data) // 2])
    assert check(run, site) == first

    # sealed with this machine's key, the forged plan is believed (the seal is the guard):
    # the check takes its own plans; --cold does not
    key = Path(os.environ["I18N_CACHE_KEY"]).read_bytes()
    _forge_plan(shard, slug, key)
    assert "withheld-published" in findings(check(run, site))
    assert check(run, site, "--cold") == first


def test_the_check_never_takes_the_render_plans(site: Path, run: Runner) -> None:
    first = check(run, site, "--cold")
    rendered = site / ".cache" / "i18n" / "plan" / "publish" / "de-de.json"
    assert rendered.is_file()
    key = Path(os.environ["I18N_CACHE_KEY"]).read_bytes()
    _forge_plan(rendered, Path(PAGE).stem, key)  # what the render would believe
    assert check(run, site) == first
    shutil.copy(rendered, plans(site) / "de-de.json")  # nor in the check's own folder
    assert check(run, site) == first


def test_hreflang_links_are_kept_once_and_judged_every_run(site: Path, run: Runner) -> None:
    clean = same_warm_and_cold(run, site)
    data = json.loads(record(site).read_bytes())["entries"]
    used = [i for entry in data["pages"].values() for i in entry[2][2]]
    assert len(used) > 2 * len(data["links"])  # the siblings of an article share them
    assert sorted(set(used)) == list(range(len(data["links"])))

    page = site / PAGE  # one link names another language: the page is read again
    html = page.read_text("utf-8")
    own = [data["links"][i] for i in data["pages"][PAGE.removeprefix("site/")][2][2]]
    sibling = next(h for h in own if h[0] == "fr-FR")
    wrong = html.replace(
        f'hreflang="fr-FR" href="{sibling[1]}"', f'hreflang="it-IT" href="{sibling[1]}"'
    )
    assert wrong != html
    page.write_text(wrong, "utf-8")
    assert "hreflang-wrong" in findings(same_warm_and_cold(run, site))
    page.write_text(html, "utf-8")
    assert same_warm_and_cold(run, site) == clean

    # a sibling withdrawn (its file gone): every page linking to it is judged anew, warm too
    (site / "site" / sibling[2]).unlink()
    gone = same_warm_and_cold(run, site)
    assert "hreflang-broken" in findings(gone)


def test_a_record_whose_link_index_is_out_of_the_table_is_not_read(site: Path, run: Runner) -> None:
    first = check(run, site)
    path = record(site)
    data = json.loads(path.read_bytes())
    entries = data["entries"]
    entries["pages"][PAGE.removeprefix("site/")][2][2].append(len(entries["links"]) + 5)
    canonical = json.dumps(entries, sort_keys=True).encode()
    data["digest"] = seal(Path(os.environ["I18N_CACHE_KEY"]).read_bytes(), canonical)
    path.write_text(json.dumps(data), encoding="utf-8")
    assert check(run, site) == first == check(run, site, "--cold")


def claims_record(root: Path) -> Path:
    """The parent's kept claim scans (i18n.pipeline.check.claimcache)."""
    return root / ".cache" / "i18n" / "check" / "claims.json"


def claims_of(report: str, country: str, code: str) -> list[str]:
    data = json.loads(report)
    card = next(c for c in data["countries"] if c["code"] == country)
    return [f["snippet"] for f in card["findings"] if f["code"] == code]


def _add_claim(root: Path, cc: str, lang: str, pattern: str) -> str:
    """Add ``pattern`` to the country's forbidden wording for ``lang``; the old text."""
    path = root / "source" / "countries" / f"{cc}.yaml"
    text = path.read_text("utf-8")
    head = f"  {lang}: ['"
    assert head in text
    path.write_text(text.replace(head, f"{head}{pattern}', '", 1), "utf-8")
    return text


def test_the_parent_claim_scans_are_kept_and_agree_with_cold(site: Path, run: Runner) -> None:
    clean = same_warm_and_cold(run, site)
    kept = json.loads(claims_record(site).read_bytes())["entries"]["pairs"]
    assert {"CH de", "US en"} <= set(kept)  # de_CH reads de_CH and de; en is the source
    assert "CH de" not in json.loads((site / ".cache/i18n/check/locales/de.json").read_text())

    # a changed claim list: approved German text of de-CH (much of it de's) now matches
    before = _add_claim(site, "ch", "de", r"\bdie\b")
    listed = same_warm_and_cold(run, site)
    hits = claims_of(listed, "CH", "claim-translation")
    assert hits and not claims_of(clean, "CH", "claim-translation")

    # a German text that matched, changed in de's catalog (de-CH falls back to it): its
    # approval is void, its wording no longer published; the kept scan of CH de is not used
    po_path = site / "locales" / "de" / "LC_MESSAGES" / "mechanical-thrombectomy-for-dvt.po"
    po = polib.pofile(str(po_path))
    entry = next(e for e in po if " die " in f" {e.msgstr} " and not e.obsolete and not e.fuzzy)
    entry.msgstr = entry.msgstr.replace("die", "d\u0456e")  # a look-alike (Cyrillic і)
    po.save()
    changed = same_warm_and_cold(run, site)
    assert len(claims_of(changed, "CH", "claim-translation")) < len(hits)

    # a claim hidden in the English source by an invisible character (US scans the source)
    (site / "source" / "countries" / "ch.yaml").write_text(before, "utf-8")
    article = site / "source" / "articles" / "mechanical-thrombectomy-for-dvt.md"
    text = article.read_text("utf-8")
    article.write_text(text.rstrip("\n") + "\n\nThis c\u00adures DVT.\n", "utf-8")
    source = same_warm_and_cold(run, site)
    assert any("cures DVT" in s for s in claims_of(source, "US", "claim-source"))


def _forge_claims(root: Path, secret: bytes | None) -> None:
    """The kept scans with every finding forgotten, the digest a plain checksum (None) or
    sealed with ``secret``."""
    path = claims_record(root)
    data = json.loads(path.read_bytes())
    for kept in data["entries"]["pairs"].values():
        kept[1] = []
    canonical = json.dumps(data["entries"], sort_keys=True).encode()
    data["digest"] = seal(secret, canonical) if secret else hashlib.sha256(canonical).hexdigest()
    path.write_text(json.dumps(data), encoding="utf-8")


def _only_the_seal_guards(
    run: Runner, site: Path, first: str, forge: Callable[[Path, bytes | None], None], record: Path
) -> str:
    """A record forged with a plain checksum or another key, or truncated, changes nothing:
    the check reports ``first`` again. Forged and sealed with this machine's key, it is
    believed (the seal is the guard): that report is returned; ``--cold`` still reports
    ``first``."""
    for key in (None, b"x" * 32):
        forge(site, key)
        assert check(run, site) == first
    data = record.read_bytes()
    record.write_bytes(data[: len(data) // 2])
    assert check(run, site) == first
    forge(site, Path(os.environ["I18N_CACHE_KEY"]).read_bytes())
    believed = check(run, site)
    assert check(run, site, "--cold") == first
    return believed


def test_a_forged_or_truncated_claim_record_is_not_read(site: Path, run: Runner) -> None:
    _add_claim(site, "ch", "de", r"\bdie\b")
    first = check(run, site)
    assert claims_of(first, "CH", "claim-translation")
    believed = _only_the_seal_guards(run, site, first, _forge_claims, claims_record(site))
    assert not claims_of(believed, "CH", "claim-translation")
    shutil.rmtree(site / ".cache" / "i18n" / "check")
    check(run, site, "--cold")
    assert not claims_record(site).exists()


def sitemap_record(root: Path) -> Path:
    """The addresses kept of the sitemap (i18n.pipeline.check.sitemapcache)."""
    return root / ".cache" / "i18n" / "check" / "sitemap.json"


def test_the_sitemap_is_kept_by_its_bytes_and_judged_every_run(site: Path, run: Runner) -> None:
    clean = same_warm_and_cold(run, site)
    kept = json.loads(sitemap_record(site).read_bytes())["entries"]
    sitemap = site / "site" / "de" / "de" / "sitemap.xml"
    assert {"sitemap.xml", "sitemap-root.xml", "de/de/sitemap.xml"} <= set(kept)
    german = kept["de/de/sitemap.xml"]
    assert german["sha256"] == hashlib.sha256(sitemap.read_bytes()).hexdigest()
    own = "mechanical-thrombectomy-for-dvt.html"
    assert any(href.endswith(f"/de/de/{own}") for href, _ in german["listed"])

    # a look-alike letter in one address (Cyrillic е): parsed again, the address is broken
    xml = sitemap.read_text("utf-8")
    sitemap.write_text(xml.replace(f"/de/de/{own}", f"/d\u0435/de/{own}", 1), "utf-8")
    assert "sitemap-broken" in findings(same_warm_and_cold(run, site))
    sitemap.write_text(xml, "utf-8")
    assert same_warm_and_cold(run, site) == clean

    # the sitemap unchanged, a page it lists gone: judged afresh from the kept addresses
    page = (site / PAGE).read_bytes()
    (site / PAGE).unlink()
    assert "sitemap-broken" in findings(same_warm_and_cold(run, site))
    (site / PAGE).write_bytes(page)

    # the sitemap unchanged, a country now professional: its pages must not be listed
    country = site / "source" / "countries" / "de.yaml"
    text = country.read_text("utf-8")
    country.write_text(text.replace("audience: public", "audience: professional"), "utf-8")
    assert "sitemap-noindex" in findings(same_warm_and_cold(run, site))
    country.write_text(text, "utf-8")
    assert same_warm_and_cold(run, site) == clean

    # not well-formed: reported every time, warm or cold; the record is left as it was
    before = sitemap_record(site).read_bytes()
    sitemap.write_text(xml.replace("</urlset>", "</urlse>"), "utf-8")
    assert "sitemap-unparsable" in findings(same_warm_and_cold(run, site))
    assert sitemap_record(site).read_bytes() == before


def _forge_sitemap(root: Path, secret: bytes | None) -> None:
    """The kept addresses with a look-alike one in place of the first, the digest a plain
    checksum (None) or sealed with ``secret``."""
    path = sitemap_record(root)
    data = json.loads(path.read_bytes())
    for x in data["entries"]["de/de/sitemap.xml"]["listed"]:
        x[0] = x[0].replace("\u0435", "e")
    canonical = json.dumps(data["entries"], sort_keys=True).encode()
    data["digest"] = seal(secret, canonical) if secret else hashlib.sha256(canonical).hexdigest()
    path.write_text(json.dumps(data), encoding="utf-8")


def test_a_forged_or_truncated_sitemap_record_is_not_read(site: Path, run: Runner) -> None:
    sitemap = site / "site" / "de" / "de" / "sitemap.xml"
    xml = sitemap.read_text("utf-8")
    own = "mechanical-thrombectomy-for-dvt.html"
    sitemap.write_text(xml.replace(f"/de/de/{own}", f"/d\u0435/de/{own}", 1), "utf-8")
    first = check(run, site)
    assert "sitemap-broken" in findings(first)
    believed = _only_the_seal_guards(run, site, first, _forge_sitemap, sitemap_record(site))
    assert "sitemap-broken" not in findings(believed)


def articles_record(root: Path) -> Path:
    return root / ".cache" / "i18n" / "check" / "articles.json"


def _forge_hosts(root: Path, secret: bytes | None) -> None:
    """The check's record of article bodies with every link host forgotten, its digest a
    plain checksum (None) or sealed with ``secret``."""
    path = articles_record(root)
    data = json.loads(path.read_bytes())
    for entry in data["entries"].values():
        entry[2] = []
    canonical = json.dumps(data["entries"], sort_keys=True).encode()
    data["digest"] = seal(secret, canonical) if secret else hashlib.sha256(canonical).hexdigest()
    path.write_text(json.dumps(data), encoding="utf-8")


def test_a_warm_check_parses_no_article_body(
    site: Path, run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bodies the check's own record vouches for are not parsed: the links' hosts (the
    hosts a page may link to) come from the record, and each catalog's QA reads its
    article's link definitions only when it checks that catalog."""
    from i18n.formats import article as article_format
    from i18n.pipeline.check import locales as check_locales

    monkeypatch.setattr(check_locales, "workers_for", lambda items: 1)  # parses counted here
    first = same_warm_and_cold(run, site)
    assert json.loads(articles_record(site).read_bytes())["entries"]
    article_format.PARSED.clear()
    assert check(run, site) == first
    assert article_format.PARSED == []

    qa = site / ".cache" / "i18n" / "check" / "locales" / "de.json"
    qa.unlink()  # de's QA runs again: it reads the links of de's articles at most
    assert check(run, site) == first
    assert article_format.PARSED
    assert set(article_format.PARSED) <= {
        f"source/articles/{p.stem}.md"
        for p in (site / "locales" / "de" / "LC_MESSAGES").glob("*.po")
        if p.stem != "site"
    }


def test_an_article_linking_a_new_host_is_read_again(site: Path, run: Runner) -> None:
    """A new link in the English is allowed at once: the record keeps hosts by the source's
    SHA-256, so the changed article is parsed and its hosts are the cold check's."""
    same_warm_and_cold(run, site)
    path = site / "source" / "articles" / "post-thrombotic-syndrome.md"
    text = path.read_text("utf-8")
    path.write_text(text + "\nSee the [registry](https://registry.example.org/pts).\n", "utf-8")
    assert run(site, "render").exit_code == 0
    pages = [p for p in (site / "site").rglob("post-thrombotic-syndrome.html")]
    assert any("registry.example.org" in p.read_text("utf-8") for p in pages)
    warm = same_warm_and_cold(run, site)
    assert "link-foreign" not in findings(warm)


def test_a_forged_article_record_is_not_read(site: Path, run: Runner) -> None:
    first = same_warm_and_cold(run, site)
    assert "link-foreign" not in findings(first)
    believed = _only_the_seal_guards(run, site, first, _forge_hosts, articles_record(site))
    assert "link-foreign" in findings(believed)


def drifted_catalogs(report: str) -> list[str]:
    general = json.loads(report)["general"]
    return [f["path"] for f in general if f["code"] == "plural-forms-differ"]


def test_plural_headers_are_kept_by_the_catalogs_bytes(site: Path, run: Runner) -> None:
    """Each catalog's Plural-Forms is kept by its bytes' SHA-256 (known from its stat): a
    header changed, even with the file's size and mtime put back, is read again; a forged
    record is not read."""
    first = same_warm_and_cold(run, site)
    assert "locales/de/LC_MESSAGES/site.po" not in drifted_catalogs(first)
    headers = site / ".cache" / "i18n" / "check" / "plurals.json"
    assert json.loads(headers.read_bytes())["entries"]

    po = site / "locales" / "de" / "LC_MESSAGES" / "site.po"
    text = po.read_bytes()
    old = b"plural=(n != 1);"
    assert old in text
    st = po.stat()
    po.write_bytes(text.replace(old, b"plural=(n >= 2);"))  # the same size: n=0 singular
    os.utime(po, ns=(st.st_atime_ns, st.st_mtime_ns))
    drifted = same_warm_and_cold(run, site)
    assert "locales/de/LC_MESSAGES/site.po" in drifted_catalogs(drifted)

    data = json.loads(headers.read_bytes())
    for entry in data["entries"].values():
        entry[0] = None  # "no Plural-Forms header": nothing would be compared
    canonical = json.dumps(data["entries"], sort_keys=True).encode()
    data["digest"] = hashlib.sha256(canonical).hexdigest()
    headers.write_text(json.dumps(data), encoding="utf-8")
    assert check(run, site) == drifted


def test_a_page_rewritten_with_its_size_and_mtime_kept_is_read_again(
    site: Path, run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The site's pages are known by their stat (``.cache/i18n/check/site-files.json``): a
    warm check reads none, and a claim written into a page with the page's size and mtime
    put back is found, since the page's change time moved."""
    from i18n.formats import filedigests
    from i18n.formats.filedigests import FileDigests

    monkeypatch.setattr(filedigests, "SETTLED_NS", 0)  # pages written now count as settled
    opened: list[FileDigests] = []
    real_open = FileDigests.open

    def spy(*args: Any, **kwargs: Any) -> FileDigests:
        opened.append(real_open(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(FileDigests, "open", staticmethod(spy))
    first = same_warm_and_cold(run, site)
    opened.clear()
    assert check(run, site) == first
    (pages,) = [d for d in opened if d.root == site / "site"]
    assert pages.reads == 0 and len(pages.entries) > 40

    path = site / PAGE
    html = path.read_bytes()
    word = re.search(rb"<p>[^<]*?\b([A-Za-z]{10})\b", html)
    assert word is not None
    st = path.stat()
    claimed = html[: word.start(1)] + b"garantiert" + html[word.end(1) :]
    time.sleep(0.01)  # past the file system's clock tick
    path.write_bytes(claimed)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size
    warm = same_warm_and_cold(run, site)
    assert "claim-page" in findings(warm)


def test_a_cache_that_cannot_be_written_changes_no_report(
    site: Path, run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only checkout (tests run as root, so the writes are made to fail): the check
    reports what it reports with its records, and says nothing of the cache."""
    from i18n.formats import runcache

    first = same_warm_and_cold(run, site)
    shutil.rmtree(site / ".cache" / "i18n" / "check")

    def refuse(self: object, entries: object) -> None:
        raise PermissionError(13, "Read-only file system")

    monkeypatch.setattr(runcache.RunRecord, "save", refuse)
    assert check(run, site) == first
