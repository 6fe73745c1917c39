"""Scale projects: N articles x countries, every string translated to itself and approved.

``python bench/scale.py --pages 10000`` builds (or finds in the cache) a project of about that
many published pages and prints its folder. Two kinds:

- :func:`build` ``(n)``: ``n`` copies of the sample articles x the sample's 11 countries (the
  render benchmark's 760-page set is ``build(48)``).
- :func:`build_pages` ``(pages)``: the sample's countries plus 29 generated ones (40 countries,
  30 languages: English and 29 locales; 55 country-language pairs), with as many article
  copies as make about ``pages`` pages: 1k, 10k and 60k pages for issue 14.

The N articles are copies of the sample articles (slug ``<slug>-<k>``, ``related`` pointing
into the same copy); glossary and disclaimers are the sample's (a generated country copies
``us.yaml`` with its own code, name, languages and regulator). Every locale gets *identity*
translations (msgstr = msgid, as invariant 4 allows: the page then equals the English one),
approved by a reviewer of ``source/people.yaml``: the sample's reviewers with their published
keys (``source/sample-keys/``, honoured as the sample's pyproject.toml says), and one generated
reviewer per other locale, whose ed25519 key (derived from the id, so a rebuild writes the same
bytes) lives outside the project in ``keys/``. The approvals are appended in bulk through the
library's own write path (``Ledger.append`` with a ``Signing``), one forked worker per locale,
at a fixed signed time: the same signed events as ``i18n approve --all`` writes, minus the QA
pass (an identity translation trips some checks; ``approve --override`` would take them).

Built projects are cached in ``bench/.cache/scale/<key>/project``, ``key`` a hash of the size
and of every file the build reads or runs (sample sources, the i18n package, this file).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import polib
import yaml
from babel import Locale
from common import CACHE, REPO, log

CLI = [sys.executable, "-m", "i18n.cli"]
SCALE = CACHE / "scale"
SIGNED_AT = "2026-11-30T12:00:00Z"  # inside the sample reviewers' validity window

# Generated countries: code, name, languages, regulator (the sample has 11 countries and 9
# languages; these make 40 countries, 30 languages (29 locales besides English) and 55
# country-language pairs).
GENERATED = (
    ("AT", "Austria", ["de", "en"], "Bundesamt für Sicherheit im Gesundheitswesen (BASG)"),
    ("ES", "Spain", ["es"], "Agencia Española de Medicamentos y Productos Sanitarios (AEMPS)"),
    ("MX", "Mexico", ["es"], "COFEPRIS"),
    ("AR", "Argentina", ["es"], "ANMAT"),
    ("PL", "Poland", ["pl"], "Urząd Rejestracji Produktów Leczniczych (URPL)"),
    ("SE", "Sweden", ["sv", "en"], "Läkemedelsverket"),
    ("DK", "Denmark", ["da", "en"], "Lægemiddelstyrelsen"),
    ("FI", "Finland", ["fi", "sv", "en"], "Fimea"),
    ("NO", "Norway", ["nb"], "Direktoratet for medisinske produkter (DMP)"),
    ("CZ", "Czechia", ["cs"], "Státní ústav pro kontrolu léčiv (SÚKL)"),
    ("SK", "Slovakia", ["sk"], "Štátny ústav pre kontrolu liečiv (ŠÚKL)"),
    ("HU", "Hungary", ["hu"], "Országos Gyógyszerészeti és Élelmezés-egészségügyi Intézet"),
    ("RO", "Romania", ["ro"], "ANMDMR"),
    ("GR", "Greece", ["el"], "Εθνικός Οργανισμός Φαρμάκων (EOF)"),
    ("CY", "Cyprus", ["el", "tr", "en"], "Medical Devices Competent Authority of Cyprus"),
    ("BG", "Bulgaria", ["bg"], "Изпълнителна агенция по лекарствата (BDA)"),
    ("HR", "Croatia", ["hr"], "HALMED"),
    ("SI", "Slovenia", ["sl"], "JAZMP"),
    ("LT", "Lithuania", ["lt"], "Valstybinė vaistų kontrolės tarnyba (VVKT)"),
    ("LV", "Latvia", ["lv"], "Zāļu valsts aģentūra"),
    ("EE", "Estonia", ["et"], "Ravimiamet"),
    ("KR", "South Korea", ["ko"], "Ministry of Food and Drug Safety (MFDS)"),
    ("CN", "China", ["zh"], "National Medical Products Administration (NMPA)"),
    ("IL", "Israel", ["he", "ar", "en"], "Ministry of Health, Medical Devices Division (AMAR)"),
    ("TH", "Thailand", ["th"], "Thai Food and Drug Administration"),
    ("LU", "Luxembourg", ["fr", "de"], "Ministère de la Santé"),
    ("PT", "Portugal", ["pt"], "INFARMED"),
    ("GB", "United Kingdom", ["en"], "Medicines and Healthcare products Regulatory Agency"),
    ("IE", "Ireland", ["en"], "Health Products Regulatory Authority (HPRA)"),
)


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


# --- countries and people -----------------------------------------------------------------


def country_pairs(generated: bool) -> int:
    """Country-language pairs (pages per article, at most) of the project kind."""
    files = sorted((REPO / "source" / "countries").glob("*.yaml"))
    pairs = sum(len(yaml.safe_load(p.read_text(encoding="utf-8"))["languages"]) for p in files)
    return pairs + (sum(len(langs) for _, _, langs, _ in GENERATED) if generated else 0)


def generated_country(code: str, name: str, languages: list[str], regulator: str) -> str:
    """A country file like the sample's ``us.yaml``, for another market."""
    base = yaml.safe_load((REPO / "source" / "countries" / "us.yaml").read_text(encoding="utf-8"))
    disclaimer = base["disclaimer"]["en"]
    slug = code.lower()
    data = {
        "code": code,
        "name": name,
        "languages": languages,
        "regulator": regulator,
        "audience": "public",
        "products": base["products"],
        "claims": {lang: base["claims"]["en"] for lang in languages},
        "disclaimer": {
            lang: {
                **disclaimer,
                "text": f"({Locale.parse(lang).display_name}) "
                + disclaimer["text"].replace("Federal law", f"{regulator}: the law"),
                "reference": f"{code}-MKT-2026-{i + 1:03d}",
                "approved_by": f"Regulatory Affairs {name}",
            }
            for i, lang in enumerate(languages)
        },
        "legal": {
            lang: {
                "imprint": f"https://invamed-{slug}.example/{lang}/legal",
                "privacy": f"https://invamed-{slug}.example/{lang}/privacy",
                "contact": f"mailto:info@invamed-{slug}.example",
            }
            for lang in languages
        },
    }
    head = f"# {name}: generated for the scale benchmark (bench/scale.py), from us.yaml.\n"
    return head + yaml.dump(data, Dumper=_Plain, allow_unicode=True, sort_keys=False, width=100)


