"""``i18n check``: disclaimers, claims, products and the proof from the rendered output.

Every scenario runs end to end through the CLI on a temporary copy of the sample project.
The site is rendered once per module (``python render.py``, as regional teams run it); each
test that needs it works on its own copy. Dates are pinned with ``--today``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import html5lib
import lxml.html
import polib
import pytest
from click.testing import Result
from conftest import REPO, Runner, copy_project, render_as_of, signing_as_tester

from i18n.formats.ledger import Ledger
from i18n.model.events import Revoked
from i18n.model.states import entry_id

TODAY = "2026-11-26"
DVT = "understanding-deep-vein-thrombosis"
THROMB = "mechanical-thrombectomy-for-dvt"
COUNTRIES = sorted(p.stem.upper() for p in (REPO / "source" / "countries").glob("*.yaml"))


# --- fixtures and helpers ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project rendered once, with ``python render.py`` (a pristine copy)."""
    root = copy_project(tmp_path_factory.mktemp("rendered") / "proj")
    # a pinned date is a look-ahead that never writes the live site: a folder of its own,
    # which then becomes site/ (see conftest.render_as_of)
    stage = root / "site-as-of"
    done = subprocess.run(
        [sys.executable, str(REPO / "render.py"), "--project", str(root), "--today", TODAY]
        + ["--out", str(stage)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    stage.rename(root / "site")
    assert (root / "site" / "manifest.json").is_file()
    return root


@pytest.fixture
def site(rendered: Path, tmp_path: Path) -> Path:
    """A private copy of the rendered project (sources, catalogs and ``site/``)."""
    dest = tmp_path / "proj"
    shutil.copytree(rendered, dest)
    return dest


def check(run: Runner, proj: Path, *args: str) -> Result:
    return run(proj, "check", "--today", TODAY, *args)


def check_json(run: Runner, proj: Path, *args: str) -> tuple[Result, dict[str, Any]]:
    res = check(run, proj, "--format", "json", *args)
    assert res.exit_code in (0, 1), res.output
    return res, json.loads(res.stdout)


FINDING_RE = re.compile(r"^(violation|warning): (\S+)(?: \[[^\]]*\])?(?: (\S+))?: ", re.M)


def reported(res: Result, severity: str = "violation") -> list[tuple[str, str | None]]:
    """(code, where) of each finding line of the text report, in order."""
    return [(m[2], m[3]) for m in FINDING_RE.finditer(res.stdout) if m[1] == severity]


def all_findings(data: dict[str, Any]) -> list[dict[str, Any]]:
    return data["general"] + [f for c in data["countries"] for f in c["findings"]]


def violations(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in all_findings(data) if f["severity"] == "violation"]


def codes(data: dict[str, Any], severity: str = "violation") -> set[str]:
    return {f["code"] for f in all_findings(data) if f["severity"] == severity}


def line_of(path: Path, needle: str, after: int = 0) -> int:
    """1-based number of the first line (after line ``after``) that contains ``needle``."""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if n > after and needle in line:
            return n
    raise AssertionError(f"{needle!r} not in {path}")


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def page(proj: Path, rel: str) -> Path:
    return proj / "site" / rel


def manifest(proj: Path) -> dict[str, Any]:
    return json.loads((proj / "site" / "manifest.json").read_text(encoding="utf-8"))


def write_manifest(proj: Path, data: dict[str, Any]) -> None:
    (proj / "site" / "manifest.json").write_text(json.dumps(data, indent=2), encoding="utf-8")


def approve(
    run: Runner, proj: Path, locale: str, catalog: str, msgid: str, msgctxt: str | None = None
) -> None:
    """Sign an entry off through the CLI (as a reviewer would after the edit)."""
    res = run(
        proj,
        "approve",
        "--locale",
        locale,
        entry_id(locale, catalog, msgctxt, msgid),
        "--override",
        "test scenario",
    )
    assert res.exit_code == 0, res.output
    assert "1 approved" in res.stdout


def ch_yaml(proj: Path) -> Path:
    return proj / "source" / "countries" / "ch.yaml"


# --- 1. the sample passes ---------------------------------------------------------------------


@pytest.mark.usefixtures("sample_cldr")  # counts warnings: see conftest.CLDR_45
def test_sample_passes_after_render(run: Runner, rendered: Path) -> None:
    res = check(run, rendered)
    assert res.exit_code == 0, res.output
    assert "PASS: 0 violation(s), 0 warning(s)" in res.stdout
    assert "(site: site)" in res.stdout

    res, data = check_json(run, rendered)
    assert res.exit_code == 0
    assert data["ok"] is True and data["violations"] == 0 and data["warnings"] == 0
    assert data["site"] == "site" and data["today"] == TODAY
    assert [c["code"] for c in data["countries"]] == COUNTRIES and len(COUNTRIES) == 11
    assert all(c["status"] == "pass" for c in data["countries"])
    # every page on disk was proven, and each belongs to its country's card
    on_disk = sorted(
        p.relative_to(rendered / "site").as_posix() for p in (rendered / "site").glob("*/*/*.html")
    )
    checked = sorted(p for c in data["countries"] for p in c["pages"])
    assert checked == on_disk and len(on_disk) > 30
    for c in data["countries"]:
        assert all(p.startswith(c["code"].lower() + "/") for p in c["pages"])
    # translation QA is summarized per locale that has catalogs
    locales = sorted(
        p.name for p in (rendered / "locales").iterdir() if (p / "LC_MESSAGES").is_dir()
    )
    assert sorted(data["translation_qa"]) == locales


def test_sample_passes_without_site_config_only(run: Runner, project: Path) -> None:
    res = check(run, project)
    assert res.exit_code == 0, res.output
    assert "(no rendered site)" in res.stdout


def test_claims_no_false_positive_on_sample(project: Path) -> None:
    """The built-in risky wording and every country's patterns over every catalog entry
    (approved or not) and the English source: nothing matches, so nothing is flagged."""
    from i18n.formats.country import load_countries
    from i18n.pipeline.claims import claim_patterns, find_claims
    from i18n.project import Project

    prj = Project(project)
    scanned = 0
    for country in load_countries(prj):
        for lang in country.languages:
            pats = claim_patterns(country, lang)
            assert pats, f"no claim patterns for {lang}"
            files = sorted((project / "locales").glob(f"{lang}*/LC_MESSAGES/*.po"))
            texts = [e.msgstr for f in files for e in polib.pofile(str(f)) if e.msgstr]
            if lang == "en":
                texts = [
                    e.msgid
                    for f in (project / "locales" / "templates").glob("*.pot")
                    for e in polib.pofile(str(f))
                ]
            for text in texts:
                assert find_claims(text, pats) == [], (country.code, lang, text)
            scanned += len(texts)
    assert scanned > 1000  # not a vacuous scan


# The built-in risky wording (i18n/data/risky_claims.yaml): what each language's list flags,
# and honest wording next to it that it must leave alone (negations, "the best ... for you",
# the Arabic noun "content", "quality assurance").
RISKY = {
    "en": (
        [
            "We guarantee a good result.",
            "Guaranteed results.",
            "This device cures DVT.",
            "It is 100% safe.",
            "There are no side effects.",
            "A risk-free procedure.",
            "The best treatment available.",
            "A side-effect-free option.",
            "A miracle.",
        ],
        [
            "Results cannot be guaranteed.",
            "There is no guarantee of success.",
            "Thrombectomy does not cure the underlying condition.",
            "There is no cure for PTS.",
            "Stenting is not a cure.",
            "Your doctor will suggest the best treatment for you.",
            "Success is not guaranteed.",
            "It is secure.",
        ],
    ),
    "de": (
        [
            "Der Erfolg ist garantiert.",
            "Wir garantieren Ergebnisse.",
            "Mantis heilt die Thrombose.",
            "100 % sicher",
            "100 Prozent wirksam",
            "ohne Nebenwirkungen",
            "ein risikoloser Eingriff",
            "Die beste Behandlung der TVT.",
        ],
        [
            "Ein Erfolg kann nicht garantiert werden.",
            "Sie heilt nicht die Ursache.",
            "Keine Garantie.",
            "welche Behandlung für Sie die beste ist",
            "Die beste Behandlung für Sie bespricht Ihr Arzt.",
        ],
    ),
    "fr": (
        [
            "Résultat garanti.",
            "Mantis guérit la thrombose.",
            "100 % sûr",
            "sans effets secondaires",
            "sans aucun risque",
            "le meilleur traitement de la TVP",
        ],
        [
            "Le résultat n'est pas garanti.",
            "Le succès ne peut pas être garanti.",
            "sans garantie de résultat",
            "Le stent ne guérit pas la maladie.",
            "le meilleur traitement pour vous",
        ],
    ),
    "it": (
        [
            "Risultato garantito.",
            "Mantis guarisce la trombosi.",
            "100% sicuro",
            "senza effetti collaterali",
        ],
        [
            "Il risultato non è garantito.",
            "Il successo non può essere garantito.",
            "La procedura non guarisce la causa.",
        ],
    ),
    "nl": (
        [
            "Gegarandeerd resultaat.",
            "Mantis geneest trombose.",
            "zonder bijwerkingen",
            "risicoloos",
        ],
        [
            "Het resultaat is niet gegarandeerd.",
            "Succes kan niet worden gegarandeerd.",
            "De stent geneest niet de oorzaak.",
        ],
    ),
    "pt": (
        ["Resultado garantido.", "cura garantida", "sem efeitos colaterais", "100% seguro"],
        ["O resultado não é garantido.", "O sucesso não pode ser garantido."],
    ),
    "tr": (
        [
            "Başarı garantilidir.",
            "Sonuç garanti edilir.",
            "kesin tedavi",
            "Cihaz %100 güvenli.",
            "risksiz",
        ],
        [
            "Sonuç garanti edilemez.",
            "Başarının garantisi yoktur.",
            "Tedavi sonucu garanti değildir.",
        ],
    ),
    "ar": (
        [
            "النتائج مضمونة.",
            "علاج مضمون",
            "نضمن لكم الشفاء",
            "هذا الجهاز يضمن الشفاء",
            "علاج نهائي للجلطة",
            "آمن تماما",
            "بدون آثار جانبية",
            "أفضل علاج",
        ],
        [
            "مضمون المقال تعليمي",
            "النتائج غير مضمونة",
            "لا نضمن النتائج",
            "لا يضمن الجهاز الشفاء",
            "ما تتضمنه فترة التعافي",
            "يتضمن العلاج",
        ],
    ),
    "ja": (
        [
            "効果を保証します。",
            "完治します。",
            "100%安全です。",
            "副作用はありません。",
            "最高の治療",
        ],
        [
            "効果を保証するものではありません。",
            "品質保証部門",
            "完治は期待できません。",
            "保証はありません。",
        ],
    ),
}


@pytest.mark.parametrize("lang", sorted(RISKY))
def test_builtin_risky_wording(lang: str) -> None:
    from i18n.pipeline.claims import default_claims, find_claims

    patterns = list(default_claims()[lang])
    flagged, honest = RISKY[lang]
    assert [t for t in flagged if not find_claims(t, patterns)] == []
    assert [t for t in honest if find_claims(t, patterns)] == []


def test_builtin_risky_wording_covers_every_sample_language() -> None:
    from i18n.pipeline.claims import default_claims

    languages = set()
    for path in (REPO / "source" / "countries").glob("*.yaml"):
        found = re.search(r"^languages: \[(.*)\]", path.read_text(encoding="utf-8"), re.M)
        languages |= {lang.strip() for lang in found.group(1).split(",")}
    assert languages <= set(default_claims()) == set(RISKY)


# --- 2. configuration -------------------------------------------------------------------------


@pytest.mark.usefixtures("sample_cldr")  # counts warnings: see conftest.CLDR_45
def test_expired_disclaimer(run: Runner, project: Path) -> None:
    start = line_of(ch_yaml(project), "  de:", after=15)
    edit(
        ch_yaml(project),
        "approved_on: 2026-09-01\n    expires: 2027-09-01",
        "approved_on: 2025-09-01\n    expires: 2026-11-25",
    )
    line = line_of(ch_yaml(project), "expires: 2026-11-25")
    assert line > start
    res = check(run, project)
    assert res.exit_code == 1, res.output
    assert (
        f"violation: disclaimer-expired [CH de] source/countries/ch.yaml:{line}: "
        "disclaimer CH-2026-003 (de) expired on 2026-11-25"
    ) in res.stdout
    assert "FAIL: 1 violation(s), 0 warning(s)" in res.stdout
    # the day it expires it is still valid (a warning), the day after it is not
    assert check(run, project, "--country", "CH", "--today", "2026-11-25").exit_code == 0


def test_missing_disclaimer_for_one_language(run: Runner, project: Path) -> None:
    text = ch_yaml(project).read_text(encoding="utf-8")
    start = text.index("  it:\n    text:")
    ch_yaml(project).write_text(text[:start], encoding="utf-8")  # the it block is last
    res = check(run, project)
    assert res.exit_code == 1, res.output
    line = line_of(ch_yaml(project), "languages: [de, fr, it]")
    assert (
        f"violation: disclaimer-missing [CH it] source/countries/ch.yaml:{line}: "
        "no disclaimer for language 'it'"
    ) in res.stdout
    assert reported(res) == [("disclaimer-missing", f"source/countries/ch.yaml:{line}")]


def test_published_pages_outlive_their_disclaimer(run: Runner, rendered: Path) -> None:
    """Time passes after the render: pages still online with an expired disclaimer fail."""
    res = check(run, rendered, "--country", "CH", "--today", "2027-09-02")
    assert res.exit_code == 1, res.output
    assert (
        f"violation: withheld-published [CH de-CH {DVT}] site/{CH_DE}: page is published "
        "but the article is withheld: disclaimer CH-2026-003 expired on 2027-09-01"
    ) in res.stdout
    assert (
        "violation: withheld-published [CH fr-CH] site/ch/fr/index.html: index is published "
        "but the locale is withheld: disclaimer CH-2026-004 expired on 2027-09-01"
    ) in res.stdout
    flagged = {where for code, where in reported(res) if code == "withheld-published"}
    assert flagged == {
        f"site/{p['path']}" for p in manifest(rendered)["pages"] if p["country"] == "CH"
    }


def test_disclaimer_not_yet_valid_is_a_warning(run: Runner, project: Path) -> None:
    edit(
        ch_yaml(project),
        "approved_on: 2026-09-01\n    expires: 2027-09-01",
        "approved_on: 2026-12-01\n    expires: 2027-09-01",
    )
    line = line_of(ch_yaml(project), "approved_on: 2026-12-01")
    res = check(run, project, "--country", "CH")
    assert res.exit_code == 0, res.output
    assert (
        f"warning: disclaimer-not-yet-valid [CH de] source/countries/ch.yaml:{line}: "
        "disclaimer CH-2026-003 (de) is approved only from 2026-12-01"
    ) in res.stdout


@pytest.mark.usefixtures("sample_cldr")  # counts warnings: see conftest.CLDR_45
def test_disclaimer_about_to_expire_is_a_warning(run: Runner, project: Path) -> None:
    # 2027-01-10 is 45 days after TODAY: inside the default 60-day window
    edit(
        ch_yaml(project),
        "CH-2026-004\n    approved_by: Regulatory Affairs Switzerland\n"
        "    approved_on: 2026-09-01\n    expires: 2027-09-01",
        "CH-2026-004\n    approved_by: Regulatory Affairs Switzerland\n"
        "    approved_on: 2026-09-01\n    expires: 2027-01-10",
    )
    line = line_of(ch_yaml(project), "expires: 2027-01-10")
    res = check(run, project)
    assert res.exit_code == 0, res.output
    assert (
        f"warning: disclaimer-expiring [CH fr] source/countries/ch.yaml:{line}: "
        "disclaimer CH-2026-004 (fr) expires on 2027-01-10, in 45 days"
    ) in res.stdout
    assert "PASS: 0 violation(s), 1 warning(s)" in res.stdout
    # the window is the boundary: 60 days before still warns, 61 days before does not
    ch = ("--country", "CH")
    assert "in 60 days" in check(run, project, *ch, "--today", "2026-11-11").stdout
    assert "disclaimer-expiring" not in check(run, project, *ch, "--today", "2026-11-10").stdout


def test_expiry_window_is_configurable(run: Runner, project: Path) -> None:
    edit(
        ch_yaml(project),
        "approved_on: 2026-09-01\n    expires: 2027-09-01",
        "approved_on: 2026-09-01\n    expires: 2027-01-10",
    )
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "expiry_warning_days = 30\n")
    res = check(run, project)
    assert res.exit_code == 0 and "warning(s)" in res.stdout
    assert "disclaimer-expiring" not in res.stdout
    later = check(run, project, "--country", "CH", "--today", "2026-12-15")
    assert "disclaimer-expiring" in later.stdout


def test_expiry_window_bad_value(run: Runner, project: Path) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'expiry_warning_days = "soon"\n')
    line = line_of(pyproject, "expiry_warning_days")
    res = check(run, project)
    assert res.exit_code == 2, res.output
    assert res.output.startswith(f"error: pyproject.toml:{line}: ")
    assert "expiry_warning_days" in res.output and "Traceback" not in res.output


