"""A scale corpus for rendering: N articles x the sample's countries, every string approved.

The N articles are copies of the sample articles (slug ``<slug>-<k>``, ``related`` pointing
into the same copy); the countries, glossary and disclaimers are the sample's. Every locale
the countries need gets *identity* translations (msgstr = msgid, as invariant 4 allows:
the page then equals the English one) approved in its ledger through the CLI, so every page
is published and the render does all its work.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
from common import REPO, WORK, log

CLI = [sys.executable, "-m", "i18n.cli"]


def i18n(*args: str) -> str:
    done = subprocess.run([*CLI, *args], capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"i18n {' '.join(args)}: {done.stderr[-2000:]}")
    return done.stdout


def make_articles(dest: Path, n: int) -> list[Path]:
    """``n`` copies of the sample articles into ``dest`` (returns the files)."""
    dest.mkdir(parents=True, exist_ok=True)
    samples = sorted((REPO / "source" / "articles").glob("*.md"))
    files = []
    for i in range(n):
        src = samples[i % len(samples)]
        k = i // len(samples)
        text = src.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^slug: (\S+)$", rf"slug: \g<1>-{k}", text, count=1)
        related = re.search(r"(?m)^related: \[(.*)\]$", text)
        if related:
            slugs = ", ".join(f"{r.strip()}-{k}" for r in related.group(1).split(",") if r.strip())
            text = text[: related.start()] + f"related: [{slugs}]" + text[related.end() :]
        path = dest / f"{src.stem}-{k}.md"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    return files


def build(n: int) -> Path:
    """The project (cached by size): sources, catalogs with approved identity translations."""
    root = WORK / f"render-{n}" / "project"
    if (root / ".built-signed").is_file():
        return root
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    shutil.copytree(REPO / "source" / "countries", root / "source" / "countries")
    shutil.copy2(REPO / "source" / "glossary.yaml", root / "source" / "glossary.yaml")
    if (REPO / "source" / "images").is_dir():
        shutil.copytree(REPO / "source" / "images", root / "source" / "images")
    shutil.copy2(REPO / "pyproject.toml", root / "pyproject.toml")
    make_articles(root / "source" / "articles", n)
    log(f"render corpus: {n} articles; extract, update, identity translations, approve ...")
    i18n("extract", "--project", str(root))
    i18n("update", "--project", str(root))
    from i18n.formats.po import read_po, write_po

    locales = sorted(p.name for p in (root / "locales").iterdir() if (p / "LC_MESSAGES").is_dir())
    bench_reviewer(root, locales)
    for locale in locales:
        for path in sorted((root / "locales" / locale / "LC_MESSAGES").glob("*.po")):
            po = read_po(path)
            for e in po:
                if e.obsolete:
                    continue
                e.flags = [f for f in e.flags if f != "fuzzy"]
                e.previous_msgid = e.previous_msgctxt = e.previous_msgid_plural = None
                if e.msgid_plural:
                    e.msgstr_plural = {
                        i: (e.msgid if i == 0 else e.msgid_plural) for i in e.msgstr_plural
                    }
                else:
                    e.msgstr = e.msgid
            write_po(path, po)
        i18n(
            "approve",
            "--project",
            str(root),
            "--locale",
            locale,
            "--all",
        )
        # entries refused for a QA finding (an identity "translation" trips some checks)
        left = json.loads(
            i18n(
                "queue",
                "--project",
                str(root),
                "--locale",
                locale,
                "--state",
                "translated",
                "--format",
                "json",
            )
        )
        ids = [item["id"] for item in left]
        for start in range(0, len(ids), 200):
            i18n(
                "approve",
                "--project",
                str(root),
                "--locale",
                locale,
                "--override",
                "identity translation for benchmarks",
                *ids[start : start + 200],
            )
    (root / ".built-signed").write_text("ok")
    return root


def bench_reviewer(root: Path, locales: list[str]) -> None:
    """A reviewer of every locale with a key made for the benchmark (outside the project),
    whom the approvals are signed by (I18N_SIGNING_KEY for the i18n commands run here)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    key = ed25519.Ed25519PrivateKey.generate()
    path = root.parent / "bench-reviewer.key"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        )
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    people = {
        "people": {
            "bench.reviewer": {
                "name": "Bench Reviewer",
                "email": "bench@bench.invamed.example",
                "roles": {"reviewer": locales, "translator": locales},
                "keys": [public.decode()],
            }
        }
    }
    (root / "source" / "people.yaml").write_text(json.dumps(people, indent=1), encoding="utf-8")
    os.environ["I18N_SIGNING_KEY"] = str(path)


def identity_po(pot: Path, out: Path) -> None:
    """A PO file translating every entry of ``pot`` to itself (for Sphinx)."""
    po = polib.pofile(str(pot))
    for e in po:
        e.msgstr = e.msgid
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    out.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(out))
