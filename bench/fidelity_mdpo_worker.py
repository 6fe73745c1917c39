"""mdpo's identity round trip, file by file (run with the peers' venv python):

    python bench/fidelity_mdpo_worker.py CORPUS_DIR OUT_DIR

For each ``CORPUS_DIR/<name>.md``: ``markdown_to_pofile``, every msgstr set to its msgid,
``pofile_to_markdown`` back to ``OUT_DIR/<name>.md``. Prints one JSON line on stderr: the
documents mdpo failed on, with the error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from mdpo.md2po import markdown_to_pofile
from mdpo.po2md import pofile_to_markdown


def main() -> None:
    corpus, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    failed: dict[str, str] = {}
    for path in sorted(corpus.glob("*.md")):
        try:
            po = markdown_to_pofile(str(path))
            for entry in po:
                entry.msgstr = entry.msgid
                if entry.msgid_plural:
                    entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            po_path = out / f"{path.stem}.po"
            po.save(str(po_path))
            text = pofile_to_markdown(str(path), str(po_path))
            (out / path.name).write_text(text, encoding="utf-8")
        except Exception as error:  # noqa: BLE001 - any failure is a document not accepted
            failed[path.stem] = f"{type(error).__name__}: {error}"[:200]
    print(json.dumps({"failed": failed}), file=sys.stderr)


if __name__ == "__main__":
    main()