def test_disclaimer_copied_from_another_language(run: Runner, project: Path) -> None:
    text = ch_yaml(project).read_text(encoding="utf-8")
    de_text = re.search(r'  de:\n    text: (".*")\n', text).group(1)
    it_text = re.search(r'  it:\n    text: (".*")\n', text).group(1)
    ch_yaml(project).write_text(text.replace(it_text, de_text), encoding="utf-8")
    it_line = line_of(ch_yaml(project), "  it:", after=line_of(ch_yaml(project), "disclaimer:"))
    line = line_of(ch_yaml(project), f"text: {de_text}", after=it_line)
    assert line == it_line + 1
    res = check(run, project)
    assert res.exit_code == 1, res.output
    assert (
        f"violation: disclaimer-copied [CH it] source/countries/ch.yaml:{line}: "
        "disclaimer text for 'it' is identical to the 'de' text of CH"
    ) in res.stdout
    assert reported(res) == [("disclaimer-copied", f"source/countries/ch.yaml:{line}")]


def test_same_language_same_text_in_two_countries_is_not_a_copy(run: Runner, project: Path) -> None:
    """Belgium may reuse Germany's German wording: same language, not a copy left untranslated."""
    de = (project / "source" / "countries" / "de.yaml").read_text(encoding="utf-8")
    be = project / "source" / "countries" / "be.yaml"
    de_text = re.search(r'  de:\n    text: (".*")\n', de).group(1)
    text = be.read_text(encoding="utf-8")
    be_de = re.search(r'  de:\n    text: (".*")\n', text).group(1)
    be.write_text(text.replace(be_de, de_text), encoding="utf-8")
    res = check(run, project)
    assert res.exit_code == 0, res.output


