"""Schema validation with messages a finance officer can read.

jsonschema's own messages print Python reprs; we build each message from the error's
fields and name the place by the schema's Chinese titles (项目支出[2].金额).
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema import _keywords as keywords
from jsonschema.exceptions import ValidationError, best_match

from .diagnostics import Diagnostic, diagnostic
from .numbers import CENT, read_written
from .profile import DEFAULT, available, profile_file
from .resources import data_file, listed, schema
from .yamlload import PathKey, SourceMap

DEFAULT_SCHEMA = "department.schema.json"
# The schema of the kind of document being read (预算, 决算): set by `using_schema` around one
# file's whole run, so that every place that names a field in Chinese names it by that schema.
_SCHEMA: ContextVar[str] = ContextVar("schema", default=DEFAULT_SCHEMA)


@contextmanager
def using_schema(name: str) -> Iterator[None]:
    token = _SCHEMA.set(name)
    try:
        yield
    finally:
        _SCHEMA.reset(token)


def _multiple_of(validator: Any, divisor: Any, instance: Any, node: Any) -> Any:
    """jsonschema's multipleOf, safe for huge decimals (1E+308 % 0.01 cannot be computed:
    such a value is left to `maximum`, which reports it)."""
    try:
        yield from keywords.multipleOf(validator, divisor, instance, node)
    except InvalidOperation:
        return


@functools.cache
def _validator(name: str) -> Any:
    checker = validators.extend(Draft202012Validator, {"multipleOf": _multiple_of})
    return checker(schema(name))


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if ref and ref.startswith("#/$defs/"):
        target: dict[str, Any] = schema(_SCHEMA.get())["$defs"][ref.split("/")[-1]]
        return {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _child(node: dict[str, Any], key: str | int) -> dict[str, Any] | None:
    node = _resolve(node)
    if isinstance(key, int):
        items = node.get("items")
        return _resolve(items) if isinstance(items, dict) else None
    if key in node.get("properties", {}):
        return _resolve(node["properties"][key])
    for pattern, sub in node.get("patternProperties", {}).items():
        if re.search(pattern, key):
            return _resolve(sub)
    return None


def chinese_path(path: PathKey) -> str:
    """`("projects", 1, "general_budget")` → `项目支出[2].一般公共预算`."""
    node: dict[str, Any] | None = schema(_SCHEMA.get())
    parts: list[str] = []
    for key in path:
        node = _child(node, key) if node is not None else None
        if isinstance(key, int):
            label = f"[{key + 1}]"
            if parts:
                parts[-1] += label
            else:
                parts.append(label)
            continue
        title = node.get("title") if node else None
        # Codes are keys: show the code itself, it is what the officer typed.
        parts.append(key if (title is None or key.isdigit()) else str(title))
    return ".".join(parts) or str(data_file("labels.yaml")["path_root"])


def type_name(value: Any) -> str:
    names: dict[str, str] = data_file("labels.yaml")["types"]
    if isinstance(value, bool):
        return names["boolean"]
    if isinstance(value, int | Decimal):
        return names["number"]
    if isinstance(value, str):
        return names["string"]
    if isinstance(value, list):
        return names["array"]
    if isinstance(value, dict):
        return names["object"]
    return names["null"]


def _fmt(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f") if abs(value) < Decimal("1e15") else format(value, "E")
    return str(value)


def _message(error: ValidationError, source_map: SourceMap, unit: str) -> Diagnostic:
    path = tuple(error.absolute_path)
    names: dict[str, str] = data_file("labels.yaml")["types"]
    where = chinese_path(path)
    location = source_map.locate(path, label=where)
    kind = error.validator
    written = _as_written(error, source_map, where, location, unit)
    if written is not None:
        return written
    if kind == "type":
        expected = error.validator_value
        expected_list = expected if isinstance(expected, list) else [expected]
        return diagnostic("schema.type", location, path=where,
                          expected=data_file("labels.yaml")["alternatives"].join(
                              names[e] for e in expected_list),
                          actual=type_name(error.instance))
    if kind == "required":
        missing = str(error.message).split("'")[1]
        node = schema(_SCHEMA.get())
        for key in path:
            node = _child(node, key) or {}
        title = _resolve(node).get("properties", {}).get(missing, {}).get("title", missing)
        return diagnostic("schema.required", location, path=where, missing=title,
                          missing_key=missing)
    if kind == "additionalProperties":
        allowed_keys = list(_resolve(error.schema).get("properties", {}))
        extra = [k for k in error.instance if k not in allowed_keys]
        patterns = list(error.schema.get("patternProperties", {}))
        extra = [k for k in extra if not any(re.search(p, k) for p in patterns)]
        key = extra[0] if extra else "?"
        key_location = source_map.locate((*path, key), key=True, label=where)
        return diagnostic("schema.additional", key_location, path=where, key=key,
                          hint=_did_you_mean(key, _resolve(error.schema)))
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        rule = "schema.minimum" if "inimum" in kind else "schema.maximum"
        return diagnostic(rule, location, path=where, value=_fmt(error.instance),
                          limit=_fmt(error.validator_value))
    if kind == "multipleOf":
        return diagnostic("schema.multiple_of", location, path=where, value=_fmt(error.instance))
    if kind == "enum":
        return diagnostic("schema.enum", location, path=where, value=_fmt(error.instance),
                          allowed=listed(error.validator_value))
    if kind == "pattern":
        return diagnostic("schema.pattern", location, path=where, value=_fmt(error.instance),
                          description=error.schema.get("description", error.validator_value))
    if kind in ("minLength", "maxLength", "minItems", "maxItems"):
        detail = data_file("labels.yaml")["lengths"][kind].format(limit=error.validator_value)
        return diagnostic("schema.length", location, path=where, detail=detail)
    if kind == "anyOf":
        inner = best_match(error.context) if error.context else None
        detail = _message(inner, source_map, unit).message if inner else ""
        end = data_file("labels.yaml")["sentence_end"]
        return diagnostic("schema.any_of", location, path=where, detail=detail.rstrip(end))
    return diagnostic("schema.other", location, path=where, validator=kind)


def _did_you_mean(key: str, node: dict[str, Any]) -> str:
    """`是否应为 general_budget？`: the allowed keys closest to a misspelt one, by spelling or
    by Chinese title; a key that moved names its new place (labels.yaml retired_keys)."""
    labels = data_file("labels.yaml")
    words = labels["did_you_mean"]
    properties: dict[str, Any] = node.get("properties", {})
    if not properties:
        return str(words["codes_only"])
    retired: dict[str, str] = labels["retired_keys"]
    if key in retired and "function" in properties:  # where a code's name used to be typed
        return str(words["moved"].format(key=key, to=retired[key]))
    close = difflib.get_close_matches(key.lower(), list(properties), n=3, cutoff=0.6)
    close += [name for name, sub in properties.items() if name not in close
              and key and (key in str(_resolve(sub).get("title", "")))]
    if close:
        return str(words["close"].format(keys=f" {labels['alternatives']} ".join(close[:3])))
    return str(words["none"])


def _as_written(error: ValidationError, source_map: SourceMap, where: str, location: Any,
                unit: str) -> Diagnostic | None:
    """An amount written as a clerk writes it (`1,234.00`, `￥80`, `80元`, "80"), or a text
    YAML read as a number (a phone number): the message shows the exact text to write."""
    if error.validator not in ("type", "anyOf"):
        return None
    path = tuple(error.absolute_path)
    key = f"{path[-1]}: " if path and isinstance(path[-1], str) else ""
    expected = error.validator_value if error.validator == "type" else ["number"]
    expected = set(expected if isinstance(expected, list) else [expected])
    instance = error.instance
    if isinstance(instance, str) and expected & {"number", "integer"}:
        read = read_written(instance, unit)
        if read is None:
            return None
        number, problems = read
        labels = data_file("labels.yaml")
        words = labels["written_number"]
        cents = number.quantize(CENT, rounding=ROUND_DOWN)
        fixed, hint = format(cents if cents == number else number.normalize(), "f"), ""
        if cents != number:
            hint = labels["sentence_end"] + str(words["too_fine"]).format(unit=unit)
        return diagnostic("schema.number_text", location, path=where, value=instance,
                          problems=listed(words["problems"][p] for p in problems),
                          fixed=key + fixed, hint=hint)
    if expected == {"string"} and not isinstance(instance, str | list | dict) \
            and instance is not None:
        raw = source_map.typed.get(path, (str(instance), ""))[0]
        return diagnostic("schema.quote_text", location, path=where, value=raw,
                          actual=type_name(instance), fixed=f'{key}"{raw}"')
    return None


def validate(data: Any, source_map: SourceMap) -> list[Diagnostic]:
    """All schema violations, as diagnostics sorted by position."""
    errors = sorted(_validator(_SCHEMA.get()).iter_errors(data),
                    key=lambda e: [str(p) for p in e.path])
    meta = data.get("meta") if isinstance(data, dict) else None
    unit = str(meta.get("unit", "")) if isinstance(meta, dict) else ""
    department = _SCHEMA.get() in {k["schema"] for k in data_file("kinds.yaml").values()}
    profile = _profile(data)
    placeholders = [re.compile(p) for p in profile_file(profile, "checks.yaml")[
        "placeholders"]] if department else []
    found: dict[Any, Diagnostic] = {}
    for error in errors:
        for key, diagnostic_ in _unfilled(error, source_map, placeholders) or [
                (id(error), _message(error, source_map, unit))]:
            found.setdefault(key, diagnostic_)
    if isinstance(data, dict) and any(d.rule == "text.placeholder" for d in found.values()):
        # An unfinished file (as `budgetdoc new` writes it): every place left to fill in at
        # once, the text ones too, which the text rules would only list after these.
        from .rules import text_rules

        for found_text in text_rules(data, source_map, profile, ""):
            loc = found_text.location
            found.setdefault((loc.line, loc.column), found_text)
    unique = {(d.rule, d.location, d.message): d for d in found.values()}
    return sorted(unique.values(), key=lambda d: (d.location.line or 0, d.location.column or 0))


def _profile(data: Any) -> str:
    """The file's profile, the default when it names none or an unknown one."""
    meta = data.get("meta") if isinstance(data, dict) else None
    name = meta.get("profile") if isinstance(meta, dict) else None
    return name if isinstance(name, str) and name in available() else DEFAULT


