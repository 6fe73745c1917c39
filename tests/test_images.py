"""Images are pictures, and the ones published are the ones rendered: an SVG that could run
or fetch anything is refused by the render (file and line, exit 2), and check proves every
image of the site against the SHA-256 the manifest recorded."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_project

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n{}\n</svg>\n'
UNSAFE = {
    "script": ("<script>alert(document.cookie)</script>", "<script> is not allowed"),
    "event handler": ('<circle r="5" onload="alert(1)"/>', "event handler onload="),
    "foreignObject": ("<foreignObject><p>Order here</p></foreignObject>", "<foreignObject>"),
    "external image": ('<image href="https://evil.example/x.png"/>', "only #fragments"),
    "xlink data url": ('<image xlink:href="data:image/svg+xml;base64,PHN2Zy8+"/>', "#fragments"),
    "css url": ('<rect style="fill:url(https://evil.example/p)"/>', "external url()"),
    "style import": ("<style>@import url(https://evil.example/x.css);</style>", "@import"),
    "iframe": ("<iframe src='https://evil.example'/>", "<iframe> is not allowed"),
}


@pytest.mark.parametrize("name", sorted(UNSAFE))
def test_an_svg_that_is_more_than_a_picture_is_refused(tmp_path: Path, run, name: str) -> None:
    root = copy_project(tmp_path / "proj")
    body, message = UNSAFE[name]
    (root / "source" / "images" / "evil.svg").write_text(SVG.format(body), "utf-8")
    result = run(root, "render")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: source/images/evil.svg:2: unsafe SVG:"), result.stderr
    assert message in result.stderr
    assert not (root / "site").exists()


def test_check_proves_every_image_of_the_site(tmp_path: Path, run) -> None:
    root = copy_project(tmp_path / "proj")
    assert run(root, "render").exit_code == 0
    assert run(root, "check").exit_code == 0
    images = root / "site" / "images"
    (image,) = images.glob("*.svg")
    original = image.read_bytes()
    image.write_bytes(original.replace(b"</svg>", b"<text>Heilt garantiert</text></svg>"))
    (images / "added.svg").write_bytes(original)
    result = run(root, "check")
    assert result.exit_code == 1
    assert f"violation: image-replaced site/images/{image.name}" in result.stdout
    assert "violation: image-stray site/images/added.svg" in result.stdout
    image.unlink()
    assert f"image-missing site/images/{image.name}" in run(root, "check").stdout
