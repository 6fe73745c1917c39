"""Country and glossary configuration: load and validate ``source/countries/*.yaml`` and
``source/glossary.yaml``. Every error names the file and line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale

from i18n.errors import I18nError
from i18n.formats.fs import inside, read_text
from i18n.formats.yamlfile import load_yaml_mapping
from i18n.model.country import (
    AUDIENCES,
    LEGAL_LINKS,
    PRODUCT_STATES,
    Country,
    Disclaimer,
    Glossary,
    Product,
)
from i18n.model.locale import normalize_locale
from i18n.project import Project

DISCLAIMER_FIELDS = ("text", "reference", "approved_by", "approved_on", "expires")
COUNTRY_FIELDS = (
    "code",
    "name",
    "languages",
    "regulator",
    "audience",
    "products",
    "claims",
    "disclaimer",
    "outdated",
    "legal",
)
OUTDATED_CHOICES = ("keep", "withdraw")


@cache
def iso_countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes known to CLDR (via Babel)."""
    return frozenset(c for c in Locale("en").territories if len(c) == 2 and c.isalpha())


def _need(cond: bool, msg: str, path: str, line: int) -> None:
    if not cond:
        raise I18nError(msg, path, line)


def _date(value: Any, what: str, path: str, line: int) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise I18nError(f"{what} must be a date (YYYY-MM-DD), found {value!r}", path, line)


def parse_country(text: str, path: str, stem: str | None = None) -> Country:
    """Validate one country file's text."""
    data, lines = load_yaml_mapping(text, path)

    def ln(*key: str) -> int:
        return lines.get(tuple(key), 1)

    for key in data:
        _need(
            key in COUNTRY_FIELDS,
            f"unknown key '{key}' (known: {', '.join(COUNTRY_FIELDS)})",
            path,
            ln(str(key)),
        )
    for key in ("code", "name", "languages", "regulator", "disclaimer"):
        _need(key in data, f"missing required key '{key}'", path, 1)
    code = data["code"]
    _need(
        isinstance(code, str) and code in iso_countries(),
        f"unknown country code {code!r}: use an ISO 3166-1 alpha-2 code such as CH",
        path,
        ln("code"),
    )
    if stem is not None:
        _need(
            stem == code.lower(),
            f"file name must be '{code.lower()}.yaml' for code {code}",
            path,
            ln("code"),
        )
    for key in ("name", "regulator"):
        _need(
            isinstance(data[key], str) and data[key].strip() != "",
            f"'{key}' must be a non-empty string",
            path,
            ln(key),
        )
    audience = data.get("audience", "public")
    _need(
        audience in AUDIENCES,
        f"audience must be one of {', '.join(AUDIENCES)}, found {audience!r}",
        path,
        ln("audience"),
    )
    outdated = data.get("outdated", "keep")
    _need(
        outdated in OUTDATED_CHOICES,
        f"outdated must be one of {', '.join(OUTDATED_CHOICES)}, found {outdated!r}",
        path,
        ln("outdated"),
    )
    languages = _languages(data["languages"], path, ln)
    products = _products(data.get("products") or {}, path, ln)
    claims = _claims(data.get("claims") or {}, languages, path, ln)
    disclaimers = _disclaimers(data["disclaimer"], languages, path, ln)
    legal = _legal(data["legal"], languages, path, ln) if "legal" in data else {}
    return Country(
        code,
        data["name"].strip(),
        languages,
        data["regulator"].strip(),
        audience,
        products,
        claims,
        disclaimers,
        path,
        lines,
        legal=legal,
        outdated=outdated,
    )


Line = Callable[..., int]  # the line of a key path in the file


def _languages(langs: Any, path: str, ln: Line) -> list[str]:
    _need(
        isinstance(langs, list) and len(langs) > 0,
        "'languages' must be a non-empty list",
        path,
        ln("languages"),
    )
    languages: list[str] = []
    for i, lang in enumerate(langs):
        where = ln("languages", str(i))
        _need(isinstance(lang, str), f"language must be a string, found {lang!r}", path, where)
        try:
            norm = normalize_locale(lang)
        except I18nError as exc:
            raise I18nError(exc.message, path, where) from None
        _need(
            "_" not in norm,
            f"list the language ({norm.split('_')[0]}), not a locale ({lang}): "
            f"the country gives the region",
            path,
            where,
        )
        _need(norm not in languages, f"language '{norm}' is listed twice", path, where)
        languages.append(norm)
    return languages


