"""Every translation-QA check of :mod:`i18n.pipeline.qa`, one by one.

For each check code the :class:`~i18n.pipeline.qa.Checker` can emit there is at least one
realistic mistake (a translation of a sentence about deep vein thrombosis) on which the check
fires with its code and severity, next to a faithful translation of the same sentence that has
no finding at all. Two more tests keep the list honest:

- the codes the module can emit, read from its source (the ``POFILTER`` dict and the codes
  written in ``Checker.compare`` and ``Checker.run``), are exactly the codes of the cases, so a
  new check without a case fails;
- with one check switched off (its function stubbed, its ``POFILTER`` entry deleted, its
  call skipped), its cases lose exactly that finding and nothing else: each case depends on
  its own check, and the test that it fires would fail without it.
"""

from __future__ import annotations

import ast
import inspect
from dataclasses import dataclass

import polib
import pytest

from i18n.formats.markdown import MD
from i18n.model.country import Glossary
from i18n.model.findings import BLOCKING, SEVERITIES, WARNING, Finding
from i18n.pipeline import qa
from i18n.pipeline.claims import language_patterns
from i18n.pipeline.qa import Checker, run_checks

GLOSSARY = Glossary(
    ["INVAMED", "Mantis"],
    {
        "deep vein thrombosis": {
            "de": "tiefe Venenthrombose",
            "fr": "thrombose veineuse profonde",
            "tr": "derin ven trombozu",
            "ar": "الخثار الوريدي العميق",
        },
        "catheter": {"de": "Katheter", "fr": "cathéter", "tr": "kateter", "ar": "قسطرة"},
    },
)
PE_ARTICLE = "https://www.invamed.example/articles/pulmonary-embolism"

Found = set[tuple[str, str]]


@dataclass(frozen=True)
class Case:
    """One mistake a check exists for, and the faithful translation of the same source."""

    code: str
    severity: str
    locale: str
    source: str
    broken: str
    faithful: str
    flags: tuple[str, ...] = ()
    also: frozenset[tuple[str, str]] = frozenset()  # other checks the same mistake trips
    msgctxt: str | None = None
    refs: tuple[tuple[str, str], ...] = ()  # the article's link reference definitions

    @property
    def env(self) -> dict[str, object]:
        """The article's markdown-it environment, as parsing its definitions gives it."""
        env: dict[str, object] = {}
        MD.parse("".join(f"[{label}]: {url}\n" for label, url in self.refs), env)
        return env

    @property
    def expected(self) -> Found:
        return {(self.code, self.severity)} | set(self.also)


def findings(case: Case, target: str) -> Found:
    """(code, severity) of every finding on ``target``, with the checker the review builds:
    the glossary and the built-in forbidden wording of the language."""
    checker = Checker(case.locale, GLOSSARY, language_patterns([], case.locale))
    entry = polib.POEntry(
        msgctxt=case.msgctxt, msgid=case.source, msgstr=target, flags=list(case.flags)
    )
    return {(f.code, f.severity) for f in checker.run(entry, case.env)}


