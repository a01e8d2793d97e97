"""Structured output from replies real models give."""

from __future__ import annotations

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