def _products(raw_products: Any, path: str, ln: Line) -> dict[str, Product]:
    products: dict[str, Product] = {}
    _need(
        isinstance(raw_products, dict),
        "'products' must be a mapping of product id to status",
        path,
        ln("products"),
    )
    for pid, spec in raw_products.items():
        where = ln("products", str(pid))
        _need(
            isinstance(spec, dict), f"product '{pid}' must be a mapping with a status", path, where
        )
        status = spec.get("status")
        _need(
            status in PRODUCT_STATES,
            f"product '{pid}' status must be one of {', '.join(PRODUCT_STATES)}, found {status!r}",
            path,
            ln("products", str(pid), "status") if "status" in spec else where,
        )
        reg = spec.get("registration")
        _need(
            reg is None or isinstance(reg, str),
            f"product '{pid}' registration must be a string",
            path,
            where,
        )
        products[str(pid)] = Product(str(pid), status, reg)
    return products


def _claims(
    raw_claims: Any, languages: list[str], path: str, ln: Line
) -> dict[str, list[re.Pattern[str]]]:
    claims: dict[str, list[re.Pattern[str]]] = {}
    _need(
        isinstance(raw_claims, dict),
        "'claims' must map a language to a list of patterns",
        path,
        ln("claims"),
    )
    for lang, patterns in raw_claims.items():
        where = ln("claims", str(lang))
        _need(
            lang in languages,
            f"claims for '{lang}', which is not one of the country's languages",
            path,
            where,
        )
        _need(
            isinstance(patterns, list),
            f"claims for '{lang}' must be a list of patterns",
            path,
            where,
        )
        compiled = []
        for i, pat in enumerate(patterns):
            pw = ln("claims", str(lang), str(i))
            _need(isinstance(pat, str), f"claim pattern must be a string, found {pat!r}", path, pw)
            try:
                compiled.append(re.compile(pat, re.IGNORECASE))
            except re.error as exc:
                raise I18nError(f"invalid claim pattern {pat!r}: {exc}", path, pw) from None
            _need(
                not nested_repeat(pat),
                f"claim pattern {pat!r} repeats a repetition (like (a+)+): on some pages it "
                "would run for hours; write the inner part once, e.g. (a+) -> a+",
                path,
                pw,
            )
        claims[lang] = compiled
    return claims


def _disclaimers(raw_disc: Any, languages: list[str], path: str, ln: Line) -> dict[str, Disclaimer]:
    disclaimers: dict[str, Disclaimer] = {}
    _need(
        isinstance(raw_disc, dict),
        "'disclaimer' must map each language to its disclaimer",
        path,
        ln("disclaimer"),
    )
    for lang, spec in raw_disc.items():
        where = ln("disclaimer", str(lang))
        _need(
            lang in languages,
            f"disclaimer for '{lang}', which is not one of the country's languages",
            path,
            where,
        )
        _need(isinstance(spec, dict), f"disclaimer '{lang}' must be a mapping", path, where)
        for key in DISCLAIMER_FIELDS:
            _need(
                key in spec and spec[key] not in (None, ""),
                f"disclaimer '{lang}' lacks '{key}'",
                path,
                where,
            )
        for key in ("text", "reference", "approved_by"):
            _need(
                isinstance(spec[key], str),
                f"disclaimer '{lang}' {key} must be a string",
                path,
                ln("disclaimer", str(lang), key),
            )
        approved = _date(
            spec["approved_on"],
            f"disclaimer '{lang}' approved_on",
            path,
            ln("disclaimer", str(lang), "approved_on"),
        )
        expires = _date(
            spec["expires"],
            f"disclaimer '{lang}' expires",
            path,
            ln("disclaimer", str(lang), "expires"),
        )
        _need(
            expires > approved,
            f"disclaimer '{lang}' expires before it was approved",
            path,
            ln("disclaimer", str(lang), "expires"),
        )
        disclaimers[lang] = Disclaimer(
            " ".join(spec["text"].split()),
            spec["reference"].strip(),
            spec["approved_by"].strip(),
            approved,
            expires,
            where,
        )
    return disclaimers


