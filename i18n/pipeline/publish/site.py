"""Site: render the planned pages (one forked worker per country), the root index, sitemap,
manifest and images; write atomically, and remove the pages an earlier render wrote that are
no longer published (fail closed)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from i18n.errors import I18nError
from i18n.formats.article import article_record, keep_checked, load_articles
from i18n.formats.country import find_country, require_countries
from i18n.formats.fs import StagedWrites, StreamedWrite, atomic_write, inside
from i18n.formats.manifest import (
    LIST_OPEN,
    RECORD_SEP,
    join_records,
    manifest_frame,
    manifest_paths,
    page_text,
    withheld_text,
)
from i18n.formats.sitemap import INDEX as SITEMAP_INDEX
from i18n.formats.sitemap import ROOT as SITEMAP_ROOT
from i18n.formats.sitemap import sitemap_index, urlset
from i18n.formats.svg import svg_problem
from i18n.model.manifest import (
    ARTICLE,
    INDEX,
    NOT_FOUND,
    NOT_FOUND_PAGE,
    UNAVAILABLE,
    Manifest,
    ManifestPage,
    Withheld,
)
from i18n.pipeline.forked import forked_map, workers_for
from i18n.pipeline.publish.cldrnames import keep_cldr_names
from i18n.pipeline.publish.gate import (
    COUNTRY_DIR_RE,
    LANGUAGE_DIR_RE,
    LocalePlan,
    SitePlan,
    plan_site,
)
from i18n.pipeline.publish.pagecache import (
    LOCALE,
    PART_FILES,
    Entry,
    Kept,
    PageCache,
    file_state,
)
from i18n.pipeline.publish.pages import Pages, PageSpec, _csp_hash
from i18n.pipeline.publish.plancache import PlanCache
from i18n.pipeline.publish.shape import locale_keys
from i18n.pipeline.publish.sitemaps import (
    has_sitemap,
    last_sitemaps,
    locale_sitemap,
    root_sitemap,
    sitemap_part,
)
from i18n.project import Project

PAGE_RE = re.compile(r"[a-z0-9][a-z0-9-]*\.html")
PAGE_NAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]*")


HELPER_KINDS = frozenset({NOT_FOUND, UNAVAILABLE})


def helper_pages(
    plan: SitePlan, lp: LocalePlan, kinds: frozenset[str] = HELPER_KINDS
) -> list[tuple[str, str | None]]:
    """(kind, slug) of a locale's pages that are not articles or its index: its not-found
    page, and a "not available in this language" page at the address of each article that
    is withheld here but shown in another language of the country. Only where the locale's
    index is shown (its site strings and disclaimer are approved), never in a preview."""
    if plan.preview or not plan.index_shown(lp):
        return []
    present = plan.present or (lambda _lp, _rel: True)
    out: list[tuple[str, str | None]] = []
    if NOT_FOUND in kinds and present(lp, f"{lp.folder}/{NOT_FOUND_PAGE}"):
        out.append((NOT_FOUND, None))
    for slug in lp.articles if UNAVAILABLE in kinds else []:
        if lp.published(slug) or not present(lp, f"{lp.folder}/{slug}.html"):
            continue
        if any(
            o is not lp and o.country.code == lp.country.code and plan.shown(o, slug)
            for o in plan.locales
        ):
            out.append((UNAVAILABLE, slug))
    return out


def helper_path(lp: LocalePlan, kind: str, slug: str | None) -> str:
    return f"{lp.folder}/{NOT_FOUND_PAGE if kind == NOT_FOUND else f'{slug}.html'}"


# A page to build: (relative path, index of its locale in the plan, kind, article slug).
PageJob = tuple[str, int, str, str | None]


def page_jobs(pages: Pages, codes: set[str]) -> list[PageJob]:
    """Every page of the given countries shown in this run, in plan order."""
    plan = pages.plan
    jobs: list[PageJob] = []
    for i, lp in enumerate(plan.locales):
        if lp.country.code not in codes:
            continue
        if plan.index_shown(lp):
            jobs.append((f"{lp.folder}/index.html", i, INDEX, None))
        for slug in lp.articles:
            if plan.shown(lp, slug):
                jobs.append((f"{lp.folder}/{slug}.html", i, ARTICLE, slug))
        for kind, slug in helper_pages(plan, lp, pages.helper_kinds):
            jobs.append((helper_path(lp, kind, slug), i, kind, slug))
    return jobs


def page_spec(pages: Pages, job: PageJob) -> PageSpec:
    _, i, kind, slug = job
    lp = pages.plan.locales[i]
    if kind == INDEX:
        return pages.index_spec(lp)
    if kind == NOT_FOUND:
        return pages.not_found_spec(lp)
    assert slug is not None
    return pages.article_spec(lp, slug) if kind == ARTICLE else pages.unavailable_spec(lp, slug)


# What became of a page: (path, written (None: not built, the cached page is current),
# its page-cache entry).
Done = tuple[str, bool | None, Entry]


# What the page workers inherit: the pages' builder, the output folder, the page cache and
# the plan cache (whose stowed texts a batch reads and releases).
WriteState = tuple[Pages, Path, PageCache, PlanCache | None]


def _write_batch(state: WriteState, batch: list[PageJob]) -> list[Done]:
    """Build and write one batch of pages (an article's pages in every locale of a language
    together, so that its body is parsed once per text it shows), each page only when the
    page cache does not show it current. Each page goes to a temporary file as soon as it
    is built; the batch's files are flushed to disk together and then renamed into place.
    The plans' texts read by the batch before are released when it begins, but those of its
    own locales (read once for a worker's batches of one language)."""
    pages, out, cache, plans = state
    done: list[Done] = []
    slug: str | None = None
    if plans is not None:  # the texts of the last batch's other locales
        plans.release(keep={pages.plan.locales[job[1]].folder for job in batch})
    try:
        with StagedWrites() as writes:  # one flush to disk for the batch, then the renames
            for job in batch:
                rel = job[0]
                if job[3] != slug:  # bodies are reused within one article's pages: memory
                    pages.forget_bodies()
                    slug = job[3]
                spec = page_spec(pages, job)
                fingerprint = pages.fingerprint(spec)
                if cache.fresh(out, rel, fingerprint):
                    done.append((rel, None, cache.pages[rel]))
                    continue
                done.append((rel, writes.stage(out / rel, pages.fill(spec)), [fingerprint]))
    finally:
        pages.forget_bodies()
    # the files' state once renamed into place (what the page cache checks next time)
    return [d if d[1] is None else (d[0], d[1], [*d[2], *file_state(out / d[0])]) for d in done]


def _batches(jobs: list[PageJob], parts: int, locales: list[LocalePlan]) -> list[list[PageJob]]:
    """``jobs`` grouped by language (``de`` with ``de_AT`` and ``de_CH``), within it by
    article (index and helper pages by locale), the groups cut into about ``parts`` batches
    of similar size, every group whole: a batch reads the texts of a few languages' locales
    only. Within a batch the pages go article by article, so that an article's body is
    parsed once per text its pages show (languages whose texts are the same share it)."""
    groups: dict[tuple[str, str, int], list[PageJob]] = {}
    for job in jobs:
        language = locales[job[1]].locale.split("_")[0]
        key = (language, job[3] or "", -1 if job[2] == ARTICLE else job[1])
        groups.setdefault(key, []).append(job)
    size = max(1, len(jobs) // max(1, parts))
    batches: list[list[PageJob]] = [[]]
    for key in sorted(groups):
        if len(batches[-1]) >= size:
            batches.append([])
        batches[-1].extend(groups[key])
    for batch in batches:  # stable: each article's pages keep their languages' order
        batch.sort(key=lambda job: job[3] or "")
    return [b for b in batches if b]


def write_pages(
    pages: Pages, out: Path, jobs: list[PageJob], cache: PageCache, plans: PlanCache | None = None
) -> list[Done]:
    """Build and write the pages, each as soon as it is built (no page is held after its
    write): in forked processes (one per core) that inherit the loaded plan, when there is
    more than one core."""
    workers = workers_for(len(jobs))
    batches = _batches(jobs, workers * 8, pages.plan.locales)
    state: WriteState = (pages, out, cache, plans)
    if workers <= 1:
        try:
            return [done for batch in batches for done in _write_batch(state, batch)]
        finally:
            if plans is not None:
                plans.release()
    parts = forked_map(_write_batch, state, batches, workers)
    return [done for part in parts for done in part]


def kept_pages(
    pages: Pages, out: Path, jobs: list[PageJob], cache: PageCache, keys: dict[str, str]
) -> tuple[list[Done], list[PageJob], dict[str, list[str]]]:
    """(pages current without being built, the jobs left to build, each keyed locale's
    pages): a locale whose key and pages are the last render's keeps every page whose file
    is untouched (:meth:`PageCache.kept`)."""
    locales = pages.plan.locales
    rels: dict[str, list[str]] = {folder: [] for folder in keys}
    for rel, i, _, _ in jobs:
        rels.get(locales[i].folder, []).append(rel)
    kept: dict[str, Entry] = {}
    for folder, key in keys.items():
        kept.update(cache.kept(out, folder, key, rels[folder]))
    done: list[Done] = [(rel, None, entry) for rel, entry in kept.items()]
    return done, [job for job in jobs if job[0] not in kept], rels


# --- sitemaps and manifest ----------------------------------------------------------------


# where a locale's part stands in a file: [start, end] (bytes)
Span = list[int]


class _ListWriter:
    """Parts written one after another into a streamed file, the non-empty ones joined by
    ``sep`` (``first`` before the first of them), each part's span noted."""

    def __init__(self, out: StreamedWrite, sep: str, first: str = "") -> None:
        self.out, self.sep, self.first = out, sep, first
        self.any = False

    def put(self, part: str) -> Span:
        if part:
            self.out.write(self.sep if self.any else self.first)
            self.any = True
            start = self.out.size
            self.out.write(part)
            return [start, self.out.size]
        return [self.out.size, self.out.size]


def locale_manifest(
    plan: SitePlan, lp: LocalePlan, helper_kinds: frozenset[str] = HELPER_KINDS
) -> tuple[list[ManifestPage], list[Withheld]]:
    """One locale's pages and withheld articles, as the manifest lists them."""
    pages: list[ManifestPage] = []
    withheld: list[Withheld] = []
    disc = lp.disclaimer.reference if lp.disclaimer else None
    cc, tag, site = lp.country.code, lp.tag, tuple(lp.site_hashes)
    if plan.index_shown(lp):
        listed = tuple(s for s in lp.articles if plan.shown(lp, s))
        pages.append(
            ManifestPage(
                f"{lp.folder}/index.html",
                INDEX,
                cc,
                tag,
                disc,
                articles=listed,
                site_approvals=site,
            )
        )
    elif not plan.preview:
        withheld.append(Withheld(cc, tag, None, tuple(lp.reasons or ["no article is published"])))
    for slug, ap in lp.articles.items():
        if plan.shown(lp, slug):
            pages.append(
                ManifestPage(
                    f"{lp.folder}/{slug}.html",
                    ARTICLE,
                    cc,
                    tag,
                    disc,
                    article=slug,
                    source_hash=ap.article.source_hash,
                    source_text=lp.source,
                    approvals=tuple(ap.hashes),
                    site_approvals=site,
                    translates=ap.outdated.commit if ap.outdated else None,
                    approved_on=ap.outdated.approved_on.isoformat() if ap.outdated else None,
                )
            )
        if not lp.published(slug):
            withheld.append(Withheld(cc, tag, slug, tuple(lp.reasons + ap.reasons)))
    for kind, slug in helper_pages(plan, lp, helper_kinds):
        pages.append(
            ManifestPage(
                helper_path(lp, kind, slug),
                kind,
                cc,
                tag,
                disc,
                article=slug,
                site_approvals=site,
            )
        )
    return pages, withheld


def manifest(
    plan: SitePlan,
    images: dict[str, bytes] | None = None,
    helper_kinds: frozenset[str] = HELPER_KINDS,
    timezone: str | None = None,
) -> Manifest:
    """What each page was built from, and what was withheld and why."""
    pages: list[ManifestPage] = []
    withheld: list[Withheld] = []
    for lp in plan.locales:
        more, less = locale_manifest(plan, lp, helper_kinds)
        pages += more
        withheld += less
    return _manifest(plan, images, timezone, pages, withheld)


def _manifest(
    plan: SitePlan,
    images: dict[str, bytes] | None,
    timezone: str | None,
    pages: list[ManifestPage],
    withheld: list[Withheld],
) -> Manifest:
    hashes = tuple(
        sorted((path, hashlib.sha256(data).hexdigest()) for path, data in (images or {}).items())
    )
    return Manifest(
        plan.preview,
        tuple(pages),
        tuple(withheld),
        hashes,
        plan.today.isoformat() if timezone else None,
        timezone,
    )


@dataclass(frozen=True)
class Parts:
    """A locale's part of the sitemaps and of ``manifest.json``, each as the file holds it
    ("" for none): its ``<url>`` elements, its page records and its withheld records."""

    urls: str
    pages: str
    withheld: str


def locale_paths(pages: Pages, lp: LocalePlan) -> list[str]:
    """The paths of a locale's pages as the manifest lists them (:func:`locale_manifest`)."""
    plan, paths = pages.plan, []
    if plan.index_shown(lp):
        paths.append(f"{lp.folder}/index.html")
    paths += [f"{lp.folder}/{slug}.html" for slug in lp.articles if plan.shown(lp, slug)]
    for kind, slug in helper_pages(plan, lp, pages.helper_kinds):
        paths.append(helper_path(lp, kind, slug))
    return paths


def locale_parts(pages: Pages, lp: LocalePlan) -> Parts:
    listed, withheld = locale_manifest(pages.plan, lp, pages.helper_kinds)
    return Parts(
        sitemap_part(pages, lp),
        join_records([page_text(p) for p in listed]),
        join_records([withheld_text(w) for w in withheld]),
    )


# What a locale's sitemap and manifest parts were written as: the state of its sitemap file
# (None: it has none), the spans of its page and withheld records in manifest.json.
Written = tuple[list[int] | None, Span, Span]


def write_site_files(
    pages: Pages,
    out: Path,
    images: dict[str, bytes],
    timezone: str | None,
    part: Callable[[LocalePlan], Parts | Kept],
    last_maps: set[str],
) -> tuple[dict[str, bool], list[str], list[Written]]:
    """Write the sitemaps and ``manifest.json`` from the locales' parts, in plan order, each
    part made (or, :class:`Kept`, taken from the last render) when its turn comes and written
    at once: no file's text is held, only the withheld records until the pages are listed.
    A locale's sitemap is written in its folder, then the country picker's, then the index
    that lists them (:mod:`i18n.formats.sitemap`); a sitemap an earlier render wrote
    (``last_maps``: :func:`last_sitemaps`) that is no longer one of the site's is removed.
    Returns (whether each file changed, the files
    removed, what each locale's parts were written as). The manifest is put in place after
    the sitemaps."""
    head, middle, tail = manifest_frame(_manifest(pages.plan, images, timezone, [], []))
    changed: dict[str, bool] = {}
    removed: list[str] = []
    maps = [SITEMAP_ROOT]
    listing = StreamedWrite(out / "manifest.json")
    try:
        listing.write(head)
        records = _ListWriter(listing, RECORD_SEP, LIST_OPEN)
        written: list[tuple[list[int] | None, Span]] = []
        held: list[str] = []
        for lp in pages.plan.locales:
            got = part(lp)
            rel = locale_sitemap(lp)
            if isinstance(got, Kept):
                state = got.sitemap
                if state is not None:
                    changed[rel] = False
            elif got.urls:
                changed[rel] = atomic_write(out / rel, urlset(got.urls))
                state = list(file_state(out / rel))
            else:
                state = None
                if rel in last_maps and _remove(out, rel):
                    removed.append(rel)
            if state is not None:
                maps.append(rel)
            written.append((state, records.put(got.pages)))
            held.append(got.withheld)
        for rel in sorted(last_maps - set(maps)):  # of locales the plan no longer has
            if _remove(out, rel):
                removed.append(rel)
        changed[SITEMAP_ROOT] = atomic_write(out / SITEMAP_ROOT, root_sitemap(pages))
        index = sitemap_index([pages.url(rel) for rel in maps])
        changed[SITEMAP_INDEX] = atomic_write(out / SITEMAP_INDEX, index)
        listing.write(("\n  ]" if records.any else "[]") + middle)
        withheld = _ListWriter(listing, RECORD_SEP, LIST_OPEN)
        in_withheld = [withheld.put(text) for text in held]
        listing.write(("\n  ]" if withheld.any else "[]") + tail)
        changed["manifest.json"] = listing.commit()
    except BaseException:
        listing.abort()
        raise
    return (
        changed,
        removed,
        [(state, span, w) for (state, span), w in zip(written, in_withheld, strict=True)],
    )


def _remove(out: Path, rel: str) -> bool:
    """Remove a file the site no longer has, and its folders left empty (False: there was
    no such file)."""
    path = out / rel
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    for folder in (path.parent, path.parent.parent):
        if folder != out and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return True


# --- writing ------------------------------------------------------------------------------


@dataclass
class RenderResult:
    plan: SitePlan
    out: Path
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # stale pages
    removed_sitemaps: list[str] = field(default_factory=list)  # of locales that have none now
    foreign: list[str] = field(default_factory=list)  # pages no render of ours wrote
    rendered_countries: set[str] = field(default_factory=set)
    planned: int = 0  # (locale, article) plans made in this run
    reused: int = 0  # (locale, article) plans taken from the plan cache
    built: int = 0  # pages built in this run (article, index and helper pages)
    kept: int = 0  # pages current by their locale's key and their file state (not built)
    parts_kept: int = 0  # locales whose sitemap and manifest parts are the last render's
    opened: list[str] = field(default_factory=list)  # locales planned from their catalogs

    def counts(self) -> tuple[int, int]:
        """(published, withheld) article pages of the countries rendered in this run."""
        states = [
            lp.published(slug)
            for lp in self.plan.locales
            if lp.country.code in self.rendered_countries
            for slug in lp.articles
        ]
        return sum(states), len(states) - sum(states)

    def outdated_count(self) -> int:
        """Article pages of this run that show an earlier English version's translation."""
        return sum(
            1
            for lp in self.plan.locales
            if lp.country.code in self.rendered_countries and not self.plan.preview
            for slug, ap in lp.articles.items()
            if lp.published(slug) and ap.outdated
        )

    @property
    def withheld_any(self) -> bool:
        return self.counts()[1] > 0


def _check_out(project: Project, out: Path, preview: bool) -> Path:
    out = out.resolve()
    root = project.root
    if out == root or root.is_relative_to(out):
        raise I18nError(f"--out {out} would overwrite the project itself")
    # folders the project reads (sources, catalogs, site templates, code, history): pages
    # written there would be read back as input by the next extract or render
    read = ("source", "locales", "templates", "i18n", ".git", ".cache")
    for inner in [project.root / name for name in read] + [project.templates_dir]:
        if out == inner.resolve() or out.is_relative_to(inner.resolve()):
            raise I18nError(
                f"--out {out} is inside {project.rel(inner)}/, which the project reads: "
                "choose a folder of its own, such as site/ or one outside the project"
            )
    if preview and out == (root / "site").resolve():
        raise I18nError("--preview never writes to site/: choose another --out")
    if out.exists() and not out.is_dir():
        raise I18nError(f"--out {out} is not a directory")
    return out


IMAGE_SUFFIXES = frozenset({".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif"})


def image_files(project: Project) -> dict[str, bytes]:
    """``source/images/*`` -> ``{"images/<name>": bytes}``; symlinks out of the project,
    names that are not plain files of a known image type, and SVGs that are more than
    pictures (:mod:`i18n.formats.svg`) are refused."""
    folder = project.root / "source" / "images"
    out: dict[str, bytes] = {}
    if not folder.is_dir():
        return out
    for file in sorted(folder.iterdir()):
        shown = project.rel(file)
        if file.name.startswith(".") or file.suffix.lower() not in IMAGE_SUFFIXES:
            continue
        if not inside(file, project.root) or not file.is_file():
            raise I18nError("image points outside the project (symlink?)", shown)
        if not PAGE_NAME_RE.fullmatch(file.name):
            raise I18nError("image file names use lower-case letters, digits, '-' and '.'", shown)
        data = file.read_bytes()
        problem = svg_problem(data, shown) if file.suffix.lower() == ".svg" else None
        if problem:
            line, why = problem
            raise I18nError(f"unsafe SVG: {why} (the site would run it)", shown, line)
        out[f"images/{file.name}"] = data
    return out


def _previous_pages(out: Path, cache: PageCache) -> set[str]:
    """Pages the previous render into ``out`` wrote, from its ``manifest.json`` (none when it
    cannot be read: then no page counts as ours, and none is removed): the paths the page
    cache recorded with it, when the file is the one written then (its size, mtime and
    inode); else read from the file, only the paths kept (:func:`manifest_paths`)."""
    recorded = cache.manifest_paths(out)
    if recorded is not None:
        return recorded
    try:
        paths = manifest_paths(out / "manifest.json", "manifest.json")
    except I18nError:
        return set()
    return paths if paths is not None else set()


def _stale(out: Path, expected: set[str], cache: PageCache) -> tuple[list[Path], list[Path]]:
    """(stale, foreign): pages of ``<cc>/<lang>/*.html`` that are not expected now, split
    into those an earlier render wrote (its manifest lists them: removed, failing closed) and
    those it did not (never deleted: they are someone else's files; ``i18n check`` reports
    them as stray pages)."""
    stale: list[str] = []
    foreign: list[str] = []
    if not out.is_dir():
        return [], []
    ours = _previous_pages(out, cache)
    for cdir in os.scandir(out):  # DirEntry: no stat per page (tens of thousands of them)
        if not (COUNTRY_DIR_RE.fullmatch(cdir.name) and cdir.is_dir()):
            continue
        for ldir in os.scandir(cdir.path):
            if not (LANGUAGE_DIR_RE.fullmatch(ldir.name) and ldir.is_dir()):
                continue
            folder = f"{cdir.name}/{ldir.name}/"
            for page in os.scandir(ldir.path):
                rel = folder + page.name
                if rel in expected or not (PAGE_RE.fullmatch(page.name) and page.is_file()):
                    continue
                (stale if rel in ours else foreign).append(rel)
    # in path order ("/" sorts before every character of a folder's name)
    return [out / rel for rel in sorted(stale)], [out / rel for rel in sorted(foreign)]


def render_site(
    project: Project,
    *,
    out: Path | None = None,
    country: str | None = None,
    preview: bool = False,
    today: dt.date | None = None,
    dry_run: bool = False,
) -> RenderResult:
    """Plan and write the site. Everything is loaded and checked before the first write.
    ``dry_run``: plan only; ``removed`` then lists the pages the render would remove."""
    today = today or project.settings.today()
    default = project.root / ("site-preview" if preview else "site")
    out = _check_out(project, out or default, preview)
    checked = article_record(project.root, project.cache_dir)
    articles = load_articles(project.root, checked)  # bodies parsed when a plan or page reads them
    countries = require_countries(project, "render")
    only = find_country(project, country).code if country else None
    plans = PlanCache.load(project, preview)
    plans.eager = not dry_run  # each locale's plans saved, and their texts stowed, at once
    try:
        plan = plan_site(project, articles, countries, today, preview, only, plans)
        pages = Pages(project, plan, project.settings.site_url)
        images = image_files(project)
    except BaseException:
        plans.rollback()  # a render that stops on bad input leaves the cache as it found it
        raise
    if not dry_run:
        plans.save()
    keep_cldr_names(project, plan, save=not dry_run)

    result = RenderResult(
        plan, out, planned=plan.planned, reused=plan.reused, opened=list(plan.opened)
    )
    expected: set[str] = set()
    for lp in plan.locales:
        if plan.index_shown(lp):
            expected.add(f"{lp.folder}/index.html")
        expected.update(f"{lp.folder}/{s}.html" for s in lp.articles if plan.shown(lp, s))
        expected.update(
            helper_path(lp, k, s) for k, s in helper_pages(plan, lp, pages.helper_kinds)
        )
    # fail closed: remove what is no longer published (in every country) before writing
    cache = PageCache.load(project, out)
    stale, foreign = _stale(out, expected, cache)
    result.foreign = [page.relative_to(out).as_posix() for page in foreign]
    if only:
        result.rendered_countries.add(only)
    else:
        result.rendered_countries.update(lp.country.code for lp in plan.locales)
    last_maps = last_sitemaps(out, cache.sitemaps())
    if dry_run:  # writes nothing, not even the plan cache
        result.removed = [page.relative_to(out).as_posix() for page in stale]
        kept_maps = {locale_sitemap(lp) for lp in plan.locales if has_sitemap(plan, lp)}
        result.removed_sitemaps = sorted(
            rel for rel in last_maps - kept_maps if (out / rel).is_file()
        )
        return result
    keep_checked(checked, articles)
    for page in stale:
        rel = page.relative_to(out).as_posix()
        if _remove(out, rel):
            result.removed.append(rel)
    if only:
        plan.present = lambda lp, rel: lp.country.code == only or (out / rel).is_file()

    entries = {rel: entry for rel, entry in cache.pages.items() if rel in expected}
    jobs = page_jobs(pages, result.rendered_countries)
    keys = locale_keys(plans, plan, pages.brands)
    kept, jobs, keyed = kept_pages(pages, out, jobs, cache, keys)
    result.kept = len(kept)
    # the plans' texts are read by the batches of pages that show them, and released after
    # each: a locale whose pages are all kept never reads them
    plans.verify({plan.locales[i].folder for i in {job[1] for job in jobs}})
    for rel, changed, entry in kept + write_pages(pages, out, jobs, cache, plans):
        (result.written if changed else result.unchanged).append(rel)
        result.built += changed is not None
        entries[rel] = entry
    files = {"index.html": pages.root()}
    if not preview and NOT_FOUND in pages.helper_kinds:
        files[NOT_FOUND_PAGE] = pages.not_found(None)
    files.update(images)
    for rel, text in sorted(files.items()):  # each before manifest.json and sitemap.xml
        (result.written if atomic_write(out / rel, text) else result.unchanged).append(rel)
    # each locale's parts of the sitemaps and manifest: the last render's, when its key is
    last = cache.parts(out)

    def part(lp: LocalePlan) -> Parts | Kept:
        if lp.folder in keys:
            kept = last.part(lp.folder, keys[lp.folder], keyed[lp.folder])
            if kept is not None:
                result.parts_kept += 1
                return kept
        try:
            return locale_parts(pages, lp)
        finally:
            plans.release()  # the approval hashes read for its records

    try:
        zone = project.settings.timezone
        changed, removed, parts = write_site_files(pages, out, images, zone, part, last_maps)
    finally:
        last.close()
    for rel, wrote in changed.items():
        (result.written if wrote else result.unchanged).append(rel)
    result.removed_sitemaps = removed
    for lp, written in zip(plan.locales, parts, strict=True):
        if lp.folder in keys:  # every page and part of the locale is now current under key
            entries[LOCALE + lp.folder] = [keys[lp.folder], keyed[lp.folder], *written]
    entries.update(cache.file_states(out, PART_FILES))
    maps = [locale_sitemap(lp) for lp, w in zip(plan.locales, parts, strict=True) if w[0]]
    cache.save(entries, [path for lp in plan.locales for path in locale_paths(pages, lp)], maps)
    result.written.sort()
    result.unchanged.sort()
    return result


# --- one page in context (the review server) -----------------------------------------------

FOCUS_CSS = (
    "mark.entry { background: #c9e6ff; color: inherit; outline: 3px solid #0b5cad; "
    "outline-offset: 2px; scroll-margin-block: 4rem; }"
)


@dataclass(frozen=True)
class PreviewPage:
    """One article page of a preview, rendered in memory, and the CSP its inline style and
    scripts need (for the HTTP header of the server that shows it)."""

    html: str
    csp: str


def preview_page(
    project: Project,
    country: str,
    locale: str,
    slug: str,
    focus: tuple[str | None, str] | None = None,
    today: dt.date | None = None,
) -> PreviewPage:
    """The preview of article ``slug`` as ``country`` would show it in ``locale`` (its
    catalog form, ``de_CH``), with the country's disclaimer; unapproved text marked as in
    ``i18n render --preview``, and the segment ``focus`` (msgctxt, msgid) wrapped in
    ``<mark class="entry" id="entry">``. Nothing is written."""
    today = today or project.settings.today()
    found = find_country(project, country)
    # the record of bodies checked is read, never written: a preview writes nothing
    articles = load_articles(project.root, article_record(project.root, project.cache_dir))
    plan = plan_site(project, articles, [found], today, preview=True, only=found.code)
    lp = next((lp for lp in plan.locales if lp.locale == locale), None)
    if lp is None or slug not in lp.articles:
        raise I18nError(f"{found.code} has no page {slug!r} in {locale}")
    pages = Pages(project, plan, project.settings.site_url)
    if focus is not None:
        pages.focus = (slug, focus)
        old = pages.css
        pages.css = f"{old}\n{FOCUS_CSS}\n"
        pages.csp = pages.csp.replace(_csp_hash(old), _csp_hash(pages.css))
    return PreviewPage(pages.article(lp, slug), pages.csp)