def test_product_unknown_to_a_country(run: Runner, project: Path) -> None:
    edit(ch_yaml(project), "  vertex: {status: available}\n", "")
    res = check(run, project)
    assert res.exit_code == 1, res.output
    line = line_of(ch_yaml(project), "products:")
    assert re.search(
        rf"violation: product-unknown \[CH\] source/countries/ch.yaml:{line}: "
        r"product 'vertex' \(named by [a-z-]+(, [a-z-]+)*\) has no status in this "
        r"country",
        res.stdout,
    ), res.stdout


def test_language_without_claim_patterns_is_a_warning(run: Runner, project: Path) -> None:
    """A language with no country patterns and no built-in list cannot be checked for claims:
    the report says so rather than passing it silently."""
    spec = (project / "source" / "countries" / "fr.yaml").read_text(encoding="utf-8")
    spec = re.sub(r"(?m)^claims:\n(  .*\n)+", "", spec)
    spec = spec.replace("code: FR", "code: LU").replace("name: France", "name: Luxembourg")
    spec = spec.replace("languages: [fr]", "languages: [lb]").replace("\n  fr:\n", "\n  lb:\n")
    spec = spec.replace('text: "', 'text: "Dës Informatioun ersetzt keng medezinesch Berodung. ')
    (project / "source" / "countries" / "lu.yaml").write_text(spec, encoding="utf-8")
    res = check(run, project, "--country", "LU")
    assert res.exit_code == 0, res.output
    assert (
        "warning: claims-unchecked [LU lb] source/countries/lu.yaml:1: no claim patterns for "
        "'lb' (none in the country file, none built in): its wording is not checked"
    ) in res.stdout


# --- 3. rendered output -----------------------------------------------------------------------


CH_DE = f"ch/de/{DVT}.html"


def test_page_disclaimer_removed(run: Runner, site: Path) -> None:
    html = page(site, CH_DE).read_text(encoding="utf-8")
    html = re.sub(r'<aside class="disclaimer".*?</aside>', "", html, flags=re.S)
    page(site, CH_DE).write_text(html, encoding="utf-8")
    res = check(run, site, "--country", "CH")
    assert res.exit_code == 1, res.output
    assert (
        f"violation: disclaimer-altered [CH de-CH {DVT}] site/{CH_DE}: the approved "
        "disclaimer CH-2026-003 is not on the page verbatim"
    ) in res.stdout
    assert "    (no disclaimer box)\n" in res.stdout
    assert reported(res) == [("disclaimer-altered", f"site/{CH_DE}")]


def test_page_disclaimer_one_word_changed(run: Runner, site: Path) -> None:
    edit(page(site, CH_DE), "keine ärztliche Beratung", "keine medizinische Beratung")
    res = check(run, site, "--country", "CH")
    assert res.exit_code == 1, res.output
    assert (
        f"violation: disclaimer-altered [CH de-CH {DVT}] site/{CH_DE}: the approved "
        "disclaimer CH-2026-003 is not on the page verbatim"
    ) in res.stdout
    assert reported(res) == [("disclaimer-altered", f"site/{CH_DE}")]


