"""Bad input: one clear message naming the file (and line), exit code 2, no traceback, and
not a single byte of the project changed.

Each case edits a temporary copy of the sample project (with its committed catalogs, so a
half-written or truncated catalog would show in the snapshot) and runs one command.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from conftest import snapshot

from i18n.formats.country import nested_repeat

ARTICLE = "source/articles/venous-stenting-iliac-vein-obstruction.md"
LEAF = "venous-stenting-iliac-vein-obstruction"  # no other article lists it in `related`
PO = "locales/de/LC_MESSAGES/venous-stenting-iliac-vein-obstruction.po"
CH = "source/countries/ch.yaml"


def replace_line(root: Path, rel: str, number: int, new: str) -> None:
    """Replace line ``number`` (1-based) of a text file."""
    path = root / rel
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[number - 1] = new
    path.write_text("\n".join(lines), encoding="utf-8")


def line_of(root: Path, rel: str, needle: str) -> int:
    lines = (root / rel).read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, 1) if needle in line)


@dataclass
class Case:
    name: str
    mutate: Callable[[Path], None]
    command: str
    message: str  # a fragment of the message, regular expression
    where: str  # the file the message must name
    line: int | Callable[[Path], int] | None = None  # the line it must name, when it can


def _fm_not_closed(root: Path) -> None:
    replace_line(root, ARTICLE, 12, "")


def _fm_not_mapping(root: Path) -> None:
    path = root / ARTICLE
    body = path.read_text(encoding="utf-8").split("---\n", 2)[2]
    path.write_text("---\n- slug\n- title\n---\n" + body, encoding="utf-8")


def _invalid_yaml(root: Path) -> None:
    replace_line(root, ARTICLE, 5, 'category: "Treatments": extra')


def _missing_slug(root: Path) -> None:
    replace_line(root, ARTICLE, 2, "")


def _slug(value: str) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        replace_line(root, ARTICLE, 2, f"slug: {value}")

    return mutate


def _duplicate_slug(root: Path) -> None:
    # slug must equal the file name, so the only way to write a second article with the same
    # slug is a second Markdown file with the same stem
    src = root / ARTICLE
    (src.parent / f"{LEAF}.markdown").write_bytes(src.read_bytes())


def _country_language(root: Path) -> None:
    replace_line(root, CH, line_of(root, CH, "languages:"), "languages: [de, fr, it, xx]")


def _country_code(root: Path) -> None:
    replace_line(root, CH, line_of(root, CH, "code: CH"), "code: XX")


def _python_tag_article(root: Path) -> None:
    replace_line(root, ARTICLE, 5, "category: !!python/object/apply:os.system ['touch pwned']")


def _python_tag_country(root: Path) -> None:
    replace_line(root, CH, line_of(root, CH, "name:"), "name: !!python/object/apply:os.system [x]")


def _alias_bomb(root: Path) -> None:
    bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, cur in zip("abcdefgh", "bcdefghi", strict=True):
        bomb.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]")
    path = root / CH
    path.write_text(path.read_text(encoding="utf-8") + "\n".join(bomb) + "\n", encoding="utf-8")


def _broken_po(root: Path) -> None:
    n = line_of(root, PO, 'msgstr ""')
    replace_line(root, PO, n, 'msgstr "never closed')


def _po_unknown_keyword(root: Path) -> None:
    n = line_of(root, PO, 'msgstr ""')
    replace_line(root, PO, n, 'msgtsr ""')


def _po_duplicate(root: Path) -> None:
    path = root / PO
    path.write_text(
        path.read_text(encoding="utf-8") + '\nmsgctxt "title"\nmsgid "A"\nmsgstr "B"\n'
        '\nmsgctxt "title"\nmsgid "A"\nmsgstr "C"\n',
        encoding="utf-8",
    )


def _po_bad_escape(root: Path) -> None:
    n = line_of(root, PO, 'msgstr ""')
    replace_line(root, PO, n, r'msgstr "C:\path"')


def _po_plurals(root: Path) -> None:
    n = line_of(root, PO, "Plural-Forms")
    replace_line(root, PO, n, '"Plural-Forms: nplurals=1; plural=(n != 1);\\n"')


def _impossible_date(root: Path) -> None:
    replace_line(root, ARTICLE, line_of(root, ARTICLE, "date:"), "date: 2026-02-30")


def _impossible_country_date(root: Path) -> None:
    n = line_of(root, CH, "approved_on:")
    replace_line(root, CH, n, "    approved_on: 2026-13-01")


def _deep_yaml(root: Path) -> None:
    path = root / CH
    path.write_text(path.read_text(encoding="utf-8") + "deep: " + "[" * 5000 + "\n")


def _duplicate_key(root: Path) -> None:
    replace_line(root, ARTICLE, 5, 'title: "Stenting"')


def _duplicate_country_key(root: Path) -> None:
    n = line_of(root, CH, "regulator:")
    replace_line(root, CH, n, "regulator: Swissmedic\nlanguages: [de]")


def _latin1_po(root: Path) -> None:
    path = root / PO
    text = path.read_text(encoding="utf-8").replace("charset=UTF-8", "charset=ISO-8859-1")
    path.write_bytes(text.encode("utf-8").replace(b'msgstr ""\n\n#', b'msgstr "\xe4"\n\n#', 1))


def _template_error(root: Path) -> None:
    folder = root / "templates"
    folder.mkdir()
    (folder / "page.html").write_text(
        "<h1>{% trans %}Home{% endtrans %}</h1>\n<p>\n{{ _('Close') }}\n{{ _('Open' }}\n</p>\n",
        encoding="utf-8",
    )


LONG = ("Venous stenting explained. " * 7).strip()


def _long_description(root: Path) -> None:
    replace_line(root, ARTICLE, 4, f"description: {LONG}")


def _not_utf8(root: Path) -> None:
    path = root / ARTICLE
    lines = path.read_bytes().split(b"\n")
    lines[19] = b"Iliac vein obstruction in Z\xfcrich"  # Latin-1, line 20
    path.write_bytes(b"\n".join(lines))


def _symlink_outside(root: Path) -> None:
    outside = root.parent / "outside"
    outside.mkdir()
    target = outside / "evil.md"
    target.write_text("---\nslug: evil\ntitle: Evil\n---\nText.\n", encoding="utf-8")
    os.symlink(target, root / "source" / "articles" / "evil.md")


CASES = [
    Case(
        "front matter not closed",
        _fm_not_closed,
        "extract",
        r"front matter is not closed by a '---' line",
        ARTICLE,
        1,
    ),
    Case(
        "front matter not a mapping",
        _fm_not_mapping,
        "extract",
        r"expected a YAML mapping \(key: value\), found list",
        ARTICLE,
        2,
    ),
    Case("invalid YAML", _invalid_yaml, "extract", r"invalid YAML: .*", ARTICLE, 5),
    Case(
        "missing slug",
        _missing_slug,
        "extract",
        r"front matter lacks the required key 'slug'",
        ARTICLE,
    ),
    Case("slug with ..", _slug("../x"), "extract", r"invalid slug '\.\./x'", ARTICLE, 2),
    Case(
        "slug in upper case",
        _slug(LEAF.upper()),
        "extract",
        r"invalid slug 'VENOUS-STENTING",
        ARTICLE,
        2,
    ),
    Case(
        "slug with a Cyrillic a",
        _slug(LEAF.replace("a", "\u0430", 1)),
        "extract",
        r"invalid slug 'venous-stenting-ili\u0430c",
        ARTICLE,
        2,
    ),
    Case(
        "slug not the file name",
        _slug("venous-stenting"),
        "extract",
        rf"slug 'venous-stenting' must equal the file name '{LEAF}'",
        ARTICLE,
        2,
    ),
    Case(
        "duplicate slug",
        _duplicate_slug,
        "extract",
        rf"duplicate slug '{LEAF}' \(also in source/articles/{LEAF}\.m",
        "source/articles/",
    ),
    Case(
        "unknown language",
        _country_language,
        "update",
        r"unknown language or locale code 'xx'",
        CH,
        lambda root: line_of(root, CH, "languages:"),
    ),
    Case(
        "unknown country code",
        _country_code,
        "update",
        r"unknown country code 'XX'",
        CH,
        lambda root: line_of(root, CH, "code:"),
    ),
    Case(
        "python tag in front matter",
        _python_tag_article,
        "extract",
        r"tag '!!python/object/apply:os\.system' is not allowed",
        ARTICLE,
        5,
    ),
    Case(
        "python tag in a country",
        _python_tag_country,
        "update",
        r"tag '!!python/object/apply:os\.system' is not allowed",
        CH,
        lambda root: line_of(root, CH, "name:"),
    ),
    Case(
        "YAML alias bomb",
        _alias_bomb,
        "update",
        r"YAML aliases are not allowed",
        CH,
        lambda root: line_of(root, CH, "b: &b"),
    ),
    Case(
        "PO string never closed",
        _broken_po,
        "update",
        r"broken PO file",
        PO,
        lambda root: line_of(root, PO, "never closed"),
    ),
    Case(
        "PO unknown keyword",
        _po_unknown_keyword,
        "update",
        r"broken PO file",
        PO,
        lambda root: line_of(root, PO, "msgtsr"),
    ),
    Case(
        "PO duplicate entry",
        _po_duplicate,
        "update",
        r"duplicate message",
        PO,
        lambda root: line_of(root, PO, '"C"') - 2,
    ),
    Case(
        "PO invalid escape",
        _po_bad_escape,
        "update",
        r"broken PO file",
        PO,
        lambda root: line_of(root, PO, "path"),
    ),
    Case(
        "PO wrong plural count",
        _po_plurals,
        "update",
        r"header Plural-Forms: plural=\(n != 1\) gives form 1 for n=0, but nplurals=1",
        PO,
        lambda root: line_of(root, PO, "Plural-Forms"),
    ),
    Case(
        "date that does not exist",
        _impossible_date,
        "extract",
        r"invalid date '2026-02-30' \(day is out of range for month\)",
        ARTICLE,
        lambda root: line_of(root, ARTICLE, "date:"),
    ),
    Case(
        "country date that does not exist",
        _impossible_country_date,
        "update",
        r"invalid date '2026-13-01'",
        CH,
        lambda root: line_of(root, CH, "approved_on:"),
    ),
    Case("YAML nested too deeply", _deep_yaml, "update", r"nested too deeply", CH),
    Case(
        "front-matter key given twice",
        _duplicate_key,
        "extract",
        r"invalid YAML: key 'title' is given twice",
        ARTICLE,
        5,
    ),
    Case(
        "country key given twice",
        _duplicate_country_key,
        "update",
        r"invalid YAML: key 'languages' is given twice",
        CH,
        lambda root: line_of(root, CH, "regulator:") + 1,
    ),
    Case(
        "PO file in Latin-1",
        _latin1_po,
        "update",
        r"not valid UTF-8 \(byte 0xe4\): catalogs must be UTF-8 and this one declares "
        r"charset=ISO-8859-1; convert it with: msgconv --to-code=UTF-8",
        PO,
        lambda root: next(
            i for i, line in enumerate((root / PO).read_bytes().split(b"\n"), 1) if b"\xe4" in line
        ),
    ),
    Case(
        "template syntax error",
        _template_error,
        "extract",
        r"template syntax error",
        "templates/page.html",
        4,
    ),
    Case(
        "description over 160",
        _long_description,
        "extract",
        rf"description has {len(LONG)} characters; at most 160",
        ARTICLE,
        4,
    ),
    Case("not UTF-8", _not_utf8, "extract", r"not valid UTF-8 \(byte 0xfc\)", ARTICLE, 20),
    Case(
        "symlink out of the project",
        _symlink_outside,
        "extract",
        r"points outside the project",
        "source/articles/evil.md",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_one_clear_error(project: Path, run, case: Case) -> None:
    case.mutate(project)
    before = snapshot(project)
    result = run(project, case.command)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # not an uncaught exception
    err = result.stderr
    assert "Traceback" not in result.output
    assert err.count("\n") == 1 and err.startswith("error: "), err
    line = case.line(project) if callable(case.line) else case.line
    where = re.escape(case.where) + (rf"[^:]*:{line}: " if line else r"[^:]*(:\d+)?: ")
    assert re.match(rf"error: {where}", err), err
    assert re.search(case.message, err), err
    assert snapshot(project) == before
    assert not (project / "pwned").exists()


def test_status_reports_a_broken_po(project: Path, run) -> None:
    _broken_po(project)
    result = run(project, "status")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {PO}:")


def test_bom_and_crlf_article_is_accepted(project: Path, run) -> None:
    """An article saved by a Windows editor (UTF-8 BOM, CRLF) extracts exactly like the LF
    original: same msgids, same line numbers."""
    assert run(project, "extract").exit_code == 0
    pot = project / "locales" / "templates" / f"{LEAF}.pot"
    expected = pot.read_bytes()
    src = project / ARTICLE
    src.write_bytes(b"\xef\xbb\xbf" + src.read_bytes().replace(b"\n", b"\r\n"))
    result = run(project, "extract")
    assert result.exit_code == 0, result.output
    assert pot.read_bytes() == expected
    assert b"\r" not in pot.read_bytes()


@pytest.mark.parametrize("command", ["render", "check"])
@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("2026-02-29", "'2026-02-29' is not a date (day is out of range for month)"),
        ("2026-13-01", "'2026-13-01' is not a date (month must be in 1..12)"),
        ("2026-2-1", "'2026-2-1' is not written YYYY-MM-DD"),
    ],
)
def test_an_impossible_today_is_not_a_date(
    project: Path, run, command: str, value: str, says: str
) -> None:
    before = snapshot(project)
    result = run(project, command, "--country", "DE", "--today", value)
    assert result.exit_code == 2
    assert f"Invalid value for '--today': {says}" in result.stderr
    assert snapshot(project) == before


@pytest.mark.parametrize("command", ["queue", "translate"])
def test_a_page_tag_as_locale_points_to_the_language(project: Path, run, command: str) -> None:
    """``de-DE`` is how the render table labels German pages for Germany; the catalogs are
    ``de``: the error says so instead of only "no catalogs"."""
    before = snapshot(project)
    result = run(project, command, "--locale", "de-DE")
    assert result.exit_code == 2
    assert "no catalogs for" in result.stderr and "de_DE" in result.stderr
    assert "use --locale de: de-DE pages take their text from the de catalogs" in result.stderr
    other = run(project, command, "--locale", "es")
    assert other.exit_code == 2
    assert "locales with catalogs: ar, de, de_CH, fr, it, ja, nl, pt, tr" in other.stderr
    assert snapshot(project) == before


@pytest.mark.parametrize("folder", ["templates", "locales/site", "source/site", ".git/site"])
def test_render_never_writes_where_the_project_reads(project: Path, run, folder: str) -> None:
    """``render --out templates`` would make the pages the project's site templates (and
    break the next extract): refused, nothing written, the next extract as before."""
    before = snapshot(project)
    result = run(project, "render", "--out", str(project / folder))
    assert result.exit_code == 2
    assert f"is inside {folder.split('/')[0]}/, which the project reads" in result.stderr
    assert snapshot(project) == before and not (project / "templates").exists()
    assert run(project, "extract").exit_code == 0
    assert snapshot(project) == before


def test_a_placeholder_with_another_conversion_is_unusable_not_a_crash(project: Path, run) -> None:
    """``%(reference)d`` keeps the name but would format a text as a number: render withholds
    the locale naming the string, preview shows the English, neither crashes."""
    site_po = project / "locales/de/LC_MESSAGES/site.po"
    text = site_po.read_text(encoding="utf-8")
    assert 'msgstr "Referenz: %(reference)s"' in text
    site_po.write_text(text.replace("Referenz: %(reference)s", "Referenz: %(reference)d"))
    result = run(project, "render", "--country", "DE")
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.replace("│", " ").split())
    assert "site.po: 1 translation(s) unusable ('Reference: %(reference)s': placeholders" in said
    assert not list((project / "site/de").rglob("*.html"))
    preview = run(project, "render", "--country", "DE", "--preview")
    assert preview.exit_code == 0, preview.output
    page = (project / "site-preview/de/de/mechanical-thrombectomy-for-dvt.html").read_text()
    assert '<mark class="unapproved" lang="en">Reference: ' in page and "Referenz" not in page


def test_a_symlinked_ledger_is_refused_not_followed(project: Path, run, tmp_path: Path) -> None:
    """A committed ``approvals.jsonl`` that links outside the project is neither read (its
    approvals would publish) nor appended to: every command that uses it exits 2."""
    ledger = project / "locales/de/approvals.jsonl"
    outside = tmp_path / "elsewhere.jsonl"
    outside.write_bytes(ledger.read_bytes())
    ledger.unlink()
    ledger.symlink_to(outside)
    before = outside.read_bytes()
    assert run(project, "queue", "--locale", "fr").exit_code == 0  # other locales still work
    for args in (
        ("reject", "--locale", "de", "0000000000", "--reason", "x"),
        ("render", "--country", "DE"),
        ("check", "--country", "DE"),
    ):
        result = run(project, *args)
        assert result.exit_code == 2, (args, result.output)
        assert "locales/de/approvals.jsonl: the approval ledger is a symbolic link" in result.stderr
    assert outside.read_bytes() == before
    assert not (project / "site/de").exists()


def test_a_symlinked_lock_file_truncates_nothing(project: Path, run, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    cache = project / ".cache/i18n"
    cache.mkdir(parents=True, exist_ok=True)
    for name in ("write.lock.holder", "write.lock"):
        link = cache / name
        link.unlink(missing_ok=True)
        link.symlink_to(victim)
        result = run(project, "extract")
        assert result.exit_code == 2, result.output
        assert f".cache/i18n/{name}: is a symbolic link" in result.stderr
        assert victim.read_text() == "keep me\n"
        link.unlink()


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\u2028", "U+2028 LINE SEPARATOR"),
        ("\u2029", "U+2029 PARAGRAPH SEPARATOR"),
        ("\x85", "U+0085 NEXT LINE"),
        ("\x1e", "U+001E"),
    ],
)
@pytest.mark.parametrize("command", ["extract", "render"])
def test_a_line_end_only_python_sees_is_refused_in_an_article(
    project: Path, run, char: str, name: str, command: str
) -> None:
    """Python's splitlines() (so polib) ends a line at these, Markdown and GNU gettext do not:
    the msgid would never read back and the article would be withheld forever. Refused at
    the line, before anything is written."""
    rel = "source/articles/post-thrombotic-syndrome.md"
    path = project / rel
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines, 1) if line.startswith("Studies report"))
    lines[number - 1] = lines[number - 1].replace(" ", char, 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    before = snapshot(project)
    result = run(project, command)
    assert result.exit_code == 2, result.output
    assert f"{rel}:{number}: {name}" in result.stderr and "Traceback" not in result.output
    assert snapshot(project) == before


@pytest.mark.parametrize("pattern", [r"(\w+\s?)+ heilt", r"(?:garantiert(?:\s*\d+)*)+x"])
def test_a_claim_pattern_that_could_run_for_hours_is_refused(
    project: Path, run, pattern: str
) -> None:
    """Python's ``re`` has no time limit: a repeated repetition in a claim rule would hang
    render and check on a page that almost matches. Refused at its line, with the fix."""
    rel = "source/countries/de.yaml"
    number = line_of(project, rel, r"- '\bheilt\b'")
    replace_line(project, rel, number, f"    - '{pattern}'")
    before = snapshot(project)
    for command in ("render", "check"):
        result = run(project, command, "--country", "DE")
        assert result.exit_code == 2, result.output
        assert f"{rel}:{number}: claim pattern {pattern!r} repeats a repetition" in result.stderr
    assert snapshot(project) == before


def test_the_built_in_claim_patterns_cannot_run_for_hours() -> None:
    builtin = yaml.safe_load(
        (Path(__file__).parents[1] / "i18n/data/risky_claims.yaml").read_text(encoding="utf-8")
    )
    patterns = [p for ps in builtin.values() for p in ps]
    assert len(patterns) > 40 and not [p for p in patterns if nested_repeat(p)]


def _link_from_outside(path: Path, outside: Path) -> None:
    """Move ``path`` to ``outside`` and leave a symbolic link to it in its place."""
    outside.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(outside)


@pytest.mark.parametrize(
    ("rel", "command", "says"),
    [
        ("locales/de/LC_MESSAGES/site.po", ("render", "--country", "DE"), "is a symbolic link"),
        ("source/glossary.yaml", ("queue", "--locale", "de"), "file points outside the project"),
    ],
)
def test_symlinked_catalogs_and_glossary_are_not_read(
    project: Path, run, tmp_path: Path, rel: str, command: tuple[str, ...], says: str
) -> None:
    """A .po or the glossary linked from outside the project is refused, naming the file."""
    _link_from_outside(project / rel, tmp_path / Path(rel).name)
    result = run(project, *command)
    assert result.exit_code == 2, result.output
    assert f"{rel}: {says}" in result.stderr


@pytest.mark.parametrize(
    "reason", ["wrong\rterm", "wrong\r\nterm", "wrong\x0bterm\u2028see glossary"]
)
def test_a_reason_with_line_ends_writes_a_catalog_gnu_and_the_tool_read(
    project: Path, run, reason: str
) -> None:
    """A reason is one line of a translator comment: a carriage return (or another line end)
    in it once wrote a .po that GNU gettext accepted and the tool then refused."""
    from conftest import msgfmt_check

    from i18n.formats.po import read_po
    from i18n.model.states import entry_id

    path = project / "locales" / "de" / "LC_MESSAGES" / "mechanical-thrombectomy-for-dvt.po"
    entry = next(e for e in read_po(path, "de.po") if e.msgctxt == "title")
    ident = entry_id("de", "mechanical-thrombectomy-for-dvt", "title", entry.msgid)
    result = run(project, "reject", "--locale", "de", ident, "--reason", reason)
    assert result.exit_code == 0, result.output
    assert msgfmt_check(path).returncode == 0
    back = next(e for e in read_po(path, "de.po") if e.msgctxt == "title")
    assert "fuzzy" in back.flags
    assert any(
        line.endswith("wrong term") or "wrong term see glossary" in line
        for line in back.tcomment.splitlines()
    )
    assert run(project, "status").exit_code == 0


def test_another_countrys_broken_catalog_does_not_stop_a_country_render(
    project: Path, run, tmp_path: Path
) -> None:
    """`render --country US` (English only) once stopped on Turkey's broken site.po; now the
    Turkish pages are withheld, naming the file and line, and the US render goes on. The
    country whose catalog is broken still stops with exit 2."""
    site = tmp_path / "site"
    assert run(project, "render", "--out", str(site)).exit_code == 0
    assert (site / "tr/tr/index.html").is_file()
    po = project / "locales" / "tr" / "LC_MESSAGES" / "site.po"
    lines = po.read_text(encoding="utf-8").count("\n")
    with po.open("a", encoding="utf-8") as f:
        f.write('msgid "x\n')
    result = run(project, "render", "--country", "US", "--out", str(site))
    assert result.exit_code == 0, result.output
    assert (site / "us/en/index.html").is_file()
    assert not (site / "tr").exists()  # fail closed: pages that cannot be proven go
    where = f"locales/tr/LC_MESSAGES/site.po:{lines + 1}: broken PO file"
    assert f"warning: TR tr-TR withheld: catalogs could not be read: {where}" in result.output
    assert run(project, "check", "--country", "US", "--site", str(site)).exit_code == 0
    broken = run(project, "render", "--country", "TR", "--out", str(site))
    assert broken.exit_code == 2 and where in broken.output


@pytest.mark.parametrize("command", ["check", "render"])
def test_a_project_without_countries_is_not_a_pass(project: Path, run, command: str) -> None:
    """`check` printed PASS for 0 countries and `render` wrote an empty site, both exit 0."""
    for file in (project / "source" / "countries").glob("*.yaml"):
        file.unlink()
    before = snapshot(project)
    result = run(project, command)
    assert result.exit_code == 2
    assert "source/countries: no countries" in result.output
    assert snapshot(project) == before
