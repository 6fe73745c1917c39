"""Run every regulatory check of a project (and of its rendered site) into one report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from i18n.errors import I18nError
from i18n.formats.article import load_articles
from i18n.formats.country import require_countries, unknown_country
from i18n.formats.manifest import read_manifest
from i18n.model.locale import fallback_chain
from i18n.pipeline.check.config import (
    claim_findings,
    config_findings,
    copied_disclaimers,
    qa_summary,
)
from i18n.pipeline.check.ledgers import history_findings, ledger_findings
from i18n.pipeline.check.proof import site_findings
from i18n.pipeline.check.report import CheckReport, CountryResult
from i18n.pipeline.plurals import drift_findings
from i18n.pipeline.publish.gate import plan_site
from i18n.pipeline.publish.resolve import CatalogStore
from i18n.project import Project


def run_check(
    project: Project,
    *,
    country: str | None = None,
    site: Path | None = None,
    today: dt.date | None = None,
) -> CheckReport:
    """Run every regulatory check; ``site`` defaults to ``site/`` when it exists."""

    today = today or project.settings.today()
    window = project.settings.expiry_warning_days
    articles = load_articles(project.root)
    countries = require_countries(project, "check")
    only = None
    if country:
        only = country.strip().upper()
        if only not in {c.code for c in countries}:
            raise unknown_country(country, countries)
    selected = [c for c in countries if only is None or c.code == only]
    if site is None and (project.root / "site").is_dir():
        site = project.root / "site"
    if site is not None and not site.is_dir():
        raise I18nError(f"--site {site} is not a directory")
    manifest = (  # bad input first
        read_manifest(site / "manifest.json", project.rel(site / "manifest.json"))
        if site is not None
        else None
    )
    store = CatalogStore(project)
    results: dict[str, CountryResult] = {}
    for c in selected:
        result = CountryResult(
            c.code,
            c.name,
            c.regulator,
            c.audience,
            [
                {
                    "language": lang,
                    "reference": d.reference,
                    "approved_by": d.approved_by,
                    "approved_on": d.approved_on.isoformat(),
                    "expires": d.expires.isoformat(),
                }
                for lang, d in sorted(c.disclaimers.items())
            ],
        )
        result.findings += config_findings(c, articles, today, window)
        result.findings += claim_findings(project, c, articles, store)
        results[c.code] = result
    for finding in copied_disclaimers(countries):
        if finding.country in results:
            results[finding.country].findings.append(finding)
    report = CheckReport(today, None, list(results.values()))
    if site is not None:
        report.site = project.rel(site)
        plan = plan_site(project, articles, countries, today, only=only)
        report.general += site_findings(project, site, manifest, countries, results, plan, only)
    locales = sorted(
        {
            c.locale(lang)
            for c in selected
            for lang in c.languages
            if lang != project.source_language
        }
    )
    with_catalogs = sorted(
        {
            loc
            for x in locales
            for loc in fallback_chain(x)
            if project.po_path(loc, "site").parent.is_dir()
        }
    )
    report.general += ledger_findings(project, with_catalogs)
    report.general += history_findings(project, with_catalogs)
    report.general += drift_findings(project, with_catalogs)
    report.qa = qa_summary(project, with_catalogs)
    return report
