"""Language codes per provider: ``pt_BR`` -> ``pt`` for Google, ``PT-BR`` for DeepL, ``de_CH`` ->
``de``, ``zh_Hans_CN`` -> ``zh-CN`` / ``ZH`` / ``zh-hans``; an unsupported pair is refused
before any text is sent."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from babel import Locale

from i18n.errors import I18nError

# --- language codes ------------------------------------------------------------------------

_DEEPL_COMMON = (
    "AR",
    "BG",
    "CS",
    "DA",
    "DE",
    "EL",
    "ES",
    "ET",
    "FI",
    "FR",
    "HU",
    "ID",
    "IT",
    "JA",
    "KO",
    "LT",
    "LV",
    "NB",
    "NL",
    "PL",
    "RO",
    "RU",
    "SK",
    "SL",
    "SV",
    "TR",
    "UK",
    "ZH",
)
DEEPL_SOURCES = frozenset((*_DEEPL_COMMON, "EN", "PT"))
DEEPL_TARGETS = frozenset(
    (*_DEEPL_COMMON, "EN-GB", "EN-US", "PT-BR", "PT-PT", "ZH-HANS", "ZH-HANT")
)
_HANT_REGIONS = {"TW", "HK", "MO"}


def _parts(locale: str) -> tuple[str, str, str]:
    loc = Locale.parse(locale)
    lang, script, region = loc.language, loc.script or "", loc.territory or ""
    if lang == "zh" and not script:
        script = "Hant" if region in _HANT_REGIONS else "Hans"
    return lang, script, region


def candidates(provider: str, locale: str, *, target: bool = True) -> list[str]:
    """Provider codes to try for a locale, best first.

    >>> candidates("google", "pt_BR"), candidates("google", "zh_Hans_CN")
    (['pt-BR', 'pt'], ['zh-CN'])
    >>> candidates("deepl", "pt_BR"), candidates("deepl", "de_CH"), candidates("deepl", "zh")
    (['PT-BR'], ['DE-CH', 'DE'], ['ZH', 'ZH-HANS'])
    >>> candidates("microsoft", "zh_Hant_TW"), candidates("libre", "de_CH")
    (['zh-hant'], ['de-CH', 'de'])
    """
    lang, script, region = _parts(locale)
    tag = f"{lang}-{region}" if region else lang
    if provider == "google":
        if lang == "zh":
            return ["zh-TW" if script == "Hant" else "zh-CN"]
        alias = {"he": "iw", "jv": "jw", "nb": "no", "nn": "no", "fil": "tl"}.get(lang)
        return _unique([tag, alias or lang])
    if provider == "deepl":
        if not target:
            return [lang.upper()]
        if lang == "zh":
            return ["ZH-HANT"] if script == "Hant" else ["ZH", "ZH-HANS"]
        if lang == "pt":
            return ["PT-PT" if region == "PT" else "PT-BR"]
        if lang == "en":
            return ["EN-GB" if region in ("GB", "IE", "AU", "NZ", "IN") else "EN-US"]
        if lang in ("no", "nn"):
            return ["NB"]
        return _unique([tag.upper(), lang.upper()])
    if provider == "microsoft":
        if lang == "zh":
            return ["zh-hant" if script == "Hant" else "zh-hans"]
        if lang == "pt":
            return ["pt-pt" if region == "PT" else "pt"]
        if lang == "sr":
            return ["sr-latn" if script == "Latn" else "sr-cyrl"]
        return _unique([tag.lower(), {"no": "nb"}.get(lang, lang)])
    if provider == "libre":
        if lang == "zh":
            return ["zh-Hant", "zt"] if script == "Hant" else ["zh-Hans", "zh"]
        return _unique([tag, lang])
    if provider == "mymemory":
        if lang == "zh":
            return ["zh-TW" if script == "Hant" else "zh-CN"]
        if lang == "en" and not region:
            return ["en-GB", "en-US"]
        return _unique([tag, f"{lang}-{lang.upper()}", lang])
    return [tag]


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def pick_code(
    provider: str, locale: str, supported: Collection[str], *, target: bool = True
) -> str | None:
    """The first candidate the provider supports (case-insensitive), in its own spelling."""
    by_lower = {s.lower(): s for s in supported}
    for cand in candidates(provider, locale, target=target):
        if cand.lower() in by_lower:
            return by_lower[cand.lower()]
    if provider == "mymemory":
        lang = _parts(locale)[0]
        near = sorted(s for s in supported if s.lower().startswith(lang + "-"))
        if near:
            return near[0]
    return None


def static_languages(provider: str, *, target: bool = True) -> Collection[str] | None:
    """What a provider supports as far as can be known offline (None: only the server knows)."""
    # deep-translator takes about 170 ms to import: a pseudo or memory run never asks this
    from deep_translator.constants import (
        GOOGLE_LANGUAGES_TO_CODES,
        LIBRE_LANGUAGES_TO_CODES,
        MY_MEMORY_LANGUAGES_TO_CODES,
    )

    if provider == "google":
        return set(GOOGLE_LANGUAGES_TO_CODES.values())
    if provider == "mymemory":
        return set(MY_MEMORY_LANGUAGES_TO_CODES.values())
    if provider == "deepl":
        return DEEPL_TARGETS if target else DEEPL_SOURCES
    if provider == "libre":
        return set(LIBRE_LANGUAGES_TO_CODES.values())
    return None


def unsupported(
    provider: str, source: str, locale: str, known: Collection[str] | None
) -> I18nError:
    tried = ", ".join(candidates(provider, locale))
    listing = f"; it offers: {', '.join(sorted(known))}" if known else ""
    return I18nError(
        f"provider {provider} does not translate {source} -> {locale} (tried {tried}){listing}"
    )
