"""Structured output that survives real models.

Parse strictly; else strip code fences and surrounding prose and take the first JSON object or
array (in time linear in the reply's length, whatever it holds); then validate it against a
JSON-schema subset (type, properties, required, items, enum, minItems). The caller re-asks
once with the validation error (see ``clients``).
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
    """The JSON value in a model's reply, tolerating fences and prose around it.

    Linear in the reply's length, however it is built (a reply of a million ``{`` included):
    every attempt is a C-speed ``json`` decode, and attempts are bounded in number and in the
    text they may scan.
    """
    stripped = text.strip()
    try:
        return json.loads(stripped)
    except (json.JSONDecodeError, RecursionError):
        pass
    for block in _FENCE.findall(stripped):
        try:
            return json.loads(block.strip())
        except (json.JSONDecodeError, RecursionError):
            continue
    return _first_value(stripped, text)


#: At most this many places are tried as the start of the JSON value: prose before a real
#: reply has a few brackets, not thousands.
MAX_STARTS = 1000
#: The decoder may scan at most this many times the reply's length over all attempts.
SCAN_FACTOR = 4

#: Where a JSON object or array can begin: "{" before a key or "}", "[" before a value or "]"
#: (Python's json also reads NaN and Infinity). Brackets in prose ("{note}", "[see 2]",
#: LaTeX's "{x}") are passed over without an attempt.
_START = re.compile(r'\{\s*["}]|\[\s*[-"\d\[\]{tfnNI]')
#: A run of one opening bracket: after "nested too deeply", the rest of the run is too.
_RUN = re.compile(r"\[+|\{+")
_DECODER = json.JSONDecoder()


def _first_value(stripped: str, text: str) -> Any:
    """The first JSON object or array in ``stripped`` (prose around it is skipped).

    Each place where a value may start is tried in turn with ``raw_decode``, which reads one
    value and stops where it ends: the same answer as taking the first balanced span that
    parses, without rescanning the text from every bracket. Raises StructuredOutputError
    naming the problem of the attempt that got furthest.
    """
    budget = SCAN_FACTOR * len(stripped) + 65536
    furthest, problem = -1, ""
    pos = 0
    for _ in range(MAX_STARTS):
        match = _START.search(stripped, pos)
        if match is None or budget <= 0:
            break
        start = match.start()
        try:
            value, _ = _DECODER.raw_decode(stripped, start)
        except json.JSONDecodeError as exc:
            budget -= exc.pos - start + 1
            if exc.pos - start > furthest:
                furthest, problem = exc.pos - start, f"The reply's JSON is malformed: {exc.msg}."
            pos = start + 1
            continue
        except RecursionError:  # nested thousands deep: charge it the rest of the text
            budget -= len(stripped) - start
            problem = problem or "The reply's JSON is nested too deeply."
            run = _RUN.match(stripped, start)
            pos = run.end() if run else start + 1
            continue
        return value
    raise StructuredOutputError(problem or "The reply contains no JSON value.", text)


_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "number": (int, float),
    "integer": (int,),
    "boolean": (bool,),
    "null": (type(None),),
}


def validate(value: Any, schema: dict[str, Any], path: str = "$") -> list[str]:  # noqa: C901 -- a branch per JSON Schema keyword
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
