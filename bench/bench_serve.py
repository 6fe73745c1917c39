"""What the review server costs on a large locale: the queue page and the entry page, server
side, on a locale of about 30,000 entries, and approvals per second through the server.

    python bench/bench_serve.py [ENTRIES] [RUNS]     # defaults 30000 and 20

The project is the sample's articles copied until the catalogs hold ENTRIES entries (as
bench/scale.py does), with a Swedish locale: half of the entries translated (to themselves),
a third of those approved by signed ledger events; a translator, a reviewer and the review
server's service key made for the run (outside the project). Requests go through Starlette's
TestClient to the application in this process, so the time is the server's (routing, the
library, Jinja2), not a network's. The project is a git repository of its own: each approval
is committed, as in production.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import REPO, WORK
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from scale import approval, make_articles
from starlette.testclient import TestClient

from i18n.formats.ledger import Ledger, Signing
from i18n.formats.people import load_people
from i18n.formats.po import read_po, write_po
from i18n.formats.sshsig import FileSigner
from i18n.model.events import utc_now
from i18n.pipeline.review import LocaleReview
from i18n.project import Project
from i18n.server.app import Server, ServerConfig
from i18n.server.auth import set_password

CLI = [sys.executable, "-m", "i18n.cli"]
LOCALE = "sv"
PASSWORD = "bench password 1234"
PER_ARTICLE = 62  # entries of a sample article, on average


def _key(path: Path) -> str:
    key = ed25519.Ed25519PrivateKey.generate()
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
    return public.decode()


def build(entries: int) -> Path:
    """The project (cached by size)."""
    root = WORK / f"serve-{entries}" / "project"
    if (root.parent / ".built").is_file():
        return root
    shutil.rmtree(root.parent, ignore_errors=True)
    root.mkdir(parents=True)
    for name in ("countries", "glossary.yaml"):
        src = REPO / "source" / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / "source" / name)
    shutil.copy2(REPO / "pyproject.toml", root / "pyproject.toml")
    samples = len(list((REPO / "source" / "articles").glob("*.md")))
    copies = max(1, round(entries / PER_ARTICLE / samples))  # whole sets: related links hold
    make_articles(root / "source" / "articles", copies * samples)
    people = {
        "people": {
            "bench.reviewer": {
                "name": "Bench Reviewer",
                "email": "reviewer@bench.invamed.example",
                "roles": {"reviewer": [LOCALE]},
                "keys": [_key(root.parent / "reviewer.key")],
            },
            "bench.translator": {
                "name": "Bench Translator",
                "email": "translator@bench.invamed.example",
                "roles": {"translator": [LOCALE]},
            },
        },
        "services": {"review-server": {"keys": [_key(root.parent / "server.key")]}},
    }
    (root / "source" / "people.yaml").write_text(json.dumps(people, indent=1), encoding="utf-8")
    for args in (["extract"], ["update", "--locale", LOCALE]):
        subprocess.run([*CLI, *args, "--project", str(root)], check=True, capture_output=True)
    events = []
    rng = random.Random(17)
    for path in sorted((root / "locales" / LOCALE / "LC_MESSAGES").glob("*.po")):
        po = read_po(path)
        for e in po:
            if e.obsolete or not e.msgid or e.msgid_plural or rng.random() < 0.5:
                continue
            e.msgstr, e.flags = e.msgid, [f for f in e.flags if f != "fuzzy"]
            if rng.random() < 1 / 3:
                events.append(approval(e, path.stem, "Bench Reviewer", utc_now()))
        write_po(path, po)
    signing = Signing("bench.reviewer", FileSigner(root.parent / "reviewer.key"))
    Ledger(root / "locales" / LOCALE / "approvals.jsonl").append(events, signing)
    (root.parent / ".built").write_text("ok")
    return root


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed_get(client: TestClient, url: str) -> float:
    start = time.perf_counter()
    answer = client.get(url)
    took = time.perf_counter() - start
    if answer.status_code != 200:
        raise RuntimeError(f"{url}: {answer.status_code} {answer.text[:500]}")
    return took


def main() -> None:
    entries = int(sys.argv[1]) if len(sys.argv) > 1 else 30000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    root = build(entries)
    project = Project(root)
    people = load_people(project)
    credentials = root.parent / "credentials.json"
    for person in ("bench.reviewer", "bench.translator"):
        set_password(credentials, people, person, PASSWORD)
    signing = Signing("review-server", FileSigner(root.parent / "server.key"))
    work = root.parent / "run"  # approvals go to a copy: the built project stays as it was
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(root, work)
    git = [
        "git",
        "-C",
        str(work),
        "-c",
        "user.name=bench",
        "-c",
        "user.email=bench@example.invalid",
    ]
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "bench"]):
        subprocess.run([*git, *args], check=True, capture_output=True)
    server = Server(ServerConfig(work, signing, credentials))
    client = TestClient(server.app(), base_url="https://testserver")
    page = client.get("/login").text
    token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    data = {"csrf": token, "person": "bench.reviewer", "password": PASSWORD}
    assert client.post("/login", data=data, follow_redirects=False).status_code == 303

    review = LocaleReview.open(Project(work), LOCALE, people=people)
    items = review.items()
    counts = {s: sum(1 for i in items if i.state == s) for s in {i.state for i in items}}
    rng = random.Random(5)
    article = rng.choice(review.catalogs).name
    pages = -(-len(items) // 50)
    urls = {
        "queue, first page": f"/l/{LOCALE}",
        "queue, a middle page": f"/l/{LOCALE}?page={pages // 2}",
        "queue, one article": f"/l/{LOCALE}?article={article}",
        "queue, search 'vein'": f"/l/{LOCALE}?q=vein",
    }
    rows = []
    for what, url in urls.items():
        timed_get(client, url)  # warm-up
        times = [timed_get(client, url) for _ in range(runs)]
        rows.append((what, times))
    sample = rng.sample(items, runs + 1)
    entry_times = [timed_get(client, f"/l/{LOCALE}/e/{i.id}") for i in sample]
    rows.append(("entry page (random entries)", entry_times[1:]))

    translated = [i for i in items if i.state == "translated" and not i.blocking]
    chosen = rng.sample(translated, min(runs, len(translated)))
    posts: list[float] = []
    start, cpu = time.perf_counter(), time.process_time()
    for item in chosen:
        url = f"/l/{LOCALE}/e/{item.id}"
        token = client.get(url).text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        posted = time.perf_counter()
        answer = client.post(
            url + "/approve", data={"csrf": token, "password": PASSWORD}, follow_redirects=False
        )
        posts.append(time.perf_counter() - posted)
        if answer.status_code != 303:
            error = answer.text.split('class="error" role="alert">', 1)[-1][:300]
            raise RuntimeError(f"approve {item.id}: {answer.status_code} {error}")
    approvals, approvals_cpu = time.perf_counter() - start, time.process_time() - cpu
    rows.append(("approve: the POST alone (password, sign, append, commit)", posts))
    ledger = Ledger.read(work / "locales" / LOCALE / "approvals.jsonl")

    print(
        f"{len(items)} entries of {LOCALE} in {len(review.catalogs)} catalogs "
        f"({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}); "
        f"{len(ledger.lines)} ledger lines; {os.cpu_count()} cores"
    )
    print("| page | median | 95th percentile | runs |\n| --- | --- | --- | --- |")
    for what, times in rows:
        print(
            f"| {what} | {statistics.median(times) * 1e3:.0f} ms | "
            f"{percentile(times, 95) * 1e3:.0f} ms | {len(times)} |"
        )
    rate = len(chosen) / approvals
    print(
        f"\napprovals through the server (open the entry, then approve with the password: "
        f"argon2, sign, append, git commit): {rate:.2f} approvals/s, "
        f"{approvals / len(chosen) * 1e3:.0f} ms each, "
        f"{approvals_cpu / len(chosen) * 1e3:.0f} ms CPU each ({len(chosen)} approvals)"
    )


if __name__ == "__main__":
    main()
