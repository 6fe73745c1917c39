"""Strict YAML: no tags that construct objects, no aliases, no duplicate keys; every error
names the file and line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from i18n.errors import I18nError


class _Strict:
    """What both loaders construct: no key given twice, no date that does not exist."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
        """A key given twice is an error (YAML would keep the last one silently)."""
        seen: set[Any] = set()
        for key_node, _value in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key = self.construct_object(key_node)  # type: ignore[attr-defined]
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    problem=f"key {key!r} is given twice", problem_mark=key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        """A date that does not exist (2026-02-30) is an error with its line, not a crash."""
        try:
            return super().construct_yaml_timestamp(node)  # type: ignore[misc]
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(
                problem=f"invalid date {node.value!r} ({exc})", problem_mark=node.start_mark
            ) from None


class _StrictLoader(_Strict, yaml.SafeLoader):
    """SafeLoader without aliases: no Python tags, and no alias bombs. The reference: every
    error message comes from it."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                problem="YAML aliases are not allowed", problem_mark=event.start_mark
            )
        return super().compose_node(parent, index)


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_timestamp)

_CLoader: Any = getattr(yaml, "CSafeLoader", None)  # libyaml's parser, when PyYAML has it
if _CLoader is not None:

    class _FastLoader(_Strict, _CLoader):  # type: ignore[misc, valid-type]
        """libyaml's parser with :class:`_StrictLoader`'s constructor: about ten times
        faster (YAML is most of reading a front matter). It cannot refuse an alias as it
        parses, so :func:`_fast` refuses a tree that holds one."""

    _FastLoader.add_constructor("tag:yaml.org,2002:timestamp", _FastLoader.construct_yaml_timestamp)

# libyaml nests by recursing in C, unguarded: a deep enough document overflows the stack
# (100,000 levels did here; 20,000 did not, in a thread too). Each level needs one of these
# characters, so a text with fewer than _MAX_NESTING of them nests less deeply than that.
_NESTERS = "[{-?:"
_MAX_NESTING = 5000


def _fast(text: str) -> tuple[Any, yaml.Node | None] | None:
    """(data, node tree) of ``text`` from libyaml, or None when the reference loader must
    read it: libyaml missing, a text that could nest deeply, any error (so that the message
    and line are the reference's), an alias (a node reached twice) or a tree deeper than
    :data:`_FAST_DEPTH` (the reference refuses some of those: nested too deeply)."""
    if _CLoader is None or sum(text.count(c) for c in _NESTERS) >= _MAX_NESTING:
        return None
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None and not _plain(node):
            return None
        return (loader.construct_document(node) if node is not None else None), node
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()


_FAST_DEPTH = 64  # far below what the reference composes within Python's recursion limit


def _plain(root: yaml.Node) -> bool:
    """Whether no node of the tree is reached twice (what an alias composes to) and none is
    deeper than :data:`_FAST_DEPTH`."""
    seen: set[int] = set()
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen or depth > _FAST_DEPTH:
            return False
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += ((key, depth + 1), (value, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack += ((item, depth + 1) for item in node.value)
    return True


def _load(text: str, path: Path | str, line_offset: int) -> tuple[Any, yaml.Node | None]:
    """(data, node tree) of a YAML document: parsed once, constructed from the tree."""
    fast = _fast(text)
    if fast is not None:
        return fast
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        problem = exc.problem or "invalid YAML"
        tag = re.search(r"could not determine a constructor for the tag '([^']*)'", problem)
        if tag:
            name = tag.group(1).replace("tag:yaml.org,2002:", "!!")
            problem = f"tag '{name}' is not allowed (YAML tags that construct objects are refused)"
        raise I18nError(f"invalid YAML: {problem.strip()}", path, line) from None
    except yaml.YAMLError as exc:
        raise I18nError(f"invalid YAML: {exc}", path) from None
    except RecursionError:
        raise I18nError("invalid YAML: nested too deeply", path) from None
    finally:
        loader.dispose()


def load_yaml(text: str, path: Path | str, line_offset: int = 0) -> Any:
    """Parse YAML safely; a syntax error becomes an I18nError naming file and line."""
    return _load(text, path, line_offset)[0]


def load_yaml_mapping(
    text: str, path: Path | str, line_offset: int = 0
) -> tuple[dict[str, Any], dict[tuple[str, ...], int]]:
    """Parse a YAML mapping and return it with the 1-based line of every key path.

    >>> data, lines = load_yaml_mapping("a: 1\\nb:\\n  c: 2\\n", "x.yaml")
    >>> data["b"]["c"], lines[("b", "c")]
    (2, 3)
    """
    data, node = _load(text, path, line_offset)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise I18nError(
            f"expected a YAML mapping (key: value), found {type(data).__name__}",
            path,
            1 + line_offset,
        )
    lines: dict[tuple[str, ...], int] = {}

    def walk(n: Any, prefix: tuple[str, ...]) -> None:
        if isinstance(n, yaml.MappingNode):
            for key_node, value_node in n.value:
                key = (*prefix, str(key_node.value))
                lines[key] = key_node.start_mark.line + 1 + line_offset
                walk(value_node, key)
        elif isinstance(n, yaml.SequenceNode):
            for i, item in enumerate(n.value):
                key = (*prefix, str(i))
                lines[key] = item.start_mark.line + 1 + line_offset
                walk(item, key)

    if node is not None:
        walk(node, ())
    return data, lines
