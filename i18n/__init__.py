"""Localization pipeline for regulated medical content.

The pipeline, one module per stage::

    articles   Markdown + front matter -> segments (markdown-it tokens)
    catalogs   POT/PO: extract, update (msgmerge semantics), statistics
    review     derived states, approvals ledger
    countries  country and glossary configuration
    cli        the ``i18n`` command
"""

__version__ = "0.1.0"
