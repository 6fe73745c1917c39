"""The package's shape: no import circles, data flows down the layers, no terminal output from
the library, and an import inside a function only where its comment says why.

The import graph is read from the source (``ast``), with imports made inside functions
counted too: a circle hidden behind them is still a circle. Imports under ``if
TYPE_CHECKING:`` are left out, as they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "i18n"

# Layers, lowest first: a module may import its own layer and the ones before it. The project
# (its folder layout and settings file) is read and written like any other format.
LAYERS = (
    ("i18n.errors",),
    ("i18n.model",),
    ("i18n.formats", "i18n.project"),
    ("i18n.pipeline",),
    # the front ends: the browser review server (which never imports the CLI) and the CLI
    # (whose `i18n serve` starts the server)
    ("i18n.server",),
    ("i18n.cli",),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_only(tree: ast.Module) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            ids.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return ids


def imports(name: str) -> list[tuple[str, int, bool]]:
    """(imported i18n module, line, made inside a function) for every import of ``name``."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    skip = _type_checking_only(tree)
    nested = {
        id(n)
        for fn in ast.walk(tree)
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)
        for n in ast.walk(fn)
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module
            targets = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names
            ]
        for target in targets:
            if target.split(".")[0] == "i18n":
                while target not in MODULES and "." in target:
                    target = target.rsplit(".", 1)[0]
                found.append((target, node.lineno, id(node) in nested))
    return found


def graph() -> dict[str, set[str]]:
    return {name: {t for t, _, _ in imports(name) if t != name} for name in MODULES}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_imports_inside_functions() -> None:
    found = imports("i18n.pipeline.providers")
    assert found and all(target.startswith("i18n") for target, _, _ in found)
    assert ("i18n.model.settings", 1) not in {(t, n) for t, n, _ in found}  # a real line
    assert graph()["i18n.cli"] == set(), "the CLI group imports its commands lazily"


def test_no_import_circles() -> None:
    assert cycles(graph()) == []


def layer(name: str) -> int:
    return next(
        i
        for i, prefixes in enumerate(LAYERS)
        for prefix in prefixes
        if name == prefix or name.startswith(prefix + ".")
    )


@pytest.mark.parametrize("name", sorted(MODULES))
def test_data_flows_down_the_layers(name: str) -> None:
    """model/ imports no file format, formats/ no stage, no stage the CLI."""
    if name == "i18n":
        return
    upward = [(t, line) for t, line, _ in imports(name) if t != "i18n" and layer(t) > layer(name)]
    assert upward == [], f"{name} imports a higher layer"


def test_imports_inside_functions_say_why() -> None:
    """An import inside a function is allowed only for start-up time, and its line says so."""
    unexplained = []
    for path in MODULES.values():
        lines = path.read_text(encoding="utf-8").splitlines()
        tree = ast.parse("\n".join(lines))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    text = lines[node.lineno - 1] + (
                        lines[node.lineno - 2] if node.lineno > 1 else ""
                    )
                    if " ms" not in text:
                        unexplained.append(f"{path.name}:{node.lineno}")
    assert unexplained == [], "an import inside a function needs a comment with its measured cost"


def test_the_library_never_writes_to_the_terminal() -> None:
    """Only cli/ prints; the stages report through return values and Project.tell."""
    for name, path in MODULES.items():
        if name.startswith("i18n.cli"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id != "print", f"{name}:{node.lineno} prints"
            if isinstance(node, ast.Attribute) and node.attr in ("stdout", "stderr"):
                assert not (isinstance(node.value, ast.Name) and node.value.id == "sys"), (
                    f"{name}:{node.lineno} writes to sys.{node.attr}"
                )
            if isinstance(node, ast.ImportFrom | ast.Import):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                names += [a.name for a in node.names]
                assert not any(n.split(".")[0] in ("rich", "click") for n in names), (
                    f"{name}:{node.lineno} imports a terminal library"
                )


def test_the_command_list_matches_the_commands() -> None:
    """``i18n --help`` lists the commands from a table (so that it imports none of them): the
    table names every command, in the module that defines it, with its docstring's summary."""
    import importlib

    import click

    from i18n.cli import COMMANDS, command_in

    for name, (module, summary) in COMMANDS.items():
        command = command_in(importlib.import_module(f"i18n.cli.{module}"), name)
        assert isinstance(command, click.Command)
        assert (command.help or "").split("\n")[0] == summary, name
    defined = {
        obj.name
        for path in (PACKAGE / "cli").glob("*.py")
        if path.name != "__main__.py"
        for obj in vars(importlib.import_module(module_name(path))).values()
        if isinstance(obj, click.Command) and not isinstance(obj, click.Group)
    }
    assert defined == set(COMMANDS)
