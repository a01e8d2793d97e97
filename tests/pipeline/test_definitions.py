"""Definition patterns, English and Japanese, positive and negative."""

from __future__ import annotations

import pytest

from genglossary_gui.engines.builtin.definitions import defining_pattern
from genglossary_gui.engines.builtin.rules import is_circular
from genglossary_gui.pipeline.reading import sentences
from genglossary_gui.pipeline.text import TermMatcher


@pytest.mark.parametrize(
    ("term", "sentence", "pattern"),
    [
        ("checkpoint", "A checkpoint is the point up to which every page is on disk.", "is-a"),
        ("replicas", "Replicas are the servers that follow the primary.", "is-a"),
        ("write-ahead log", "The write-ahead log is a file of changes.", "is-a"),
        ("API", "An API is a contract between programs.", "is-a"),
        ("latency", "Latency is defined as the time a request waits.", "defined-as"),
        ("replication lag", "Replication lag refers to the delay of a replica.", "refers-to"),
        ("MVCC", "MVCC means that readers never block writers.", "refers-to"),
        ("shard", "Each shard, a slice of the index, lives on one server.", "appositive"),
        ("WAL", "The write-ahead log (WAL) records changes.", "parenthesis"),
        ("MVCC", "Multi-Version Concurrency Control (MVCC) lets readers work.", "parenthesis"),
        ("転置索引", "転置索引とは、単語から文書を引く索引である。", "toha"),
        ("転置索引", "検索では、転置索引とは単語の一覧を指す。", "toha"),
        ("形態素", "形態素は意味を持つ最小の単位のことである。", "no-koto"),
        ("ＡＰＩ", "APIはプログラム同士の約束のことだ。", "no-koto"),
        ("シャード", "シャードは索引の一部を指す。", "wo-sasu"),
        ("辞書", "辞書は単語の一覧である。", "wa-dearu"),
        ("分散索引", "分散索引（シャード）は複数のサーバーに置かれる。", "parenthesis"),
        # Emphasis, code and quotation marks around the term.
        ("shard", "**Shard** is a horizontal partition of the index.", "is-a"),
        ("kubectl", "`kubectl` is a command-line tool.", "is-a"),
        ("シャード", "「シャード」とは索引の一部である。", "toha"),
    ],
)
def test_defining_sentences(term: str, sentence: str, pattern: str) -> None:
    assert defining_pattern(term, sentence) == pattern


@pytest.mark.parametrize(
    ("term", "sentence"),
    [
        # Mentions are not definitions.
        ("checkpoint", "The storage engine flushes pages at each checkpoint."),
        ("API", "The API server exposes the model."),
        ("replica", "A replica serves reads."),  # no article after the verb
        ("replica", "Every replica is important."),  # an adjective, not a class
        ("page", "The page cache is a buffer."),  # another term's definition
        ("log", "The write-ahead log is a file."),  # inside a longer term
        ("latency", "We measured latency, then throughput."),  # a list, not an apposition
        ("形態素解析器", "形態素解析器の辞書データを更新する。"),
        ("辞書", "辞書データは毎日更新される。"),  # 辞書 inside 辞書データ
        ("索引", "分散索引（シャード）は複数のサーバーに置かれる。"),  # inside a compound
        ("スコアリング", "スコアリングでは単語の出現頻度を使う。"),
        ("サーバ", "各サーバは索引を持つ。"),  # は, but no である/のこと
        ("シャード", "シャードとは何ですか？"),  # a question
        ("shard", "Is a shard a partition?"),
        ("shard", "We rebuilt the shard, the index and the cache, then left."),  # a list
        ("shard", "Look at the shard (see below)."),  # a cross-reference
        ("索引", "索引（後述）を参照する。"),
        ("replica", "The replica (3) lags."),
    ],
)
def test_mentions_are_not_definitions(term: str, sentence: str) -> None:
    assert defining_pattern(term, sentence) is None


def test_circular_definitions() -> None:
    assert is_circular("system", "System is a system.")
    assert is_circular("machine learning", "Machine learning is the learning of machines.")
    assert is_circular("形態素解析", "形態素解析とは形態素解析のことである。")
    assert not is_circular("checkpoint", "A checkpoint is the point up to which pages are safe.")
    assert not is_circular("転置索引", "転置索引とは、単語から文書を引く索引である。")


