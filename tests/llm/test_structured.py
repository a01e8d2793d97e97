"""Structured output from replies real models give."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable

import pytest

from genglossary_gui.llm.structured import StructuredOutputError, extract_json, parse, validate

SCHEMA = {
    "type": "object",
    "required": ["term", "definition"],
    "properties": {
        "term": {"type": "string"},
        "definition": {"type": "string"},
        "keep": {"type": "boolean"},
        "category": {"type": "string", "enum": ["concept", "product", "process"]},
        "aliases": {"type": "array", "items": {"type": "string"}},
    },
}


@pytest.mark.parametrize(
    "reply",
    [
        '{"term": "WAL", "definition": "A log."}',
        '```json\n{"term": "WAL", "definition": "A log."}\n```',
        'Sure! Here is the JSON:\n{"term": "WAL", "definition": "A log."}\nHope it helps.',
        'Note {not json} first, then {"term": "WAL", "definition": "A log."}',
        '  {"term": "WAL", "definition": "A log with a } brace and \\"quotes\\"."}  ',
        'Use {"quote here, then {"term": "WAL", "definition": "A log."}',
        '{"result": {"term": "WAL", "definition": "A log."}, oops}',
        "[" * 5000 + ' and then {"term": "WAL", "definition": "A log."}',
    ],
)
def test_json_is_found_in_real_replies(reply: str) -> None:
    value = parse(reply, SCHEMA)
    assert value["term"] == "WAL"


def test_arrays_and_first_value_wins() -> None:
    assert extract_json('[1, 2] and then {"a": 1}') == [1, 2]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ({"term": "WAL"}, "missing 'definition'"),
        ({"term": 3, "definition": "x"}, "$.term should be string"),
        ({"term": "a", "definition": "b", "category": "thing"}, "should be one of"),
        ({"term": "a", "definition": "b", "aliases": ["x", 2]}, "$.aliases[1] should be string"),
        ({"term": "a", "definition": "b", "keep": 1}, "$.keep should be boolean"),
        (["not", "an", "object"], "$ should be object"),
    ],
)
def test_validation_names_the_problem(value: object, problem: str) -> None:
    assert any(problem in p for p in validate(value, SCHEMA))


def test_unusable_replies_keep_the_raw_text() -> None:
    with pytest.raises(StructuredOutputError) as info:
        parse("I cannot help with that.", SCHEMA)
    assert info.value.raw == "I cannot help with that."
    with pytest.raises(StructuredOutputError, match="missing 'definition'"):
        parse('{"term": "x"}', SCHEMA)


def test_malformed_json_is_named_for_the_re_ask() -> None:
    with pytest.raises(StructuredOutputError, match="malformed: Expecting value"):
        extract_json('{"term": "WAL", "definition": ')
    with pytest.raises(StructuredOutputError, match="nested too deeply"):
        extract_json("[" * 100_000)


# -- pathological replies: time linear in their length ------------------------------------------

_BITS = [
    '{"a": [1, 2, {"b": "c}',
    "[see {note}]",
    ' prose "quoted ',
    '{"k": tru',
    '\\"',
    "[[",
    "{{",
]


def _garbage(size: int) -> str:
    """Near-JSON fragments, prose brackets and stray quotes: no value parses."""
    rng = random.Random(size)
    parts: list[str] = []
    length = 0
    while length < size:
        parts.append(rng.choice(_BITS))
        length += len(parts[-1])
    return "".join(parts)[:size]


def _deep_then_long(size: int) -> str:
    """Almost the deepest nesting json can read, then a long list that turns out broken."""
    return "[" * 900 + "1," * ((size - 900) // 2) + "x"


def _seconds(call: Callable[[], object], times: int = 3) -> float:
    """The best of a few timings (the least disturbed by the machine's other work)."""
    best = float("inf")
    for _ in range(times):
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
    return best


def _fails(text: str) -> Callable[[], None]:
    def call() -> None:
        with pytest.raises(StructuredOutputError):
            parse(text, SCHEMA)

    return call


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("braces", lambda n: "{" * n),
        ("brackets", lambda n: "[" * n),
        ("garbage", _garbage),
        ("deep then long", _deep_then_long),
    ],
)
def test_pathological_replies_fail_in_linear_time(name: str, make: Callable[[int], str]) -> None:
    size = 2_000_000 if name in ("braces", "brackets") else 1_000_000
    reply = make(size)
    # The yardstick: reading a valid document of the same size (a list of numbers).
    valid = json.dumps([1] * (size // 3))
    yardstick = _seconds(lambda: json.loads(valid))
    elapsed = _seconds(_fails(reply))
    # Generous: the worst kind here takes ~20 yardsticks; a quadratic parse took hours.
    assert elapsed < 100 * yardstick + 0.05, (name, elapsed, yardstick)
    # And four times the text takes about four times as long, not sixteen.
    small = _seconds(_fails(make(size // 4)))
    assert elapsed < 8 * small + 0.05, (name, elapsed, small)
