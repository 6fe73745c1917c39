"""TODO docstring."""

from __future__ import annotations

from i18n.pipeline.publish.site import RenderResult

# --- the report ---------------------------------------------------------------------------


def report_rows(result: RenderResult) -> list[tuple[str, str, str, str, str]]:
    """(country, locale, page, status, reason) rows for the table, one row for a locale
    withheld as a whole."""
    plan = result.plan
    rows = []
    for lp in plan.locales:
        if lp.country.code not in result.rendered_countries:
            continue
        cc, tag = lp.country.code, lp.tag
        if lp.reasons and not plan.preview:
            ready = sum(1 for ap in lp.articles.values() if ap.ok)
            rows.append(
                (
                    cc,
                    tag,
                    f"all {len(lp.articles)} articles",
                    "withheld",
                    "; ".join(lp.reasons)
                    + f" (otherwise {ready} of {len(lp.articles)} articles ready)",
                )
            )
            continue
        for slug, ap in lp.articles.items():
            reasons = lp.reasons + ap.reasons
            if plan.preview:
                status = "preview"
                reason = ("not publishable: " + "; ".join(reasons)) if reasons else "approved"
            elif ap.ok:
                status, reason = "published", ("source text" if lp.source else "approved")
            else:
                status, reason = "withheld", "; ".join(reasons)
            rows.append((cc, tag, slug, status, reason))
    return rows
