"""Structured output that survives real models.

Parse strictly; else strip code fences and surrounding prose and take the first balanced JSON
value; then validate it against a JSON-schema subset (type, properties, required, items,
enum, minItems). The caller re-asks once with the validation error (see ``clients``).
"""

from __future__ import annotations

import json
import re
from typing import Any

_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.S)


class StructuredOutputError(ValueError):
    """The reply is not the JSON asked for; ``raw`` keeps the reply for the run log."""

    def __init__(self, message: str, raw: str) -> None:
        super().__init__(message)
        self.raw = raw


def extract_json(text: str) -> Any:
    """The JSON value in a model's reply, tolerating fences and prose around it."""
    stripped = text.strip()
    try:
        return json.loads(stripped)
    except json.JSONDecodeError:
        pass
    for block in _FENCE.findall(stripped):
        try:
            return json.loads(block.strip())
        except json.JSONDecodeError:
            continue
    value = _first_balanced(stripped)
    if value is None:
        raise StructuredOutputError("The reply contains no JSON value.", text)
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        raise StructuredOutputError(f"The reply's JSON is malformed: {exc.msg}.", text) from exc


def _first_balanced(text: str) -> str | None:
    """The first {...} or [...] whose brackets balance, strings and escapes respected."""
    for start, char in enumerate(text):
        if char not in "{[":
            continue
        depth = 0
        in_string = False
        escaped = False
        for end in range(start, len(text)):
            c = text[end]
            if in_string:
                if escaped:
                    escaped = False
                elif c == "\\":
                    escaped = True
                elif c == '"':
                    in_string = False
            elif c == '"':
                in_string = True
            elif c in "{[":
                depth += 1
            elif c in "}]":
                depth -= 1
                if depth == 0:
                    candidate = text[start : end + 1]
                    try:
                        json.loads(candidate)
                    except json.JSONDecodeError:
                        break  # not JSON after all (prose in brackets): try the next start
                    return candidate
    return None


_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "number": (int, float),
    "integer": (int,),
    "boolean": (bool,),
    "null": (type(None),),
}


def validate(value: Any, schema: dict[str, Any], path: str = "$") -> list[str]:
    """Problems of ``value`` against ``schema`` (empty when it conforms)."""
    problems: list[str] = []
    expected = schema.get("type")
    if expected is not None:
        types = expected if isinstance(expected, list) else [expected]
        ok = any(
            isinstance(value, _TYPES[t])
            and not (t in ("number", "integer") and isinstance(value, bool))
            for t in types
        )
        if not ok:
            return [f"{path} should be {' or '.join(types)}, not {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{path} should be one of {schema['enum']}, not {value!r}")
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                problems.append(f"{path} is missing {name!r}")
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                problems += validate(value[name], sub, f"{path}.{name}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            problems.append(f"{path} needs at least {schema['minItems']} items")
        item_schema = schema.get("items")
        if item_schema is not None:
            for i, item in enumerate(value):
                problems += validate(item, item_schema, f"{path}[{i}]")
    return problems


def parse(text: str, schema: dict[str, Any]) -> Any:
    """The reply's JSON value if it conforms to ``schema``; else StructuredOutputError."""
    value = extract_json(text)
    problems = validate(value, schema)
    if problems:
        raise StructuredOutputError("; ".join(problems[:5]), text)
    return value
