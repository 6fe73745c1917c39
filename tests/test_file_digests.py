"""The digests of catalogs, ledgers and configuration kept by their stat
(i18n/formats/filedigests.py): a file whose stat is the recorded one is not read, and a
file written again is read again, even with its size and modification time put back."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest
from test_render_cache import ARTICLE, approved_entry, cold_site, files, render

from i18n.formats import filedigests
from i18n.formats.filedigests import FileDigests
from i18n.formats.localkey import seal
from i18n.project import Project


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by the test count as settled at once (the real margin is 2 s)."""
    monkeypatch.setattr(filedigests, "SETTLED_NS", 0)


def digests(root: Path) -> FileDigests:
    return FileDigests.open(root, root / ".cache")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rewrite_in_place(path: Path, new: bytes) -> None:
    """Write ``new`` (the same size) and put the modification time back, as a tool that
    wants to hide an edit would: only the change time moves."""
    st = path.stat()
    assert len(new) == st.st_size
    path.write_bytes(new)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_mtime_ns == st.st_mtime_ns


def test_a_recorded_file_is_not_read_again(tmp_path: Path, settled: None) -> None:
    po = tmp_path / "de.po"
    po.write_bytes(b'msgid "a"\nmsgstr "b"\n')
    first = digests(tmp_path)
    assert first.sha256(po) == sha(po) and first.reads == 1
    first.save()
    second = digests(tmp_path)
    assert second.sha256(po) == sha(po) and second.reads == 0
    assert second.sha256(tmp_path / "gone.po") is None


def recorded(root: Path, data: bytes) -> Path:
    """``root/de.po`` holding ``data``, its digest recorded."""
    po = root / "de.po"
    po.write_bytes(data)
    first = digests(root)
    first.sha256(po)
    first.save()
    return po


def test_a_file_written_again_is_read_again(tmp_path: Path, settled: None) -> None:
    po = recorded(tmp_path, b'msgid "a"\nmsgstr "b"\n')
    time.sleep(0.01)  # past the file system's clock tick
    rewrite_in_place(po, b'msgid "a"\nmsgstr "c"\n')
    again = digests(tmp_path)
    assert again.sha256(po) == sha(po) and again.reads == 1


def test_a_file_written_just_now_is_not_recorded(tmp_path: Path) -> None:
    """Git's racily clean entries: a file whose change time is within the margin of the
    look could be written again within the same clock tick, so its stat is not kept."""
    po = tmp_path / "de.po"
    po.write_bytes(b'msgid "a"\n')
    first = digests(tmp_path)
    first.sha256(po)
    first.save()
    again = digests(tmp_path)
    assert again.sha256(po) == sha(po) and again.reads == 1
    settled_at = po.stat().st_ctime_ns + filedigests.SETTLED_NS + 1
    real = time.time_ns
    try:
        filedigests.time.time_ns = lambda: settled_at  # type: ignore[assignment]
        again.sha256(po)
    finally:
        filedigests.time.time_ns = real  # type: ignore[assignment]
    again.save()
    assert digests(tmp_path).sha256(po) == sha(po)
    last = digests(tmp_path)
    last.sha256(po)
    assert last.reads == 0


def test_a_forged_record_is_not_read(tmp_path: Path, settled: None) -> None:
    po = recorded(tmp_path, b'msgid "a"\n')
    record = tmp_path / ".cache" / filedigests.RECORD_NAME
    data = json.loads(record.read_bytes())
    (entry,) = data["entries"].values()
    entry[5] = "0" * 64  # the digest of other bytes
    canonical = json.dumps(data["entries"], sort_keys=True).encode()
    for digest in (hashlib.sha256(canonical).hexdigest(), seal(b"x" * 32, canonical)):
        data["digest"] = digest
        record.write_text(json.dumps(data), encoding="utf-8")
        forged = digests(tmp_path)
        assert forged.sha256(po) == sha(po) and forged.reads == 1
    record.write_bytes(record.read_bytes()[:40])  # truncated
    assert digests(tmp_path).sha256(po) == sha(po)


def test_links_and_folders(tmp_path: Path, settled: None) -> None:
    target = tmp_path / "real.po"
    target.write_bytes(b"x")
    (tmp_path / "link.po").symlink_to(target)
    (tmp_path / "dangling.po").symlink_to(tmp_path / "nowhere.po")
    (tmp_path / "folder.po").mkdir()
    kept = digests(tmp_path)
    assert kept.sha256(tmp_path / "link.po") == sha(target)
    assert kept.sha256(tmp_path / "dangling.po") is None
    with pytest.raises(IsADirectoryError):
        kept.sha256(tmp_path / "folder.po")


def test_a_warm_render_reads_no_catalog_and_sees_a_hidden_edit(
    project: Path, tmp_path: Path, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the render: a second render reads no catalog; a catalog rewritten with its
    size and modification time put back is read, and the site is the cold render's."""
    opened: list[FileDigests] = []
    real_open = FileDigests.open

    def spy(root: Path, cache_dir: Path) -> FileDigests:
        opened.append(real_open(root, cache_dir))
        return opened[-1]

    monkeypatch.setattr(FileDigests, "open", staticmethod(spy))
    render(project)
    assert opened[-1].reads > 40
    render(project)
    assert opened[-1].reads == 0

    path = Project(project).po_path("de", ARTICLE)
    entry = approved_entry(project)
    text = path.read_bytes()
    old = entry.msgstr[:24].encode()  # within the msgstr's first line of the file
    new = old[:-1] + (b"X" if old[-1:] != b"X" else b"Y")  # same length: an unapproved edit
    assert text.count(old) == 1
    time.sleep(0.01)
    rewrite_in_place(path, text.replace(old, new))
    result = render(project)
    assert opened[-1].reads == 1
    assert result.planned > 0 and result.opened
    assert all(folder.endswith("/de") for folder in result.opened)  # those reading de.po
    site = files(project / "site")
    assert site == cold_site(project, tmp_path)
    assert not any(new in page for page in site.values())  # the edit is not approved
