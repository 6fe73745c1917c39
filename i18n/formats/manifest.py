"""``site/manifest.json``: the one write path (:func:`manifest_text`) and the one read path
(:func:`read_manifest`) of :class:`~i18n.model.manifest.Manifest`.

The JSON keeps a fixed key order per kind of page, so that a render on unchanged input
writes the same bytes. Reading checks the shape strictly: a manifest that cannot be read is
bad input (file and line), never a partial answer.

>>> m = Manifest(False, (ManifestPage("ch/de/index.html", "index", "CH", "de-CH", "CH-1",
...                                    articles=("a",)),))
>>> read_text(manifest_text(m), "manifest.json") == m
True
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from i18n.errors import I18nError
from i18n.model.manifest import (
    ARTICLE,
    INDEX,
    NOT_FOUND,
    PAGE_KINDS,
    UNAVAILABLE,
    Manifest,
    ManifestPage,
    Withheld,
)


def _page_record(page: ManifestPage) -> dict[str, Any]:
    base = {"path": page.path, "kind": page.kind, "country": page.country, "locale": page.locale}
    if page.kind == INDEX:
        return {
            **base,
            "disclaimer": page.disclaimer,
            "articles": list(page.articles),
            "site_approvals": list(page.site_approvals),
        }
    if page.kind == NOT_FOUND:
        return {
            **base,
            "disclaimer": page.disclaimer,
            "site_approvals": list(page.site_approvals),
        }
    if page.kind == UNAVAILABLE:
        return {
            **base,
            "article": page.article,
            "disclaimer": page.disclaimer,
            "site_approvals": list(page.site_approvals),
        }
    record = {
        **base,
        "article": page.article,
        "source_hash": page.source_hash,
        "disclaimer": page.disclaimer,
        "source_text": page.source_text,
        "approvals": list(page.approvals),
        "site_approvals": list(page.site_approvals),
    }
    if page.translates is not None:
        record["outdated"] = {"translates": page.translates, "approved_on": page.approved_on}
    return record


# a record's place in the manifest's lists of pages and withheld articles (two-space indent)
ITEM = "\n    "
RECORD_SEP = "," + ITEM  # between two records of a list
LIST_OPEN = "[" + ITEM  # before the first
_PAGES, _WITHHELD = "\0pages", "\0withheld"


def record_text(record: dict[str, Any]) -> str:
    """One page or withheld record as :func:`manifest_text` writes it in its list.

    >>> print(record_text({"path": "ch/de/index.html", "articles": ["a"]}))
    {
          "path": "ch/de/index.html",
          "articles": [
            "a"
          ]
        }
    """
    text = _indented(record, ITEM)
    if text is None:  # a value of another type: the reference writes it
        return json.dumps(record, indent=2, ensure_ascii=False).replace("\n", ITEM)
    return text


_STRING = json.encoder.encode_basestring  # json.dumps' own, for ensure_ascii=False (C)


def _indented(value: Any, newline: str) -> str | None:
    r"""``json.dumps(value, indent=2, ensure_ascii=False)`` with each of its newlines written
    ``newline`` (a newline and the indentation it starts at), for strings, None, booleans,
    integers and lists and dicts (of string keys) of them; None for any other value. A
    manifest holds a record per page, and the reference's indenting encoder is pure Python:
    at 60,000 pages it took more time than the pages a one-string change rebuilds.

    >>> _indented({"a": ["x", None], "b": {}, "c": True}, "\n")
    '{\n  "a": [\n    "x",\n    null\n  ],\n  "b": {},\n  "c": true\n}'
    """
    kind = type(value)
    if kind is str:
        return _STRING(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    inner = newline + "  "
    if kind is list:
        if not value:
            return "[]"
        if all(type(item) is str for item in value):  # approval hashes, most of a manifest
            items: list[str | None] = list(map(_STRING, value))
        else:
            items = [_indented(item, inner) for item in value]
            if None in items:
                return None
        return "[" + inner + ("," + inner).join(items) + newline + "]"  # type: ignore[arg-type]
    if kind is dict:
        if not value:
            return "{}"
        pairs = []
        for key, item in value.items():
            text = _indented(item, inner)
            if type(key) is not str or text is None:
                return None
            pairs.append(_STRING(key) + ": " + text)
        return "{" + inner + ("," + inner).join(pairs) + newline + "}"
    return None


def page_text(page: ManifestPage) -> str:
    return record_text(_page_record(page))


def withheld_text(w: Withheld) -> str:
    return record_text(
        {"country": w.country, "locale": w.locale, "article": w.article, "reasons": list(w.reasons)}
    )


def join_records(texts: list[str]) -> str:
    """Records' texts (:func:`record_text`) joined as they follow each other in a list."""
    return RECORD_SEP.join(text for text in texts if text)


