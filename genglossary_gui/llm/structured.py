"""Structured output that survives real models.

A reply's shape is a pydantic model: it gives the JSON schema sent to the server
(:func:`schema_of`), the validation and typed access to the answer. Parse strictly; else
strip code fences and surrounding prose and take the first JSON object or array (in time
linear in the reply's length, whatever it holds); else, for a reply of ordinary size, mend it
with json-repair (a trailing comma, single quotes, a cut-off string). Then validate it. The
caller re-asks once with the validation error (see ``clients``).
"""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

import json_repair

# pydantic imports its submodules lazily, on first use. PySide6 installs an import hook
# (shibokensupport's feature_imported) that inspects modules imported after Qt and trips over
# a lazy import pydantic has begun before Qt was loaded (a circular ImportError). Loading the
# parts used here at once leaves nothing half-imported.
import pydantic.fields
import pydantic.json_schema  # noqa: F401 -- loaded before Qt can be, see above
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)
#: Longer replies are not mended: json-repair is pure Python, and a reply this long that no
#: strict parse accepts is not a small slip.
REPAIR_MAX_CHARS = 32_000

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


def _mended(text: str) -> Any:
    """The value json-repair makes of ``text`` from its first bracket on, else None."""
    start = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=-1)
    if start < 0 or len(text) > REPAIR_MAX_CHARS:
        return None
    try:
        value = json_repair.loads(text[start:])
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict | list) and value else None


def _inline(node: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(definitions[ref.removeprefix("#/$defs/")], definitions)
        return {k: _inline(v, definitions) for k, v in node.items() if k not in ("title", "$defs")}
    if isinstance(node, list):
        return [_inline(v, definitions) for v in node]
    return node


def schema_of(model: type[BaseModel]) -> dict[str, Any]:
    """``model``'s JSON schema as servers take it: references inlined (llama.cpp's and
    Ollama's grammars read plain nested schemas best), titles dropped."""
    schema = model.model_json_schema()
    return _inline(schema, schema.get("$defs", {}))


def _where(location: tuple[int | str, ...]) -> str:
    path = "$"
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def problems_of(error: ValidationError) -> list[str]:
    """The validation's findings in a form a model can act on: "$.terms[0].keep: Input
    should be a valid boolean"."""
    return [f"{_where(e['loc'])}: {e['msg']}" for e in error.errors(include_url=False)]


def parse(text: str, model: type[M]) -> M:
    """The reply as a ``model``; else StructuredOutputError naming what is wrong."""
    try:
        value = extract_json(text)
    except StructuredOutputError:
        value = _mended(text)
        if value is None:
            raise
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        raise StructuredOutputError("; ".join(problems_of(exc)[:5]), text) from exc


# -- sizes in tokens: what a reply may need, what a prompt takes -----------------------------

#: An array the schema does not bound is expected to hold at most this many items (a judge's
#: batch of candidates; a review's findings about its batch).
ARRAY_ITEMS = 20
#: A string the schema does not bound: a definition of one or two sentences, in tokens.
STRING_TOKENS = 80
#: A reply may take this many times its expected size before it is cut at ``max_tokens``
#: (models pad with spaces and newlines, tokenizers split unusual words finely).
REPLY_MARGIN = 2
#: The least a reply is allowed, whatever the schema: a short object and room to close it.
MIN_REPLY_TOKENS = 64
#: The most a reply is allowed: a glossary reply is never longer, and a server spends no more
#: time on a model that repeats itself.
MAX_REPLY_TOKENS = 4096


def _shape_tokens(node: Any, depth: int = 0) -> int:
    """The tokens a value shaped by ``node`` (an inlined schema) is expected to take."""
    if depth > 20 or not isinstance(node, dict):
        return 4
    options = node.get("anyOf") or node.get("oneOf")
    if isinstance(options, list) and options:
        return max(_shape_tokens(o, depth + 1) for o in options)
    kind = node.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if "enum" in node:
        return 2 + max((len(str(v)) // 3 + 1 for v in node["enum"]), default=1)
    if kind == "object":
        properties = node.get("properties") or {}
        return 2 + sum(
            3 + len(name) // 3 + _shape_tokens(value, depth + 1)
            for name, value in properties.items()
        )
    if kind == "array":
        items = node.get("maxItems", ARRAY_ITEMS)
        return 2 + items * (1 + _shape_tokens(node.get("items", {}), depth + 1))
    if kind == "string":
        limit = node.get("maxLength")
        return 2 + (limit // 3 + 1 if isinstance(limit, int) else STRING_TOKENS)
    return 4  # a number, a boolean, null


def reply_tokens(schema: dict[str, Any] | None) -> int:
    """``max_tokens`` for a reply shaped by ``schema``: its expected size with a margin,
    within [MIN_REPLY_TOKENS, MAX_REPLY_TOKENS]. No schema: the most allowed."""
    if schema is None:
        return MAX_REPLY_TOKENS
    expected = REPLY_MARGIN * _shape_tokens(schema)
    return max(MIN_REPLY_TOKENS, min(MAX_REPLY_TOKENS, expected))


#: Characters per token, counted conservatively (more tokens than tokenizers make): English
#: and other Latin-script text takes about 4 characters a token, so 3 here; Japanese,
#: Chinese and Korean about one character a token or less with today's tokenizers, so 1 here
#: (a byte-level tokenizer without them in its vocabulary takes up to 3 — that server's
#: context must then be set larger).
ASCII_CHARS_PER_TOKEN = 3.0
OTHER_CHARS_PER_TOKEN = 1.0
#: What each chat message costs besides its text (the chat template's markers).
MESSAGE_TOKENS = 8


def text_tokens(text: str) -> int:
    """About how many tokens ``text`` takes, counted high rather than low."""
    ascii_chars = len(text.encode("ascii", "ignore"))
    other = len(text) - ascii_chars
    return int(ascii_chars / ASCII_CHARS_PER_TOKEN + other / OTHER_CHARS_PER_TOKEN) + 1


def prompt_tokens(messages: list[dict[str, str]]) -> int:
    """About how many tokens ``messages`` take on the server, counted high."""
    return sum(MESSAGE_TOKENS + text_tokens(m.get("content", "")) for m in messages)
