"""The catalogs of the review server's own words, kept up to date by its developers:

    python -m i18n.server.messages

extracts every marked message — ``_()``, ``ngettext()``, ``N_()`` in the server's Python
modules, ``{% trans %}`` and ``_()`` in its templates (Babel's Python extractor and Jinja2's)
— into ``locale/server.pot``, and merges that into each
``locale/<language>/LC_MESSAGES/server.po``: new messages come in untranslated (or fuzzy,
when Babel finds a near one), messages no longer used are dropped. A translator then fills
them in (Poedit, or any PO editor); tests/test_serve_ui.py fails while a catalog is behind.

The output is deterministic: no line numbers (a template edit does not touch every
reference), and a fixed creation date, so the files change only when the messages do.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.pofile import read_po, write_po
from jinja2.ext import babel_extract

from i18n.formats.fs import atomic_write
from i18n.server.ui import DOMAIN, LOCALE_DIR

HERE = Path(__file__).parent
POT = LOCALE_DIR / f"{DOMAIN}.pot"
CREATED = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
HEADER = (
    "# The words of the review server's interface (i18n serve), for translators.\n"
    "# Made by: python -m i18n.server.messages (do not edit by hand)\n#"
)
# as the server's Environment is configured (app._pages), so that extraction sees its blocks
JINJA = {"trim_blocks": "true", "lstrip_blocks": "true", "extensions": "jinja2.ext.i18n"}


def sources() -> list[Path]:
    return sorted(HERE.glob("*.py")) + sorted((HERE / "templates").glob("*.html"))


def extract_messages() -> Catalog:
    """Every marked message of the server, as a template catalog."""
    catalog = Catalog(
        domain=DOMAIN,
        header_comment=HEADER,
        project="i18n serve",
        creation_date=CREATED,
        revision_date=CREATED,
        charset="utf-8",
        fuzzy=False,
    )
    for path in sources():
        method, options = ("python", {}) if path.suffix == ".py" else (babel_extract, JINJA)
        with path.open("rb") as source:
            found = extract(method, source, DEFAULT_KEYWORDS, ("TRANSLATORS:",), options, True)
            for line, message, comments, context in found:
                where = (path.relative_to(HERE).as_posix(), line)
                catalog.add(message, locations=[where], auto_comments=comments, context=context)
    return catalog


def po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=96, ignore_obsolete=True, include_lineno=False)
    return out.getvalue()


def update() -> list[Path]:
    """Write the POT and merge it into every language's catalog; the files written."""
    template = extract_messages()
    written = [POT] if atomic_write(POT, po_bytes(template)) else []
    for path in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        with path.open("rb") as po:
            catalog = read_po(po, locale=path.parent.parent.name, domain=DOMAIN)
        catalog.update(template, update_creation_date=True)
        catalog.revision_date = CREATED
        if atomic_write(path, po_bytes(catalog)):
            written.append(path)
    return written


if __name__ == "__main__":
    update()
