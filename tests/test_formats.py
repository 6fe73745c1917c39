"""The formats that cross stages, each through its one write and one read path: ledger events,
the manifest and the draft comment round-trip exactly (Hypothesis); the library reports
progress and warnings to its caller instead of printing."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from conftest import copy_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from i18n.errors import I18nError
from i18n.formats import ledger as ledger_module
from i18n.formats.draft_comment import DraftOrigin, merge_comments, read_origin
from i18n.formats.ledger import Ledger, event_record, read_event
from i18n.formats.manifest import (
    ITEM,
    manifest_paths,
    manifest_text,
    read_manifest,
    read_text,
    record_text,
)
from i18n.model.events import Approved, Drafted, LedgerEvent, Rejected, Revoked
from i18n.model.manifest import ARTICLE, INDEX, Manifest, ManifestPage, Withheld
from i18n.pipeline.status import status
from i18n.pipeline.translate import Options, translate
from i18n.project import NOTE, WARNING, Project

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
maybe = st.none() | text
hashes = st.text("0123456789abcdef", min_size=1, max_size=64)
forms = st.lists(text, max_size=3).map(tuple)
subject = {
    "hash": hashes,
    "catalog": maybe,
    "msgctxt": maybe,
    "msgid": text,
    "time": st.just("2026-11-26T09:30:09Z"),
}
events = st.one_of(
    st.builds(Drafted, **subject, provider=text),
    st.builds(
        Approved,
        **subject,
        msgstr=text,
        reviewer=text,
        msgid_plural=maybe,
        msgstr_plural=st.none() | forms.filter(bool),
        override=maybe,
        overridden=forms,
        reviewer_is_last_translator=st.booleans(),
    ),
    st.builds(Rejected, **subject, msgstr=text, reason=text, reviewer=maybe),
    st.builds(Revoked, **subject, reason=text, reviewer=maybe),
)


@given(events)
def test_every_event_survives_its_ledger_line(event: LedgerEvent) -> None:
    line = json.dumps(event_record(event), ensure_ascii=False, sort_keys=True)
    assert read_event(json.loads(line)) == event


def test_lines_no_stage_acts_on_are_skipped_not_guessed() -> None:
    assert read_event({"event": "approved"}) is None  # no hash
    assert read_event({"event": "signed", "hash": "ab"}) is None  # unknown kind
    assert read_event(["approved"]) is None
    hand_written = read_event({"event": "approved", "hash": "ab", "catalog": "site"})
    assert isinstance(hand_written, Approved) and hand_written.reviewer == ""


def test_a_short_write_is_continued_not_lost(tmp_path: Path, monkeypatch) -> None:
    """os.write may write fewer bytes than asked (a nearly full disk): the append goes on."""
    real_write = os.write

    def stingy(fd: int, data: bytes | memoryview) -> int:
        return real_write(fd, bytes(data[:7]))

    monkeypatch.setattr(ledger_module.os, "write", stingy)
    ledger = Ledger(tmp_path / "approvals.jsonl")
    batch = [
        Drafted(hash=f"{i:02x}", catalog="site", msgctxt=None, msgid="Home", provider="deepl")
        for i in range(5)
    ]
    assert ledger.append(batch) == 5
    assert [(e.hash, e.provider) for e in Ledger.read(ledger.path).events] == [  # type: ignore[attr-defined]
        (e.hash, e.provider) for e in batch
    ]


pages = st.builds(
    ManifestPage,
    path=text,
    kind=st.sampled_from([INDEX, ARTICLE]),
    country=text,
    locale=text,
    disclaimer=maybe,
    articles=forms,
    approvals=st.lists(hashes, max_size=3).map(tuple),
    site_approvals=st.lists(hashes, max_size=3).map(tuple),
    source_hash=st.none() | hashes,
    source_text=st.booleans(),
    article=text,
    translates=st.none() | hashes,
    approved_on=text,
).filter(lambda p: all((p.path, p.country, p.locale)))


def _as_written(page: ManifestPage) -> ManifestPage:
    """What a page of each kind records: an index page names no article nor source."""
    if page.kind == INDEX:
        return ManifestPage(
            page.path,
            INDEX,
            page.country,
            page.locale,
            page.disclaimer,
            articles=page.articles,
            site_approvals=page.site_approvals,
        )
    return ManifestPage(
        page.path,
        ARTICLE,
        page.country,
        page.locale,
        page.disclaimer,
        article=page.article,
        source_hash=page.source_hash,
        source_text=page.source_text,
        approvals=page.approvals,
        site_approvals=page.site_approvals,
        # an outdated page names the English version it translates and its approval date
        translates=page.translates,
        approved_on=page.approved_on if page.translates is not None else None,
    )


@settings(suppress_health_check=[HealthCheck.too_slow])  # a shared, busy machine
@given(
    st.booleans(),
    st.lists(pages, max_size=4),
    st.lists(st.builds(Withheld, text, text, maybe, forms), max_size=3),
    st.none() | st.tuples(text, text),
)
def test_the_manifest_survives_its_json(
    preview: bool, listed: list, withheld: list, rendered: tuple[str, str] | None
) -> None:
    today, zone = rendered or (None, None)
    manifest = Manifest(
        preview, tuple(_as_written(p) for p in listed), tuple(withheld), (), today, zone
    )
    written = manifest_text(manifest)
    assert read_text(written, "manifest.json") == manifest
    assert manifest_text(read_text(written, "manifest.json")) == written  # byte for byte


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=12,
)


@settings(suppress_health_check=[HealthCheck.too_slow])  # a shared, busy machine
@given(st.dictionaries(st.text(), json_values, max_size=6))
def test_a_manifest_record_is_the_text_json_writes(record: dict) -> None:
    """The manifest's own writer of a record (strings, lists and dicts of them, escaped as
    JSON escapes them) writes exactly json.dumps' indented text; other values (a float)
    are left to json.dumps."""
    reference = json.dumps(record, indent=2, ensure_ascii=False).replace("\n", ITEM)
    assert record_text(record) == reference


@settings(suppress_health_check=[HealthCheck.too_slow])  # a shared, busy machine
@given(
    st.lists(pages, max_size=4), st.lists(st.builds(Withheld, text, text, maybe, forms), max_size=3)
)
def test_the_paths_of_a_manifest_are_its_pages_paths(listed: list, withheld: list) -> None:
    manifest = Manifest(False, tuple(_as_written(p) for p in listed), tuple(withheld), ())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "manifest.json"
        path.write_text(manifest_text(manifest), encoding="utf-8")
        assert manifest_paths(path, "manifest.json") == manifest.paths()
        assert manifest_paths(Path(tmp) / "none.json", "none.json") is None


PAGE = {"path": "ch/de/a.html", "kind": "article", "country": "CH", "locale": "de-CH"}


@pytest.mark.parametrize(
    "data",
    [
        {
            "pages": [
                {**PAGE, "article": "a"},
                {**PAGE, "path": "ch/de/index.html", "kind": "index"},
            ]
        },
        {"pages": [PAGE]},  # an article page without its slug
        {"pages": [{**PAGE, "article": "a", "approvals": [1]}]},
        {"pages": [{"path": "x"}]},
        {"pages": [3]},
        {"pages": {}},
        [],
        {"pages": [], "images": {"a.svg": 1}},
        {"pages": [], "rendered_for": {"date": "2026-01-01"}},
        {"pages": [], "withheld": [{**PAGE, "article": 3}, 4]},  # page-like withheld: kept
        {"pages": [{**PAGE, "article": "a", "pages": []}]},  # a page record with odd keys
        {"pages": [{**PAGE, "article": "a", "outdated": {**PAGE, "article": "b"}}]},
    ],
)
def test_the_paths_of_a_manifest_are_refused_as_the_manifest_is(
    tmp_path: Path, data: object
) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    try:
        expected: object = read_manifest(path, "m").paths()  # type: ignore[union-attr]
    except I18nError as exc:
        expected = str(exc)
    try:
        got: object = manifest_paths(path, "m")
    except I18nError as exc:
        got = str(exc)
    assert got == expected


@pytest.mark.parametrize("provider", ["libre", "memory", "copy"])
def test_a_new_draft_replaces_every_line_of_the_old_one(provider: str) -> None:
    old = DraftOrigin(provider, memory_from="a.po", problems=("too long",)).comment_lines()
    comment = merge_comments("ask Anna\n" + "\n".join(old), DraftOrigin("deepl").comment_lines())
    assert comment == "ask Anna\nmachine draft (deepl); review before approval"
    assert read_origin(comment) == "deepl"


class Recorder:
    def __init__(self) -> None:
        self.started: dict[str, tuple[int, int]] = {}
        self.advanced: dict[str, int] = {}
        self.stopped = False

    def start(self, tasks: dict[str, tuple[int, int]]) -> None:
        self.started = dict(tasks)

    def advance(self, task: str) -> None:
        self.advanced[task] = self.advanced.get(task, 0) + 1

    def stop(self) -> None:
        self.stopped = True


def test_translate_reports_progress_to_its_caller(tmp_path: Path) -> None:
    """A web front end gets the same progress the terminal bar shows, through a callback."""
    project = Project(copy_project(tmp_path / "proj"))
    bar = Recorder()
    slug = "post-thrombotic-syndrome"
    report = translate(project, Options("de", provider="pseudo", article=slug, progress=bar))
    drafted = sum(report.drafted.values())
    assert drafted > 0 and bar.stopped
    assert bar.started["catalogs"] == (0, 1)
    assert bar.started["entries"][1] == drafted
    assert bar.advanced["catalogs"] == 1
    assert bar.started["entries"][0] + bar.advanced.get("entries", 0) == drafted


def test_warnings_reach_the_caller_as_they_arise(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "proj")
    ledger = root / "locales" / "de" / "approvals.jsonl"
    ledger.write_bytes(ledger.read_bytes() + b'{"event": "approved", "hash": "ab')  # torn
    heard: list[tuple[str, str]] = []
    project = Project(root, on_message=lambda kind, text: heard.append((kind, text)))
    status(project)
    assert heard and heard[0][0] == WARNING and "torn last line" in heard[0][1]
    assert project.warnings == [heard[0][1]]
    project.note("removed .x.tmp")
    assert heard[-1] == (NOTE, "removed .x.tmp")


def test_committed_lines_are_read_from_the_project_in_a_subfolder_of_the_repository(
    tmp_path: Path,
) -> None:
    """A project in a subfolder of a git repository (a monorepo's docs/, say) reads its own
    committed ledger, not the file at the same path from the repository's top (found by
    bench/bench_fidelity.py, whose projects live under bench/.cache/ of this repository)."""
    import subprocess

    from i18n.formats.git import lines_at

    def run(*args: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    for folder, line in ((tmp_path, "top"), (tmp_path / "docs", "docs")):
        (folder / "locales").mkdir(parents=True)
        (folder / "locales" / "approvals.jsonl").write_text(line + "\n", encoding="utf-8")
    run("init", "-q")
    run("add", ".")
    run("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "x")
    assert lines_at(tmp_path / "docs", "HEAD", "locales/approvals.jsonl") == ["docs"]
    assert lines_at(tmp_path, "HEAD", "locales/approvals.jsonl") == ["top"]


def test_copy_token_is_copy_copy_of_a_token() -> None:
    """The render copies every token of a body with :func:`copy_token`: the same shallow copy
    as :func:`copy.copy` (every field the same object), a new token, and the original's
    fields untouched when the copy's are replaced."""
    import copy

    from markdown_it.token import Token

    from i18n.formats.markdown import MD, copy_token

    text = (
        "# Title\n\n> [!WARNING]\n> Do *not* [stop](/x 'now').\n\n| a |\n| - |\n| ![b](/i.svg) |\n"
    )
    tokens = MD.parse(text)
    every = tokens + [child for tok in tokens for child in tok.children or []]
    assert len(every) > 20
    for tok in every:
        ours, theirs = copy_token(tok), copy.copy(tok)
        assert ours is not tok and type(ours) is Token
        for name in Token.__slots__:
            assert getattr(ours, name) is getattr(theirs, name), name
        children, content = tok.children, tok.content
        ours.children, ours.content = [], content + " changed"
        assert (tok.children, tok.content) == (children, content)

    class Marked(Token):
        pass

    marked = Marked("text", "", 0, content="x")
    assert type(copy_token(marked)) is Marked  # another class: copy.copy itself