def manifest_text(manifest: Manifest) -> str:
    """The JSON text of a manifest (two-space indent, UTF-8 kept, newline at the end)."""
    pages = join_records([page_text(p) for p in manifest.pages])
    withheld = join_records([withheld_text(w) for w in manifest.withheld])
    return joined_text(manifest, pages, withheld)


def joined_text(manifest: Manifest, pages: str, withheld: str) -> str:
    """:func:`manifest_text` of ``manifest`` whose lists of pages and withheld articles are
    given as text (:func:`join_records`; the manifest's own lists are not read): the text
    ``json.dumps(..., indent=2)`` writes."""
    head, middle, tail = manifest_frame(manifest)
    return head + json_list(pages) + middle + json_list(withheld) + tail


def manifest_frame(manifest: Manifest) -> tuple[str, str, str]:
    """The manifest's text before its list of pages, between it and the list of withheld
    articles, and after that."""
    data: dict[str, Any] = {"preview": manifest.preview}
    if manifest.today is not None:
        data["rendered_for"] = {"date": manifest.today, "timezone": manifest.timezone}
    data |= {"pages": _PAGES, "withheld": _WITHHELD, "images": dict(manifest.images)}
    skeleton = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    # the skeleton holds no text of a page: its placeholders are found where they were put
    head, _, rest = skeleton.partition(json.dumps(_PAGES))
    middle, _, tail = rest.partition(json.dumps(_WITHHELD))
    return head, middle, tail


def json_list(joined: str) -> str:
    """A list of the manifest as JSON, from its records joined (:func:`join_records`)."""
    return f"{LIST_OPEN}{joined}\n  ]" if joined else "[]"


def read_manifest(path: Path, shown: str) -> Manifest | None:
    """The manifest at ``path``, checked for shape; None when there is none."""
    text = _file_text(path, shown)
    return None if text is None else read_text(text, shown)