# A legal link is an https page with a host (the country's own entity's site), or, for the
# contact, a mailto: address. Nothing a browser would run or send elsewhere unencrypted.
_LEGAL_URL_RE = re.compile(r"https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:[0-9]{1,5})?(/[^\s\"'<>\\]*)?")
_MAILTO_RE = re.compile(r"mailto:[^\s\"'<>\\@?]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def legal_url_problem(kind: str, url: str) -> str | None:
    """Why ``url`` cannot be a footer's ``kind`` link, or None.

    >>> legal_url_problem("imprint", "https://invamed-ch.example/de/impressum") is None
    True
    >>> legal_url_problem("contact", "mailto:info@invamed-ch.example") is None
    True
    >>> legal_url_problem("privacy", "javascript:alert(1)")
    "must be an https:// address with a host, found 'javascript:alert(1)'"
    """
    if _LEGAL_URL_RE.fullmatch(url) or (kind == "contact" and _MAILTO_RE.fullmatch(url)):
        return None
    allowed = "an https:// address with a host" + (
        " or a mailto: address" if kind == "contact" else ""
    )
    return f"must be {allowed}, found {url!r}"


def _legal(raw: Any, languages: list[str], path: str, ln: Line) -> dict[str, dict[str, str]]:
    """``legal``: language -> {imprint, privacy, contact} -> URL (each optional, at least one)."""
    _need(
        isinstance(raw, dict),
        f"'legal' must map a language to its {', '.join(LEGAL_LINKS)} links",
        path,
        ln("legal"),
    )
    legal: dict[str, dict[str, str]] = {}
    for lang, links in raw.items():
        where = ln("legal", str(lang))
        _need(
            lang in languages,
            f"legal links for '{lang}', which is not one of the country's languages",
            path,
            where,
        )
        _need(
            isinstance(links, dict) and len(links) > 0,
            f"legal links for '{lang}' must map {', '.join(LEGAL_LINKS)} to addresses",
            path,
            where,
        )
        out: dict[str, str] = {}
        for kind, url in links.items():
            at = ln("legal", str(lang), str(kind))
            _need(
                kind in LEGAL_LINKS,
                f"unknown legal link '{kind}' (known: {', '.join(LEGAL_LINKS)})",
                path,
                at,
            )
            _need(isinstance(url, str), f"legal link '{lang}' {kind} must be a string", path, at)
            problem = legal_url_problem(kind, url.strip())
            _need(problem is None, f"legal link '{lang}' {kind} {problem}", path, at)
            out[kind] = url.strip()
        legal[lang] = out
    return legal


def country_files(project: Project) -> list[Path]:
    folder = project.countries_dir
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))


def load_countries(project: Project) -> list[Country]:
    """Every country of the project, sorted by code. A missing disclaimer for a language is
    allowed here (the render withholds that language and ``check`` reports it)."""
    countries = []
    seen: dict[str, str] = {}
    for file in country_files(project):
        shown = project.rel(file)
        if not inside(file, project.root):
            raise I18nError("file points outside the project (symlink?)", shown)
        country = parse_country(read_text(file, shown), shown, file.stem)
        if country.code in seen:
            raise I18nError(
                f"country {country.code} is also defined in {seen[country.code]}", shown
            )
        seen[country.code] = shown
        countries.append(country)
    return sorted(countries, key=lambda c: c.code)


def require_countries(project: Project, what: str) -> list[Country]:
    """:func:`load_countries`, refusing a project that has none: ``what`` (a check, a render)
    would otherwise report success over nothing."""
    countries = load_countries(project)
    if not countries:
        raise I18nError(
            f"no countries: {what} needs at least one source/countries/<cc>.yaml "
            "(see docs/regulatory.md, 'Adding a country')",
            "source/countries",
        )
    return countries


