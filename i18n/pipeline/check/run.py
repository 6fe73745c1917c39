"""Run every regulatory check of a project (and of its rendered site) into one report."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import Any

from i18n.errors import I18nError
from i18n.formats.article import article_record, keep_checked, load_articles
from i18n.formats.country import require_countries, unknown_country
from i18n.formats.filedigests import FileDigests
from i18n.formats.localkey import local_key
from i18n.formats.manifest import read_manifest
from i18n.model.article import Article
from i18n.model.country import Country
from i18n.model.findings import Finding
from i18n.model.locale import fallback_chain
from i18n.pipeline.check.claimcache import ClaimRecord, pair_inputs
from i18n.pipeline.check.config import config_findings, copied_disclaimers, language_claims
from i18n.pipeline.check.ledgers import history_findings
from i18n.pipeline.check.localecache import locale_inputs, shared_inputs
from i18n.pipeline.check.locales import LocaleResult, VerifiedStore, check_locales
from i18n.pipeline.check.proof import site_findings
from i18n.pipeline.check.report import CheckReport, CountryResult
from i18n.pipeline.claims import claim_patterns
from i18n.pipeline.plurals import HeaderRecord, drift_findings
from i18n.pipeline.publish.gate import SitePlan, plan_site
from i18n.pipeline.publish.plancache import PlanCache
from i18n.project import Project

Pair = tuple[Country, str]  # a country and one of its languages


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
    checked = article_record(project.root, project.cache_dir / "check")
    articles = load_articles(project.root, checked)
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
    locales = sorted(
        {
            c.locale(lang)
            for c in selected
            for lang in c.languages
            if lang != project.source_language
        }
    )
    with_catalogs = sorted({loc for x in locales for loc in _catalog_chain(project, x)})
    shared = shared_inputs(project) if local_key(project.root) is not None else None
    # the check's own records of file digests (never the render's), none for --cold
    files = FileDigests.open(project.root, project.cache_dir / "check") if shared else None
    per_locale = check_locales(
        project, with_catalogs, articles, countries, _claim_homes(project, selected), shared
    )
    scanned = {k: v for r in per_locale for k, v in r.claims.items()}
    verdicts = {r.locale: r.verdicts for r in per_locale}
    scan = _ClaimScan(project, articles, VerifiedStore(project, verdicts), shared, per_locale)
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
        for lang in c.languages:
            found = scanned.get((c.code, lang))
            result.findings += scan.findings(c, lang) if found is None else found
        results[c.code] = result
    scan.save()
    for finding in copied_disclaimers(countries):
        if finding.country in results:
            results[finding.country].findings.append(finding)
    report = CheckReport(today, None, list(results.values()))
    if site is not None:
        report.site = project.rel(site)
        plan = _plan(project, articles, countries, today, only, files)
        site_files = (  # the site's files by their stat, in the check's own records
            FileDigests.open(site, project.cache_dir / "check", "site-files.json", project.root)
            if files is not None
            else None
        )
        report.general += site_findings(
            project, site, manifest, countries, results, plan, only, verdicts, site_files
        )
    report.general += [f for r in per_locale for f in r.ledger]
    report.general += history_findings(project, with_catalogs)
    headers = HeaderRecord(project, files) if files is not None else None
    report.general += drift_findings(project, with_catalogs, headers)
    with contextlib.suppress(OSError):  # a read-only checkout reads every file each time
        if headers is not None and files is not None:
            headers.save()
            files.save()
    with contextlib.suppress(OSError):
        keep_checked(checked, articles)
    report.qa = {
        r.reviewed: dict(sorted(r.qa.items()))
        for r in sorted(per_locale, key=lambda r: r.reviewed)
        if r.qa
    }
    return report


class _ClaimScan:
    """Forbidden wording in the pairs no locale's worker scanned, each kept in the check's
    sealed record (:mod:`i18n.pipeline.check.claimcache`) under the digest of what it reads:
    a pair whose inputs did not change is not scanned again."""

    def __init__(
        self,
        project: Project,
        articles: list[Article],
        store: VerifiedStore,
        shared: str | None,
        per_locale: list[LocaleResult],
    ) -> None:
        self.project, self.articles, self.store, self.shared = project, articles, store, shared
        self.record = ClaimRecord.open(project) if shared is not None else None
        self.digests = {r.locale: r.inputs for r in per_locale if r.inputs is not None}
        self.memo: dict[tuple[Any, ...], list[tuple[str, str]]] = {}

    def findings(self, country: Country, lang: str) -> list[Finding]:
        if self.record is None or self.shared is None:
            return self._scan(country, lang)
        chain = [] if lang == self.project.source_language else fallback_chain(country.locale(lang))
        inputs = pair_inputs(self.shared, country.code, lang, [self._digest(x) for x in chain])
        found = self.record.get(country.code, lang, inputs)
        if found is None:
            found = self._scan(country, lang)
            self.record.put(country.code, lang, inputs, found)
        return found

    def _scan(self, country: Country, lang: str) -> list[Finding]:
        return language_claims(self.project, country, lang, self.articles, self.store, self.memo)

    def _digest(self, locale: str) -> str:
        """:func:`locale_inputs` of ``locale`` (from its worker when it had one)."""
        if locale not in self.digests:
            assert self.shared is not None
            self.digests[locale] = locale_inputs(self.project, locale, self.shared, [])
        return self.digests[locale]

    def save(self) -> None:
        if self.record is not None:
            self.record.save()


def _plan(
    project: Project,
    articles: list[Article],
    countries: list[Country],
    today: dt.date,
    only: str | None,
    files: FileDigests | None,
) -> SitePlan:
    """The site plan the proof compares the site with, through the check's own plan cache
    (never the render's: :meth:`PlanCache.for_check`); without one (``check --cold``, no
    cache key) every locale is planned from its catalogs and ledgers."""
    if files is None:
        return plan_site(project, articles, countries, today, only=only)
    cache = PlanCache.for_check(project, files)
    plan = plan_site(project, articles, countries, today, only=only, cache=cache)
    with contextlib.suppress(OSError):  # a read-only checkout plans every locale each time
        cache.save()
    return plan


def _catalog_chain(project: Project, locale: str) -> list[str]:
    """The locales of ``locale``'s fallback chain that have catalogs."""
    return [loc for loc in fallback_chain(locale) if project.po_path(loc, "site").parent.is_dir()]


def _claim_homes(project: Project, countries: list[Country]) -> dict[str, list[Pair]]:
    """The (country, language) pairs whose approved text comes from one locale's catalogs
    alone, by that locale: its worker scans them (the others are scanned afterwards)."""
    homes: dict[str, list[Pair]] = {}
    for c in countries:
        for lang in c.languages:
            chain = _catalog_chain(project, c.locale(lang))
            if lang != project.source_language and len(chain) == 1 and claim_patterns(c, lang):
                homes.setdefault(chain[0], []).append((c, lang))
    return homes