def _file_text(path: Path, shown: str) -> str | None:
    """The manifest file's text; None when there is none."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (ValueError, UnicodeDecodeError) as exc:
        raise I18nError(f"manifest is not valid JSON: {exc}", shown) from None
    return text


def read_text(text: str, shown: str) -> Manifest:
    """A manifest from its JSON text; every problem is an :class:`I18nError` naming ``shown``."""
    data = _parse(text, shown)
    pages = tuple(_read_page(i, page, shown) for i, page in enumerate(data["pages"]))
    withheld = data.get("withheld")
    images, rendered = _frame(data, shown)
    return Manifest(
        bool(data.get("preview")),
        pages,
        tuple(_read_withheld(w) for w in withheld if isinstance(w, dict))
        if isinstance(withheld, list)
        else (),
        images,
        rendered["date"] if rendered else None,
        rendered["timezone"] if rendered else None,
    )


def manifest_paths(path: Path, shown: str) -> set[str] | None:
    """``read_manifest(path, shown).paths()`` (None: there is no manifest; an
    :class:`I18nError` for one that :func:`read_manifest` refuses), without holding the
    records: each page record is checked as the JSON is parsed, and only its path is kept
    (a render reads the last manifest of a large site only for its pages' paths)."""
    text = _file_text(path, shown)
    if text is None:
        return None

    def checked(record: dict[str, Any]) -> Any:
        if "path" not in record or "kind" not in record or "pages" in record:
            return record  # not a page record (a page record is checked below when it is not)
        try:
            return _PagePath(_read_page(0, record, shown).path)
        except I18nError:
            return _PagePath(None, record)  # refused below, if it is in the list of pages

    data = _parse(text, shown, checked)
    del text
    paths: set[str] = set()
    for i, page in enumerate(data["pages"]):
        if isinstance(page, _PagePath) and page.path is not None:
            paths.add(page.path)
        else:  # checked here, where an error names its place in the list
            record = page.record if isinstance(page, _PagePath) else page
            paths.add(_read_page(i, record, shown).path)
    _frame(data, shown)
    return paths


class _PagePath:
    """What :func:`manifest_paths` keeps of a page record: its path (None: the record, which
    is refused)."""

    __slots__ = ("path", "record")

    def __init__(self, path: str | None, record: Any = None) -> None:
        self.path, self.record = path, record


def _parse(text: str, shown: str, hook: Any = None) -> dict[str, Any]:
    try:
        data = json.loads(text, object_hook=hook)
    except json.JSONDecodeError as exc:
        raise I18nError(
            f"manifest is not valid JSON: {exc.msg} (column {exc.colno})", shown, exc.lineno
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("pages"), list):
        raise I18nError("manifest lacks a 'pages' list", shown)
    return data


def _frame(
    data: dict[str, Any], shown: str
) -> tuple[tuple[tuple[str, str], ...], dict[str, str] | None]:
    """The manifest's images and ``rendered_for``, checked."""
    images = data.get("images") or {}
    if not isinstance(images, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in images.items()
    ):
        raise I18nError("manifest 'images' must map each image to its SHA-256", shown)
    rendered = data.get("rendered_for")
    if rendered is not None and not (
        isinstance(rendered, dict)
        and all(isinstance(rendered.get(k), str) for k in ("date", "timezone"))
    ):
        raise I18nError("manifest 'rendered_for' must give a 'date' and a 'timezone'", shown)
    return tuple(sorted(images.items())), rendered


def _read_page(i: int, page: Any, shown: str) -> ManifestPage:
    what = f"manifest pages[{i}]"
    if not isinstance(page, dict):
        raise I18nError(f"{what} is not an object", shown)
    for key in ("path", "country", "locale", "kind"):
        if not isinstance(page.get(key), str) or not page[key]:
            raise I18nError(f"{what} lacks a '{key}' string", shown)
    if page["kind"] not in PAGE_KINDS:
        raise I18nError(f"{what} has kind {page['kind']!r} (known: {', '.join(PAGE_KINDS)})", shown)
    if page["kind"] in (ARTICLE, UNAVAILABLE) and not isinstance(page.get("article"), str):
        raise I18nError(f"{what} is an {page['kind']} page without an 'article' slug", shown)
    hashes: dict[str, tuple[str, ...]] = {}
    for key in ("approvals", "site_approvals"):
        value = page.get(key, [])
        if not isinstance(value, list) or not all(isinstance(h, str) for h in value):
            raise I18nError(f"{what} '{key}' must be a list of hashes", shown)
        hashes[key] = tuple(value)
    outdated = page.get("outdated")
    if outdated is not None and not (
        isinstance(outdated, dict)
        and all(isinstance(outdated.get(k), str) for k in ("translates", "approved_on"))
    ):
        raise I18nError(f"{what} 'outdated' must give 'translates' and 'approved_on'", shown)
    articles = page.get("articles")
    source_hash = page.get("source_hash")
    disclaimer = page.get("disclaimer")
    return ManifestPage(
        path=page["path"],
        kind=page["kind"],
        country=page["country"],
        locale=page["locale"],
        disclaimer=disclaimer if isinstance(disclaimer, str) else None,
        article=page.get("article") if page["kind"] in (ARTICLE, UNAVAILABLE) else None,
        articles=tuple(str(a) for a in articles) if isinstance(articles, list) else (),
        source_hash=source_hash if isinstance(source_hash, str) else None,
        source_text=page.get("source_text") is True,
        approvals=hashes["approvals"],
        site_approvals=hashes["site_approvals"],
        translates=outdated["translates"] if outdated else None,
        approved_on=outdated["approved_on"] if outdated else None,
    )


def _read_withheld(record: dict[str, Any]) -> Withheld:
    reasons = record.get("reasons")
    article = record.get("article")
    return Withheld(
        str(record.get("country", "")),
        str(record.get("locale", "")),
        article if isinstance(article, str) else None,
        tuple(str(r) for r in reasons) if isinstance(reasons, list) else (),
    )
