"""Self-contained HTML reports: the review sheet (one page per locale) and the status table.

Every page is one file with its style inline: no scripts, no external stylesheets, fonts or
images, so it opens from an e-mail attachment or a shared drive without a network request.
Catalog text is data: Jinja2 autoescaping escapes every msgid, msgstr and comment.
Output is deterministic (no timestamps): the same queue gives byte-identical pages.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from babel import Locale
from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

if TYPE_CHECKING:
    from i18n.pipeline.review import Item
    from i18n.pipeline.status import Counts

STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5rem;
       color: #1a1a1a; background: #fff; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #ccc; padding: .4rem .5rem; vertical-align: top; text-align: left; }
th { background: #f2f2f2; }
td.num { text-align: right; }
.id { font-family: ui-monospace, monospace; white-space: nowrap; }
.ctx { color: #555; font-size: .85em; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; width: 34%; }
.state { white-space: nowrap; }
.state-draft { color: #8a5a00; } .state-rejected { color: #a00; }
.state-translated { color: #004a99; } .state-approved { color: #176b2c; }
.blocking { color: #a00; font-weight: 600; } .warning { color: #8a5a00; }
ul.findings { margin: .3rem 0 0; padding-left: 1.1rem; font-size: .9em; }
.diff { font-size: .9em; color: #333; margin-top: .3rem; }
del { background: #fdd; text-decoration: line-through; } ins { background: #dfd; }
pre.cmd { background: #f6f6f6; padding: .6rem; white-space: pre-wrap; overflow-wrap: anywhere; }
.summary span { margin-right: 1rem; }
"""

SHEET = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Review sheet: {{ locale }}</title>
<style>{{ style }}</style>
</head>
<body>
<h1>Review sheet: {{ language }} ({{ locale }})</h1>
<p class="summary">{% for state, n in counts %}<span>{{ state }}: {{ n }}</span>{% endfor %}
<span>items: {{ items | length }}</span></p>
<p>Check each translation against its English source. Items marked <em>translated</em> are
waiting for your sign-off; drafts and rejected items go back to the translator. Blocking
findings must be fixed (or overridden with a recorded reason) before approval.</p>
{% if approvable %}
<p>Sign off the translated items without blocking findings:</p>
<pre class="cmd">i18n approve --locale {{ locale }} --reviewer "YOUR NAME"
{{- " " ~ approvable | join(" ") }}</pre>
{% endif %}
{% for catalog, rows in groups %}
<h2 id="catalog-{{ catalog }}">{{ catalog }}</h2>
<table>
<thead><tr><th>id</th><th>state</th><th>source (en)</th><th>translation ({{ locale }})</th>
<th>QA findings</th></tr></thead>
<tbody>
{% for it in rows %}
<tr id="item-{{ it.id }}" data-id="{{ it.id }}" data-state="{{ it.state }}">
<td class="id">{{ it.id }}</td>
<td class="state state-{{ it.state }}">{{ it.state }}
{%- if it.reason %}<br><small>{{ it.reason }}</small>{% endif %}</td>
<td class="text" lang="en" dir="ltr">
{%- if it.entry.msgctxt %}<div class="ctx">{{ it.entry.msgctxt }}</div>{% endif -%}
{{ it.entry.msgid }}
{%- if it.entry.msgid_plural %}<div class="ctx">plural</div>{{ it.entry.msgid_plural }}
{%- endif %}
{%- if it.diff() %}<div class="diff">source changed:{{ " " }}
{%- for op, text in it.diff() %}
{%- if op == "-" %}<del>{{ text }}</del>
{%- elif op == "+" %}<ins>{{ text }}</ins>
{%- else %}{{ text }}{% endif %}
{%- endfor %}</div>
{%- endif %}</td>
<td class="text" lang="{{ tag }}" dir="{{ direction }}">
{%- for form in forms(it) %}
{%- if not loop.first %}<div class="ctx">plural form {{ loop.index0 }}</div>{% endif -%}
{{ form }}
{%- endfor %}</td>
<td>
{%- if it.findings %}<ul class="findings">
{% for f in it.findings %}
<li class="{{ f.severity }}">{{ f.severity }} {{ f.code }}: {{ f.message }}</li>
{% endfor %}
</ul>
{%- else %}none{% endif %}</td>
</tr>
{% endfor %}
</tbody>
</table>
{% else %}
<p>Nothing to review.</p>
{% endfor %}
</body>
</html>
"""

STATUS = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Translation status</title>
<style>{{ style }}</style>
</head>
<body>
<h1>Translation status</h1>
<table>
<thead><tr><th>locale</th><th>catalog</th>{% for c in columns %}<th>{{ c }}</th>{% endfor %}
<th>approved %</th></tr></thead>
<tbody>
{% for locale, catalog, counts, pct in rows %}
<tr{% if catalog == "(all)" %} style="font-weight:600"{% endif %}>
<td>{{ locale }}</td><td>{{ catalog }}</td>
{%- for c in columns %}<td class="num">{{ counts[c] }}</td>{% endfor -%}
<td class="num">{{ pct }}</td></tr>
{% endfor %}
</tbody>
</table>
</body>
</html>
"""

