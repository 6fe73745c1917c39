"""The site's shape: what one locale's pages read from the other locales of the plan, as a
digest per locale, so that a render can tell that a locale's pages cannot have changed
without building them (:mod:`.pagecache`, :func:`locale_keys`).

A page reads its own locale's plan (its texts, site strings, disclaimer, reasons), and from
other locales only this: for each page name (an article, or the index), the locales where
that page is shown, each by its folder, tag, country, language, audience, direction and
whether it is the source language (hreflang alternates, the language switcher, the current
English page an outdated page links, the "published in another language" list of an
unavailable page, which unavailable pages exist). So a locale's shape is, for each page name:

- when the locale shows the page: the whole list of locales that show it (its alternates);
- when it does not: the locales of its own country that show it (its unavailable page).

The root pages (country picker, root 404) read every locale and are built at every render.
A locale's key (:func:`locale_keys`) is the digest of its inputs (:mod:`.localedigest`,
under the plan cache's key: code, libraries, settings, mode), its shape and what every page
reads besides (the mode, the date, the glossary's brand names). A locale without a digest
(its planning warned or failed, or it was planned without the plan cache) has no key: its
pages are built as before, each checked by its fingerprint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from i18n.pipeline.publish.gate import LocalePlan, SitePlan
from i18n.pipeline.publish.plancache import PlanCache

FORMAT = 1


def describe(lp: LocalePlan) -> str:
    """What a page reads of a sibling locale."""
    return repr(
        (lp.folder, lp.tag, lp.country.code, lp.language, lp.professional, lp.rtl, lp.source)
    )


def _hash(parts: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def locale_shapes(plan: SitePlan) -> dict[str, str]:
    """Each locale's shape (by folder, ``ch/de``): see the module's docstring."""
    # page name (None: the index) -> the locales that show it, in plan order
    clusters: dict[str | None, list[LocalePlan]] = {}
    for lp in plan.locales:
        if plan.index_shown(lp):
            clusters.setdefault(None, []).append(lp)
        for slug in lp.articles:
            if plan.shown(lp, slug):
                clusters.setdefault(slug, []).append(lp)
    described = {lp.folder: describe(lp) for lp in plan.locales}
    whole: dict[str | None, str] = {}
    country: dict[tuple[str, str | None], str] = {}

    def seen(name: str | None, code: str | None) -> str:
        """The digest of the locales showing ``name`` (of country ``code`` only, if given)."""
        table: dict = whole if code is None else country
        key = name if code is None else (code, name)
        if key not in table:
            members = clusters.get(name, [])
            table[key] = _hash(
                described[o.folder] for o in members if code is None or o.country.code == code
            )
        return table[key]

    shapes: dict[str, str] = {}
    for lp in plan.locales:
        parts = [f"shape {FORMAT}", described[lp.folder]]
        for name in [None, *lp.articles]:
            shown = plan.index_shown(lp) if name is None else plan.shown(lp, name)
            code = None if shown else lp.country.code
            parts.append(f"{name}\0{shown:d}\0{seen(name, code)}")
        shapes[lp.folder] = _hash(parts)
    return shapes


def locale_keys(plans: PlanCache, plan: SitePlan, brands: Iterable[str]) -> dict[str, str]:
    """Each locale's key (by folder), for the locales that have a digest of their inputs.
    None at all with ``--country`` (pages of other countries count where an earlier render
    left them: :attr:`SitePlan.present`)."""
    if plan.present is not None:
        return {}
    shapes = locale_shapes(plan)
    common = repr((plan.preview, plan.today.isoformat(), sorted(brands)))
    keys: dict[str, str] = {}
    for lp in plan.locales:
        digest = plans.digest(lp)
        if digest is not None:
            keys[lp.folder] = _hash([plans.key, common, digest, shapes[lp.folder]])
    return keys
