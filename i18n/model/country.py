"""Countries and the glossary as data: languages, disclaimers, products, claim rules, terms."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

AUDIENCES = ("public", "professional")
PRODUCT_STATES = ("available", "unavailable")
LEGAL_LINKS = ("imprint", "privacy", "contact")  # the footer's order


@dataclass(frozen=True)
class Disclaimer:
    text: str
    reference: str
    approved_by: str
    approved_on: dt.date
    expires: dt.date
    line: int = 0

    def expired(self, today: dt.date) -> bool:
        return self.expires < today


@dataclass(frozen=True)
class Product:
    id: str
    status: str
    registration: str | None = None

    @property
    def available(self) -> bool:
        return self.status == "available"


@dataclass
class Country:
    code: str
    name: str
    languages: list[str]
    regulator: str
    audience: str
    products: dict[str, Product]
    claims: dict[str, list[re.Pattern[str]]]
    disclaimers: dict[str, Disclaimer]
    path: str
    lines: dict[tuple[str, ...], int] = field(default_factory=dict, repr=False)
    # keep: a translation whose English source changed stays published with its last
    # approved text and a notice until the new text is approved; withdraw: it is withheld
    outdated: str = "keep"
    # per language: {"imprint" | "privacy" | "contact": URL} of the country's own legal pages
    legal: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        """Lower-case code, as used in paths: ``site/ch/de/``."""
        return self.code.lower()

    def locale(self, language: str) -> str:
        """Catalog form of the page locale: ``de`` in CH -> ``de_CH``."""
        return f"{language}_{self.code}"

    def line(self, *key: str) -> int:
        return self.lines.get(tuple(key), 1)

    def legal_links(self, language: str) -> list[tuple[str, str]]:
        """(kind, URL) of the footer's legal links in ``language``, in footer order."""
        links = self.legal.get(language, {})
        return [(kind, links[kind]) for kind in LEGAL_LINKS if kind in links]


@dataclass
class Glossary:
    do_not_translate: list[str]
    terms: dict[str, dict[str, str]]

    def required(self, language: str) -> dict[str, str]:
        """Source term -> required translation for ``language`` (``de_CH`` uses ``de``)."""
        base = language.split("_")[0]
        out = {}
        for term, trans in self.terms.items():
            value = trans.get(language) or trans.get(base)
            if value:
                out[term] = value
        return out
