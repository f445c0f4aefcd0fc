"""Bounded reading of YAML, TOML and JSON documents from outside.

Everything here refuses what would cost more than it is worth before it is
built: files over a byte limit, YAML whose aliases expand past a node budget
(the "billion laughs"), recursive aliases, documents nested too deep, TOML
and JSON arrays or tables past an item budget. YAML is read with PyYAML's
safe constructors only (a ``!!python/object`` tag is an error) and with the
YAML 1.2 core schema for plain scalars: ``yes``/``no``/``on``/``off`` stay
strings, and so do dates, as the publiccode.yml reference parser reads them.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from typing import Any

import yaml

from fabrique.standards import StandardsError


@dataclass(frozen=True)
class Budget:
    """How much one document may cost."""

    max_bytes: int = 2 * 1024**2
    max_nodes: int = 200_000  # scalars, lists and maps, aliases expanded
    max_depth: int = 64


DEFAULT = Budget()


class _CoreLoader(yaml.SafeLoader):  # type: ignore[misc]
    """SafeLoader with YAML 1.2 core-schema scalars (no 1.1 booleans, no dates)."""


# Start from no implicit resolvers, then add the YAML 1.2 core schema ones.
_CoreLoader.yaml_implicit_resolvers = {}
_CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
_CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)
_CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null",
    re.compile(r"^(?:~|null|Null|NULL|)$"),
    ["~", "n", "N", ""],
)


def _bool(loader: _CoreLoader, node: yaml.ScalarNode) -> bool:
    return str(loader.construct_scalar(node)).lower() == "true"


def _int(loader: _CoreLoader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    if text.startswith("0o"):
        return int(text[2:], 8)
    return int(text, 0) if text.startswith("0x") else int(text)


_CoreLoader.add_constructor("tag:yaml.org,2002:bool", _bool)
_CoreLoader.add_constructor("tag:yaml.org,2002:int", _int)

STR = "tag:yaml.org,2002:str"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"


def _check_size(data: bytes, budget: Budget, what: str) -> None:
    if len(data) > budget.max_bytes:
        raise StandardsError(
            f"{what} file too large: {len(data):,} bytes "
            f"(at most {budget.max_bytes:,} are read)"
        )


def _measure(root: yaml.Node, budget: Budget) -> None:
    """Refuse alias bombs, recursive aliases and deep nesting, before building."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if depth > budget.max_depth:
            raise StandardsError(
                f"YAML nested deeper than {budget.max_depth} levels; refused"
            )
        if key in open_nodes:
            raise StandardsError("YAML alias refers to itself (recursive); refused")
        open_nodes.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            for item in node.value:
                total += size(item, depth + 1)
                if total > budget.max_nodes:
                    break
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                total += size(k, depth + 1) + size(v, depth + 1)
                if total > budget.max_nodes:
                    break
        open_nodes.discard(key)
        if total > budget.max_nodes:
            raise StandardsError(
                f"YAML expands to more than {budget.max_nodes:,} values "
                "(aliases repeated over and over?); refused"
            )
        sizes[key] = total
        return total

    size(root, 0)


class YamlSyntaxError(ValueError):
    """The text is not YAML; ``line`` is 1-based (0 when unknown)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


def compose_yaml(data: bytes, budget: Budget = DEFAULT) -> yaml.Node | None:
    """Parse one YAML document into its node tree (positions and tags kept).

    Raises StandardsError for hostile input, YamlSyntaxError for text that is
    not YAML, UnicodeDecodeError for bytes that are not UTF-8.
    """
    _check_size(data, budget, "YAML")
    text = data.decode("utf-8")
    try:
        loader = _CoreLoader(text)
    except yaml.YAMLError as exc:  # unprintable characters
        raise _syntax(exc) from exc
    try:
        node = loader.get_single_node()
    except yaml.composer.ComposerError as exc:
        if "expected a single document" in str(exc):
            raise YamlSyntaxError(
                "several YAML documents in one file are not supported"
            ) from exc
        raise _syntax(exc) from exc
    except yaml.YAMLError as exc:
        raise _syntax(exc) from exc
    finally:
        loader.dispose()
    if node is not None:
        _measure(node, budget)
    return node


def _syntax(exc: yaml.YAMLError) -> YamlSyntaxError:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    line = mark.line + 1 if mark is not None else 0
    return YamlSyntaxError(f"not valid YAML: {problem}", line)


def construct(node: yaml.Node) -> Any:
    """Python values of a composed (and measured) node tree, safe types only."""
    loader = _CoreLoader("")
    try:
        return loader.construct_document(node)
    except yaml.constructor.ConstructorError as exc:
        raise StandardsError(f"YAML value refused: {exc.problem}") from exc
    finally:
        loader.dispose()


def load_yaml(data: bytes, budget: Budget = DEFAULT) -> Any:
    """Parse YAML into plain values, or raise StandardsError saying why not."""
    try:
        node = compose_yaml(data, budget)
    except UnicodeDecodeError as exc:
        raise StandardsError(f"YAML is not UTF-8 text ({exc.reason})") from exc
    except YamlSyntaxError as exc:
        where = f" (line {exc.line})" if exc.line else ""
        raise StandardsError(f"{exc}{where}") from exc
    return None if node is None else construct(node)


def _count(value: Any, budget: Budget, what: str) -> None:
    """Refuse values with too many items or nesting too deep."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    seen = 0
    while stack:
        item, depth = stack.pop()
        seen += 1
        if seen > budget.max_nodes:
            raise StandardsError(
                f"{what} holds more than {budget.max_nodes:,} values; refused"
            )
        if depth > budget.max_depth:
            raise StandardsError(
                f"{what} nested deeper than {budget.max_depth} levels; refused"
            )
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


def load_toml(data: bytes, budget: Budget = DEFAULT) -> dict[str, Any]:
    """Parse TOML within the budget, or raise StandardsError saying why not."""
    _check_size(data, budget, "TOML")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StandardsError(f"TOML is not UTF-8 text ({exc.reason})") from exc
    # Cheap bound before parsing: a TOML value needs at least one separator.
    if text.count(",") + text.count("\n") > budget.max_nodes * 2:
        raise StandardsError(
            f"TOML holds more than {budget.max_nodes:,} values; refused"
        )
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StandardsError(f"not valid TOML: {exc}") from exc
    _count(document, budget, "TOML")
    return document


def load_json(data: bytes, budget: Budget = DEFAULT) -> Any:
    """Parse JSON within the budget, or raise StandardsError saying why not."""
    _check_size(data, budget, "JSON")
    try:
        document = json.loads(data)
    except RecursionError as exc:
        raise StandardsError("JSON nested too deep; refused") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise StandardsError(f"not valid JSON: {exc}") from exc
    _count(document, budget, "JSON")
    return document
