"""Acronyms are merged only with what they stand for; terms that differ in case both count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genglossary_gui import cli
from genglossary_gui.engines.builtin import rules
from genglossary_gui.pipeline.reading import sentences
from genglossary_gui.pipeline.text import TermMatcher, abbreviation_pairs

ABSTRACT = """Heart Failure Outcomes in a Cohort Study
BACKGROUND: Heart failure (HF) is a clinical syndrome. Acute heart failure is common.
Chronic heart failure progresses slowly. Systolic heart failure was rare.
RESULTS: The confidence interval (CI) was wide. Values correlated inversely with age.
Coronary intervention was done in 40 patients.
Left ventricular ejection fraction (LVEF) fell. Ejection fraction was measured twice.
Patients with preserved left ventricular (LV) function did well.
"""

TERMS = [
    "HF",
    "heart failure",
    "acute heart failure",
    "chronic heart failure",
    "systolic heart failure",
    "CI",
    "confidence interval",
    "correlated inversely",
    "coronary intervention",
    "LVEF",
    "left ventricular ejection fraction",
    "ejection fraction",
    "LV",
    "left ventricular",
    "preserved left ventricular",
]


def _duplicates() -> set[tuple[str, str]]:
    entries = rules.generate_entries([(t, "en") for t in TERMS], [("a.txt", ABSTRACT)])
    return {(a, b) for a, b, reason in rules.find_duplicates(entries) if "acronym" in reason}


def test_an_acronym_is_merged_only_with_the_phrase_it_stands_for() -> None:
    assert _duplicates() == {
        ("HF", "heart failure"),
        ("CI", "confidence interval"),
        ("LVEF", "left ventricular ejection fraction"),
        # LV is paired only inside "preserved left ventricular (LV)", a longer phrase whose
        # initials do not match: no merge rather than a wrong one.
    }


def test_matching_initials_without_a_pairing_need_a_single_candidate() -> None:
    text = "The API server answers. An application programming interface helps.\n"
    entries = rules.generate_entries(
        [("API", "en"), ("application programming interface", "en")], [("a.md", text)]
    )
    assert [(a, b) for a, b, _ in rules.find_duplicates(entries)] == [
        ("API", "application programming interface")
    ]
    both = "Access points interfere. An application programming interface helps. API.\n"
    entries = rules.generate_entries(
        [
            ("API", "en"),
            ("application programming interface", "en"),
            ("access points interfere", "en"),
        ],
        [("a.md", both)],
    )
    assert rules.find_duplicates(entries) == []  # two phrases fit: ambiguous, none merged


def test_terms_that_differ_only_in_case_are_both_found() -> None:
    matcher = TermMatcher(["Run", "run"])
    assert matcher.find("Run the tool, then run it again.") == ["Run", "run"]
    text = "# Run\n\nTo run the tool, type its name.\n"
    entries = {
        e.term: e for e in rules.generate_entries([("Run", "en"), ("run", "en")], [("a.md", text)])
    }
    assert entries["Run"].occurrences and entries["run"].occurrences
    issues = rules.review_entries(list(entries.values()), rules.general_zipf)
    assert not any("does not occur" in i.description for i in issues)


def test_a_label_or_a_title_line_ends_a_sentence() -> None:
    texts = [s.text for s in sentences("a.txt", ABSTRACT)]
    assert texts[0] == "Heart Failure Outcomes in a Cohort Study"
    assert "Heart failure (HF) is a clinical syndrome." in texts
    assert "The confidence interval (CI) was wide." in texts


VARIANTS = """A write-ahead log is a file of changes. The write-ahead logs grow.
Every write ahead log is flushed. Write ahead logs are small files that servers keep.
The diabetes clinic sees diabetes patients. Diabetes is a disease of the blood sugar.
The time series is long. Time series are data that change over time.
The write caches fill up. A write cache is a buffer in memory.
"""


def test_variants_count_as_one_term_with_its_variants_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from genglossary_gui.pipeline.text import singular

    assert [singular(w) for w in ("diabetes", "series", "caches", "analyses", "shards")] == [
        "diabetes",
        "series",
        "cache",
        "analysis",
        "shard",
    ]
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(VARIANTS + VARIANTS.replace("is long", "is short"))
    (docs / "b.txt").write_text("Ｗｒｉｔｅ－ａｈｅａｄ ｌｏｇｓ are files that hold changes.\n")
    out = tmp_path / "g.json"
    assert cli.main(["generate", "--input", str(docs), "--output", str(out)]) == 0
    capsys.readouterr()
    entries = {e["term"]: e for e in json.loads(out.read_text(encoding="utf-8"))["entries"]}
    spellings = ("write ahead log", "write ahead logs")
    log = [t for t in entries if t.replace("-", " ").casefold() in spellings]
    assert len(log) == 1, entries.keys()
    assert entries[log[0]]["aliases"]  # the other spelling, listed as a variant
    assert "diabetes" in entries and "diabete" not in entries
    assert "time series" in entries and "time sery" not in entries
    assert "write cache" in entries and "write cach" not in entries
    assert "write-ahead" not in entries  # a fragment of the longer term only


@pytest.mark.parametrize(
    ("sentence", "pairs"),
    [
        ("Acute heart failure (AHF) is common.", [("acute heart failure", "AHF")]),
        ("AHF (acute heart failure) is common.", [("acute heart failure", "AHF")]),
        ("The odds ratio (OR, 1.2) was high.", [("odds ratio", "OR")]),
        ("Nitric oxide (NO) levels rose.", [("nitric oxide", "NO")]),
        ("The World Health Organization (WHO) agreed.", [("World Health Organization", "WHO")]),
        ("Results (n = 12) were good.", []),
        ("It was significant (p < 0.05).", []),
        ("The hazard (see above) was low.", []),
        ("The coronary intervention (CI) rate fell.", [("coronary intervention", "CI")]),
        ("The rate fell sharply (CI) overall.", []),
    ],
)
def test_abbreviation_pairs_need_the_letters_in_order(
    sentence: str, pairs: list[tuple[str, str]]
) -> None:
    assert abbreviation_pairs(sentence) == pairs


def test_an_abbreviation_entry_says_what_it_abbreviates_and_claims_no_definition() -> None:
    documents = [("a.txt", "Acute heart failure (AHF) needs care.\nAHF is frequent in winter.\n")]
    (entry,) = rules.generate_entries([("AHF", "en")], documents)
    assert (entry.kind, entry.definition) == ("abbreviation", "Abbreviation of acute heart failure")
    assert (entry.source_line, entry.confidence) == (1, rules.ABBREVIATION_CONFIDENCE)
    (entry,) = rules.generate_entries([("AHF", "en")], [("b.txt", "AHF is frequent.\n")])
    assert entry.kind == "usage" and entry.confidence < rules.ABBREVIATION_CONFIDENCE