_ENV = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)


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
    from i18n.model.states import STATES, TRANSLATED

    groups: dict[str, list[Item]] = {}
    for it in items:
        groups.setdefault(it.catalog, []).append(it)
    counts = [(s, sum(1 for it in items if it.state == s)) for s in STATES]
    approvable = [it.id for it in items if it.state == TRANSLATED and not it.blocking]
    return _ENV.from_string(SHEET).render(
        style=Markup(STYLE),  # our own constant: <style> content is never entity-decoded
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
    return _ENV.from_string(STATUS).render(style=Markup(STYLE), rows=table, columns=columns)


# --- the regulatory check report ------------------------------------------------------------

CHECK = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Regulatory check {{ r.today }}</title>
<style>{{ style }}
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(28rem, 1fr)); gap: 1rem; }
.card { border: 1px solid #ccc; border-radius: 6px; padding: .4rem 1rem 1rem; }
.card h2 { margin-top: .6rem; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 3px; font-size: .85em;
         color: #fff; vertical-align: middle; }
.pass { background: #176b2c; } .warn { background: #8a5a00; } .fail { background: #a00; }
.violation { color: #a00; } .finding-warning { color: #8a5a00; }
details { margin-top: .5rem; }
</style>
</head>
<body>
<h1>Regulatory check <span class="badge {{ 'fail' if r.violations else 'pass' }}">
{{- 'FAIL' if r.violations else 'PASS' }}</span></h1>
<p class="summary"><span>as of {{ r.today }}</span><span>site: {{ r.site or "not checked" }}</span>
<span>countries: {{ r.countries | length }}</span>
<span>violations: {{ r.violations | length }}</span>
<span>warnings: {{ r.warnings | length }}</span></p>
{% if r.general %}
<h2>Site-wide findings</h2>
<ul>{% for f in r.general %}<li class="{{ f.severity }}">{{ f.severity }} {{ f.code }}:
{{ f.message }}{% if f.where %} <code>{{ f.where }}</code>{% endif %}</li>{% endfor %}</ul>
{% endif %}
<div class="cards">
{% for c in r.countries %}
<section class="card" id="country-{{ c.code }}" data-country="{{ c.code }}"
 data-status="{{ c.status }}">
<h2>{{ c.name }} ({{ c.code }}) <span class="badge {{ c.status }}">{{ c.status }}</span></h2>
<p>Regulator: {{ c.regulator }} · audience: {{ c.audience }}</p>
<table>
<thead><tr><th>language</th><th>reference</th><th>approved by</th><th>approved</th>
<th>expires</th></tr></thead>
<tbody>
{% for d in c.disclaimers %}<tr><td>{{ d.language }}</td><td>{{ d.reference }}</td>
<td>{{ d.approved_by }}</td><td>{{ d.approved_on }}</td><td>{{ d.expires }}</td></tr>
{% else %}<tr><td colspan="5" class="violation">no disclaimer</td></tr>{% endfor %}
</tbody>
</table>
{% if c.findings %}
<ul class="findings">
{% for f in c.findings %}
<li class="{{ 'violation' if f.severity == 'violation' else 'finding-warning' }}">
{{ f.severity }} {{ f.code }}{% if f.locale %} [{{ f.locale }}]{% endif %}: {{ f.message }}
{%- if f.where %} <code>{{ f.where }}</code>{% endif %}
{%- if f.snippet %}<br><q>{{ f.snippet }}</q>{% endif %}</li>
{% endfor %}
</ul>
{% else %}<p>No findings.</p>{% endif %}
<details><summary>{{ c.pages | length }} page(s) checked</summary>
<ul>{% for p in c.pages %}<li><code>{{ p }}</code></li>{% endfor %}</ul></details>
</section>
{% endfor %}
</div>
{% if r.qa %}
<h2>Translation QA</h2>
<table><thead><tr><th>locale</th><th>summary</th></tr></thead><tbody>
{% for loc, counts in r.qa.items() %}<tr><td>{{ loc }}</td><td>
{%- for k, v in counts.items() %}{{ k }}: {{ v }}{% if not loop.last %}, {% endif %}{% endfor -%}
</td></tr>{% endfor %}
</tbody></table>
{% endif %}
</body>
</html>
"""


def check_html(report: Any) -> str:
    """The auditors' report of ``i18n check``: one self-contained page, a card per country."""
    return _ENV.from_string(CHECK).render(style=Markup(STYLE), r=report)


def check_text(report: Any) -> str:
    """The terminal report of ``i18n check``: a table per country and the findings."""
    from rich.console import Console
    from rich.table import Table

    console = Console(record=True, width=120, file=io.StringIO(), force_terminal=False)
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
        nv = sum(f.severity == "violation" for f in c.findings)
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
        lines.append(f"{f.severity}: {f.code}{f' [{scope}]' if scope else ''}{where}: {f.message}")
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
