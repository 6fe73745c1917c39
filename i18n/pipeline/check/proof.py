"""The rendered-output proof: every page on disk, the manifest and the sitemap compared with
the plan, the catalogs and the ledgers, so that what was published is what was approved.

What the rendered-output proof trusts: the files on disk, the configuration, the catalogs and
the ledgers. The manifest only says which page claims to be what; every claim in it is
checked (its paths, its approval hashes, its source hashes), and whether a page must carry
approvals is decided by the plan, not by the manifest. A missing manifest is a violation (a
site that cannot be proven); a manifest that cannot be read (not JSON, wrong shape) is bad
input: exit 2 with the file and line, because no verdict about the site can be given.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import lxml.etree
import lxml.html

from i18n.formats.filedigests import FileDigests
from i18n.formats.ledger import Ledger
from i18n.formats.people import load_people
from i18n.formats.sitemap import INDEX as SITEMAP_INDEX
from i18n.formats.sitemap import MAX_BYTES, MAX_URLS, Sitemap, read_sitemap
from i18n.formats.sitemap import ROOT as SITEMAP_ROOT
from i18n.model.country import Country
from i18n.model.findings import BLOCKING, WARNING, Finding
from i18n.model.locale import fallback_chain
from i18n.model.manifest import (
    ARTICLE,
    INDEX,
    NOT_FOUND,
    NOT_FOUND_PAGE,
    UNAVAILABLE,
    Manifest,
    ManifestPage,
)
from i18n.pipeline.check.page import (
    Problems,
    canonical_problems,
    document_problems,
    expected_structured_data,
    hreflang_links,
    hreflang_problems,
    json_ld_texts,
    local,
    published_text,
    script_problems,
    structured_data_problems_in,
    structured_data_problems_of,
    why_hidden,
)
from i18n.pipeline.check.pagecache import HrefLang, PageFacts, PageProofs, context_digest
from i18n.pipeline.check.report import CountryResult
from i18n.pipeline.check.sitemapcache import SitemapRecord
from i18n.pipeline.claims import claim_patterns, find_claims
from i18n.pipeline.publish.pages import Pages
from i18n.pipeline.signoff import Trusted, Verdicts, trust_cached
from i18n.project import SITE_DOMAIN, Project

_UTF8 = lxml.html.HTMLParser(encoding="utf-8")  # the render writes UTF-8, whatever a page says


ROOT_PAGES = ("index.html", NOT_FOUND_PAGE)  # the country picker and the root not-found page


def _site_pages(site: Path) -> list[str]:
    """Every HTML file of the site but the root pages (the country picker and ``404.html``,
    which belong to no country: :func:`_root_findings` reads them)."""
    return sorted(
        rel
        for p in site.rglob("*.html")
        if p.is_file() and (rel := p.relative_to(site).as_posix()) not in ROOT_PAGES
    )


def _expected_path(lp: Any, page: ManifestPage) -> str:
    """Where a page of ``page.kind`` of the locale belongs."""
    if page.kind == NOT_FOUND:
        return f"{lp.folder}/{NOT_FOUND_PAGE}"
    if page.kind == INDEX:
        return f"{lp.folder}/index.html"
    return f"{lp.folder}/{page.article}.html"


def site_findings(
    project: Project,
    site: Path,
    manifest: Manifest | None,
    countries: list[Country],
    results: dict[str, CountryResult],
    plan: Any,
    only: str | None,
    verdicts: dict[str, Verdicts] | None = None,
    site_files: FileDigests | None = None,
) -> list[Finding]:
    """Parse every page and compare it with the manifest, the plan, the ledger and the config.
    ``verdicts``: each ledger's lines as this check verified them already, by locale;
    ``site_files``: the digests of the site's files kept by their stat (None: every page is
    read)."""
    general: list[Finding] = []
    shown = project.rel(site)
    if manifest is None:
        general.append(
            Finding(
                "manifest-missing",
                BLOCKING,
                f"{shown}/manifest.json is missing: the site cannot be proven",
                path=shown,
            )
        )
        return general
    if manifest.preview:
        general.append(
            Finding(
                "preview-site",
                BLOCKING,
                f"{shown} is a preview render (drafts included), not a publish render",
                path=f"{shown}/manifest.json",
            )
        )
    by_country = {c.code: c for c in countries}
    plans = {(lp.country.code, lp.tag): lp for lp in plan.locales}
    hosts = allowed_hosts(project, plan)
    pages = Pages(project, plan, project.settings.site_url)
    people = load_people(project)
    ledgers: dict[str, Trusted] = {}
    approvals: dict[tuple[str, str], set[str]] = {}

    def approved(locale: str, catalog: str) -> set[str]:
        """Hashes approved for ``catalog`` (an article, or the site) along the locale's chain:
        an approval holds in the catalog where it was given."""
        if (locale, catalog) not in approvals:
            out: set[str] = set()
            for loc in fallback_chain(locale):
                if loc not in ledgers:
                    ledger = Ledger.read(project.ledger_path(loc))
                    ledgers[loc] = trust_cached(project, ledger, people, (verdicts or {}).get(loc))
                out |= ledgers[loc].approved_hashes(catalog)
            approvals[locale, catalog] = out
        return approvals[locale, catalog]

    on_disk = set(_site_pages(site))
    files = frozenset(on_disk)
    judged: dict[HrefLang, Problems] = {}

    def links(found: list[HrefLang]) -> Problems:
        """:func:`hreflang_problems` of a page's links, each distinct link judged once (the
        siblings of an article link to the same pages)."""
        out: Problems = []
        for link in found:
            if link not in judged:
                judged[link] = hreflang_problems([link], site, locales, files)
            out += judged[link]
        return out

    reader = _PageReader(project, site, hosts, PageProofs.open(project), site_files)
    locales = {p.path: p.locale for p in manifest.pages}
    listed: set[str] = set()
    for page in manifest.pages:
        rel, cc, tag = page.path, page.country, page.locale
        twice = rel in listed
        listed.add(rel)  # a path that leaves the site never equals a page found on disk
        if only and cc != only:
            continue
        if twice:
            general.append(
                Finding(
                    "manifest-duplicate",
                    BLOCKING,
                    f"manifest lists {rel} more than once",
                    path=f"{shown}/manifest.json",
                )
            )
            continue
        country = by_country.get(cc)
        result = results.get(cc)
        if country is None or result is None:
            general.append(
                Finding(
                    "manifest-unknown-country",
                    BLOCKING,
                    f"manifest lists {rel} for unknown country {cc!r}",
                    path=f"{shown}/manifest.json",
                )
            )
            continue
        lp = plans.get((cc, tag))
        problems: list[tuple[str, str, str | None]] = []
        slug = page.article
        expected = _expected_path(lp, page) if lp else None
        if lp is None:
            problems.append(
                (
                    "manifest-unknown-locale",
                    f"manifest lists a page for {tag}, not a language of {cc}",
                    None,
                )
            )
        elif rel != expected:
            problems.append(
                (
                    "manifest-path",
                    f"manifest lists the {tag} {page.kind} page at {rel}; it belongs at {expected}",
                    None,
                )
            )
        elif rel not in on_disk:
            problems.append(
                ("page-missing", "page listed in the manifest is missing on disk", None)
            )
        else:
            result.pages.append(rel)
            problems += _plan_problems(page, lp, plan, approved)
            facts = reader.facts(page, country, lp)
            if facts.unparsable is not None:
                message = f"page is not parsable HTML: {facts.unparsable}"
                problems.append(("page-unparsable", message, None))
            else:
                problems += facts.before
                problems += links(facts.hreflang)
                problems += facts.claims
                expected = expected_structured_data(page, lp, pages)
                problems += structured_data_problems_of(facts.json_ld, expected)
                problems += facts.foreign
        for code, message, snippet in problems:
            where = f"{shown}/manifest.json" if code.startswith("manifest") else f"{shown}/{rel}"
            result.findings.append(
                Finding(code, BLOCKING, message, cc, tag, slug, where, None, snippet)
            )
        old = lp.articles[slug].outdated if lp and slug in lp.articles else None
        if old is not None and rel in on_disk:
            result.findings.append(
                Finding(
                    "page-outdated",
                    WARNING,
                    f"shows the translation approved on {old.approved_on.isoformat()} of the "
                    f"English of commit {old.commit[:12]}, with a notice; the current English "
                    f"awaits approval ({'; '.join(old.pending)})",
                    cc,
                    tag,
                    slug,
                    f"{shown}/{rel}",
                )
            )
    with contextlib.suppress(OSError):  # a read-only checkout reads every page each time
        reader.proofs.save(complete=not only)
        if site_files is not None:
            site_files.save()
    general += _sitemap_findings(project, site, by_country, results, only, files)
    # files on disk that the manifest does not list
    for rel in sorted(on_disk - listed):
        cc = rel.split("/", 1)[0].upper()
        if only and cc != only:
            continue
        target = results.get(cc)
        finding = Finding(
            "page-stray",
            BLOCKING,
            "page on disk is not in the manifest",
            cc if target else None,
            None,
            Path(rel).stem,
            f"{shown}/{rel}",
        )
        (target.findings if target else general).append(finding)
    if not only:
        general += _image_findings(site, shown, manifest)
        general += _root_findings(site, shown, countries, hosts)
    return general


def allowed_hosts(project: Project, plan: Any) -> frozenset[str]:
    """Hosts a page may link to: the site's own, ``[tool.i18n] allowed_hosts``, and every
    host the English articles link to (an approved translation keeps its source's links)."""
    hosts = {urlsplit(project.settings.site_url).hostname or "", *project.settings.allowed_hosts}
    shown = [ap.article for lp in plan.locales for ap in lp.articles.values() if ap.outdated]
    for article in [*plan.articles.values(), *shown]:
        hosts.update(article.summary().hosts)  # known without parsing a body checked before
    hosts.discard("")
    return frozenset(hosts)


def _foreign_links(
    path: Path, hosts: frozenset[str], own: frozenset[str] = frozenset()
) -> Problems:
    """Links, images, scripts and styles that reach a host not in ``hosts``. ``own`` are the
    country's legal links (imprint, privacy, contact) for the page's language: accepted as
    they are written in its YAML, as links (``<a href>``) in the page's footer only; any
    other address on their host, or the same address elsewhere, is still foreign.
    A page that does not show each of them is a violation (``legal-missing``)."""
    try:
        doc = lxml.html.document_fromstring(path.read_bytes(), parser=_UTF8)
    except (OSError, lxml.etree.ParserError, ValueError):
        return []
    return _foreign_links_in(doc, hosts, own)


def _foreign_links_in(doc: Any, hosts: frozenset[str], own: frozenset[str]) -> Problems:
    """:func:`_foreign_links` of a parsed page."""
    out: Problems = []
    shown: set[str] = set()
    for el in doc.iter("a"):
        value = (el.get("href") or "").strip()
        if value in own and _in_footer(el) and not why_hidden(el):
            shown.add(value)
    for missing in sorted(own - shown):
        out.append(
            (
                "legal-missing",
                "a legal link of the country's YAML (legal) is not in the page's footer",
                missing[:80],
            )
        )
    for el in doc.iter("a", "link", "img", "script", "iframe", "form", "source"):
        for attr in ("href", "src", "action"):
            value = (el.get(attr) or "").strip()
            if el.tag == "a" and attr == "href" and value in shown and _in_footer(el):
                continue  # the country's own legal page
            host = urlsplit(value).hostname if value.startswith(("http", "//")) else None
            if host and host.lower() not in hosts:
                out.append(
                    (
                        "link-foreign",
                        f"<{el.tag} {attr}> reaches {host}, not an allowed host "
                        "([tool.i18n] allowed_hosts)",
                        value[:80],
                    )
                )
    return out


def _in_footer(el: Any) -> bool:
    return any(a.tag == "footer" for a in el.iterancestors())


def _root_findings(
    site: Path, shown: str, countries: list[Country], hosts: frozenset[str]
) -> list[Finding]:
    """The country picker (``site/index.html``) and the root not-found page
    (``site/404.html``) are published too: no forbidden wording in any language, no link to
    a foreign host, no script the render did not write."""
    patterns = list(
        {
            p.pattern: p for c in countries for lang in c.languages for p in claim_patterns(c, lang)
        }.values()
    )
    found: list[Finding] = []
    for name in ROOT_PAGES:
        path = site / name
        if not path.is_file():
            continue
        what = "the country picker" if name == "index.html" else "the not-found page"
        try:
            doc = lxml.html.document_fromstring(path.read_bytes(), parser=_UTF8)
        except (lxml.etree.ParserError, ValueError) as exc:
            found.append(Finding("page-unparsable", BLOCKING, f"{exc}", path=f"{shown}/{name}"))
            continue
        problems = script_problems(doc) + structured_data_problems_in(doc, None)
        found += [
            Finding(code, BLOCKING, message, path=f"{shown}/{name}", snippet=snippet)
            for code, message, snippet in problems
        ]
        found += [
            Finding(
                "claim-page",
                BLOCKING,
                f"{what} matches forbidden wording /{pat}/",
                path=f"{shown}/{name}",
                snippet=snippet,
            )
            for pat, snippet in find_claims(published_text(doc), patterns, markdown=False)
        ]
        found += [
            Finding(code, BLOCKING, message, path=f"{shown}/{name}", snippet=snippet)
            for code, message, snippet in _foreign_links(path, hosts)
        ]
    return found


def _image_findings(site: Path, shown: str, manifest: Manifest) -> list[Finding]:
    """Every image of ``site/images/`` is the one the render wrote (its SHA-256 in the
    manifest): a replaced, missing or added image is a violation."""
    listed = dict(manifest.images)
    folder = site / "images"
    on_disk = {f"images/{p.name}": p for p in (sorted(folder.iterdir()) if folder.is_dir() else [])}
    found: list[Finding] = []
    for rel, digest in sorted(listed.items()):
        path = on_disk.get(rel)
        if path is None:
            found.append(
                Finding(
                    "image-missing",
                    BLOCKING,
                    "image listed in the manifest is missing on disk",
                    path=f"{shown}/{rel}",
                )
            )
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            found.append(
                Finding(
                    "image-replaced",
                    BLOCKING,
                    "image differs from the one the render published (SHA-256)",
                    path=f"{shown}/{rel}",
                )
            )
    for rel in sorted(set(on_disk) - set(listed)):
        found.append(
            Finding(
                "image-stray",
                BLOCKING,
                "image on disk is not in the manifest",
                path=f"{shown}/{rel}",
            )
        )
    return found


SITE_SITEMAPS = (SITEMAP_INDEX, SITEMAP_ROOT)  # a site's own, not a country's


def _sitemap_findings(
    project: Project,
    site: Path,
    by_country: dict[str, Country],
    results: dict[str, CountryResult],
    only: str | None,
    pages: frozenset[str],
) -> list[Finding]:
    """The sitemaps search engines are given (:mod:`i18n.formats.sitemap`): ``sitemap.xml``
    is an index of sitemaps of this site (or, as earlier versions wrote it, one sitemap).
    Every URL and hreflang alternate of each is a page of the site; no professional-audience
    (noindex) page is offered to search engines; a sitemap offers only addresses under its
    own folder, and no file is over the protocol's limits (50,000 URLs, 50 MB), which a
    search engine would refuse (``pages``: the site's pages found on disk, the others are
    looked for). Returns the findings that belong to no checked country; the others go to
    their country's card. What each file lists is kept, under the SHA-256 of its bytes, in
    the check's sealed record (:mod:`i18n.pipeline.check.sitemapcache`)."""
    if not (site / SITEMAP_INDEX).is_file():
        return []
    general: list[Finding] = []

    def report(rel: str, cc: str | None, code: str, severity: str, message: str, line: Any) -> None:
        # with --country, a finding about another country is not this check's; one about the
        # index or the picker's sitemap (no country) is: every country's sitemaps hang on it
        if only and cc != only and not (cc is None and rel in SITE_SITEMAPS):
            return
        target = results.get(cc or "")
        path = project.rel(site / rel)
        finding = Finding(code, severity, message, cc if target else None, path=path, line=line)
        (target.findings if target else general).append(finding)

    record = SitemapRecord.open(project)
    top = _read_sitemap(project, site, SITEMAP_INDEX, record, report)
    files: list[tuple[str, Sitemap]] = []
    if top is not None and top.kind == "urlset":
        files.append((SITEMAP_INDEX, top))
    elif top is not None:
        for href, line in top.listed:
            rel = local(href, project, SITEMAP_INDEX)
            cc = _country_of(rel)
            if rel is None or not rel.endswith(".xml") or not (site / rel).is_file():
                message = f"sitemap index lists {href}, which is not a sitemap of this site"
                report(SITEMAP_INDEX, cc, "sitemap-broken", BLOCKING, message, line)
                continue
            if (got := _read_sitemap(project, site, rel, record, report)) is None:
                continue
            if got.kind != "urlset":
                message = f"sitemap index lists {href}, an index, not a sitemap of pages"
                report(SITEMAP_INDEX, cc, "sitemap-broken", BLOCKING, message, line)
                continue
            files.append((rel, got))
    for rel, got in files:
        for href, line in got.listed:
            page = local(href, project, rel)
            cc = _country_of(page)
            if page is None or not (page in pages or (site / page).is_file()):
                message = f"sitemap lists {href}, which is not a page of this site"
                report(rel, cc, "sitemap-broken", BLOCKING, message, line)
            elif cc in by_country and by_country[cc].audience == "professional":
                message = (
                    f"sitemap lists {href}, a professional-audience page that must not be indexed"
                )
                report(rel, cc, "sitemap-noindex", BLOCKING, message, line)
        folder = rel.rpartition("/")[0]
        for i, line in got.locs if folder else []:
            href = got.listed[i][0]
            page = local(href, project, rel)
            if page is not None and not page.startswith(f"{folder}/"):
                message = (
                    f"sitemap offers {href}, outside its own folder {folder}/: "
                    "search engines ignore it"
                )
                report(rel, _country_of(rel), "sitemap-scope", WARNING, message, line)
    record.save()
    return general


def _country_of(rel: str | None) -> str | None:
    """The country whose folder holds a path of the site (None: the site's root)."""
    return rel.split("/", 1)[0].upper() if rel and "/" in rel else None


def _read_sitemap(
    project: Project,
    site: Path,
    rel: str,
    record: SitemapRecord,
    report: Callable[[str, str | None, str, str, str, Any], None],
) -> Sitemap | None:
    """What the sitemap at ``rel`` lists, from the record when its bytes are those it was
    read from (None: it does not parse, which is reported, as is a file over the limits)."""
    data = (site / rel).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    found = record.get(rel, digest)
    cc = _country_of(rel)
    if found is None:
        try:
            found = read_sitemap(data, str(site / rel))
        except lxml.etree.XMLSyntaxError as exc:
            record.keep(rel)
            message = f"sitemap is not well-formed XML: {exc}"
            report(rel, cc, "sitemap-unparsable", BLOCKING, message, exc.lineno)
            return None
        except ValueError as exc:
            record.keep(rel)
            report(rel, cc, "sitemap-unparsable", BLOCKING, f"not a sitemap: {exc}", None)
            return None
        record.put(rel, digest, found)
    if found.urls > MAX_URLS or len(data) > MAX_BYTES:
        message = (
            f"sitemap has {found.urls:,} entries and {len(data):,} bytes: search engines "
            f"read at most {MAX_URLS:,} and {MAX_BYTES:,} bytes of one file"
        )
        report(rel, cc, "sitemap-too-large", WARNING, message, None)
    return found


class _PageReader:
    """What each page's bytes say (:class:`PageFacts`), from the sealed record of the last
    check when the page's bytes and its context are those it was read with, else read now."""

    def __init__(
        self,
        project: Project,
        site: Path,
        hosts: frozenset[str],
        proofs: PageProofs,
        files: FileDigests | None,
    ) -> None:
        self.project = project
        self.site = site
        self.hosts = hosts
        self.proofs = proofs
        self.files = files  # a page whose stat is the recorded one is not read
        self._contexts: dict[tuple[str, str], str] = {}

    def _context(self, country: Country, lp: Any) -> str:
        """A digest of everything besides the bytes that a page's kept verdicts read."""
        key = (country.code, lp.tag)
        if key not in self._contexts:
            disc = country.disclaimers.get(lp.language)
            self._contexts[key] = context_digest(
                self.project.settings.site_url,
                lp.tag,
                lp.rtl,
                lp.language,
                None if disc is None else [disc.text, disc.reference],
                country.audience,
                [[p.pattern, p.flags] for p in claim_patterns(country, lp.language)],
                sorted(self.hosts),
                sorted({url for _, url in country.legal_links(lp.language)}),
            )
        return self._contexts[key]

    def facts(self, page: ManifestPage, country: Country, lp: Any) -> PageFacts:
        rel = page.path
        path = self.site / rel
        data = None
        try:
            digest = self.files.sha256(path) if self.files is not None else None
        except OSError:
            digest = None
        if digest is None:
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
        # what the kept verdicts were reached against besides the bytes: the locale's
        # context and the page's path (one short hash a page, not a JSON document)
        context = hashlib.sha256(f"{self._context(country, lp)}\0{rel}".encode()).hexdigest()
        facts = self.proofs.get(rel, digest, context)
        if facts is None:
            if data is None:  # read now: the verdicts are kept under these bytes' digest
                data = path.read_bytes()
                digest = hashlib.sha256(data).hexdigest()
            facts = _read_page(self.project, data, rel, country, lp, self.hosts)
            self.proofs.put(rel, digest, context, facts)
        return facts


def _read_page(
    project: Project, data: bytes, rel: str, country: Country, lp: Any, hosts: frozenset[str]
) -> PageFacts:
    """Parse one published page and read it as a browser shows it (see :class:`PageFacts`)."""
    try:
        doc = lxml.html.document_fromstring(data, parser=_UTF8)
    except (lxml.etree.ParserError, ValueError) as exc:
        return PageFacts(unparsable=f"{exc}")
    facts = PageFacts()
    facts.before = document_problems(doc, lp, country) + canonical_problems(doc, project, rel)
    facts.hreflang = hreflang_links(doc, project, rel)
    facts.json_ld = json_ld_texts(doc)
    own = frozenset(url for _, url in country.legal_links(lp.language))
    facts.foreign = _foreign_links_in(doc, hosts, own)
    # forbidden wording in what a reader or a search engine sees; the disclaimer is approved
    # regulatory text (it may say "no result can be guaranteed") and is left out.
    # published_text changes the document: last.
    published = published_text(doc)
    facts.claims = [
        ("claim-page", f"rendered page matches forbidden wording /{pat}/", snippet)
        for pat, snippet in find_claims(
            published, claim_patterns(country, lp.language), markdown=False
        )
    ]
    return facts


def _plan_problems(
    page: ManifestPage, lp: Any, plan: Any, approved: Callable[[str, str], set[str]]
) -> Problems:
    """What the manifest says of a page against the plan and the ledgers: is it publishable,
    and was it built from the source and approvals that hold now."""
    out: Problems = []
    slug, kind = page.article, page.kind
    if kind == "article" and not lp.published(slug):
        reasons = lp.reasons + (
            lp.articles[slug].reasons
            if slug in lp.articles
            else ["not an article of source/articles/"]
        )
        out.append(
            (
                "withheld-published",
                f"page is published but the article is withheld: {'; '.join(reasons)}",
                None,
            )
        )
    if kind in (INDEX, NOT_FOUND, UNAVAILABLE) and not lp.index_published:
        out.append(
            (
                "withheld-published",
                f"{'index' if kind == INDEX else kind + ' page'} is published but the locale "
                "is withheld: "
                f"{'; '.join(lp.reasons or ['no article is published'])}",
                None,
            )
        )
    if kind == UNAVAILABLE:
        out += _unavailable_problems(page, lp, plan)
    # what was approved (or written, for the source language) is what was published: the
    # current English, or on an outdated page the earlier version the plan found in git
    ap = lp.articles.get(slug) if slug and kind == ARTICLE else None
    if ap is not None and page.source_hash != ap.article.source_hash:
        out.append(
            (
                "source-changed",
                f"source/articles/{slug}.md changed after this page was rendered: re-render",
                None,
            )
        )
    shows = ap.outdated.commit if ap is not None and ap.outdated else None
    if ap is not None and page.translates != shows:
        said = (
            f"the English of {page.translates[:12]}" if page.translates else "the current English"
        )
        should = f"the English of {shows[:12]}" if shows else "the current English"
        out.append(
            (
                "outdated-mismatch",
                f"manifest says the page translates {said}; the approved text that holds "
                f"now translates {should}: re-render",
                None,
            )
        )
    if not lp.source:  # the plan decides, not the manifest
        own, shared = set(page.approvals), set(page.site_approvals)
        recorded = own | shared
        # a hash the plan built the page from holds (the plan took it from the approvals
        # of the same catalog along the same chain, with the ledgers trusted at least as
        # strictly): the ledgers are read only for a hash the plan does not use
        planned = set(lp.articles[slug].hashes) if slug in lp.articles else set()
        site_planned = set(lp.site_hashes)
        stale = sorted(
            {
                h
                for h in own
                if not slug or (h not in planned and h not in approved(lp.locale, slug))
            }
            | {
                h
                for h in shared
                if h not in site_planned and h not in approved(lp.locale, SITE_DOMAIN)
            }
        )
        if stale:
            out.append(
                (
                    "approval-revoked",
                    f"{len(stale)} approval hash(es) of this page are no "
                    "longer approvals in the ledger",
                    stale[0][:12],
                )
            )
        current = set(lp.site_hashes)
        if kind == "article":
            current |= set(lp.articles[slug].hashes) if slug in lp.articles else set()
        if recorded != current:
            out.append(
                (
                    "approval-mismatch",
                    f"page was built from text that differs from the current approved "
                    f"catalogs ({len(recorded ^ current)} hash(es) differ): re-render",
                    None,
                )
            )
    return out


def _unavailable_problems(page: ManifestPage, lp: Any, plan: Any) -> Problems:
    """A "not available in this language" page stands where the article is withheld in the
    locale and published in another language of the country; it shows no text of the
    article (its manifest entry records no approvals of the article's catalog)."""
    slug = page.article or ""
    if slug not in plan.articles:
        return [("unavailable-wrong", f"{slug!r} is not an article of source/articles/", None)]
    if lp.published(slug):
        return [
            (
                "unavailable-wrong",
                "the article is published in this language: its page belongs here, "
                "not the not-available page (re-render)",
                None,
            )
        ]
    if not any(
        o is not lp and o.country.code == lp.country.code and o.published(slug)
        for o in plan.locales
    ):
        return [
            (
                "unavailable-wrong",
                "no other language of the country publishes the article (re-render)",
                None,
            )
        ]
    if page.approvals:
        return [("unavailable-wrong", "page records approvals of article text", None)]
    return []