CASES = [
    # --- what a reader sees: bidi controls, vanished and shortened text ---
    Case(
        "bidi",
        BLOCKING,
        "ar",
        "Compression stockings may help.",
        "قد \u202eتساعد\u202c الجوارب الضاغطة.",
        "قد تساعد \u2067الجوارب الضاغطة\u2069.",
    ),
    Case(
        "empty",
        BLOCKING,
        "de",
        "Seek emergency care if you cough up blood.",
        "\u200b.",
        "Suchen Sie sofort den Notdienst auf, wenn Sie Blut husten.",
    ),
    Case(
        "short",
        WARNING,
        "fr",
        "Most people go home the same day or the next day after the procedure.",
        "La plupart rentrent.",
        "La plupart des personnes rentrent chez elles le jour même ou le lendemain.",
    ),
    # --- the project's own checks (Checker.compare) ---
    Case(
        "links",
        BLOCKING,
        "de",
        f"Learn the [warning signs of a pulmonary embolism]({PE_ARTICLE}).",
        "Lernen Sie die [Warnzeichen einer Lungenembolie]"
        "(https://www.invamed.example/articles/lungenembolie).",
        f"Lernen Sie die [Warnzeichen einer Lungenembolie]({PE_ARTICLE}).",
    ),
    Case(
        "links",
        BLOCKING,
        "ar",
        "See [how a DVT is diagnosed](https://www.invamed.example/articles/dvt-diagnosis).",
        "اطّلع على [كيفية تشخيص الخثار](https://www.invamed.example/articles/dvt).",
        "اطّلع على [كيفية تشخيص الخثار](https://www.invamed.example/articles/dvt-diagnosis).",
    ),
    # reference links resolve with the article's definitions, as on the page: a machine
    # draft that accents the label of a collapsed or shortcut reference loses the link
    Case(
        "links",
        BLOCKING,
        "de",
        "Install [uv][] and check types with [Mypy], then read [the guide][docs].",
        "Installieren Sie [úv][] und prüfen Sie mit [Mýpy], dann [den Leitfaden][docs].",
        "Installieren Sie [uv][] und prüfen Sie mit [Mypy], dann [den Leitfaden][docs].",
        refs=(("uv", "https://docs.astral.sh/uv/"), ("mypy", "https://mypy-lang.org/"))
        + (("docs", "https://docs.example.org/"),),
    ),
    Case(
        "links",
        BLOCKING,
        "fr",
        "![Logo of the clinic][logo]",
        "![Logo de la clinique][logotype]",
        "![Logo de la clinique][logo]",
        refs=(("logo", "/images/logo.svg"),),
    ),
    # a link or image title is drawn as typed: no Markdown in it
    Case(
        "title",
        BLOCKING,
        "de",
        "Official documentation",
        "Offizielle *Dokumentation*",
        "Offizielle Dokumentation",
        msgctxt="link title",
        also=frozenset({("emphasis", WARNING)}),
    ),
    Case(
        "urls",
        BLOCKING,
        "fr",
        "Read more at https://www.invamed.example/dvt.",
        "Pour en savoir plus : https://www.invamed.example/tvp.",
        "Pour en savoir plus : https://www.invamed.example/dvt.",
    ),
    Case(
        "urls",
        BLOCKING,
        "ar",
        "Read more at https://www.invamed.example/dvt.",
        "اقرأ المزيد على https://www.invamed.example/dvt-ar.",
        "اقرأ المزيد على https://www.invamed.example/dvt.",
    ),
    Case(
        "code",
        BLOCKING,
        "tr",
        "Enter the code `DVT-CHECK` in the app.",
        "Uygulamaya `DVT-KONTROL` kodunu girin.",
        "Uygulamaya `DVT-CHECK` kodunu girin.",
    ),
    Case(
        "code",
        BLOCKING,
        "ar",
        "Enter the code `DVT-CHECK` in the app.",
        "أدخل الرمز `فحص-الخثار` في التطبيق.",
        "أدخل الرمز `DVT-CHECK` في التطبيق.",
    ),
    Case(  # an unclosed ``**`` is no emphasis any more either
        "markup",
        BLOCKING,
        "de",
        "Deep vein thrombosis is **a medical emergency**.",
        "Eine tiefe Venenthrombose ist **ein medizinischer Notfall.",
        "Eine tiefe Venenthrombose ist **ein medizinischer Notfall**.",
        also=frozenset({("emphasis", WARNING)}),
    ),
    Case(  # a lost ``)``: the link becomes text, its URL a bare one
        "markup",
        BLOCKING,
        "tr",
        "See [the DVT guide](https://www.invamed.example/dvt).",
        "[DVT rehberine](https://www.invamed.example/dvt bakın.",
        "[DVT rehberine](https://www.invamed.example/dvt) bakın.",
        also=frozenset({("links", BLOCKING), ("urls", BLOCKING), ("brackets", WARNING)}),
    ),
    Case(
        "emphasis",
        WARNING,
        "de",
        "Deep vein thrombosis is **a medical emergency**.",
        "Eine tiefe Venenthrombose ist ein medizinischer Notfall.",
        "Eine tiefe Venenthrombose ist **ein medizinischer Notfall**.",
    ),
    Case(  # the emphasis may move to another word, but must stay
        "emphasis",
        WARNING,
        "tr",
        "*Do not* stop taking your anticoagulant on your own.",
        "Antikoagülanınızı kendi başınıza bırakmayın.",
        "Antikoagülanınızı kendi başınıza *bırakmayın*.",
    ),
    Case(
        "numbers",
        BLOCKING,
        "ar",
        "Take 2.5 mg of apixaban twice a day.",
        "تناول ٢٥ ملغ من أبيكسابان مرتين في اليوم.",
        "تناول ٢٫٥ ملغ من أبيكسابان مرتين في اليوم.",
    ),
    Case(
        "numbers",
        BLOCKING,
        "tr",
        "In 50 to 60% of patients the clot dissolves.",
        "Hastaların %50 ile %70'inde pıhtı çözülür.",
        "Hastaların %50 ile %60'ında pıhtı çözülür.",
    ),
    Case(
        "dnt",
        BLOCKING,
        "de",
        "The Mantis catheter removes the clot.",
        "Der Gottesanbeterin-Katheter entfernt das Gerinnsel.",
        "Der Mantis-Katheter entfernt das Gerinnsel.",
    ),
    Case(
        "dnt",
        BLOCKING,
        "ar",
        "The Mantis catheter removes the clot.",
        "تزيل قسطرة مانتيس الجلطة.",
        "تزيل قسطرة Mantis الجلطة.",
    ),
    Case(
        "glossary",
        WARNING,
        "de",
        "Deep vein thrombosis can lead to a pulmonary embolism.",
        "Eine Venenthrombose kann zu einer Lungenembolie führen.",
        "Eine tiefe Venenthrombose kann zu einer Lungenembolie führen.",
    ),
    Case(
        "glossary",
        WARNING,
        "tr",
        "Deep vein thrombosis is treated with anticoagulants.",
        "Derin damar trombozu antikoagülanlarla tedavi edilir.",
        "Derin ven trombozu antikoagülanlarla tedavi edilir.",
    ),
    Case(
        "whitespace",
        WARNING,
        "fr",
        "Swelling in one leg",
        "Gonflement d’une jambe ",
        "Gonflement d’une jambe",
    ),
    Case(
        "whitespace",
        WARNING,
        "ar",
        "Swelling in one leg",
        " تورم في إحدى الساقين",
        "تورم في إحدى الساقين",
    ),
    Case(
        "claims",
        BLOCKING,
        "de",
        "Thrombectomy removes the clot in most patients.",
        "Die Thrombektomie entfernt das Gerinnsel garantiert.",
        "Die Thrombektomie entfernt das Gerinnsel bei den meisten Patienten.",
    ),
    Case(
        "claims",
        BLOCKING,
        "fr",
        "Compression stockings reduce swelling.",
        "Les bas de contention réduisent le gonflement sans aucun risque.",
        "Les bas de contention réduisent le gonflement.",
    ),
    Case(
        "claims",
        BLOCKING,
        "tr",
        "Treatment usually lasts at least 3 months.",
        "Tedavi genellikle en az 3 ay sürer ve kesin sonuç verir.",
        "Tedavi genellikle en az 3 ay sürer.",
    ),
    # --- translate-toolkit's pofilter checks (POFILTER) ---
    Case(
        "xmltags",
        BLOCKING,
        "de",
        "Call your doctor <strong>at once</strong>.",
        "Rufen Sie <b>sofort</b> Ihren Arzt an.",
        "Rufen Sie <strong>sofort</strong> Ihren Arzt an.",
    ),
    Case(
        "xmltags",
        BLOCKING,
        "fr",
        "Call your doctor <strong>at once</strong>.",
        "Appelez immédiatement votre médecin.",
        "Appelez <strong>immédiatement</strong> votre médecin.",
    ),
    Case(
        "brackets",
        WARNING,
        "fr",
        "Deep vein thrombosis (DVT) is a blood clot in a deep vein.",
        "La thrombose veineuse profonde (TVP est un caillot sanguin dans une veine profonde.",
        "La thrombose veineuse profonde (TVP) est un caillot sanguin dans une veine profonde.",
    ),
    Case(
        "brackets",
        WARNING,
        "de",
        "Deep vein thrombosis (DVT) is a blood clot in a deep vein.",
        "Eine tiefe Venenthrombose (TVT ist ein Blutgerinnsel in einer tiefen Vene.",
        "Eine tiefe Venenthrombose (TVT) ist ein Blutgerinnsel in einer tiefen Vene.",
    ),
    Case(
        "doublespacing",
        WARNING,
        "de",
        "Raise your leg. Walk every day.",
        "Legen Sie das Bein hoch.  Gehen Sie jeden Tag spazieren.",
        "Legen Sie das Bein hoch. Gehen Sie jeden Tag spazieren.",
    ),
    Case(
        "doublespacing",
        WARNING,
        "fr",
        "Raise your leg. Walk every day.",
        "Surélevez la jambe.  Marchez chaque jour.",
        "Surélevez la jambe. Marchez chaque jour.",
    ),
    Case(
        "endpunc",
        WARNING,
        "tr",
        "Call 112 if you have chest pain.",
        "Göğüs ağrınız varsa 112'yi arayın",
        "Göğüs ağrınız varsa 112'yi arayın.",
    ),
    Case(  # the Arabic question mark is the faithful end
        "endpunc",
        WARNING,
        "ar",
        "Is deep vein thrombosis dangerous?",
        "هل الخثار الوريدي العميق خطير",
        "هل الخثار الوريدي العميق خطير؟",
    ),
    Case(
        "startcaps",
        WARNING,
        "de",
        "Compression stockings reduce swelling.",
        "kompressionsstrümpfe verringern die Schwellung.",
        "Kompressionsstrümpfe verringern die Schwellung.",
    ),
    Case(  # Turkish dotted capital İ
        "startcaps",
        WARNING,
        "tr",
        "Take your medicine every day.",
        "ilacınızı her gün alın.",
        "İlacınızı her gün alın.",
    ),
    Case(
        "unchanged",
        WARNING,
        "fr",
        "Symptoms and diagnosis",
        "Symptoms and diagnosis",
        "Symptômes et diagnostic",
    ),
    Case(
        "unchanged",
        WARNING,
        "de",
        "Compression stockings",
        "Compression stockings",
        "Kompressionsstrümpfe",
    ),
    Case(  # the English word left in: its glossary translation is missing too
        "musttranslatewords",
        WARNING,
        "de",
        "The catheter is removed after the procedure.",
        "Der catheter wird nach dem Eingriff entfernt.",
        "Der Katheter wird nach dem Eingriff entfernt.",
        also=frozenset({("glossary", WARNING)}),
    ),
    Case(
        "musttranslatewords",
        WARNING,
        "fr",
        "Remove the catheter gently.",
        "Retirez doucement le catheter.",
        "Retirez doucement le cathéter.",
        also=frozenset({("glossary", WARNING)}),
    ),
    # --- entry-level checks (Checker.run) ---
    Case(
        "printf",
        BLOCKING,
        "de",
        "Updated on %(date)s",
        "Aktualisiert am %(datum)s",
        "Aktualisiert am %(date)s",
        flags=("python-format",),
    ),
    Case(
        "printf",
        BLOCKING,
        "tr",
        "%(count)s new articles",
        "%(sayı)s yeni makale",
        "%(count)s yeni makale",
        flags=("python-format",),
    ),
    Case(
        "max-length",
        BLOCKING,
        "fr",
        "Deep vein thrombosis: symptoms",
        "Thrombose veineuse profonde : symptômes, causes et traitement",
        "Thrombose veineuse profonde : symptômes",
        flags=("max-length:40",),
    ),
    Case(
        "max-length",
        BLOCKING,
        "ar",
        "Deep vein thrombosis: symptoms",
        "الخثار الوريدي العميق: الأعراض والأسباب وطرق العلاج والوقاية",
        "الخثار الوريدي العميق: الأعراض",
        flags=("max-length:40",),
    ),
    Case(
        "control",
        BLOCKING,
        "de",
        "The procedure usually takes 1 to 3 hours.",
        "Der Eingriff dauert\x01 meist 1 bis 3 Stunden.",
        "Der Eingriff dauert meist 1 bis 3 Stunden.",
    ),
]
IDS = [f"{c.code}-{c.locale}" for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_check_fires_with_its_code_and_severity(case: Case) -> None:
    assert findings(case, case.broken) == case.expected


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_faithful_translation_has_no_finding(case: Case) -> None:
    assert findings(case, case.faithful) == set()


# --- completeness -------------------------------------------------------------------------


def _is_severity(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return node.id in ("BLOCKING", "WARNING")
    return isinstance(node, ast.Constant) and node.value in SEVERITIES


def _str(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _callee(node: ast.Call) -> str:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def emittable_codes() -> set[str]:
    """Every code :mod:`i18n.pipeline.qa` can emit, read from the module itself: the keys of
    ``POFILTER``, the ``(code, severity, check)`` rows of ``Checker.compare`` and the literal
    codes of ``Finding(...)`` and ``self._pofilter(...)`` calls (``max-length``, ``printf``)."""
    codes = set(qa.POFILTER)
    for node in ast.walk(ast.parse(inspect.getsource(qa))):
        if isinstance(node, ast.Tuple) and len(node.elts) >= 2 and _is_severity(node.elts[1]):
            code = _str(node.elts[0])
        elif isinstance(node, ast.Call) and _callee(node) in ("Finding", "_pofilter"):
            code = _str(node.args[0]) if node.args else None
        else:
            continue
        if code is not None:
            codes.add(code)
    return codes


def test_every_check_the_checker_can_emit_has_a_case() -> None:
    emittable, covered = emittable_codes(), {c.code for c in CASES}
    assert not emittable - covered, "checks without a case here"
    assert not covered - emittable, "cases for codes the module does not emit"


# --- each case depends on its own check ----------------------------------------------------


def switch_off(monkeypatch: pytest.MonkeyPatch, code: str) -> None:
    """Make the check ``code`` find nothing, as if it had been deleted from qa.py."""
    if code in qa.POFILTER:
        monkeypatch.delitem(qa.POFILTER, code)
    elif code == "printf":
        pofilter = Checker._pofilter

        def without_printf(self: Checker, name: str, *args: str) -> list[Finding]:
            return [] if name == "printf" else pofilter(self, name, *args)

        monkeypatch.setattr(Checker, "_pofilter", without_printf)
    elif code == "max-length":
        monkeypatch.setattr(qa, "max_length", lambda entry: None)
    elif code == "control":
        monkeypatch.setattr(qa, "_controls", lambda text: "")
    else:  # the project's own checks: Checker.compare calls qa.check_<code> at run time
        monkeypatch.setattr(qa, f"check_{code}", lambda *args: None)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_case_loses_exactly_its_finding_without_its_check(
    case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    switch_off(monkeypatch, case.code)
    assert findings(case, case.broken) == case.expected - {(case.code, case.severity)}


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f", "\r"])
def test_a_control_character_is_blocking_and_never_crashes(char: str) -> None:
    """Control characters (easy to write as ``\\033`` escapes) are invisible to a reader;
    translate-toolkit's checkers crash on some: one blocking finding instead."""
    entry = polib.POEntry(
        msgid="The procedure takes 1 to 3 hours.",
        msgstr=f"Der Eingriff{char} dauert 1 bis 3 Stunden.",
    )
    found = qa.Checker("de").run(entry)
    assert [(f.code, f.severity) for f in found] == [("control", "blocking")]
    assert f"U+{ord(char):04X}" in found[0].message


def test_an_escaped_angle_bracket_is_text_not_a_tag() -> None:
    """`(\\< val) … (> val)` in Markdown is text: translating the words between is no tag
    change (found by the fidelity bench on pydantic-settings' docs); a real tag change still is."""
    source = "Use `lt(val)` (\\< val) or `gt(val)` (> val)."
    target = "Verwenden Sie `lt(val)` (\\< Wert) oder `gt(val)` (> Wert)."
    entry = polib.POEntry(msgid=source, msgstr=target)
    assert [f.code for f in run_checks(entry, "de")] == []
    tagged = polib.POEntry(msgid="Press <b>OK</b>.", msgstr="Drücken Sie <i>OK</i>.")
    assert "xmltags" in [f.code for f in run_checks(tagged, "de")]