def test_sentences_keep_their_lines() -> None:
    text = (
        "# Title\n\nFirst one. Second\nspans lines. Third!\n- item\n\n一文目。二文目。\n"
        "三文目。\n- A shard is a horizontal\n  partition of the index.\n- Next item\n"
    )
    found = [(s.line, s.text) for s in sentences("a.md", text)]
    assert found == [
        (1, "Title"),
        (3, "First one."),
        (3, "Second spans lines."),
        (4, "Third!"),
        (5, "item"),
        (7, "一文目。"),
        (7, "二文目。"),
        (8, "三文目。"),
        # A wrapped list item is one sentence.
        (9, "A shard is a horizontal partition of the index."),
        (11, "Next item"),
    ]


def test_term_matcher_handles_width_case_plural_and_compounds() -> None:
    matcher = TermMatcher(["API", "write-ahead log", "転置索引", "索引"])
    assert matcher.find("Two ＡＰＩｓ and the Write-Ahead Logs.") == ["API", "write-ahead log"]
    assert matcher.find("転置索引を使う。") == ["転置索引"]  # the longest match wins
    assert matcher.find("The rapid growth.") == []


def test_term_matcher_keeps_symbols_and_katakana_boundaries() -> None:
    matcher = TermMatcher(["C++", "C#", "C", "ログ"])
    assert matcher.find("We use C# and C++, not C.") == ["C#", "C++", "C"]
    assert matcher.find("ブログとカタログ。") == []  # ログ inside longer katakana words
    assert matcher.find("ログを見る。") == ["ログ"]


def test_duplicates_need_the_whole_acronym_and_real_plurals() -> None:
    from genglossary_gui.engines.builtin.rules import find_duplicates
    from genglossary_gui.pipeline.data import Entry

    terms = [
        "OS",
        "operating system",
        "CSS",
        "cascading style sheets",
        "TLS",
        "transport layer",
        "news",
        "new",
        "process",
        "processes",
        "APIs",
        "API",
    ]
    pairs = {(a, b) for a, b, _ in find_duplicates([Entry(t, "en", "", "none") for t in terms])}
    assert pairs == {
        ("OS", "operating system"),
        ("CSS", "cascading style sheets"),
        ("processes", "process"),
        ("API", "APIs"),
    }


def test_a_japanese_quality_is_no_definition() -> None:
    from genglossary_gui.engines.builtin.definitions import defining_pattern

    assert defining_pattern("データ", "データは大切である。") is None
    assert defining_pattern("索引", "索引は効率的である。") is None
    assert defining_pattern("索引", "索引は検索を速くするための構造である。") == "wa-dearu"


def test_a_relative_clause_defines_the_phrase_before_it() -> None:
    from genglossary_gui.engines.builtin.definitions import defining_pattern
    from genglossary_gui.engines.builtin.mining import mine_sentence

    sentence = (
        "The quality that has received attention is positive affect, which refers to "
        "pleasurable engagement with the environment."
    )
    assert [d.term for d in mine_sentence(sentence)] == ["positive affect"]
    assert defining_pattern("positive affect", sentence) == "which"
    assert mine_sentence("We ran the tests, which are slow.") == []
    assert mine_sentence("He left early, which is a pity.") == []


def test_more_ways_to_name_and_define() -> None:
    from genglossary_gui.engines.builtin.definitions import defining_pattern
    from genglossary_gui.engines.builtin.mining import mine_sentence

    sentence = "Social support can be thought of as the soothing impact of friends and family."
    assert [d.term for d in mine_sentence(sentence)] == ["social support"]
    assert defining_pattern("social support", sentence) == "defined-as"
    sentence = "Income below a certain level — called the poverty line — defines need."
    assert [d.term for d in mine_sentence(sentence)] == ["poverty line"]
    assert defining_pattern("poverty line", sentence) == "called"
    sentence = (
        "A policy that lowers rates is known as an expansionary monetary policy or loose policy."
    )
    assert defining_pattern("expansionary monetary policy", sentence) == "called"


def test_statistics_in_parentheses_define_nothing() -> None:
    from genglossary_gui.engines.builtin import rules

    text = (
        "Mortality (12.5%) fell in the treated group.\n"
        "Mortality was lower with the drug (HR 0.82, 95% CI 0.70-0.96).\n"
    )
    (entry,) = rules.generate_entries([("mortality", "en")], [("a.txt", text)])
    assert entry.kind == "usage" and entry.confidence <= 0.4
