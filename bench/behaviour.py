"""Record what every command prints and writes on the sample, to prove a refactoring changed
nothing a user can see.

    python bench/behaviour.py record before.json      # on the commit before the change
    python bench/behaviour.py record after.json       # on the change
    python bench/behaviour.py compare before.json after.json

A temporary copy of the project (every file git tracks or would track) goes through a fixed
script: the README's quick start, the docs' examples of each role, the bad-input cases they
show. After each step the record holds the step's exit code, standard output, standard error and the
SHA-256 of every file in the copy (``.cache/`` aside). Times of day, the copy's path and the
POT/PO date headers are replaced by placeholders first, so two runs on the same day compare
equal byte for byte when the behaviour is the same. ``compare`` names every step that differs
and shows the first lines of the difference.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

DE = "--locale de"
KATRIN = "I18N_SIGNING_KEY=source/sample-keys/katrin.vogel"  # a sample reviewer of de
CLAIRE = "I18N_SIGNING_KEY=source/sample-keys/claire.martin"  # and of fr
PTS = "post-thrombotic-syndrome"
MT = "mechanical-thrombectomy-for-dvt"

# (name, shell command run in the project copy). "i18n" is the console script's code,
# "render" the top-level render.py.
STEPS: list[tuple[str, str]] = [
    ("render", "render"),
    ("render-again", "render"),
    ("status", "i18n status"),
    ("status-json", "i18n status --format json"),
    ("status-html", "i18n status --format html"),
    ("check", "i18n check"),
    ("check-json", "i18n check --format json"),
    ("check-html", "i18n check --format html --out check-report.html"),
    ("check-de", "i18n check --country DE"),
    ("check-future", "i18n check --today 2027-08-01"),
    ("extract-noop", "i18n extract"),
    ("update-noop", "i18n update"),
    ("queue-de", f"i18n queue {DE}"),
    ("queue-de-json", f"i18n queue {DE} --article {MT} --format json"),
    ("queue-de-approved", f"i18n queue {DE} --state approved --article {PTS}"),
    ("translate-dry", "i18n translate --locale fr --dry-run"),
    ("translate-pseudo", f"i18n translate {DE} --provider pseudo --article {PTS}"),
    ("translate-again", f"i18n translate {DE} --provider pseudo --article {PTS}"),
    ("queue-after-mt", f"i18n queue {DE} --article {PTS} --format json"),
    ("queue-csv", f"i18n queue {DE} --article {PTS} --format csv"),
    ("queue-html", f"i18n queue {DE} --format html"),
    ("queue-html-out", "i18n queue --format html --out review-sheets --locale de --locale fr"),
    ("translator-edit", "edit"),  # the translator clears fuzzy on two drafts (see below)
    ("queue-translated", f"i18n queue {DE} --state translated"),
    ("approve-one", f"{KATRIN} i18n approve {DE} e2b927c95c"),
    ("approve-again", f"{KATRIN} i18n approve {DE} e2b927c95c"),
    (
        "reject",
        f'{KATRIN} i18n reject {DE} a9a406cf91 --reason "severe form is 5 to 10 %, not 15 %"',
    ),
    ("approve-article", f"{KATRIN} i18n approve {DE} --article {PTS}"),
    ("approve-draft", f"{KATRIN} i18n approve {DE} a9a406cf91"),
    ("render-de", "render --country DE"),
    ("render-ch-strict", "render --country CH --strict"),
    ("render-preview", "render --country CH --preview"),
    ("render-future", "render --country CH --today 2027-10-01 --out future-site"),
    ("render-out", "render --country CH --out ch-site"),
    ("approve-all-fr", f"{CLAIRE} i18n approve --locale fr --all"),
    ("update-pt", "i18n update --locale pt_BR"),
    ("status-after", "i18n status"),
    ("render-final", "render"),
    ("check-final", "i18n check --format json"),
    ("bad-option", "render --countr CH"),
    ("bad-country", "render --country XX"),
    ("bad-locale", "i18n queue --locale xx"),
    ("bad-id", f"{KATRIN} i18n approve {DE} 0000000000"),
    ("bad-usage", f"{KATRIN} i18n approve {DE}"),
    ("reject-no-reason", f'i18n reject {DE} e2b927c95c --reason " "'),
    ("bad-yaml", "breakyaml"),
    ("bad-yaml-render", "render"),
    ("bad-yaml-check", "i18n check"),
]

_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")


def _normal(data: bytes, root: Path) -> bytes:
    text = data.decode("utf-8", "surrogateescape")
    text = text.replace(str(root), "<project>")
    text = _TIME.sub("<time>", text)
    return text.encode("utf-8", "surrogateescape")


def _edit(root: Path) -> None:
    """What a translator does in Poedit: two drafts of the article replaced and un-fuzzied."""
    import polib

    path = root / "locales/de/LC_MESSAGES" / f"{PTS}.po"
    po = polib.pofile(str(path), wrapwidth=79)
    texts = {
        "title": "Postthrombotisches Syndrom: Die Langzeitfolgen eines Blutgerinnsels im Bein",
    }
    for entry in po:
        if entry.msgctxt in texts:
            entry.msgstr = texts[entry.msgctxt]
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
        elif entry.msgid.startswith("Studies report that roughly 20 to 50%"):
            entry.msgstr = (
                "Studien zufolge entwickeln etwa 20 bis 50 % der Menschen mit einer TVT im Bein "
                "Anzeichen eines PTS, meist innerhalb von 1 bis 2 Jahren, und etwa 5 bis 15 % "
                "eine schwere Form. Ein PTS kann die Beweglichkeit, die Arbeit und die "
                "Lebensqualität beeinträchtigen."
            )
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
    po.save(str(path))


def _command(root: Path, cmd: str) -> list[str] | None:
    if cmd == "edit":
        _edit(root)
        return None
    if cmd == "breakyaml":
        country = root / "source/countries/de.yaml"
        country.write_text(country.read_text(encoding="utf-8") + "  bad: [\n", encoding="utf-8")
        return None
    code = "import sys; from i18n.cli import main; sys.argv[0] = 'i18n'; main()"
    if cmd.startswith("render"):
        return ["bash", "-c", f"{sys.executable} render.py {cmd[len('render') :]}"]
    return ["bash", "-c", f'{sys.executable} -c "{code}" {cmd[len("i18n ") :]}']


# The copy holds the code too (``render.py`` imports the package beside it); only what the
# commands read and write is compared.
_CODE = (".cache/", ".git/", ".ci/", "i18n/", "tests/", "bench/", "docs/")


def _content(rel: str) -> bool:
    return not rel.startswith(_CODE) and rel not in ("render.py", "README.md", "pyproject.toml")


def _tree(root: Path) -> dict[str, str]:
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and _content(rel):
            out[rel] = hashlib.sha256(_normal(path.read_bytes(), root)).hexdigest()[:16]
    return out


def record(dest: Path) -> None:
    files = (
        subprocess.run(
            [
                "git",
                "-C",
                str(REPO),
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ],
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        for rel in filter(None, files):
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, root / rel)
        env = {**os.environ, "COLUMNS": "160", "I18N_LOCK_TIMEOUT": "5"}
        env.pop("PYTHONPATH", None)
        steps = []
        for name, cmd in STEPS:
            argv = _command(root, cmd)
            if argv is None:
                steps.append({"step": name, "command": cmd, "tree": _tree(root)})
                continue
            proc = subprocess.run(argv, cwd=root, capture_output=True, env=env)
            steps.append(
                {
                    "step": name,
                    "command": cmd,
                    "exit": proc.returncode,
                    "stdout": _normal(proc.stdout, root).decode("utf-8", "replace"),
                    "stderr": _normal(proc.stderr, root).decode("utf-8", "replace"),
                    "tree": _tree(root),
                }
            )
            print(f"{name}: exit {proc.returncode}", file=sys.stderr)
    dest.write_text(json.dumps(steps, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def compare(a: Path, b: Path) -> int:
    left = json.loads(a.read_text(encoding="utf-8"))
    right = json.loads(b.read_text(encoding="utf-8"))
    differ = 0
    for x, y in zip(left, right, strict=True):
        for key in ("exit", "stdout", "stderr", "tree"):
            if key == "tree":
                same = {n: h for n, h in x[key].items() if _content(n)} == {
                    n: h for n, h in y[key].items() if _content(n)
                }
            else:
                same = x.get(key) == y.get(key)
            if same:
                continue
            differ += 1
            print(f"{x['step']} ({x['command']}): {key} differs")
            if key == "tree":
                names = sorted(n for n in set(x["tree"]) | set(y["tree"]) if _content(n))
                for n in names:
                    if x["tree"].get(n) != y["tree"].get(n):
                        print(f"  {n}: {x['tree'].get(n)} -> {y['tree'].get(n)}")
            elif isinstance(x.get(key), str):
                diff = difflib.unified_diff(
                    x[key].splitlines(), y[key].splitlines(), lineterm="", n=1
                )
                print("\n".join(list(diff)[:20]))
            else:
                print(f"  {x.get(key)} -> {y.get(key)}")
    print(f"{len(left)} steps, {differ} difference(s)")
    return 1 if differ else 0


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "record":
        record(Path(argv[1]))
        return 0
    if len(argv) == 3 and argv[0] == "compare":
        return compare(Path(argv[1]), Path(argv[2]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