def unknown_country(code: str, countries: list[Country]) -> I18nError:
    """The error for a country the project does not have, listing the ones it has (and the
    code of one whose name was given).

    >>> from types import SimpleNamespace
    >>> c = SimpleNamespace(code="CH", name="Switzerland")
    >>> print(unknown_country("switzerland", [c]).message)
    unknown country 'switzerland': use its code CH
    >>> print(unknown_country("CHE", [c]).message)
    unknown country 'CHE': no source/countries/che.yaml (countries: CH Switzerland)
    """
    wanted = code.strip()
    for country in countries:
        if country.name.casefold() == wanted.casefold():
            return I18nError(f"unknown country {code!r}: use its code {country.code}")
    known = ", ".join(f"{c.code} {c.name}" for c in countries) or "none yet"
    return I18nError(
        f"unknown country {code!r}: no source/countries/{wanted.lower()}.yaml (countries: {known})"
    )


def find_country(project: Project, code: str) -> Country:
    want = code.strip().upper()
    countries = load_countries(project)
    for country in countries:
        if country.code == want:
            return country
    raise unknown_country(code, countries)


def languages(project: Project) -> list[str]:
    """Every language named by a country (source language excluded), sorted."""
    found = {lang for c in load_countries(project) for lang in c.languages}
    found.discard(project.source_language)
    return sorted(found)


def load_glossary(project: Project) -> Glossary:
    file = project.glossary_file
    if not file.is_file():
        return Glossary([], {})
    shown = project.rel(file)
    if not inside(file, project.root):
        raise I18nError("file points outside the project (symlink?)", shown)
    data, lines = load_yaml_mapping(read_text(file, shown), shown)
    dnt = data.get("do_not_translate") or []
    _need(
        isinstance(dnt, list) and all(isinstance(t, str) and t for t in dnt),
        "'do_not_translate' must be a list of terms",
        shown,
        lines.get(("do_not_translate",), 1),
    )
    terms_raw = data.get("terms") or {}
    _need(
        isinstance(terms_raw, dict),
        "'terms' must map a term to its translations",
        shown,
        lines.get(("terms",), 1),
    )
    terms: dict[str, dict[str, str]] = {}
    for term, trans in terms_raw.items():
        where = lines.get(("terms", str(term)), 1)
        _need(
            isinstance(trans, dict) and all(isinstance(v, str) for v in trans.values()),
            f"term '{term}' must map language codes to translations",
            shown,
            where,
        )
        for lang in trans:
            try:
                normalize_locale(lang)
            except I18nError as exc:
                line = lines.get(("terms", str(term), lang), where)
                raise I18nError(exc.message, shown, line) from None
        terms[str(term)] = {str(k): v for k, v in trans.items()}
    return Glossary(list(dnt), terms)


def nested_repeat(pattern: str) -> bool:
    """Whether a regular expression repeats, without bound, something that itself repeats:
    the shape (``(a+)+``, ``(\\w+\\s?)*``) whose backtracking grows exponentially on a text
    that almost matches (Python's ``re`` has no time limit).

    >>> nested_repeat(r"(a+)+b"), nested_repeat(r"(?:\\w+\\s?)*$")
    (True, True)
    >>> nested_repeat(r"\\bgarantie\\w*"), nested_repeat(r"(?:x|(?=a+))*")
    (False, True)
    >>> nested_repeat(r"\\bsans (aucun )?risque\\b"), nested_repeat(r"(ab){2,3}")
    (False, False)
    """
    # re._parser is the standard library's own parser (private, present in 3.11 to 3.14); the
    # public API offers no parse tree. Imported here: only country files with claims need it.
    from re import _constants as c  # ms: <1 ms, already loaded by re
    from re import _parser  # ms: <1 ms, already loaded by re

    repeats = {c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)}

    def parts(op: Any, av: Any) -> list[Any]:  # the sub-patterns a node holds
        if op is c.SUBPATTERN:
            return [av[-1]]
        if op is c.BRANCH:
            return list(av[1])
        if op in (c.ASSERT, c.ASSERT_NOT):
            return [av[1]]
        if op is c.GROUPREF_EXISTS:
            return [p for p in av[1:] if p is not None]
        return [av] if op is c.ATOMIC_GROUP else []

    def walk(items: Any, inside: bool) -> bool:
        for op, av in items:
            if op in repeats:
                unbounded = av[1] == c.MAXREPEAT or av[1] > 16
                if (unbounded and inside) or walk(av[2], inside or unbounded):
                    return True
            elif any(walk(p, inside) for p in parts(op, av)):
                return True
        return False

    return walk(_parser.parse(pattern, re.IGNORECASE), False)
