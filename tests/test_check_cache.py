"""What ``i18n check`` keeps of each rendered page (i18n.pipeline.check.pagecache): a check
that reads the record reports byte for byte what ``check --cold`` does, after an edited page,
catalog or ledger line; a record this machine did not seal, or a truncated one, is not
read; ``--cold`` reads and writes none."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

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
    for entry in data["entries"].values():
        entry[2][3] = []
    canonical = json.dumps(data["entries"], sort_keys=True).encode()
    data["digest"] = seal(secret, canonical) if secret else hashlib.sha256(canonical).hexdigest()
    path.write_text(json.dumps(data), encoding="utf-8")


def test_a_forged_or_truncated_record_is_not_read(site: Path, run: Runner) -> None:
    page = site / PAGE
    page.write_text(page.read_text("utf-8").replace("</main>", CLAIM + "</main>", 1), "utf-8")
    first = check(run, site)
    assert "claim-page" in findings(first)

    _forge(site, None)  # what anyone who can write .cache/ could do
    assert check(run, site) == first
    _forge(site, b"x" * 32)  # sealed with another machine's key
    assert check(run, site) == first
    data = record(site).read_bytes()
    record(site).write_bytes(data[: len(data) // 2])  # truncated
    assert check(run, site) == first

    # sealed with this machine's key, the forged record is believed: the seal is the guard
    _forge(site, Path(os.environ["I18N_CACHE_KEY"]).read_bytes())
    assert "claim-page" not in findings(check(run, site))
    # and check --cold does not read it
    assert check(run, site, "--cold") == first


def test_check_cold_reads_and_writes_no_page_record(site: Path, run: Runner) -> None:
    shutil.rmtree(site / ".cache", ignore_errors=True)
    cold = check(run, site, "--cold")
    assert not record(site).exists()
    assert check(run, site) == cold and record(site).is_file()
    mtime = record(site).stat().st_mtime_ns
    page = site / PAGE
    page.write_text(page.read_text("utf-8").replace("</main>", CLAIM + "</main>", 1), "utf-8")
    assert "claim-page" in findings(check(run, site, "--cold"))
    assert record(site).stat().st_mtime_ns == mtime  # nothing written


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