class _Plain(yaml.SafeDumper):
    """Writes a list used twice in full (the project's YAML reader refuses aliases)."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def reviewer_key(person: str) -> tuple[bytes, str]:
    """(OpenSSH private key file, public key line) of a generated reviewer: derived from the
    id, so that a rebuild signs the same bytes."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    seed = hashlib.sha256(f"i18n scale bench reviewer {person}".encode()).digest()
    key = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    return private, public.decode()


def write_people(root: Path, locales: list[str]) -> dict[str, tuple[str, Path]]:
    """The sample's people.yaml plus a generated reviewer for each locale no sample person
    reviews; returns each locale's reviewer (id, private key file)."""
    sample = REPO / "source" / "people.yaml"
    data = yaml.safe_load(sample.read_text(encoding="utf-8"))
    signers: dict[str, tuple[str, Path]] = {}
    for pid, spec in data["people"].items():
        for locale in spec.get("roles", {}).get("reviewer", []):
            signers.setdefault(locale, (pid, REPO / "source" / "sample-keys" / pid))
    keys = root.parent / "keys"
    keys.mkdir(exist_ok=True)
    extra = []
    for locale in locales:
        if locale in signers:
            continue
        pid = f"reviewer.{locale.lower().replace('_', '-')}"
        private, public = reviewer_key(pid)
        (keys / pid).write_bytes(private)
        (keys / pid).chmod(0o600)
        signers[locale] = (pid, keys / pid)
        name = f"Reviewer {locale} (bench data)"
        extra.append(
            f"  {pid}:\n    name: {name}\n    email: {pid}@bench.invamed.example\n"
            f"    roles:\n      reviewer: [{locale}]\n      translator: [{locale}]\n"
            f'    keys: ["{public}"]\n'
        )
    text = sample.read_text(encoding="utf-8")
    at = text.index("\nservices:") if "\nservices:" in text else len(text)
    (root / "source" / "people.yaml").write_text(
        text[:at].rstrip("\n") + "\n" + "".join(extra) + text[at:], encoding="utf-8"
    )
    return signers


# --- identity translations, approved ------------------------------------------------------


def identity(entry: polib.POEntry) -> None:
    """Translate an entry to itself, not fuzzy."""
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    entry.previous_msgid = entry.previous_msgctxt = entry.previous_msgid_plural = None
    if entry.msgid_plural:
        entry.msgstr_plural = {
            i: (entry.msgid if i == 0 else entry.msgid_plural) for i in entry.msgstr_plural
        }
    else:
        entry.msgstr = entry.msgid


def approval(entry: polib.POEntry, catalog: str, reviewer: str, time: str, **more: Any) -> Any:
    """The approval event of an entry's current text (as ``i18n approve`` writes it)."""
    from i18n.model.events import Approved
    from i18n.model.states import content_hash

    forms = entry.msgstr_plural
    plural = entry.msgid_plural
    return Approved(
        hash=content_hash(entry),
        catalog=catalog,
        msgctxt=entry.msgctxt,
        msgid=entry.msgid,
        msgstr=forms.get(0, "") if plural else entry.msgstr,
        msgid_plural=plural or None,
        msgstr_plural=tuple(forms[k] for k in sorted(forms, key=int)) if plural else None,
        reviewer=reviewer,
        time=time,
        **more,
    )


