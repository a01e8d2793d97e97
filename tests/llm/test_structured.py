"""Structured output from replies real models give."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from typing import Literal

import pytest
from pydantic import BaseModel, Field

from genglossary_gui.engines.model import Judgement, Review
from genglossary_gui.llm.structured import StructuredOutputError, extract_json, parse, schema_of


class Reply(BaseModel):
    term: str
    definition: str = Field(min_length=1)
    keep: bool = True
    category: Literal["concept", "product", "process"] = "concept"
    aliases: list[str] = []


SCHEMA = Reply


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
    assert value.term == "WAL"


def test_arrays_and_first_value_wins() -> None:
    assert extract_json('[1, 2] and then {"a": 1}') == [1, 2]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ({"term": "WAL"}, "$.definition: Field required"),
        ({"term": 3, "definition": "x"}, "$.term: Input should be a valid string"),
        ({"term": "a", "definition": "b", "category": "thing"}, "$.category: Input should be"),
        ({"term": "a", "definition": "b", "aliases": ["x", 2]}, "$.aliases[1]: Input should be"),
        ({"term": "a", "definition": "b", "keep": "perhaps"}, "$.keep: Input should be"),
        (["not", "an", "object"], "Input should be a valid dictionary"),
    ],
)
def test_validation_names_the_problem(value: object, problem: str) -> None:
    with pytest.raises(StructuredOutputError) as info:
        parse(json.dumps(value), SCHEMA)
    assert problem in str(info.value)


@pytest.mark.parametrize(
    "reply",
    [
        '{"term": "WAL", "definition": "A log.",}',  # trailing comma
        "{'term': 'WAL', 'definition': 'A log.'}",  # single quotes
        '{"term": "WAL", "definition": "A log of every change',  # cut off mid-string
        'Here: {"term": "WAL", "definition": "A log." ',  # never closed
    ],
)
def test_sloppy_json_is_mended_before_a_re_ask(reply: str) -> None:
    assert parse(reply, SCHEMA).term == "WAL"


def test_a_mended_reply_must_still_fit_the_schema() -> None:
    # Cut before the definition began: mended, it has an empty definition, which is no answer.
    with pytest.raises(StructuredOutputError, match=r"\$\.definition"):
        parse('{"term": "WAL", "definition": ', SCHEMA)


def test_schemas_sent_to_servers_are_plain_nested_objects() -> None:
    schema = schema_of(Judgement)
    text = json.dumps(schema)
    assert "$ref" not in text and "$defs" not in text and "title" not in text
    item = schema["properties"]["terms"]["items"]
    assert item["required"] == ["term", "keep"]
    assert item["properties"]["keep"]["type"] == "boolean"
    issue = schema_of(Review)["properties"]["issues"]["items"]
    assert set(issue["properties"]["type"]["enum"]) == {
        "unclear",
        "circular",
        "duplicate",
        "contradiction",
        "unnecessary",
    }


def test_unusable_replies_keep_the_raw_text() -> None:
    with pytest.raises(StructuredOutputError) as info:
        parse("I cannot help with that.", SCHEMA)
    assert info.value.raw == "I cannot help with that."
    with pytest.raises(StructuredOutputError, match=r"\$\.definition: Field required"):
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
