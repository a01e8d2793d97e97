"""The term matcher (one automaton over all terms), the definition patterns (compiled once per
language, the term matched in plain Python) and mining (a pattern tried only when the sentence
has its words) give exactly what the per-term regular expressions, the word n-gram lookup and
mining trying every pattern gave: ``_reference_matching.py`` keeps those, and every test here
compares the two, on tricky cases, on the test corpora and on generated sentences."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genglossary_gui.engines.builtin import mining
from genglossary_gui.engines.builtin.definitions import defining_pattern, prepare
from genglossary_gui.engines.builtin.extract import TermExtractor
from genglossary_gui.pipeline import text as text_module
from genglossary_gui.pipeline.reading import sentences
from genglossary_gui.pipeline.text import TermMatcher, is_japanese
from tests.pipeline import _reference_matching as reference

DATA = Path(__file__).resolve().parents[1] / "data"


def _same(terms: list[str], sentence: str) -> list[str]:
    """Asserts the new and the old matcher and patterns agree on ``sentence``; returns what
    the matcher found."""
    found = TermMatcher(terms).find(sentence)
    assert found == reference.TermMatcher(terms).find(sentence), (terms, sentence)
    assert mining.mine_sentence(sentence) == reference.mine_sentence(sentence), sentence
    prepared = prepare(sentence)
    for term in terms:
        expected = reference.defining_pattern(term, sentence)
        assert defining_pattern(term, sentence) == expected, (term, sentence)
        assert defining_pattern(term, sentence, prepared) == expected, (term, sentence)
    return found


@pytest.mark.parametrize(
    ("terms", "sentence", "found"),
    [
        # Overlapping terms: the longest one at a place, then on after it.
        (
            ["write-ahead log", "write-ahead", "log", "ahead log"],
            "The write-ahead log and the write-ahead logs, then a log.",
            ["write-ahead log", "log"],
        ),
        (["ahead log", "write-ahead"], "A write-ahead log.", ["write-ahead"]),
        # A term inside a longer one is not found there, but is found alone.
        (
            ["index", "inverted index", "inverted indices"],
            "An inverted index is an index of words.",
            ["inverted index", "inverted indices", "index"],
        ),
        # Plurals and singulars, both ways; acronyms' plurals.
        (
            ["page", "analysis", "API", "series", "criterion", "write caches"],
            "Analyses of APIs, criteria, pages, a series and a write cache.",
            ["analysis", "API", "criterion", "page", "series", "write caches"],
        ),
        (["pages"], "A page is a block.", ["pages"]),
        # Case: terms differing only in case are all found wherever their key is.
        (["Run", "run", "RUN"], "Run the tool, then run it.", ["Run", "run", "RUN"]),
        # Word boundaries: C++, C#, C are three words; no log in blog or catalog.
        (["C++", "C#", "C", "log"], "C++ and C# differ from C; see the blog catalog.", None),
        (["log"], "The log-in page has logs and a log's tail.", ["log"]),
        (["e-mail", "mail"], "Send e-mail, not mail.", ["e-mail", "mail"]),
        # Japanese: the longest first, katakana not inside a longer katakana word.
        (
            ["転置索引", "索引", "ログ", "ブログ", "サーバー", "API連携", "API"],
            "転置索引と索引。ブログのログ。API連携でAPIを使う。ログインする。",
            # API in API連携 too: the English word and the Japanese term both start there.
            ["転置索引", "索引", "ブログ", "ログ", "API", "API連携"],
        ),
        (["ＡＰＩ", "シャード"], "APIはシャードを使う。", ["ＡＰＩ", "シャード"]),
        (["ログ"], "ログイン、カタログ、ログ。", ["ログ"]),
        (["データ", "データ構造"], "データ構造とデータ。", ["データ構造", "データ"]),
        # Japanese and English terms in one sentence, in order of appearance.
        (["索引", "shard"], "shard は索引の一部である。", ["shard", "索引"]),
        # Astral characters before a term keep positions right.
        (["𠮷野家", "野家"], "𠮷野家と野家。", ["𠮷野家", "野家"]),
    ],
)
def test_tricky_sentences_give_what_the_old_matcher_gave(
    terms: list[str], sentence: str, found: list[str] | None
) -> None:
    got = _same(terms, sentence)
    if found is not None:
        assert got == found


@pytest.mark.parametrize(
    ("term", "sentence"),
    [
        ("checkpoint", "A checkpoint is the point up to which every page is on disk."),
        ("pages", "A page is a fixed-size block."),
        ("criteria", "A criterion is a standard."),
        ("acute heart failure", "Acute heart failure (AHF) is defined as a rapid onset."),
        ("acute heart failure", "Acute heart failures (AHF) are defined as onsets."),
        ("write cache", "Write caches can be thought of as buffers."),
        ("opportunity cost", "Opportunity cost refers to what is given up."),
        ("chromosome", "Chromosomes are structures within the nucleus."),
        ("mismatch repair", "This type of repair is known as the mismatch repair, or MMR."),
        ("positive affect", "Attention is positive affect, which refers to engagement."),
        ("shard", "Each shard, a slice of the index, lives on one server."),
        ("shard", "Every shard, the index and the cache, then left."),
        ("shard", "A shard, a slice, lives."),
        ("WAL", "The write-ahead log (WAL) records changes."),
        ("write-ahead log", "The write-ahead log (see below) records changes."),
        ("MVCC", "Multi-Version Concurrency Control (MVCC) lets readers work."),
        ("MVCC", "Multi-Version Concurrency Control ( MVCC ) lets readers work."),
        ("MVCC", "Control (3) and version control (MVCC) work."),
        ("a priori", "A priori is a kind of knowledge."),
        ("an", "An is an article."),
        ("the", "The the is a word."),
        ("shard", "The  shard\tis\na slice."),
        ("shard", "**Shard** is a slice."),
        ("shard", "Is a shard a slice?"),
        ("x", "X is a letter."),
        ("転置索引", "転置索引とは、単語から文書を引く索引である。"),
        ("転置索引", "検索では、転置索引とは単語の一覧を指す。"),
        ("転置索引", "とても長い前置きの文章がここに、転置索引とは単語の一覧を指す。"),
        ("形態素", "形態素は意味を持つ最小の単位のことである。"),
        ("シャード", "シャードは索引の一部を指す。"),
        ("データ", "データは大切である。"),
        ("データ", "データは大切である。データは情報のことである。"),
        ("出現頻度", "単語が現れる回数を出現頻度と呼ぶ。"),
        ("出現頻度", "単語が現れる回数を「出現頻度」と呼ぶ。"),
        ("索引", "分散索引（シャード）は複数のサーバーに置かれる。"),
        ("索引", "索引（後述）と索引（単語の一覧）。"),
        ("分散索引", "分散索引（シャード）は複数のサーバーに置かれる。"),
        ("シャード", "シャードとは何ですか？"),
        ("API", "APIはプログラム同士の約束のことだ。"),
    ],
)
def test_defining_patterns_give_what_the_per_term_expressions_gave(
    term: str, sentence: str
) -> None:
    _same([term], sentence)


def _read(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp932")  # one file of glossary_ja is in Shift_JIS


def _corpus_sentences(folder: Path) -> list[tuple[str, str]]:
    return [
        (path.name, s.text)
        for path in sorted(folder.iterdir())
        if path.suffix in (".md", ".txt")
        for s in sentences(path.name, _read(path))
    ]


@pytest.mark.parametrize("corpus", ["glossary_en", "glossary_ja", "quality_ja/texts"])
def test_the_test_corpora_give_what_they_gave(corpus: str) -> None:
    """Every sentence of the corpus, with every term extraction ranks or mining finds."""
    found = _corpus_sentences(DATA / corpus)
    extractor = TermExtractor()
    for _, text in found:
        extractor.add(text, "ja" if is_japanese(text) else "en")
    terms = [t.text for t in extractor.ranked(top=150)]
    terms += [d.term for d in mining.mine_terms([("a.txt", t) for _, t in found])]
    new, old = TermMatcher(terms), reference.TermMatcher(terms)
    for _, sentence in found:
        assert new.find(sentence) == old.find(sentence), sentence
        assert mining.mine_sentence(sentence) == reference.mine_sentence(sentence), sentence
        prepared = prepare(sentence)
        for term in terms:
            expected = reference.defining_pattern(term, sentence)
            assert defining_pattern(term, sentence, prepared) == expected, (term, sentence)


_EN_PIECES = (
    "a an the each every page pages index indices inverted write-ahead log logs API APIs is "
    "are defined as can be may thought of refers refer to means denotes stands for called "
    "known termed referred which one any structures that used within , , ( ) (ahf) (see "
    "e.g. (3) . and or - — shard shards analysis analyses series C++ C# run Run repair "
    "mismatch ** ` _ blog log-in cache caches criterion criteria A An The Each Shards "
    "Chromosomes Deductive reasoning it this thinking form"
).split()
_JA_PIECES = (
    "転置索引 索引 とは 、 は のこと である です を指す をいう と呼ぶ を 「 」 （ ） ( ) "
    "ログ ブログ 大切 シャード 。 何 か API 後述 一覧 データ"
).split()
_SEPARATORS = st.sampled_from([" ", " ", " ", "", "  ", "\t", ", "])


@st.composite
def _cases(draw: st.DrawFn) -> tuple[list[str], str]:
    pieces = draw(st.sampled_from([_EN_PIECES, _JA_PIECES, _EN_PIECES + _JA_PIECES]))
    words = draw(st.lists(st.sampled_from(pieces), min_size=1, max_size=14))
    sentence = ""
    for word in words:
        sentence += word + draw(_SEPARATORS)
    vocabulary = [w for w in pieces if any(c.isalnum() for c in w)]
    terms = draw(
        st.lists(
            st.lists(st.sampled_from(vocabulary), min_size=1, max_size=3).map(" ".join),
            min_size=1,
            max_size=6,
        )
    )
    # A term the sentence surely has, at its start or inside it.
    start = draw(st.integers(0, len(words) - 1))
    inside = " ".join(w for w in words[start : start + 3] if any(c.isalnum() for c in w))
    return [*terms, inside] if inside else terms, sentence


@settings(max_examples=400, deadline=None)
@given(_cases())
def test_generated_sentences_give_what_they_gave(case: tuple[list[str], str]) -> None:
    terms, sentence = case
    _same(terms, sentence)


def test_a_matcher_remembering_few_words_finds_the_same() -> None:
    """The words a matcher remembers are bounded: forgetting them changes no result."""
    terms = ["write-ahead log", "page", "API", "inverted index", "cache"]
    text = [
        "The write-ahead log holds pages.",
        "APIs and inverted indices.",
        "Caches of pages, a write-ahead logs.",
        "Nothing here.",
    ] * 3
    expected = [reference.TermMatcher(terms).find(s) for s in text]
    small = TermMatcher(terms)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(text_module, "_MAX_WORDS_SEEN", 3)
        assert [small.find(s) for s in text] == expected


def test_a_document_is_mined_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Extract and generate of one run both mine the corpus: the second reads the first's
    findings (same path, same text), a changed document is mined afresh."""
    monkeypatch.setattr(mining, "_MINED", {})
    calls: list[str] = []
    mine = mining.mine_sentence

    def counted(text: str) -> list[mining.DefinedTerm]:
        calls.append(text)
        return mine(text)

    monkeypatch.setattr(mining, "mine_sentence", counted)
    documents = [
        ("a.txt", "A shard is a slice of an index. Shards are pieces that servers hold."),
        ("b.txt", "A replica is a copy of a shard. A checkpoint is a marker on disk."),
    ]
    first = mining.mine_terms(documents)
    mined = len(calls)
    assert [d.term for d in first] == ["shard", "replica", "checkpoint"]
    assert mining.mine_terms(documents) == first
    assert len(calls) == mined
    changed = [documents[0], ("b.txt", "A lease is a promise of time.")]
    assert [d.term for d in mining.mine_terms(changed)] == ["shard", "lease"]
    assert len(calls) == mined + 1


def test_mining_stops_at_the_most_defined_terms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mining, "_MINED", {})
    monkeypatch.setattr(mining, "MAX_DEFINED_TERMS", 2)
    documents = [
        ("a.txt", "A shard is a slice. A replica is a copy. A lease is a promise."),
        ("b.txt", "A checkpoint is a marker."),
    ]
    for _ in range(2):  # mined, then from what the first call found
        assert [d.term for d in mining.mine_terms(documents)] == ["shard", "replica"]
