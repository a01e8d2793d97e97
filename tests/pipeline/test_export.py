"""Every export format, parsed back and compared with the glossary."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from genglossary_gui.pipeline.export import ExportEntry, export

NS = {"t": "urn:iso:std:iso:30042:ed-2"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

ENTRIES = [
    ExportEntry(
        "write-ahead log",
        "en",
        'A write-ahead log is a file of changes, 1 < 2 & "so".',
        "definition",
        0.9,
        "storage.md",
        3,
        aliases=["WAL"],
        see_also=["checkpoint"],
    ),
    ExportEntry(
        "checkpoint",
        "en",
        "My own words about checkpoints.",
        "edited",
        0.95,
        "operations.txt",
        3,
        see_also=["write-ahead log"],
    ),
    ExportEntry(
        "転置索引",
        "ja",
        "転置索引とは、単語から文書を引く索引である。",
        "definition",
        0.9,
        "概要.md",
        3,
    ),
    ExportEntry(
        "storage engine",
        "en",
        "The storage engine flushes pages.",
        "context",  # the name of schema 4 and before for a usage example
        0.4,
        "operations.txt",
        1,
    ),
    ExportEntry(
        "MVCC",
        "en",
        "Abbreviation of multi-version concurrency control",
        "abbreviation",
        0.5,
        "storage.md",
        9,
    ),
]


def test_csv_round_trip() -> None:
    rows = list(csv.DictReader(io.StringIO(export(ENTRIES, "csv"))))
    assert [r["term"] for r in rows] == [
        "checkpoint",
        "MVCC",
        "storage engine",
        "write-ahead log",
        "転置索引",
    ]
    wal = rows[3]
    assert wal["definition"] == ENTRIES[0].definition
    assert (wal["aliases"], wal["see_also"], wal["source"]) == ("WAL", "checkpoint", "storage.md:3")
    assert float(wal["confidence"]) == 0.9
    assert rows[0]["definition_kind"] == "edited"


def test_json_round_trip() -> None:
    data = json.loads(export(ENTRIES, "json", title="Storage"))
    assert data["title"] == "Storage"
    by_term = {e["term"]: e for e in data["entries"]}
    for entry in ENTRIES[:4]:
        got = by_term[entry.term]
        text = got["definition"] or got["usage"]
        assert (text, got["aliases"], got["see_also"], got["confidence"]) == (
            entry.definition,
            entry.aliases,
            entry.see_also,
            entry.confidence,
        )
        assert (got["source_path"], got["source_line"]) == (entry.source_path, entry.source_line)


def test_only_a_definition_is_exported_as_one() -> None:
    """A usage example and an abbreviation note have fields of their own in every format: no
    program reading the export takes them for definitions."""
    data = {e["term"]: e for e in json.loads(export(ENTRIES, "json"))["entries"]}
    usage, abbreviation = data["storage engine"], data["MVCC"]
    assert (usage["definition"], usage["definition_kind"]) == ("", "usage")
    assert usage["usage"] == "The storage engine flushes pages."
    assert (abbreviation["definition"], abbreviation["definition_kind"]) == ("", "abbreviation")
    assert abbreviation["note"] == "Abbreviation of multi-version concurrency control"
    assert data["転置索引"]["definition_kind"] == "definition"
    rows = {r["term"]: r for r in csv.DictReader(io.StringIO(export(ENTRIES, "csv")))}
    assert (rows["storage engine"]["definition"], rows["storage engine"]["usage"]) == (
        "",
        "The storage engine flushes pages.",
    )
    assert (rows["MVCC"]["definition"], rows["MVCC"]["definition_kind"]) == ("", "abbreviation")
    root = ET.fromstring(export(ENTRIES, "tbx").encode())
    (mvcc,) = [
        c
        for c in root.iter(f"{{{NS['t']}}}conceptEntry")
        if c.find(".//t:term", NS).text == "MVCC"  # type: ignore[union-attr]
    ]
    assert mvcc.find(".//t:descrip[@type='definition']", NS) is None
    assert mvcc.find("t:langSec/t:note", NS).text == ENTRIES[4].definition  # type: ignore[union-attr]
    markdown = export(ENTRIES, "md")
    assert "*Abbreviation of multi-version concurrency control.*" in markdown
    assert "*Usage:* The storage engine flushes pages." in markdown


def test_tbx_basic_structure() -> None:
    root = ET.fromstring(export(ENTRIES, "tbx", title="Storage", language="en").encode())
    assert root.tag == "{urn:iso:std:iso:30042:ed-2}tbx"
    assert (root.get("type"), root.get("style"), root.get(XML_LANG)) == ("TBX-Basic", "dca", "en")
    assert root.find("t:tbxHeader/t:fileDesc/t:titleStmt/t:title", NS).text == "Storage"  # type: ignore[union-attr]
    concepts = root.findall("t:text/t:body/t:conceptEntry", NS)
    assert len(concepts) == len(ENTRIES)
    ids = {c.get("id") for c in concepts}
    assert len(ids) == len(ENTRIES)
    by_term = {}
    for concept in concepts:
        lang_sec = concept.find("t:langSec", NS)
        assert lang_sec is not None and lang_sec.get(XML_LANG) in ("en", "ja")
        terms = [t.text for t in lang_sec.findall("t:termSec/t:term", NS)]
        types = [n.text for n in lang_sec.findall("t:termSec/t:termNote[@type='termType']", NS)]
        assert types[0] == ("acronym" if terms[0] == "MVCC" else "fullForm")
        by_term[terms[0]] = (concept, lang_sec, terms, types)
    concept, lang_sec, terms, types = by_term["write-ahead log"]
    assert terms == ["write-ahead log", "WAL"] and types == ["fullForm", "acronym"]
    definition = lang_sec.find("t:descrip[@type='definition']", NS)
    assert definition is not None and definition.text == ENTRIES[0].definition
    ref = concept.find("t:ref[@type='crossReference']", NS)
    assert ref is not None and ref.text == "checkpoint"
    assert ref.get("target") == by_term["checkpoint"][0].get("id")
    assert by_term["転置索引"][1].get(XML_LANG) == "ja"
    # A mere mention is exported as context, not as a definition.
    engine_sec = by_term["storage engine"][1]
    assert engine_sec.find(".//t:descrip[@type='definition']", NS) is None
    # TBX-Basic keeps a context sentence with its term.
    assert engine_sec.find("t:termSec/t:descrip[@type='context']", NS) is not None


def test_markdown_snapshot() -> None:
    expected = (Path(__file__).parents[1] / "data" / "export_snapshot.md").read_text("utf-8")
    assert export(ENTRIES, "md", title="Storage") == expected


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown format"):
        export(ENTRIES, "docx")


def test_tbx_drops_characters_xml_forbids_and_types_acronyms() -> None:
    entry = ExportEntry(
        "DNS",
        "en",
        "The DNS\x0c maps names\x00 to addresses.",
        "definition",
        0.9,
        aliases=["domain name system"],
    )
    root = ET.fromstring(export([entry], "tbx").encode())  # would fail on \x0c or \x00
    sec = root.find("t:text/t:body/t:conceptEntry/t:langSec", NS)
    assert sec is not None
    assert sec.find("t:descrip", NS).text == "The DNS maps names to addresses."  # type: ignore[union-attr]
    types = [n.text for n in sec.findall("t:termSec/t:termNote", NS)]
    assert types == ["acronym", "variant"]


def test_markdown_anchors_are_distinct_and_line_starts_escaped() -> None:
    entries = [
        ExportEntry("C++", "en", "1. A language.", "definition", 0.9, see_also=["C#"]),
        ExportEntry("C#", "en", "- Another one.", "definition", 0.9),
    ]
    text = export(entries, "md")
    assert '<a id="term-c"></a>' in text and '<a id="term-c-2"></a>' in text
    assert "[C\\#](#term-c)" in text  # C# sorts first and keeps the plain anchor
    assert "\n1\\. A language." in text and "\n\\- Another one." in text