_MARKUP = st.text(alphabet="ab :/.!()*_`&#;\\\n\"'x9-=]>wh", max_size=60)


@given(_MARKUP)
def test_a_text_with_no_bracket_and_no_angle_bracket_has_no_link(text: str) -> None:
    """link_targets skips the parse of such a text: no parse finds a link in it."""
    from i18n.formats.links import _targets

    env = {"references": {"A": {"href": "https://a.example/", "title": ""}}}
    assert _targets(text, env) == [] and _targets("www.a.example " + text, None) == []


def test_link_targets_of_every_sample_text_are_those_of_a_parse() -> None:
    from i18n.formats.article import load_articles
    from i18n.formats.links import _targets, link_targets

    texts = [
        "<https://a.example/x>",
        "[a][] and [b]",
        "![alt](/i.svg 'title')",
        "&#91;a&#93;(https://a.example)",
        "<a href='https://a.example'>raw</a>",
    ]
    articles = load_articles(Path(__file__).resolve().parents[1])
    pairs = [(seg.msgid, a.env) for a in articles for seg in a.segments]
    pairs += [(t, articles[0].env) for t in texts]
    assert any(link_targets(t, env) for t, env in pairs)
    for text, env in pairs:
        assert link_targets(text, env) == _targets(text, env), text