UNKNOWN_AUTHOR = {"author": None, "author_source": "unknown"}  # authorship.UNKNOWN: no git


def approve_locale(job: tuple[str, str, str, str]) -> tuple[str, int]:
    """In a forked worker: translate every catalog of one locale to itself and append one
    signed approval per entry to its ledger (Ledger.append, one write)."""
    from i18n.formats.ledger import Ledger, Signing
    from i18n.formats.po import read_po, write_pos
    from i18n.formats.sshsig import FileSigner

    root, locale, person, key = job
    folder = Path(root) / "locales" / locale
    name = next(
        p["name"]
        for pid, p in yaml.safe_load((Path(root) / "source" / "people.yaml").read_text())[
            "people"
        ].items()
        if pid == person
    )
    events: list[Any] = []
    catalogs = []
    for path in sorted((folder / "LC_MESSAGES").glob("*.po")):
        po = read_po(path)
        for e in po:
            if e.obsolete or not e.msgid:
                continue
            identity(e)
            events.append(
                approval(e, path.stem, " ".join(name.split()), SIGNED_AT, **UNKNOWN_AUTHOR)
            )
        catalogs.append((path, po))
    write_pos(catalogs)
    Ledger.read(folder / "approvals.jsonl").append(events, Signing(person, FileSigner(key)))
    return locale, len(events)


def _populate(root: Path, articles: int, generated: bool) -> None:
    shutil.copytree(REPO / "source" / "countries", root / "source" / "countries")
    if generated:
        for code, name, langs, regulator in GENERATED:
            text = generated_country(code, name, langs, regulator)
            (root / "source" / "countries" / f"{code.lower()}.yaml").write_text(text, "utf-8")
    shutil.copy2(REPO / "source" / "glossary.yaml", root / "source" / "glossary.yaml")
    if (REPO / "source" / "images").is_dir():
        shutil.copytree(REPO / "source" / "images", root / "source" / "images")
    shutil.copy2(REPO / "pyproject.toml", root / "pyproject.toml")
    make_articles(root / "source" / "articles", articles)
    log(f"scale project: {articles} articles; extract, update ...")
    i18n("extract", "--project", str(root))
    i18n("update", "--project", str(root))
    locales = sorted(p.name for p in (root / "locales").iterdir() if (p / "LC_MESSAGES").is_dir())
    signers = write_people(root, locales)
    log(f"scale project: identity translations and signed approvals for {len(locales)} locales")
    jobs = [(str(root), loc, *map(str, signers[loc])) for loc in locales]
    with multiprocessing.get_context("fork").Pool(os.cpu_count() or 1) as pool:
        for locale, count in pool.imap_unordered(approve_locale, jobs):
            log(f"  {locale}: {count} approvals")


# what the project's bytes depend on (besides the stages in cache_key): a change elsewhere in
# the package (render, check) leaves a built project valid
BUILT_FROM = tuple(REPO / p for p in ("source", "i18n/formats", "i18n/model", "i18n/templates"))


def cache_key(articles: int, generated: bool) -> str:
    """A hash of the size and of every file the build reads or runs."""
    h = hashlib.sha256(f"{articles} {generated}".encode())
    files = [Path(__file__), REPO / "pyproject.toml"]
    files += [REPO / "i18n" / "pipeline" / f"{m}.py" for m in ("extract", "update", "plurals")]
    for folder in BUILT_FROM:
        files += sorted(
            p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
        )
    for p in files:
        h.update(str(p.relative_to(REPO)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def build_project(articles: int, *, generated: bool) -> Path:
    """The project (cached by :func:`cache_key`): sources, approved identity catalogs."""
    base = (
        SCALE / f"{'world' if generated else 'sample'}-{articles}-{cache_key(articles, generated)}"
    )
    root = base / "project"
    if (base / "built").is_file():
        return root
    shutil.rmtree(base, ignore_errors=True)
    root.mkdir(parents=True)
    _populate(root, articles, generated)
    (base / "built").write_text("ok")
    return root


def build(n: int) -> Path:
    """``n`` copies of the sample articles x the sample's 11 countries."""
    return build_project(n, generated=False)


def build_pages(pages: int) -> Path:
    """About ``pages`` pages: 40 countries, 30 languages, pages / 55 article copies."""
    return build_project(articles_for(pages), generated=True)


def articles_for(pages: int) -> int:
    """Whole copies of the sample's articles (so that every ``related`` link resolves)."""
    per_copy = len(list((REPO / "source" / "articles").glob("*.md")))
    return per_copy * max(1, round(pages / country_pairs(True) / per_copy))


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = ap.add_mutually_exclusive_group(required=True)
    size.add_argument("--pages", type=int, help="about this many pages, 40 countries")
    size.add_argument("--articles", type=int, help="this many articles, the sample's countries")
    args = ap.parse_args()
    root = build_pages(args.pages) if args.pages else build(args.articles)
    print(root)


if __name__ == "__main__":
    main()
