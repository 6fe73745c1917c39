"""The sample project rendered once, for the tests that look at finished pages (a real browser,
the Nu HTML Checker).

Built through the CLI on a copy of the repository:

1. ``i18n render --preview``: every country's preview from the sample as committed (its
   Japanese catalogs are untranslated, so ja-JP previews show marked English text);
2. Japanese for one article and the site strings: each msgstr is the msgid with a Japanese
   prefix (links and placeholders kept), signed off with ``i18n approve --all``. The article
   names no product: Mantis and Vertex are unavailable in Japan, so articles naming them are
   withheld there;
3. ``i18n render``: the publish site, the sample's pages plus ja-JP.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner
from conftest import copy_project, render_as_of

from i18n.cli import cli
from i18n.formats.po import read_po, write_po
from i18n.project import Project

DVT = "understanding-deep-vein-thrombosis"  # names no product
JA_PREFIX = "訳："
TODAY = "2026-11-26"  # every sample disclaimer is valid on this day


@dataclass(frozen=True)
class RenderedSample:
    root: Path  # the project copy, holding site/ and site-preview/

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def preview(self) -> Path:
        return self.root / "site-preview"

    def pages(self) -> list[Path]:
        return sorted([*self.site.rglob("*.html"), *self.preview.rglob("*.html")])


def invoke(root: Path, *args: str) -> str:
    cmd, *rest = args
    result = CliRunner().invoke(cli, [cmd, "--project", str(root), *rest])
    if result.exit_code != 0:
        raise AssertionError(
            f"i18n {' '.join(args)} exited {result.exit_code}:\n"
            f"{result.output}\n{result.exception!r}"
        )
    return result.output


def translate_japanese(root: Path, domains: list[str]) -> None:
    """msgstr = JA_PREFIX + msgid (each plural form too), not fuzzy: ready for review."""
    project = Project(root)
    for domain in domains:
        path = project.po_path("ja", domain)
        po = read_po(path)
        for entry in po:
            if entry.obsolete or not entry.msgid:
                continue
            if entry.msgid_plural:
                entry.msgstr_plural = {
                    i: JA_PREFIX + entry.msgid_plural for i in entry.msgstr_plural
                }
            else:
                entry.msgstr = JA_PREFIX + entry.msgid
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        write_po(path, po)


def build(dest: Path) -> RenderedSample:
    root = copy_project(dest / "proj")
    invoke(root, "render", "--preview", "--today", TODAY)
    translate_japanese(root, [DVT, "site"])
    invoke(root, "approve", "--locale", "ja", "--all")
    result = render_as_of(root, TODAY)
    assert result.exit_code == 0, result.output
    return RenderedSample(root)
