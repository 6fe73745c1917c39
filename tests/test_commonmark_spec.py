"""The CommonMark specification as a test: each of its 652 examples, as the body of an
article, goes through extraction, an identity translation (msgstr = msgid) and the render,
and the page body must be markdown-it's own rendering of the example, or extraction must
refuse the example with one of the messages docs/authors.md names.

The examples are markdown-it-py's copy of the spec (tests/test_cmark_spec/commonmark.json
of its sdist, CommonMark 0.31.2), kept in tests/data. markdown-it's rendering is compared
after the three things a page does on purpose, each invisible in a browser:

- a soft line break is rendered as a space (markdown-it writes a newline);
- HTML comments are left out (and the white space one leaves at either end of a block);
- a line break inside a link title is a space (the title is one line on the page).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from i18n.errors import I18nError
from i18n.formats.article import REFUSALS, parse_article
from i18n.formats.markdown import render_body

SPEC = json.loads(
    (Path(__file__).parent / "data/commonmark-spec-0.31.2.json").read_text(encoding="utf-8")
)
FRONT = "---\nslug: example\ntitle: Example\n---\n"
AUTHORS = (Path(__file__).parents[1] / "docs/authors.md").read_text(encoding="utf-8")

# Examples refused, by the reason: a change here is a change of what authors may write.
REFUSED_BY_KIND = {
    "inline HTML": 24,
    "HTML block": 42,
    "the article body is empty": 1,
}

_oracle = MarkdownIt("commonmark").enable("table")
_oracle.add_render_rule("softbreak", lambda *args, **kwargs: " ")


def _is_comment(tok: Token) -> bool:
    return tok.type in ("html_block", "html_inline") and tok.content.lstrip().startswith("<!--")


def markdown_it_page(text: str) -> str:
    """markdown-it's rendering of ``text``, as a page shows it (see the module docstring)."""
    tokens = [t for t in _oracle.parse(text) if not _is_comment(t)]
    for tok in tokens:
        children = [c for c in tok.children or [] if not _is_comment(c)]
        if len(children) < len(tok.children or []):
            for index, strip in ((0, str.lstrip), (-1, str.rstrip)):
                if children and children[index].type == "text":
                    children[index] = copy.copy(children[index])
                    children[index].content = strip(children[index].content, " \t\n")
        for child in children:
            title = child.attrGet("title")
            if isinstance(title, str):
                child.attrSet("title", re.sub(r"[ \t]*\n[ \t]*", " ", title))
        tok.children = children
    return _oracle.renderer.render(tokens, _oracle.options, {})


def refusal_kind(error: I18nError) -> str:
    kind = next((k for k in REFUSALS if error.message.startswith(k)), None)
    assert kind is not None, f"refusal not named in docs/authors.md: {error}"
    return "HTML block" if kind.startswith("HTML block") else kind


def outcome(example: dict[str, object]) -> str:
    """'same' or the kind of refusal; fails on any page that differs."""
    markdown = str(example["markdown"])
    try:
        article = parse_article(FRONT + markdown, "source/articles/example.md")
    except I18nError as error:
        assert error.path == "source/articles/example.md" and error.line, error
        assert 5 <= error.line <= 4 + markdown.count("\n") or "empty" in error.message
        return refusal_kind(error)
    assert render_body(article, lambda ctx, msgid: msgid) == markdown_it_page(markdown)
    return "same"


def test_the_spec_has_652_examples_and_the_docs_name_each_refusal() -> None:
    assert len(SPEC) == 652
    for kind in REFUSALS:
        assert kind in AUTHORS, kind


@pytest.mark.parametrize("example", SPEC, ids=lambda e: f"{e['example']}-{e['section']}")
def test_example(example: dict[str, object]) -> None:
    outcome(example)


def test_refusals_by_kind() -> None:
    kinds: dict[str, int] = {}
    for example in SPEC:
        kind = outcome(example)
        kinds[kind] = kinds.get(kind, 0) + 1
    same = kinds.pop("same")
    assert (same, kinds) == (652 - sum(REFUSED_BY_KIND.values()), REFUSED_BY_KIND)
