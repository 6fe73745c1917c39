"""SVG images as the site may serve them: pictures only. An SVG is a document that a browser
runs on the site's origin, so one with a script, an event handler, an external reference or
embedded HTML is refused (the render stops with the file and line), never copied.

>>> svg_problem(b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="1"/></svg>', "x.svg")
>>> svg_problem(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
...             "x.svg")
(1, '<script> is not allowed in an image')
"""

from __future__ import annotations

import re

import lxml.etree

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"
# elements that run code, embed other documents or pull in content
_REFUSED = {"script", "foreignObject", "iframe", "embed", "object", "handler", "listener"}
_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)
_IMPORT = re.compile(r"@import", re.IGNORECASE)


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def svg_problem(data: bytes, shown: str) -> tuple[int, str] | None:
    """(line, why) of the first thing in an SVG that is more than a picture, or None."""
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = lxml.etree.fromstring(data, parser)
    except lxml.etree.XMLSyntaxError as exc:
        return exc.lineno or 1, f"not well-formed XML: {exc.msg}"
    if _local(root.tag) != "svg":
        return root.sourceline or 1, f"the root element is <{_local(root.tag)}>, not <svg>"
    for el in root.iter():
        if not isinstance(el.tag, str):
            if isinstance(el, lxml.etree._ProcessingInstruction):  # noqa: SLF001
                return el.sourceline or 1, "processing instructions are not allowed"
            continue
        name = _local(el.tag)
        line = el.sourceline or 1
        if name in _REFUSED:
            return line, f"<{name}> is not allowed in an image"
        for attr, value in el.attrib.items():
            key = _local(attr).lower()
            if key.startswith("on"):
                return line, f"event handler {key}= is not allowed"
            if (key == "href" or attr == XLINK) and not value.strip().startswith("#"):
                target = value.strip()[:60]
                return line, f"reference to {target!r}: only #fragments are allowed"
            if key == "style" and (_URL.search(value) or _IMPORT.search(value)):
                return line, "style with an external url() is not allowed"
        if name == "style" and el.text and (_URL.search(el.text) or _IMPORT.search(el.text)):
            return line, "<style> with an external url() or @import is not allowed"
    return None