def test_page_disclaimer_rewrapped_is_still_verbatim(run: Runner, site: Path) -> None:
    """Whitespace is normalized: re-indenting the page does not void the proof."""
    edit(page(site, CH_DE), "keine ärztliche Beratung", "keine\n   ärztliche \tBeratung")
    assert check(run, site, "--country", "CH").exit_code == 0


def test_page_disclaimer_reference_removed(run: Runner, site: Path) -> None:
    edit(
        page(site, CH_DE),
        '<span>Referenz: <span class="ref">CH-2026-003</span></span>',
        "<span>Referenz: CH-2026</span>",
    )
    res = check(run, site, "--country", "CH")
    assert res.exit_code == 1, res.output
    assert (
        f"violation: disclaimer-reference [CH de-CH {DVT}] site/{CH_DE}: the disclaimer's "
        "reference CH-2026-003 is not shown"
    ) in res.stdout


def test_page_deleted(run: Runner, site: Path) -> None:
    rel = f"ch/fr/{THROMB}.html"
    page(site, rel).unlink()
    res = check(run, site)
    assert res.exit_code == 1, res.output
    assert (
        f"violation: page-missing [CH fr-CH {THROMB}] site/{rel}: page listed in the "
        "manifest is missing on disk"
    ) in res.stdout
    # its published siblings and the sitemap still point to it
    assert {code for code, _ in reported(res)} == {
        "page-missing",
        "hreflang-broken",
        "sitemap-broken",
    }


def test_stray_page_not_in_manifest(run: Runner, site: Path) -> None:
    shutil.copy(page(site, CH_DE), page(site, "ch/de/old-article.html"))
    res = check(run, site)
    assert res.exit_code == 1, res.output
    assert (
        "violation: page-stray [CH old-article] site/ch/de/old-article.html: page on disk "
        "is not in the manifest"
    ) in res.stdout
    assert reported(res) == [("page-stray", "site/ch/de/old-article.html")]


