"""Regressions found in review of the glossary-quality changes: each case a user would meet."""

from __future__ import annotations

import pytest

from genglossary_gui.engines.builtin import rules
from genglossary_gui.engines.builtin.definitions import defining_pattern
from genglossary_gui.engines.builtin.extract import TermExtractor
from genglossary_gui.engines.builtin.mining import mine_sentence, with_defined_terms
from genglossary_gui.pipeline.reading import prose, sentences
from genglossary_gui.pipeline.text import term_key
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.models import Term, TermStatus


@pytest.mark.parametrize(
    "sentence",
    [
        "The function is called with two arguments.",
        "The handler is called asynchronously.",
        "For example, the cache, a store of pages, is small.",
        "In addition, the index, a map of words, is rebuilt.",
        "The result is a list of terms.",
        "従来の方式とは異なり、索引を分割する。",
        "この値が常に正しいとは限らない。",
        "索引を使うということは、検索を速くすることである。",
        "検索が遅いという不満がある。",
    ],
)
def test_what_only_looks_like_a_definition_defines_no_term(sentence: str) -> None:
    assert mine_sentence(sentence) == []


def test_proper_names_keep_their_capitals() -> None:
    (found,) = mine_sentence("The Industrial Revolution is a period of rapid change.")
    assert found.term == "Industrial Revolution"


def test_an_exclusion_holds_when_the_documents_switch_to_the_plural(data_dir: object) -> None:
    project = repo.create_project("P")
    repo.replace_candidate_terms(project, [repo.TermRecord("write cache", "en", 1.0, 3, 1)])
    (term,) = Term.select().where(Term.project == project)
    repo.set_term_status(project, [term.id], TermStatus.EXCLUDED)
    later = [repo.TermRecord("write caches", "en", 2.0, 5, 2)]
    repo.replace_candidate_terms(project, later, key=term_key)
    rows = list(Term.select().where(Term.project == project))
    assert [(t.text, t.status) for t in rows] == [("write cache", "excluded")]
    assert repo.glossary_terms(project, 300) == []


def test_an_excluded_plural_blocks_its_defined_singular() -> None:
    from genglossary_gui.engines.builtin.mining import DefinedTerm

    defined = [DefinedTerm("policy", "en", "is-a"), DefinedTerm("index", "en", "is-a")]
    assert with_defined_terms([], defined, excluded={"policies", "indices"}) == []


def test_nouns_that_follow_to_or_end_in_common_words_stay_terms() -> None:
    text = (
        "The response time grows. A short response time matters. Pages are flushed to disk. "
        "The hard disk fails. Data is copied to memory. The main memory is small. "
        "The hard disk holds pages. The main memory holds rows. The response time is low.\n"
    )
    extractor = TermExtractor()
    extractor.add(text * 2, "en", markdown=False)
    texts = {t.text for t in extractor.ranked()}
    assert {"response time", "hard disk"} <= texts


def test_fences_close_only_on_a_fence_as_long_and_tildes_in_text_are_text() -> None:
    markdown = "````\n```\ninner code\n```\n````\nA shard is a slice.\n"
    assert prose(markdown, markdown=True) == "A shard is a slice."
    assert [(s.line, s.text) for s in sentences("a.md", markdown)] == [(6, "A shard is a slice.")]
    plain = "Title\n~~~\nA replica is a copy.\n"
    assert [s.text for s in sentences("a.txt", plain)][-1].endswith("A replica is a copy.")


def test_a_term_written_as_code_is_still_defined() -> None:
    text = "`kubectl` is a command-line tool for clusters.\nRun `kubectl` often.\n"
    (entry,) = rules.generate_entries([("kubectl", "en")], [("a.md", text)])
    assert entry.kind == "definition"


def test_an_acronym_a_glossary_list_defines_keeps_its_line() -> None:
    texts = [s.text for s in sentences("a.md", "MVCC: a technique that keeps row versions.\n")]
    assert texts == ["MVCC: a technique that keeps row versions."]


def test_a_wrapped_japanese_first_line_is_not_a_title() -> None:
    text = "転置索引とは、単語から文書を引くための\n索引である。\n"
    assert [s.text for s in sentences("a.txt", text)] == [
        "転置索引とは、単語から文書を引くための索引である。"
    ]


def test_a_line_break_in_japanese_text_is_no_space_and_between_words_one() -> None:
    lines = [
        "酒母に麹と蒸米と水を三回に分けて加える",
        "方法を三段仕込みという。索引は",
        "B-tree で作る。",
    ]
    text = "\n".join(lines) + "\n"
    assert [s.text for s in sentences("a.md", text)] == [
        "酒母に麹と蒸米と水を三回に分けて加える方法を三段仕込みという。",
        "索引は B-tree で作る。",
    ]
    english = "A drip line is a flexible\nhose with emitters.\n"
    assert [s.text for s in sentences("a.md", english)] == [
        "A drip line is a flexible hose with emitters."
    ]
    # The sentence starts on the line of its first character, as before.
    lines = [s.line for s in sentences("a.md", "前の文。次の文は\n二行目に続く。\n")]
    assert lines == [1, 1]


def test_irregular_plurals_match_their_defining_sentence() -> None:
    assert (
        defining_pattern(
            "diagnostic criteria", "Diagnostic criteria are rules that doctors follow."
        )
        is not None
    )
    assert defining_pattern("inverted indices", "An inverted index is a map of words.")


def test_an_acronym_is_merged_with_the_expansion_the_documents_give() -> None:
    text = "Deoxyribonucleic acid (DNA) is the hereditary material. DNA is copied.\n"
    entries = rules.generate_entries(
        [("DNA", "en"), ("deoxyribonucleic acid", "en")], [("a.md", text)]
    )
    assert [(a, b) for a, b, _ in rules.find_duplicates(entries)] == [
        ("DNA", "deoxyribonucleic acid")
    ]


def test_a_term_mentioned_only_in_short_sentences_keeps_its_occurrences() -> None:
    text = "# Concurrency\n\nConcurrency matters.\n\nConcurrency helps.\n"
    (entry,) = rules.generate_entries([("Concurrency", "en")], [("a.md", text)])
    assert entry.occurrences and entry.kind == "usage"


def test_unnecessary_never_drops_a_term_the_documents_define() -> None:
    """However common the word, a term the documents define is theirs (a weak pattern too)."""
    entries = rules.generate_entries(
        [("transaction", "en"), ("system", "en")],
        [
            (
                "a.txt",
                "A transaction, a unit of work that commits or aborts, is logged.\n"
                "The system is fast. The system is small.\n",
            )
        ],
    )
    kinds = {e.term: e.kind for e in entries}
    assert kinds == {"transaction": "definition", "system": "usage"}
    issues = rules.review_entries(entries, rules.general_zipf)
    unnecessary = {i.term for i in issues if i.type == "unnecessary"}
    assert unnecessary == {"system"}


def test_names_and_acronyms_are_not_everyday_words() -> None:
    """General-language frequency says nothing of "Cargo" the tool or "OR" the odds ratio."""
    entries = [
        rules.Entry("Cargo", "en", "Cargo builds crates.", "usage", "a.md", 1, 0.3),
        rules.Entry("OR", "en", "The OR was 1.2.", "usage", "a.md", 2, 0.3),
        rules.Entry("cargo", "en", "The ship's cargo is heavy.", "usage", "a.md", 3, 0.3),
    ]
    issues = rules.review_entries(entries, rules.general_zipf)
    assert {i.term for i in issues if i.type == "unnecessary"} == {"cargo"}
