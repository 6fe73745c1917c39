"""Localization pipeline for regulated medical content.

The package in the order data flows; a module imports only from the layers above its own
(``tests/test_architecture.py`` checks it, and that there are no import circles)::

    errors.py           I18nError: bad input, naming file and line (the CLI's exit code 2)
    model/              pure data, no file formats
      article.py          Article, Segment
      country.py          Country, Disclaimer, Product, Glossary
      locale.py           locale codes, BCP 47 tags, fallback chains
      states.py           review states and the content hash an approval binds to
      events.py           ledger events: Drafted, Approved, Rejected, Revoked
      manifest.py         what each published page was built from
      findings.py         Finding, one severity scale (blocking, warning)
      settings.py         Settings: every [tool.i18n] key, typed, with default and meaning
    formats/            bytes in and out, one module per format
      po.py               PO/POT: the strict reader and the deterministic writer
      po_parse.py         PO text to polib entries (the fast parser behind po.read_po)
      markdown.py         the Markdown dialect: parse, join soft breaks, render with translations
      article.py          articles: front matter + body -> segments
      country.py          source/countries/*.yaml and source/glossary.yaml
      yamlfile.py         strict YAML with line numbers
      ledger.py           locales/<lang>/approvals.jsonl
      manifest.py         site/manifest.json
      draft_comment.py    the "machine draft (x)" translator comment
      pyproject.py        [tool.i18n] of pyproject.toml -> Settings
      fs.py, lock.py      atomic writes; the project's write lock
    project.py          Project: the folder layout, its settings, messages to the front end
    pipeline/           one module (or package) per stage; none prints
      extract.py          articles and templates -> POT
      update.py           POT -> PO, msgmerge semantics
      translate.py        machine and memory drafts (providers/: the web services; protect.py)
      review.py           the queue, approve, reject
      qa.py               translation checks (with translate-toolkit's pofilter)
      qa_cache.py         QA findings kept between runs (sealed with the machine's key)
      claims.py           forbidden wording, for review, the publish gate and check
      status.py           counts per locale and catalog
      verified.py         which key signed each ledger line (a sealed cache of signoff's)
      publish/            render: resolve (fallback chains), gate (what may be published),
                          pages (Jinja2), bidi (right-to-left isolation), pagecache, plancache
                          (sealed plans per locale and article), history,
                          sitemaps (each locale's, the picker's, the last ones),
                          site (write pages, sitemaps, manifest; remove stale pages)
      check/              i18n check: report, config (disclaimers, claims), proof (the site),
                          locales (ledger, QA and claims per locale, on every core)
    server/             ``i18n serve``, the browser review server (Starlette): app.py (routes,
                          security), actions.py (what a form writes and commits), views.py
                          (what a page shows), auth.py, ui.py (the
                          interface's language: gettext catalogs in locale/, made by
                          messages.py)
    cli/                the ``i18n`` command: click commands, rich tables, HTML reports
    templates/          the site templates (a project's own templates/ folder wins)
    data/               built-in risky wording; the professional-gate scripts
"""

__version__ = "0.1.0"
