"""The floor of a render: what its parser and its templates cost, and nothing else.

    python bench/render_floor_worker.py PROJECT PAGES

Parses each article once per language the countries name (markdown-it-py with the parser
options i18n uses, rendered to HTML: an identity translation is the source text), then fills
the site's ``article.html`` (Jinja2, autoescape, the i18n extension with identity gettext)
``PAGES`` times, spread over the (article, language) bodies. No plan, no catalogs, no
signatures, no writes. Prints JSON on stderr (as the other workers): parses, fills and
the seconds of the work (imports excluded).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import yaml
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from i18n.formats.markdown import markdown
from i18n.project import PACKAGE_TEMPLATES


def main() -> None:
    root, pages = Path(sys.argv[1]), int(sys.argv[2])
    t0 = time.perf_counter()
    templates = root / "templates" if (root / "templates").is_dir() else PACKAGE_TEMPLATES
    env = Environment(loader=FileSystemLoader(str(templates)), autoescape=True)
    env.add_extension("jinja2.ext.i18n")
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    template = env.get_template("article.html")
    css = Markup((templates / "site.css").read_text(encoding="utf-8"))
    languages = sorted(
        {
            lang
            for path in (root / "source" / "countries").glob("*.yaml")
            for lang in yaml.safe_load(path.read_text(encoding="utf-8")).get("languages", [])
        }
    )
    md = markdown()
    bodies = []
    for path in sorted((root / "source" / "articles").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        meta = yaml.safe_load(front)
        for lang in languages:
            bodies.append((lang, meta, Markup(md.render(body))))
    parsed = time.perf_counter()
    for i in range(pages):
        lang, meta, body = bodies[i % len(bodies)]
        ctx = {
            "page": {"lang": lang, "dir": "ltr", "css": css, "root": "../../", "csp": ""},
            "article": {
                "title": meta.get("title", ""),
                "title_text": meta.get("title", ""),
                "description": meta.get("description", ""),
                "description_text": meta.get("description", ""),
                "category": meta.get("category", ""),
                "keywords": meta.get("keywords") or [],
                "body": body,
                "related": [],
                "registrations": [],
            },
            "disclaimer": {"text": "Disclaimer text.", "reference": "REF-2026-001"},
            "structured_data": None,
        }
        template.render(ctx)
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "parses": len(bodies),
                "fills": pages,
                "parse_s": parsed - t0,
                "fill_s": done - parsed,
                "call": done - t0,
            }
        ),
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
