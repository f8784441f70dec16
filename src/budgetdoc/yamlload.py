"""Load a department file: YAML with the position of every value kept.

PyYAML silently keeps the last of two duplicated keys and loads decimals as binary floats;
both are wrong here. We compose the node tree ourselves and build plain Python values:
decimals as Decimal, dates as ISO strings, and a map from each value's path to its
position. Aliases are allowed but the expanded size is bounded (no "billion laughs").

The node tree is composed by libyaml where PyYAML has it (ten times faster: a department's
check reads its file and its profile's files in every new process); it gives the same nodes,
marks and styles (style '' for plain where PyYAML gives None: read as `style or ""`). Text it
refuses (a syntax error, nesting deeper than its 1,000) is composed again by PyYAML's own
parser, whose errors and positions the messages are written for.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from . import yamltext
from .diagnostics import Diagnostic, Location, diagnostic
from .resources import system_reason

MAX_BYTES = 5 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 64

PathKey = tuple[str | int, ...]

_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def _compose(text: str) -> yaml.Node | None:
    if _FAST_LOADER is not None:
        try:
            return yaml.compose(text, Loader=_FAST_LOADER)
        except (yaml.YAMLError, RecursionError):
            pass  # reported below as PyYAML reports it
    return yaml.compose(text, Loader=yaml.SafeLoader)


@dataclass
class SourceMap:
    """Positions (1-based line, column) of values and of mapping keys, by path."""

    file: str
    values: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    keys: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    # Each scalar as typed: its text and quote style ('"', "'" or ""), for messages that
    # show what to write instead (a phone number YAML read as a number, a quoted amount).
    typed: dict[PathKey, tuple[str, str]] = field(default_factory=dict)

    def locate(self, path: PathKey, *, key: bool = False, label: str = "") -> Location:
        """The position of `path`, or of its nearest recorded ancestor."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe and probe not in table and probe not in self.values:
            probe = probe[:-1]
        line, column = table.get(probe) or self.values.get(probe) or (None, None)
        return Location(self.file, line, column, label)


class _TooLarge(Exception):
    pass


class _Builder:
    def __init__(self, source_map: SourceMap) -> None:
        self.map = source_map
        self.nodes = 0
        self.diagnostics: list[Diagnostic] = []
        self._constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooLarge
        if len(path) > MAX_DEPTH:
            raise RecursionError
        mark = node.start_mark
        self.map.values.setdefault(path, (mark.line + 1, mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._report("yaml.merge_key", key_node)
                continue
            key = self._key(key_node)
            line = key_node.start_mark.line + 1
            if key in first_seen:
                self._report("yaml.duplicate_key", key_node, key=key, first=first_seen[key])
                continue
            first_seen[key] = line
            child = (*path, key)
            self.map.keys[child] = (line, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, child)
        return result

    def _construct(self, node: yaml.ScalarNode) -> Any:
        """The plain value of a scalar; one YAML cannot build (2024-13-45, !!binary x, !tag)
        is reported and kept as its text."""
        try:
            return self._constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as error:
            problem = yamltext.problem(getattr(error, "problem", None) or str(error))
            self._report("yaml.bad_value", node, value=node.value, problem=problem)
            return node.value

    def _key(self, node: yaml.Node) -> str:
        if isinstance(node, yaml.ScalarNode):
            value = self._construct(node)
            # Codes are keys: 30101 and "30101" mean the same; true/false/null are not codes.
            if isinstance(value, bool) or value is None:
                return node.value
            return str(value) if not isinstance(value, str) else value
        self._report("yaml.complex_key", node)
        return f"<{node.start_mark.line + 1}:{node.start_mark.column + 1}>"

    def _scalar(self, node: yaml.ScalarNode, path: PathKey) -> Any:
        self.map.typed[path] = (node.value, node.style or "")
        if node.tag == "tag:yaml.org,2002:float":
            text = node.value.replace("_", "")
            try:
                number = Decimal(text)
            except InvalidOperation:
                number = Decimal("NaN")
            if not number.is_finite():
                self._report("yaml.bad_number", node, value=node.value)
                return node.value
            return number
        value = self._construct(node)
        if isinstance(value, datetime.datetime | datetime.date):
            return value.isoformat()
        if isinstance(value, bytes):
            return node.value
        return value

    def _report(self, rule: str, node: yaml.Node, **fields: Any) -> None:
        mark = node.start_mark
        where = Location(self.map.file, mark.line + 1, mark.column + 1)
        self.diagnostics.append(diagnostic(rule, where, **fields))


def load_text(text: str, file: str) -> tuple[Any, SourceMap, list[Diagnostic]]:
    """Parse YAML text; returns (data or None, source map, diagnostics)."""
    source_map = SourceMap(file)
    typed = yamltext.scan(text, file)
    if typed:
        return None, source_map, typed
    try:
        node = _compose(text)
    except RecursionError:
        return None, source_map, [diagnostic("yaml.too_deep", Location(file, 1, 1),
                                             limit=MAX_DEPTH)]
    except yaml.MarkedYAMLError as error:
        return None, source_map, [yamltext.syntax_error(error, file)]
    except yaml.YAMLError as error:
        return None, source_map, [diagnostic("yaml.syntax", Location(file),
                                             problem=yamltext.problem(str(error)))]
    if node is None:
        return None, source_map, [diagnostic("input.empty", Location(file))]
    builder = _Builder(source_map)
    try:
        data = builder.build(node, ())
    except _TooLarge:
        return None, source_map, [diagnostic("yaml.too_large", Location(file, 1, 1),
                                             limit=MAX_NODES)]
    except RecursionError:
        return None, source_map, [diagnostic("yaml.too_deep", Location(file, 1, 1),
                                             limit=MAX_DEPTH)]
    return data, source_map, builder.diagnostics


def load_file(path: Path) -> tuple[Any, SourceMap, list[Diagnostic]]:
    """Read and parse a department file, reporting unreadable, oversized or non-UTF-8 input."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, SourceMap(name), [diagnostic("input.too_large", Location(name),
                                                      size=size, limit=MAX_BYTES)]
        raw = path.read_bytes()
    except OSError as error:
        return None, SourceMap(name), [diagnostic("input.unreadable", Location(name),
                                                  reason=system_reason(error))]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        return None, SourceMap(name), [diagnostic("input.encoding", Location(name, line, column))]
    return load_text(text, name)


def strings(node: Any, path: PathKey = ()) -> Iterator[tuple[PathKey, str]]:
    """Every string of loaded data with its path (all the text an officer typed)."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from strings(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from strings(value, (*path, i))
