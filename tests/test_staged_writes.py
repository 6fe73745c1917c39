"""StagedWrites (formats/fs.py): many atomic writes with one flush to disk.

A render writes hundreds of pages; one ``fsync`` each cost it more wall time than filling
the templates. The batch keeps :func:`atomic_write`'s guarantee (old file or new file, never
a part; data on disk before the rename) with one ``syncfs`` for all of its files.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

import i18n.formats.fs as fs
from i18n.formats.fs import StagedWrites, atomic_write


def test_files_appear_only_at_the_commit_and_unchanged_files_are_not_touched(
    tmp_path: Path,
) -> None:
    same = tmp_path / "same.html"
    atomic_write(same, "kept")
    same.chmod(0o640)
    before = os.stat(same)
    with StagedWrites() as writes:
        assert writes.stage(tmp_path / "a" / "new.html", "<p>new</p>") is True
        assert writes.stage(same, "kept") is False
        assert writes.stage(tmp_path / "b.html", b"bytes") is True
        assert not (tmp_path / "a" / "new.html").exists()  # staged, not yet in place
        assert not (tmp_path / "b.html").exists()
    assert (tmp_path / "a" / "new.html").read_text() == "<p>new</p>"
    assert (tmp_path / "b.html").read_bytes() == b"bytes"
    after = os.stat(same)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert not list(tmp_path.rglob("*.tmp"))


def test_a_rewritten_file_keeps_its_permissions(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    atomic_write(page, "old")
    page.chmod(0o640)
    with StagedWrites() as writes:
        writes.stage(page, "new")
    assert page.read_text() == "new"
    assert page.stat().st_mode & 0o777 == 0o640


def test_an_error_before_the_commit_renames_nothing_and_leaves_no_temporary_file(
    tmp_path: Path,
) -> None:
    page = tmp_path / "page.html"
    atomic_write(page, "old")
    with pytest.raises(RuntimeError), StagedWrites() as writes:
        writes.stage(page, "new")
        writes.stage(tmp_path / "other.html", "other")
        raise RuntimeError("a page failed to build")
    assert page.read_text() == "old"
    assert not (tmp_path / "other.html").exists()
    assert not list(tmp_path.rglob("*.tmp"))


def test_a_failed_flush_keeps_the_old_files_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills up while the batch is flushed: no file is renamed into place."""
    page = tmp_path / "page.html"
    atomic_write(page, "old")

    def failing() -> Callable[[int], int]:
        def syncfs(fd: int) -> int:
            raise OSError(28, "No space left on device")

        return syncfs

    monkeypatch.setattr(fs, "_syncfs", failing)
    with pytest.raises(OSError, match="No space"), StagedWrites() as writes:
        writes.stage(page, "new")
        writes.stage(tmp_path / "new.html", "new")
    assert page.read_text() == "old"
    assert not (tmp_path / "new.html").exists()
    assert not list(tmp_path.rglob("*.tmp"))


def test_one_flush_for_the_batch_and_fsync_per_file_without_syncfs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = fs._syncfs()
    if real is None:
        pytest.skip("no syncfs on this system")
    calls: list[int] = []

    def counting(fd: int) -> int:
        calls.append(fd)
        return real(fd)

    monkeypatch.setattr(fs, "_syncfs", lambda: counting)
    with StagedWrites() as writes:
        for n in range(5):
            writes.stage(tmp_path / f"{n}.html", f"page {n}")
    assert len(calls) == 1  # one file system, one flush
    assert [(tmp_path / f"{n}.html").read_text() for n in range(5)] == [
        f"page {n}" for n in range(5)
    ]

    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(fs, "_syncfs", lambda: None)
    monkeypatch.setattr(fs.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    with StagedWrites() as writes:
        for n in range(3):
            writes.stage(tmp_path / f"{n}.html", f"page {n} again")
    assert len(synced) == 3
    assert (tmp_path / "2.html").read_text() == "page 2 again"


# --- StreamedWrite: one file written piece by piece (sitemap.xml, manifest.json) ----------


@pytest.mark.parametrize(
    ("old", "pieces"),
    [
        (None, ["a", "bc", "", "d"]),  # a new file
        ("abcd", ["ab", "cX", "d"]),  # differs in the middle
        ("abcdef", ["ab", "cd"]),  # the old file is longer
        ("ab", ["ab", "cd"]),  # the old file is shorter
        ("äbc", ["ä", "bc", "ü"]),  # UTF-8: sizes are bytes
        ("", []),  # empty both
    ],
)
def test_a_streamed_file_holds_exactly_the_pieces(
    tmp_path: Path, old: str | None, pieces: list[str]
) -> None:
    path = tmp_path / "sitemap.xml"
    if old is not None:
        path.write_text(old, encoding="utf-8")
        path.chmod(0o640)
    out = fs.StreamedWrite(path)
    for piece in pieces:
        out.write(piece)
    text = "".join(pieces)
    assert out.size == len(text.encode("utf-8"))
    assert out.commit() is (old != text)
    assert path.read_text(encoding="utf-8") == text
    if old is not None:
        assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sitemap.xml"]


def test_a_streamed_file_with_the_same_bytes_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    atomic_write(path, "same text")
    before = os.stat(path)
    folder = os.stat(tmp_path).st_mtime_ns
    with fs.StreamedWrite(path) as out:
        out.write("same ")
        out.write("text")
    assert out.changed is False
    after = os.stat(path)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert os.stat(tmp_path).st_mtime_ns == folder  # no temporary file was made


def test_an_error_while_streaming_keeps_the_old_file_and_no_temporary_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "sitemap.xml"
    atomic_write(path, "old text")
    with pytest.raises(RuntimeError), fs.StreamedWrite(path) as out:
        out.write("new ")
        out.write("text, longer")
        raise RuntimeError("stopped")
    assert path.read_text(encoding="utf-8") == "old text"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sitemap.xml"]