def _unfilled(error: ValidationError, source_map: SourceMap,
              placeholders: list[re.Pattern[str]]) -> list[tuple[Any, Diagnostic]]:
    """A place still holding a placeholder where an amount, a code or a date goes (待填写, as
    `budgetdoc new` writes it) is reported as not filled in, not as a wrong value."""
    def placeholder(text: object) -> str:
        found = [m for m in (p.search(text) for p in placeholders) if m] if isinstance(
            text, str) else []
        return found[0].group() if found else ""

    path = tuple(error.absolute_path)
    if error.validator == "anyOf" and not placeholder(error.instance):
        # a choice of forms ({other: 待填写} for a count or counts by kind): the placeholders
        # inside whichever form they are in
        inner = {key: found for sub in error.context or []
                 for key, found in _unfilled(sub, source_map, placeholders)}
        return list(inner.items())
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        keys = [k for k in error.instance if not _child(error.schema, k)]
        if not keys or not all(placeholder(k) for k in keys):
            return []
        places = [((*path, k), True, placeholder(k)) for k in keys]
    elif placeholder(error.instance):
        places = [(path, False, placeholder(error.instance))]
    else:
        return []
    found = []
    for place, key, text in places:
        where = chinese_path(place)
        found.append(((place, key), diagnostic(
            "text.placeholder", source_map.locate(place, key=key, label=where), path=where,
            text=text)))
    return found