def test_stray_pages_anywhere_in_the_site(run: Runner, site: Path) -> None:
    strays = ["ch/de/archive/old.html", "ch/old.html", "xx/de/old.html"]
    for rel in strays:
        target = page(site, rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(page(site, CH_DE), target)
    res = check(run, site)
    assert res.exit_code == 1, res.output
    assert sorted(reported(res)) == [("page-stray", f"site/{rel}") for rel in strays]


def test_hreflang_target_removed(run: Runner, site: Path) -> None:
    """A page removed from the site and the manifest, while its siblings still link to it."""
    rel = f"fr/fr/{DVT}.html"
    page(site, rel).unlink()
    data = manifest(site)
    data["pages"] = [p for p in data["pages"] if p["path"] != rel]
    write_manifest(site, data)
    res = check(run, site)
    assert res.exit_code == 1, res.output
    href = f"https://www.invamed.example/{rel}"
    assert (
        f"violation: hreflang-broken [CH de-CH {DVT}] site/{CH_DE}: hreflang fr-FR points "
        f"to {href}, which is not a page of this site"
    ) in res.stdout
    # every sitemap that lists it: the French one, and those of its siblings' locales
    listing = sorted(
        p for p in (site / "site").rglob("sitemap.xml") if href in p.read_text(encoding="utf-8")
    )
    assert site / "site" / "fr" / "fr" / "sitemap.xml" in listing and len(listing) > 3
    for sitemap in listing:
        shown = sitemap.relative_to(site).as_posix()
        assert (
            f"violation: sitemap-broken [FR] {shown}:{line_of(sitemap, href)}: sitemap "
            f"lists {href}, which is not a page of this site"
        ) in res.stdout
    assert {code for code, _ in reported(res)} == {"hreflang-broken", "sitemap-broken"}
    broken = sorted(where for code, where in reported(res) if code == "hreflang-broken")
    siblings = sorted(
        f"site/{p['path']}"
        for p in manifest(site)["pages"]
        if p.get("article") == DVT and p["country"] not in ("TR", "IT")
    )
    assert broken == siblings


def test_language_switch_target_removed(run: Runner, site: Path) -> None:
    """The in-page language switch (<a hreflang>) is checked as well as <link hreflang>."""
    edit(
        page(site, CH_DE),
        f'<a href="../fr/{DVT}.html" hreflang="fr-CH"',
        f'<a href="../it/{DVT}.html" hreflang="fr-CH"',
    )
    res = check(run, site)
    assert res.exit_code == 1, res.output
    assert (
        f"violation: hreflang-broken [CH de-CH {DVT}] site/{CH_DE}: hreflang fr-CH points "
        f"to ../it/{DVT}.html, which is not a page of this site"
    ) in res.stdout


def test_hreflang_names_the_wrong_language(run: Runner, site: Path) -> None:
    """An alternate must be the language it claims: search engines serve it by that tag."""
    edit(
        page(site, CH_DE),
        f'hreflang="fr-FR" href="https://www.invamed.example/fr/fr/{DVT}.html"',
        f'hreflang="fr-FR" href="https://www.invamed.example/be/fr/{DVT}.html"',
    )
    res = check(run, site, "--country", "CH")
    assert res.exit_code == 1, res.output
    assert (
        f"violation: hreflang-wrong [CH de-CH {DVT}] site/{CH_DE}: hreflang fr-FR points to "
        f"https://www.invamed.example/be/fr/{DVT}.html, a fr-BE page"
    ) in res.stdout
    assert reported(res) == [("hreflang-wrong", f"site/{CH_DE}")]


def test_sitemap_lists_a_professional_page(run: Runner, site: Path) -> None:
    """Professional-audience pages are noindex: offering one to search engines is a violation."""
    url = f"https://www.invamed.example/tr/tr/{DVT}.html"
    root = site / "site" / "sitemap-root.xml"
    edit(root, "</urlset>", f"<url><loc>{url}</loc></url>\n</urlset>")
    line = line_of(root, url)
    assert not (site / "site" / "tr" / "tr" / "sitemap.xml").exists()  # noindex: none
    res = check(run, site, "--country", "TR")
    assert res.exit_code == 1, res.output
    assert (
        f"violation: sitemap-noindex [TR] site/sitemap-root.xml:{line}: sitemap lists {url}, a "
        "professional-audience page that must not be indexed"
    ) in res.stdout
    assert reported(res) == [("sitemap-noindex", f"site/sitemap-root.xml:{line}")]


def test_sitemap_not_well_formed(run: Runner, site: Path) -> None:
    edit(site / "site" / "ch" / "de" / "sitemap.xml", "</urlset>", "</url>")
    res = check(run, site, "--country", "CH")
    assert res.exit_code == 1, res.output
    assert re.search(
        r"^violation: sitemap-unparsable \[CH\] site/ch/de/sitemap.xml:\d+: sitemap is not "
        r"well-formed XML",
        res.stdout,
        re.M,
    ), res.stdout


@pytest.mark.parametrize("only", [[], ["--country", "CH"]], ids=["all", "one-country"])
@pytest.mark.parametrize("name", ["sitemap.xml", "sitemap-root.xml"])
def test_sitemap_index_not_well_formed(run: Runner, site: Path, name: str, only: list[str]) -> None:
    """The index and the picker's sitemap are the site's, not a country's: broken, they fail
    a check of any one country too (every country's sitemaps hang on the index)."""
    tag = "sitemapindex" if name == "sitemap.xml" else "urlset"
    edit(site / "site" / name, f"</{tag}>", "</sitemap>")
    res = check(run, site, *only)
    assert res.exit_code == 1, res.output
    assert re.search(
        rf"^violation: sitemap-unparsable site/{name}:\d+: sitemap is not well-formed XML",
        res.stdout,
        re.M,
    ), res.stdout


def test_sitemap_index_lists_what_is_not_a_sitemap_of_the_site(run: Runner, site: Path) -> None:
    """The index may only point search engines to the site's own sitemaps."""
    index = site / "site" / "sitemap.xml"
    for loc in (
        "https://elsewhere.example/sitemap.xml",
        "https://www.invamed.example/ch/it/sitemap.xml",
    ):
        edit(index, "</sitemapindex>", f"<sitemap><loc>{loc}</loc></sitemap>\n</sitemapindex>")
    res = check(run, site)
    assert res.exit_code == 1, res.output
    line = line_of(index, "elsewhere.example")
    assert (
        f"violation: sitemap-broken site/sitemap.xml:{line}: sitemap index lists "
        "https://elsewhere.example/sitemap.xml, which is not a sitemap of this site"
    ) in res.stdout
    assert (
        f"violation: sitemap-broken [CH] site/sitemap.xml:{line + 1}: sitemap index lists "
        "https://www.invamed.example/ch/it/sitemap.xml, which is not a sitemap of this site"
    ) in res.stdout
    assert sorted(reported(res)) == [
        ("sitemap-broken", f"site/sitemap.xml:{line}"),
        ("sitemap-broken", f"site/sitemap.xml:{line + 1}"),
    ]


def test_a_locale_sitemap_offers_only_its_own_folder(run: Runner, site: Path) -> None:
    """A sitemap may only list addresses under its folder: search engines drop the others."""
    url = f"https://www.invamed.example/fr/fr/{DVT}.html"
    sitemap = site / "site" / "ch" / "de" / "sitemap.xml"
    edit(sitemap, "</urlset>", f"<url><loc>{url}</loc></url>\n</urlset>")
    res = check(run, site, "--country", "CH")
    assert res.exit_code == 0, res.output  # a warning: nothing wrong is published
    assert (
        f"warning: sitemap-scope [CH] site/ch/de/sitemap.xml:{line_of(sitemap, f'<loc>{url}')}: "
        f"sitemap offers {url}, outside its own folder ch/de/: search engines ignore it"
    ) in res.stdout
    assert [code for code, _ in reported(res, "warning") if code.startswith("sitemap")] == [
        "sitemap-scope"
    ]


def test_a_sitemap_over_the_protocols_limits(
    run: Runner, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Search engines read at most 50,000 URLs of one sitemap: here the limit is lowered to
    one, so every locale's sitemap with two or more pages is over it."""
    from i18n.pipeline.check import proof

    monkeypatch.setattr(proof, "MAX_URLS", 1)
    res = check(run, site, "--country", "CH")
    assert res.exit_code == 0, res.output
    sitemap = site / "site" / "ch" / "de" / "sitemap.xml"
    urls = sitemap.read_text(encoding="utf-8").count("<url>")
    assert urls > 1
    assert (
        f"warning: sitemap-too-large [CH] site/ch/de/sitemap.xml: sitemap has {urls} entries "
        f"and {sitemap.stat().st_size:,} bytes: search engines read at most 1 and 52,428,800 "
        "bytes of one file"
    ) in res.stdout


def test_a_single_sitemap_of_an_earlier_version_is_still_checked(run: Runner, site: Path) -> None:
    """A site rendered before sitemaps were split has one ``sitemap.xml`` of URLs: it is
    checked as such."""
    url = f"https://www.invamed.example/ch/de/{DVT}-old.html"
    root = site / "site" / "sitemap-root.xml"
    text = root.read_text(encoding="utf-8").replace(
        "</urlset>", f"<url><loc>{url}</loc></url>\n</urlset>"
    )
    (site / "site" / "sitemap.xml").write_text(text, encoding="utf-8")
    res = check(run, site)
    assert res.exit_code == 1, res.output
    line = line_of(site / "site" / "sitemap.xml", url)
    assert reported(res) == [("sitemap-broken", f"site/sitemap.xml:{line}")]


def test_country_withdrawn_after_render(run: Runner, site: Path) -> None:
    """A market is closed (its configuration removed) but its pages are still online."""
    (site / "source" / "countries" / "sa.yaml").unlink()
    res = check(run, site)
    assert res.exit_code == 1, res.output
    assert (
        f"violation: manifest-unknown-country site/manifest.json: manifest lists "
        f"sa/ar/{DVT}.html for unknown country 'SA'"
    ) in res.stdout
    assert {code for code, _ in reported(res)} == {"manifest-unknown-country"}


def test_lang_attribute_tampered(run: Runner, site: Path) -> None:
    edit(page(site, CH_DE), '<html lang="de-CH" dir="ltr">', '<html lang="de" dir="ltr">')
    res = check(run, site, "--country", "CH")
    assert res.exit_code == 1, res.output
    assert (
        f'violation: page-lang [CH de-CH {DVT}] site/{CH_DE}: <html lang="de"> should be "de-CH"'
    ) in res.stdout


def test_dir_attribute_tampered(run: Runner, site: Path) -> None:
    rel = f"sa/ar/{DVT}.html"
    edit(page(site, rel), '<html lang="ar-SA" dir="rtl">', '<html lang="ar-SA" dir="ltr">')
    res = check(run, site, "--country", "SA")
    assert res.exit_code == 1, res.output
    assert (
        f'violation: page-dir [SA ar-SA {DVT}] site/{rel}: <html dir="ltr"> should be "rtl"'
    ) in res.stdout


def test_lang_tag_case_is_not_significant(run: Runner, site: Path) -> None:
    """BCP 47 tags compare case-insensitively: de-ch is the same language as de-CH."""
    edit(page(site, CH_DE), '<html lang="de-CH"', '<html lang="de-ch"')
    assert check(run, site, "--country", "CH").exit_code == 0


def test_professional_page_noindex_removed(run: Runner, site: Path) -> None:
    rel = f"tr/tr/{DVT}.html"
    edit(page(site, rel), '<meta name="robots" content="noindex">', "")
    res = check(run, site, "--country", "TR")
    assert res.exit_code == 1, res.output
    assert (
        f"violation: professional-indexable [TR tr-TR {DVT}] site/{rel}: "
        "professional-audience page lacks noindex"
    ) in res.stdout


def test_professional_page_gate_removed(run: Runner, site: Path) -> None:
    rel = "tr/tr/index.html"
    html = page(site, rel).read_text(encoding="utf-8")
    html = re.sub(r'<div class="hcp-gate" id="hcp-gate".*?</noscript>', "", html, flags=re.S)
    page(site, rel).write_text(html, encoding="utf-8")
    res = check(run, site, "--country", "TR")
    assert res.exit_code == 1, res.output
    assert (
        f"violation: professional-ungated [TR tr-TR] site/{rel}: professional-audience page "
        "lacks the healthcare-professional self-declaration"
    ) in res.stdout


def test_withheld_article_still_published(run: Runner, site: Path) -> None:
    """The product became unavailable after the render: the pages that name it must go."""
    edit(ch_yaml(site), "mantis: {status: available}", "mantis: {status: unavailable}")
    res = check(run, site, "--country", "CH")
    assert res.exit_code == 1
    flagged = sorted(where for code, where in reported(res) if code == "withheld-published")
    named = sorted(
        f"site/{p['path']}"
        for p in manifest(site)["pages"]
        if p["country"] == "CH"
        and p["kind"] == "article"
        and "mantis"
        in (site / "source" / "articles" / f"{p['article']}.md")
        .read_text(encoding="utf-8")
        .split("---")[1]
    )
    assert flagged == named and named
    assert (
        "page is published but the article is withheld: names product 'mantis', "
        "unavailable in CH" in res.stdout
    )


# --- 4. forbidden claims ----------------------------------------------------------------------

HEADING = "How a clot forms in a deep vein"
HEADING_DE = "Wie ein Gerinnsel in einer tiefen Vene entsteht"
CLAIM_DE = "Wie ein Gerinnsel entsteht: Heilung garantiert"


def builtin_pattern(lang: str, word: str) -> str:
    """The built-in pattern of ``lang`` that names ``word`` (as reports quote it)."""
    from i18n.pipeline.claims import default_claims

    return next(p.pattern for p in default_claims()[lang] if word in p.pattern)


def test_forbidden_claim_in_approved_german_translation(run: Runner, project: Path) -> None:
    po = project / "locales" / "de" / "LC_MESSAGES" / f"{DVT}.po"
    edit(po, f'msgstr "{HEADING_DE}"', f'msgstr "{CLAIM_DE}"')
    approve(run, project, "de", DVT, HEADING)
    msgstr_line = line_of(po, f'msgstr "{CLAIM_DE}"')
    lines = po.read_text(encoding="utf-8").splitlines()
    start = msgstr_line
    while start > 1 and lines[start - 2].strip():
        start -= 1  # the entry begins after the blank line that ends the one before
    res = check(run, project)
    assert res.exit_code == 1, res.output
    where = f"locales/de/LC_MESSAGES/{DVT}.po:{start}"
    for cc in ("DE", "CH", "BE"):  # every country whose German pages use this entry
        assert (
            f"violation: claim-translation [{cc} de-{cc} {DVT}] {where}: approved "
            f"translation matches forbidden wording /{builtin_pattern('de', 'garantier')}/"
        ) in res.stdout
    assert f"\n    {CLAIM_DE}\n" in res.stdout
    _, data = check_json(run, project)
    claims = [f for f in violations(data) if f["code"] == "claim-translation"]
    assert {(f["country"], f["locale"], f["article"], f["path"], f["line"]) for f in claims} == {
        (cc, f"de-{cc}", DVT, f"locales/de/LC_MESSAGES/{DVT}.po", start)
        for cc in ("DE", "CH", "BE")
    }
    assert all("garantiert" in f["snippet"] for f in claims)
    assert codes(data) == {"claim-translation"}


def test_forbidden_claim_in_english_source(run: Runner, project: Path) -> None:
    """English-language countries publish the source itself: it is checked like a translation."""
    art = project / "source" / "articles" / "post-thrombotic-syndrome.md"
    edit(
        art,
        "mobility, work and quality of life.",
        "mobility, work and quality of life. Relief is guaranteed.",
    )
    line = line_of(art, "Studies report that roughly")  # the paragraph's first line
    res = check(run, project)
    assert res.exit_code == 1, res.output
    pattern = builtin_pattern("en", "guarantee")
    for cc in ("CA", "US"):
        assert (
            f"violation: claim-source [{cc} en-{cc} post-thrombotic-syndrome] "
            f"source/articles/post-thrombotic-syndrome.md:{line}: source text matches "
            f"forbidden wording /{pattern}/"
        ) in res.stdout
    assert {code for code, _ in reported(res)} == {"claim-source"}


def test_forbidden_claim_in_unapproved_translation_is_not_published(
    run: Runner, project: Path
) -> None:
    """Only approved text can reach a page: an unapproved claim is the reviewer's to catch."""
    po = project / "locales" / "de" / "LC_MESSAGES" / f"{DVT}.po"
    edit(po, f'msgstr "{HEADING_DE}"', f'msgstr "{CLAIM_DE}"')
    res = check(run, project)
    assert res.exit_code == 0, res.output


def test_forbidden_claim_in_rendered_page(run: Runner, site: Path) -> None:
    rel = f"de/de/{DVT}.html"
    edit(page(site, rel), f">{HEADING_DE}<", f">{CLAIM_DE}<")
    res = check(run, site, "--country", "DE")
    assert res.exit_code == 1, res.output
    assert (
        f"violation: claim-page [DE de-DE {DVT}] site/{rel}: rendered page matches "
        f"forbidden wording /{builtin_pattern('de', 'garantier')}/"
    ) in res.stdout
    assert "Heilung garantiert" in res.stdout
    assert set(reported(res)) == {("claim-page", f"site/{rel}")}


def test_forbidden_claim_in_page_metadata(run: Runner, site: Path) -> None:
    """What search engines show (title, description) is published text too."""
    rel = f"de/de/{DVT}.html"
    edit(
        page(site, rel),
        '<meta name="description" content="Die tiefe Venenthrombose',
        '<meta name="description" content="Heilung garantiert: Die tiefe Venenthrombose',
    )
    res = check(run, site, "--country", "DE")
    assert res.exit_code == 1, res.output
    assert set(reported(res)) == {("claim-page", f"site/{rel}")}
    assert "Heilung garantiert: Die tiefe Venenthrombose" in res.stdout


def test_negated_wording_in_disclaimer_is_not_a_claim(run: Runner, site: Path) -> None:
    """Disclaimers are approved regulatory text and are excluded from page claims scanning:
    'Ein Behandlungserfolg kann nicht garantiert werden' must not fail the check."""
    edit(
        ch_yaml(site),
        "unterschiedlich ausfallen.",
        "unterschiedlich ausfallen. Ein "
        "Behandlungserfolg kann nicht garantiert werden, eine Heilung ist nicht gewiss.",
    )
    res = render_as_of(site, TODAY, "--country", "CH")
    assert res.exit_code == 0, res.output
    assert "nicht garantiert werden" in page(site, CH_DE).read_text(encoding="utf-8")
    res = check(run, site, "--country", "CH")
    assert res.exit_code == 0, res.output
    # the same words outside the disclaimer box are a claim
    edit(page(site, CH_DE), f">{HEADING_DE}<", ">Ein Behandlungserfolg ist garantiert<")
    res = check(run, site, "--country", "CH")
    assert res.exit_code == 1
    assert set(reported(res)) == {("claim-page", f"site/{CH_DE}")}


# --- 5. what was approved is what was published -----------------------------------------------


def test_translation_edited_after_render(run: Runner, site: Path) -> None:
    po = site / "locales" / "de" / "LC_MESSAGES" / f"{DVT}.po"
    edit(
        po, f'msgstr "{HEADING_DE}"', 'msgstr "Wie ein Blutgerinnsel in einer tiefen Vene entsteht"'
    )
    approve(run, site, "de", DVT, HEADING)
    res = check(run, site)
    assert res.exit_code == 1, res.output
    for rel in (f"de/de/{DVT}.html", f"ch/de/{DVT}.html", f"be/de/{DVT}.html"):
        cc = rel[:2].upper()
        assert (
            f"violation: approval-mismatch [{cc} de-{cc} {DVT}] site/{rel}: page was built "
            "from text that differs from the current approved catalogs (2 hash(es) differ): "
            "re-render"
        ) in res.stdout
    assert {code for code, _ in reported(res)} == {"approval-mismatch"}
    # re-rendering the site restores the proof
    assert render_as_of(site, TODAY).exit_code == 0
    assert check(run, site).exit_code == 0


def test_site_string_edited_after_render(run: Runner, site: Path) -> None:
    """Index pages are built from approved site strings too: they are proven the same way."""
    po = site / "locales" / "de" / "LC_MESSAGES" / "site.po"
    edit(po, 'msgstr "Wichtiger Hinweis"', 'msgstr "Wichtiger Hinweis!"')
    text = po.read_text(encoding="utf-8")
    msgid = re.search(r'msgid "([^"]*)"\nmsgstr "Wichtiger Hinweis!"', text).group(1)
    approve(run, site, "de", "site", msgid)
    res = check(run, site)
    assert res.exit_code == 1
    flagged = {where for code, where in reported(res) if code == "approval-mismatch"}
    for cc in ("de", "ch", "be"):
        assert f"site/{cc}/de/index.html" in flagged
        assert f"site/{cc}/de/{DVT}.html" in flagged


def test_approval_revoked_after_render(run: Runner, site: Path) -> None:
    """A reviewer revokes a sentence of one article after the render. The same sentence in
    another article keeps its own approval: an approval holds in the catalog where it was
    given."""
    pages = {p["path"]: p for p in manifest(site)["pages"]}
    rel, other = f"fr/fr/{THROMB}.html", f"fr/fr/{DVT}.html"
    shared = sorted(set(pages[rel]["approvals"]) & set(pages[other]["approvals"]))
    assert shared, "the sample has keywords shared by both articles"
    ledger = site / "locales" / "fr" / "approvals.jsonl"
    revoked = Revoked(
        hash=shared[0],
        catalog=THROMB,
        msgctxt=None,
        msgid="",
        reason="wording withdrawn by regulatory affairs",
        reviewer="QA",
        time="2026-11-26T10:00:00Z",
    )
    Ledger(ledger).append([revoked], signing_as_tester())
    res = check(run, site, "--country", "FR")
    assert res.exit_code == 1, res.output
    assert (
        f"violation: approval-revoked [FR fr-FR {THROMB}] site/{rel}: 1 approval hash(es) "
        "of this page are no longer approvals in the ledger"
    ) in res.stdout
    assert f"\n    {shared[0][:12]}\n" in res.stdout
    assert f"site/{other}" not in {where for _, where in reported(res)}


def test_english_source_edited_after_render(run: Runner, site: Path) -> None:
    """English pages show the source itself: a source edit after the render makes them stale."""
    art = site / "source" / "articles" / "chronic-venous-insufficiency.md"
    text = art.read_text(encoding="utf-8")
    body = text.index("\n---", 4) + 5
    para = re.search(r"\n\n([A-Z][^\n]+)", text[body:]).group(1)
    art.write_text(
        text.replace(para, para.replace(" ", "  ", 1) + " Ask your doctor.", 1), encoding="utf-8"
    )
    res = check(run, site)
    assert res.exit_code == 1, res.output
    assert reported(res) == [
        ("source-changed", "site/ca/en/chronic-venous-insufficiency.html"),
        ("source-changed", "site/us/en/chronic-venous-insufficiency.html"),
    ]
    assert (
        "violation: source-changed [US en-US chronic-venous-insufficiency] "
        "site/us/en/chronic-venous-insufficiency.html: source/articles/"
        "chronic-venous-insufficiency.md changed after this page was rendered: "
        "re-render"
    ) in res.stdout


def test_untranslated_source_field_edited_after_render(run: Runner, site: Path) -> None:
    """A translated page shows source fields that are never translated (the reviewer's name):
    it is stale too when they change."""
    art = site / "source" / "articles" / f"{DVT}.md"
    old = re.search(r"^reviewed_by: (.+)$", art.read_text(encoding="utf-8"), re.M).group(1)
    edit(art, f"reviewed_by: {old}", "reviewed_by: Dr. A. Nother")
    res = check(run, site)
    assert res.exit_code == 1, res.output
    flagged = sorted(where for code, where in reported(res) if code == "source-changed")
    pages = sorted(f"site/{p['path']}" for p in manifest(site)["pages"] if p.get("article") == DVT)
    assert flagged == pages and "site/sa/ar/" + f"{DVT}.html" in pages


def test_manifest_claims_source_text_for_a_translation(run: Runner, site: Path) -> None:
    """The manifest cannot exempt a translated page from the approval proof."""
    data = manifest(site)
    for p in data["pages"]:
        if p["path"] == CH_DE:
            p["source_text"] = True
            p["approvals"] = []
    write_manifest(site, data)
    res = check(run, site, "--country", "CH")
    assert res.exit_code == 1
    assert reported(res) == [("approval-mismatch", f"site/{CH_DE}")]


def test_manifest_page_in_the_wrong_folder(run: Runner, site: Path) -> None:
    data = manifest(site)
    for p in data["pages"]:
        if p["path"] == f"de/de/{DVT}.html":
            p["country"], p["locale"] = "CH", "de-CH"
    write_manifest(site, data)
    res = check(run, site, "--country", "CH")
    assert res.exit_code == 1
    assert (
        f"violation: manifest-path [CH de-CH {DVT}] site/manifest.json: manifest lists "
        f"the de-CH article page at de/de/{DVT}.html; it belongs at ch/de/{DVT}.html"
    ) in res.stdout


# --- 6. the HTML report -----------------------------------------------------------------------


def _self_contained(doc: Any) -> None:
    assert doc.findall(".//script") == []
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in ("src", "href", "srcset", "action", "data", "poster"):
            value = el.get(attr)
            assert value is None or value.startswith("#"), (el.tag, attr, value)
        assert "url(" not in (el.get("style") or "")
    styles = " ".join(s.text_content() for s in doc.iter("style"))
    assert "url(" not in styles and "@import" not in styles
    assert not [m for m in doc.iter("meta") if (m.get("http-equiv") or "").lower() == "refresh"]


@pytest.mark.usefixtures("sample_cldr")  # counts warnings: see conftest.CLDR_45
def test_html_report_is_self_contained(run: Runner, rendered: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    res = check(run, rendered, "--format", "html", "--out", str(out))
    assert res.exit_code == 0, res.output
    assert res.stdout == f"wrote {out}: 0 violation(s), 0 warning(s)\n"
    raw = out.read_text(encoding="utf-8")
    html5lib.HTMLParser(strict=True).parse(raw)  # well-formed HTML5, or this raises
    doc = lxml.html.document_fromstring(raw)
    _self_contained(doc)
    cards = doc.find_class("card")
    assert [c.get("data-country") for c in cards] == COUNTRIES
    assert all(c.get("data-status") == "pass" for c in cards)
    for card in cards:  # each card lists the pages of its country that were proven
        folder = rendered / "site" / card.get("data-country").lower()
        on_disk = sorted(
            p.relative_to(rendered / "site").as_posix() for p in folder.glob("*/*.html")
        )
        assert f"{len(on_disk)} page(s) checked" in card.text_content()
        assert sorted(c.text_content() for c in card.iter("code")) == on_disk
    ch = next(c for c in cards if c.get("data-country") == "CH")
    for ref in (
        "CH-2026-003",
        "CH-2026-004",
        "CH-2026-005",
        "2027-09-01",
        "Regulatory Affairs Switzerland",
    ):
        assert ref in ch.text_content()
    assert f"ch/de/{DVT}.html" in ch.text_content()


def test_html_report_shows_findings_escaped(run: Runner, site: Path, tmp_path: Path) -> None:
    """Findings carry page text: it is escaped, so the report stays script-free."""
    rel = f"de/de/{DVT}.html"
    edit(
        page(site, rel),
        f">{HEADING_DE}<",
        ">&lt;script&gt;alert(1)&lt;/script&gt; Heilung garantiert<",
    )
    out = tmp_path / "report.html"
    res = check(run, site, "--country", "DE", "--format", "html", "--out", str(out))
    assert res.exit_code == 1
    raw = out.read_text(encoding="utf-8")
    doc = lxml.html.document_fromstring(raw)
    _self_contained(doc)
    de = next(c for c in doc.find_class("card") if c.get("data-country") == "DE")
    assert de.get("data-status") == "fail"
    assert "<script>alert(1)</script>" in de.text_content()
    assert "claim-page" in de.text_content()


# --- options and bad input --------------------------------------------------------------------


def test_country_filter(run: Runner, site: Path) -> None:
    edit(page(site, f"tr/tr/{DVT}.html"), '<meta name="robots" content="noindex">', "")
    res, data = check_json(run, site, "--country", "ch")
    assert res.exit_code == 0, res.output
    assert [c["code"] for c in data["countries"]] == ["CH"]
    pages = data["countries"][0]["pages"]
    assert pages and all(p.startswith("ch/") for p in pages)
    chains = ("de_CH", "de", "fr_CH", "fr", "it_CH", "it")
    assert set(data["translation_qa"]) == {
        loc for loc in chains if (site / "locales" / loc / "LC_MESSAGES").is_dir()
    }
    res = check(run, site, "--country", "TR")
    assert res.exit_code == 1 and "professional-indexable" in res.stdout


def test_unknown_country(run: Runner, project: Path) -> None:
    res = check(run, project, "--country", "XX")
    assert res.exit_code == 2
    assert res.output.startswith("error: unknown country 'XX': no source/countries/xx.yaml (")
    assert "CH Switzerland, DE Germany" in res.output and res.output.count("\n") == 1
    named = check(run, project, "--country", "Switzerland")
    assert named.exit_code == 2
    assert named.output == "error: unknown country 'Switzerland': use its code CH\n"


def test_site_not_a_directory(run: Runner, project: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    res = check(run, project, "--site", str(missing))
    assert res.exit_code == 2
    assert res.output == f"error: --site {missing} is not a directory\n"
    afile = tmp_path / "file.html"
    afile.write_text("<p>x</p>")
    res = check(run, project, "--site", str(afile))
    assert res.exit_code == 2
    assert f"Invalid value for '--site': Directory '{afile}' is a file." in res.output


def test_corrupt_manifest_is_bad_input(run: Runner, site: Path) -> None:
    """A manifest that is not JSON cannot be read, so nothing can be proven from it: bad input
    (exit 2, file and line), not a report with a verdict."""
    path = site / "site" / "manifest.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"pages": [', '"pages": [,', 1), encoding="utf-8")
    line = line_of(path, '"pages": [,')
    res = check(run, site)
    assert res.exit_code == 2, res.output
    assert res.output.startswith(f"error: site/manifest.json:{line}: manifest is not valid JSON")


@pytest.mark.parametrize(
    ("pages", "message"),
    [
        ({}, "manifest lacks a 'pages' list"),
        ([1], "manifest pages[0] is not an object"),
        ([{"path": 3}], "manifest pages[0] lacks a 'path' string"),
        (
            [{"path": "ch/de/index.html", "country": "CH", "locale": "de-CH"}],
            "manifest pages[0] lacks a 'kind' string",
        ),
        (
            [{"path": "ch/de/x.html", "country": "CH", "locale": "de-CH", "kind": "article"}],
            "manifest pages[0] is an article page without an 'article' slug",
        ),
        (
            [
                {
                    "path": "ch/de/index.html",
                    "country": "CH",
                    "locale": "de-CH",
                    "kind": "index",
                    "site_approvals": "abc",
                }
            ],
            "manifest pages[0] 'site_approvals' must be a list of hashes",
        ),
    ],
)
def test_manifest_wrong_shape_is_bad_input(
    run: Runner, site: Path, pages: Any, message: str
) -> None:
    data = manifest(site)
    data["pages"] = pages
    write_manifest(site, data)
    res = check(run, site)
    assert res.exit_code == 2, res.output
    assert res.output == f"error: site/manifest.json: {message}\n"


def test_manifest_lists_a_page_twice(run: Runner, site: Path) -> None:
    data = manifest(site)
    data["pages"].append(next(p for p in data["pages"] if p["path"] == CH_DE))
    write_manifest(site, data)
    res = check(run, site, "--country", "CH")
    assert res.exit_code == 1, res.output
    assert reported(res) == [("manifest-duplicate", "site/manifest.json")]
    assert (
        f"violation: manifest-duplicate site/manifest.json: manifest lists {CH_DE} more than once"
    ) in res.stdout


def test_manifest_missing(run: Runner, site: Path) -> None:
    (site / "site" / "manifest.json").unlink()
    res = check(run, site)
    assert res.exit_code == 1, res.output
    assert (
        "violation: manifest-missing site: site/manifest.json is missing: the site cannot be proven"
    ) in res.stdout


def test_manifest_path_outside_the_site(run: Runner, site: Path) -> None:
    outside = site / "secret.html"
    shutil.copy(page(site, CH_DE), outside)
    data = manifest(site)
    for p in data["pages"]:
        if p["path"] == CH_DE:
            p["path"] = str(outside)
    write_manifest(site, data)
    res = check(run, site)
    assert res.exit_code == 1
    assert (
        f"violation: manifest-path [CH de-CH {DVT}] site/manifest.json: manifest lists the "
        f"de-CH article page at {outside}; it belongs at {CH_DE}"
    ) in res.stdout
    # the page it should have named is now unlisted, and the file outside was never read
    assert reported(res) == [
        ("manifest-path", "site/manifest.json"),
        ("page-stray", f"site/{CH_DE}"),
    ]


def test_preview_site_is_a_violation(run: Runner, site: Path) -> None:
    res = run(site, "render", "--preview", "--country", "CH", "--today", TODAY)
    assert res.exit_code == 0, res.output
    res = check(run, site, "--site", str(site / "site-preview"), "--country", "CH")
    assert res.exit_code == 1, res.output
    assert (
        "violation: preview-site site-preview/manifest.json: site-preview is a preview "
        "render (drafts included), not a publish render"
    ) in res.stdout
    # the auditors' report shows it among the site-wide findings
    out = site / "report.html"
    res = check(
        run,
        site,
        "--site",
        str(site / "site-preview"),
        "--country",
        "CH",
        "--format",
        "html",
        "--out",
        str(out),
    )
    assert res.exit_code == 1
    doc = lxml.html.document_fromstring(out.read_text(encoding="utf-8"))
    general = [
        li.text_content()
        for li in doc.iter("li")
        if li.get("class") == "violation" and li.getparent().getparent().tag == "main"
    ]
    assert len(general) == 1 and "preview-site" in general[0]
