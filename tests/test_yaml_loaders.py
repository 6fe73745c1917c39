"""libyaml reads the project's YAML when it can; PyYAML's pure-Python loader is the reference.

The two must agree on every value and every line a message names, refuse the same aliases,
and a document that could overflow libyaml's C stack must never reach it.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from i18n.errors import I18nError
from i18n.formats import yamlfile
from i18n.formats.yamlfile import load_yaml, load_yaml_mapping

pytestmark = pytest.mark.skipif(
    getattr(yaml, "CSafeLoader", None) is None, reason="PyYAML built without libyaml"
)


def _reference(monkeypatch: pytest.MonkeyPatch, text: str, **kw: Any) -> Any:
    """:func:`load_yaml_mapping` of ``text`` with libyaml switched off."""
    with monkeypatch.context() as m:
        m.setattr(yamlfile, "_CLoader", None)
        return load_yaml_mapping(text, "x.yaml", **kw)


def _error(load: Any) -> tuple[str, int | None]:
    with pytest.raises(I18nError) as caught:
        load()
    return caught.value.message, caught.value.line


scalars = st.one_of(
    st.text(max_size=20),
    st.integers(),
    st.booleans(),
    st.none(),
    st.dates(min_value=dt.date(1900, 1, 1)),
    st.floats(allow_nan=False),
)
keys = st.text(min_size=1, max_size=12)
trees = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(keys, trees, min_size=1, max_size=6), st.booleans(), st.booleans())
def test_libyaml_reads_what_the_reference_reads(
    data: dict[str, Any], flow: bool, unicode: bool
) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=unicode, sort_keys=False)
    with pytest.MonkeyPatch.context() as mp:
        assert load_yaml_mapping(text, "x.yaml", line_offset=3) == _reference(
            mp, text, line_offset=3
        )


def test_an_ordinary_front_matter_is_read_by_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[str] = []
    real = yamlfile._FastLoader

    class Spy(real):  # type: ignore[misc, valid-type]
        def __init__(self, text: str) -> None:
            made.append(text)
            super().__init__(text)

    monkeypatch.setattr(yamlfile, "_FastLoader", Spy)
    text = "slug: dvt\ntitle: Deep vein thrombosis\ndate: 2026-03-01\nrelated: [a, b]\n"
    data, lines = load_yaml_mapping(text, "a.md", line_offset=1)
    assert made == [text]
    assert data["date"] == dt.date(2026, 3, 1) and lines[("related", "1")] == 5


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",
        "a: &x [1, 2]\nb:\n  - *x\n",
        "base: &b {k: v}\nother:\n  <<: *b\n",
        "a: &x\n  - *x\n",  # recursive
        "? &k key\n: 1\nz: *k\n",
    ],
)
def test_an_alias_is_refused_with_the_references_line(
    monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    got = _error(lambda: load_yaml_mapping(text, "c.yaml"))
    want = _error(lambda: _reference(monkeypatch, text))
    assert got == want
    assert (
        "aliases are not allowed" in got[0] and got[1] == text.count("\n", 0, text.index("*")) + 1
    )


def test_an_anchor_without_alias_reads_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "a: &x 1\nb: 2\n"
    assert load_yaml_mapping(text, "c.yaml") == _reference(monkeypatch, text)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # a key given twice
        "d: 2026-02-30\n",  # a date that does not exist
        "a: !!python/object:os.system x\n",
        "a: [1, 2\n",
        "a:\n\t- 1\n",
        "- 1\n- 2\n",  # not a mapping
        "a: 1\n---\nb: 2\n",  # two documents
        "a: 'unterminated\n",
    ],
)
def test_errors_are_the_references(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    got = _error(lambda: load_yaml_mapping(text, "c.yaml", line_offset=2))
    assert got == _error(lambda: _reference(monkeypatch, text, line_offset=2))


@pytest.mark.parametrize("nest", ["[", "- ", "{a: ", "? "])
def test_a_deep_document_never_reaches_libyaml(nest: str, tmp_path: Path) -> None:
    """200,000 levels overflow libyaml's C stack (a segfault, not an exception): such a text
    goes to the reference, which says it is nested too deeply. Run apart, so that a crash
    fails this test instead of ending the test process."""
    script = (
        "from i18n.errors import I18nError\n"
        "from i18n.formats.yamlfile import load_yaml\n"
        f"text = 'a: ' + {nest!r} * 200_000 + 'x\\n'\n"
        "try:\n"
        "    load_yaml(text, 'deep.yaml')\n"
        "except I18nError as exc:\n"
        "    print(exc.message)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.startswith("invalid YAML"), run.stdout


def test_the_nesting_bound_is_below_what_libyaml_survives() -> None:
    """The bound that sends a text to the reference is far below the depth libyaml was
    seen to survive (20,000 levels, in a thread as well as the main thread); a tree under
    that bound but deeper than the reference composes goes to the reference, which refuses
    it as it always did."""
    assert yamlfile._MAX_NESTING * 4 <= 20_000
    depth = yamlfile._MAX_NESTING - 10
    text = "a: " + "[" * depth + "]" * depth
    assert yamlfile._fast(text) is None
    with pytest.raises(I18nError, match="nested too deeply"):
        load_yaml(text, "x.yaml")
    shallow = yamlfile._FAST_DEPTH - 1
    text = "a: " + "[" * shallow + "]" * shallow
    assert yamlfile._fast(text) is not None
    assert load_yaml(text, "x.yaml") == yaml.load(text, yamlfile._StrictLoader)
