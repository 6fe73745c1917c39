"""Self-contained HTML reports: the review sheet (one page per locale) and the status table.

Every page is one file with its style inline: no scripts, no external stylesheets, fonts or
images, so it opens from an e-mail attachment or a shared drive without a network request.
Catalog text is data: Jinja2 autoescaping escapes every msgid, msgstr and comment.
Output is deterministic (no timestamps): the same queue gives byte-identical pages.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel import Locale
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from rich.table import Table

from i18n.cli.common import plain_console
from i18n.model.states import STATES, TRANSLATED
from i18n.pipeline.check.report import VERDICT

if TYPE_CHECKING:
    from i18n.pipeline.review import Item
    from i18n.pipeline.status import Counts


# The pages are template files beside this module (templates/*.html, with style.css inlined).
_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


def _forms(item: Item) -> list[str]:
    e = item.entry
    if e.msgid_plural:
        return [e.msgstr_plural[k] for k in sorted(e.msgstr_plural, key=int)]
    return [e.msgstr]


def _direction(locale: str) -> str:
    try:
        return "rtl" if Locale.parse(locale).character_order == "right-to-left" else "ltr"
    except (ValueError, TypeError):
        return "ltr"


def _language(locale: str) -> str:
    try:
        return str(Locale.parse(locale).english_name)
    except (ValueError, TypeError):
        return locale


def review_sheet(locale: str, items: Sequence[Item]) -> str:
    """One locale's review sheet: source and translation side by side, state and draft
    reason, QA findings, previous-source diffs, and the ids to pass to ``i18n approve``."""
    groups: dict[str, list[Item]] = {}
    for it in items:
        groups.setdefault(it.catalog, []).append(it)
    counts = [(s, sum(1 for it in items if it.state == s)) for s in STATES]
    approvable = [it.id for it in items if it.state == TRANSLATED and not it.blocking]
    return _ENV.get_template("review-sheet.html").render(
        locale=locale,
        tag=locale.replace("_", "-"),
        language=_language(locale),
        direction=_direction(locale),
        counts=[c for c in counts if c[1]],
        items=items,
        groups=list(groups.items()),
        approvable=approvable,
        forms=_forms,
    )


def status_html(rows: Iterable[tuple[str, str, Counts]]) -> str:
    """The ``i18n status`` table as a page; rows are (locale, catalog, Counts)."""
    table: list[tuple[str, str, dict[str, Any], str]] = []
    columns: list[str] = []
    for locale, catalog, counts in rows:
        d = counts.as_dict()
        columns = columns or list(d)
        total = d.get("total", 0)
        pct = f"{100 * d.get('approved', 0) / total:.0f}%" if total else "-"
        table.append((locale, catalog, d, pct))
    return _ENV.get_template("status.html").render(rows=table, columns=columns)


# --- the regulatory check report ------------------------------------------------------------


def check_html(report: Any) -> str:
    """The auditors' report of ``i18n check``: one self-contained page, a card per country."""
    return _ENV.get_template("check.html").render(r=report, verdict=VERDICT)


def check_text(report: Any) -> str:
    """The terminal report of ``i18n check``: a table per country and the findings."""
    console = plain_console(record=True, width=120, file=io.StringIO(), force_terminal=False)
    table = Table(
        title=f"Regulatory check as of {report.today}"
        + (f" (site: {report.site})" if report.site else " (no rendered site)")
    )
    for col in (
        "country",
        "audience",
        "disclaimers",
        "first expiry",
        "pages",
        "violations",
        "warnings",
        "status",
    ):
        table.add_column(col, no_wrap=col != "disclaimers")
    for c in report.countries:
        refs = ", ".join(f"{d['language']}: {d['reference']}" for d in c.disclaimers)
        expiry = min((d["expires"] for d in c.disclaimers), default="-")
        nv = sum(f.blocking for f in c.findings)
        nw = len(c.findings) - nv
        table.add_row(
            f"{c.code} {c.name}",
            c.audience,
            refs or "-",
            expiry,
            str(len(c.pages)),
            str(nv),
            str(nw),
            c.status.upper(),
        )
    console.print(table)
    lines = []  # plain lines, never wrapped: one finding is one line for logs and grep
    for f in report.findings:
        where = f" {f.where}" if f.where else ""
        scope = " ".join(x for x in (f.country, f.locale, f.article) if x)
        verdict = VERDICT[f.severity]
        lines.append(f"{verdict}: {f.code}{f' [{scope}]' if scope else ''}{where}: {f.message}")
        if f.snippet:
            lines.append(f"    {f.snippet}")
    for loc, counts in report.qa.items():
        summary = ", ".join(f"{k}: {v}" for k, v in counts.items())
        lines.append(f"translation QA {loc}: {summary}")
    verdict = "FAIL" if report.violations else "PASS"
    lines.append(
        f"{verdict}: {len(report.violations)} violation(s), {len(report.warnings)} warning(s)"
    )
    return console.export_text() + "".join(line + "\n" for line in lines)


def audit_html(report: Any) -> str:
    """``i18n audit --format html``: one page per site, a section per published page."""
    total = sum(len(p.entries) for p in report.pages)
    unverified = sum(p.unverified for p in report.pages)
    return _ENV.get_template("audit.html").render(r=report, total=total, unverified=unverified)
