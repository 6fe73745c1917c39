"""The work of a check that is each locale's alone, on every core: verify the locale's ledger
(once: the verdicts serve the rest of the check), report the lines that do not count, run
translation QA over every entry (findings kept in :mod:`i18n.pipeline.qa_cache`), and scan
the approved text for each country's forbidden wording where the locale's catalogs are all
that country's language reads (``de_AT`` with no catalogs of its own reads ``de``'s).

Each locale runs in a forked worker that inherits what the parent loaded; the results come
back in the order of the locales, with the messages the work raised (a torn ledger line) told
to the project in that order, so the report is the same on one core or many.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polib

from i18n.errors import I18nError
from i18n.formats.country import load_glossary
from i18n.formats.ledger import Ledger
from i18n.formats.people import load_people
from i18n.model.article import Article
from i18n.model.country import Country
from i18n.model.findings import Finding
from i18n.model.locale import fallback_chain
from i18n.model.states import APPROVED, STATES
from i18n.pipeline.check.config import language_claims
from i18n.pipeline.check.ledgers import problem_findings
from i18n.pipeline.check.localecache import LocaleRecord, locale_inputs
from i18n.pipeline.forked import forked_map, workers_for
from i18n.pipeline.publish.resolve import CatalogStore, Key, Resolved
from i18n.pipeline.qa import ArticleEnvs, Env
from i18n.pipeline.review import LocaleReview
from i18n.pipeline.signoff import Trusted, Verdicts, trust_in_project
from i18n.project import Project


@dataclass
class LocaleResult:
    locale: str
    reviewed: str = ""  # the locale as its review names it (normalized)
    ledger: list[Finding] = field(default_factory=list)  # lines that do not count
    qa: dict[str, int] = field(default_factory=dict)  # entries and findings by scope
    verdicts: Verdicts = field(default_factory=dict)  # each ledger line's verification
    claims: dict[tuple[str, str], list[Finding]] = field(default_factory=dict)  # (country, lang)
    messages: list[tuple[str, str]] = field(default_factory=list)
    inputs: str | None = None  # the digest of what the locale's work read (None: no record)
    error: tuple[str, str | None, int | None] | None = None


@dataclass
class _Shared:
    project: Project
    glossary: object
    people: object
    countries: object
    envs: dict[str, Env | None]
    articles: list[Article]
    claims: dict[str, list[tuple[Country, str]]]
    inputs: str | None  # what every locale reads besides its folder (None: no record)


def check_locales(
    project: Project,
    locales: list[str],
    articles: list[Article],
    countries: list[Country],
    claims: dict[str, list[tuple[Country, str]]],
    inputs: str | None,
) -> list[LocaleResult]:
    """:class:`LocaleResult` of each of ``locales``, in their order (``countries``: all of
    the project's); ``claims``: the (country, language) pairs whose approved text to scan,
    by the locale that holds it; ``inputs``: :func:`~i18n.pipeline.check.localecache.shared_inputs`
    (None: keep no record)."""
    if not locales:
        return []
    shared = _Shared(
        project,
        load_glossary(project),
        load_people(project),
        countries,
        ArticleEnvs(project, articles),  # the links each catalog's QA resolves with
        articles,
        claims,
        inputs,
    )
    workers = workers_for(len(locales))
    if workers > 1:
        results = forked_map(_check_locale, shared, locales, workers)
    else:
        results = [_check_locale(shared, locale) for locale in locales]
    for result in results:
        for kind, text in result.messages:
            project.tell(kind, text)
        if result.error is not None:
            raise I18nError(*result.error)
    return results


def _check_locale(shared: _Shared, locale: str) -> LocaleResult:
    project = shared.project
    told, hook = project.messages, project.on_message
    project.messages, project.on_message = [], None  # kept, and told by the parent in order
    result = LocaleResult(locale)
    record, inputs = None, None
    try:
        if shared.inputs is not None:
            record = LocaleRecord.open(project, locale)
            scans = [[c.code, lang] for c, lang in shared.claims.get(locale, [])]
            inputs = result.inputs = locale_inputs(project, locale, shared.inputs, scans)
            kept = record.get(inputs)
            if kept is not None:
                result.reviewed, result.ledger = kept["reviewed"], kept["ledger"]
                result.qa, result.claims = kept["qa"], kept["claims"]
                project.messages += kept["messages"]
                return result
        review = LocaleReview.open(
            project,
            locale,
            shared.glossary,  # type: ignore[arg-type]
            shared.people,  # type: ignore[arg-type]
            shared.countries,  # type: ignore[arg-type]
            shared.envs,
            verdicts=result.verdicts,
        )
        result.reviewed = review.locale
        result.ledger = problem_findings(locale, review.ledger, review.trusted)
        review.keep_findings()
        counts = result.qa
        for item in review.items(states=STATES):
            counts["entries"] = counts.get("entries", 0) + 1
            scope = "approved" if item.state == APPROVED else "pending"
            for finding in item.findings:
                key = f"{scope} {finding.severity}"
                counts[key] = counts.get(key, 0) + 1
        review.save_findings(complete=True)
        pairs = shared.claims.get(locale, [])
        if pairs:
            store = VerifiedStore(project, {})
            store.adopt(locale, {c.name: c.po for c in review.catalogs}, review.trusted)
            memo: dict[tuple[Any, ...], list[tuple[str, str]]] = {}
            for country, lang in pairs:
                result.claims[country.code, lang] = language_claims(
                    project, country, lang, shared.articles, store, memo
                )
        if record is not None and inputs is not None:
            record.put(
                inputs,
                result.reviewed,
                result.ledger,
                result.qa,
                result.claims,
                list(project.messages),
            )
    except I18nError as exc:
        result.error = (exc.message, exc.path, exc.line)
    finally:
        result.messages = project.messages
        project.messages, project.on_message = told, hook
    return result


class VerifiedStore(CatalogStore):
    """A catalog store whose ledgers' lines this check verified already (``verdicts`` by
    locale): only the chain is followed again. Locales whose chains reach the same catalogs
    (``de_AT`` and ``de_DE``, neither with catalogs of its own, both read ``de``'s) share
    one resolution."""

    def __init__(self, project: Project, verdicts: dict[str, Verdicts]) -> None:
        super().__init__(project)
        self.verdicts = verdicts

    def adopt(self, locale: str, catalogs: dict[str, polib.POFile], trusted: Trusted) -> None:
        """Take ``locale``'s catalogs (by domain) and verified ledger as read already."""
        folder = self.project.po_path(locale, "site").parent
        for path in folder.glob("*.po"):
            self._po[locale, path.stem] = catalogs.get(path.stem)
        self._ledgers[locale] = trusted

    def _trusted(self, locale: str) -> Trusted:
        if locale not in self._ledgers:
            ledger = Ledger.read(self.project.ledger_path(locale), self.project.warn)
            verdicts = self.verdicts.get(locale)
            self._ledgers[locale] = trust_in_project(self.project, ledger, self.people, verdicts)
        return self._ledgers[locale]

    def resolve(self, locale: str, domain: str) -> dict[Key, Resolved]:
        held = [loc for loc in fallback_chain(locale) if self.po(loc, domain) is not None]
        if len(held) == 1 and held[0] != locale:
            return super().resolve(held[0], domain)  # what the resolution reads, and no more
        return super().resolve(locale, domain)
