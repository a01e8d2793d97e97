"""Built-in term extraction: candidates, C-value ranking, cancellation."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from genglossary_gui.engines.builtin.extract import (
    TermExtractor,
    english,
    extract_from_texts,
    japanese,
)
from genglossary_gui.engines.builtin.extract.cvalue import score_candidates
from genglossary_gui.pipeline.context import Cancelled, CancelToken

EN_DOC = """# Machine learning

Machine learning is a field of artificial intelligence. A machine learning model learns from
training data. The training data must be cleaned. Deep learning is a subset of machine
learning. Neural networks power deep learning. A neural network has layers. The API server
exposes the model. The API server handles requests. Artificial intelligence is broad.
"""

JA_DOC = (
    "形態素解析器は文を形態素に分割する。形態素解析器の辞書データを更新する。"
    "自然言語処理とは、人間の言語を計算機で扱う技術である。自然言語処理では形態素解析が基本となる。"
    "辞書データは定期的に更新される。"
)


def test_english_candidates_break_at_stop_words_and_punctuation() -> None:
    found = [
        surface
        for _, surface in english.candidate_sequences(
            "The API server exposes the model, and training data matters."
        )
    ]
    assert found == ["API server exposes", "model", "training data matters"]


def test_english_plural_and_case_are_normalised() -> None:
    keys = [units for units, _ in english.candidate_sequences("Neural networks. neural network.")]
    assert keys == [("neural", "network"), ("neural", "network")]
    assert [u for u, _ in english.candidate_sequences("APIs and the API")] == [("API",), ("API",)]


def test_japanese_candidates_are_compound_nouns() -> None:
    found = [japanese.display(u) for u, _ in japanese.candidate_sequences(JA_DOC)]
    assert "形態素解析器" in found
    assert "自然言語処理" in found
    assert "辞書データ" in found
    assert not any("は" in f or "を" in f for f in found)  # particles never inside a term


def test_japanese_sub_terms_never_start_with_a_suffix() -> None:
    ranked = [t.text for t in extract_from_texts([JA_DOC])]
    assert "形態素" in ranked and "形態素解析" in ranked
    assert not any(t.startswith(("素", "器")) for t in ranked)


def test_ranking_prefers_domain_compounds() -> None:
    ranked = extract_from_texts([EN_DOC, JA_DOC])
    texts = [t.text for t in ranked]
    assert texts[0] in ("machine learning", "形態素解析器")
    for term in (
        "machine learning",
        "artificial intelligence",
        "API server",
        "training data",
        "deep learning",
        "形態素解析器",
        "自然言語処理",
        "辞書データ",
    ):
        assert term in texts[:15], term
    # Scores are sorted, frequencies counted across nesting.
    assert [t.score for t in ranked] == sorted((t.score for t in ranked), reverse=True)
    by_text = {t.text: t for t in ranked}
    assert by_text["machine learning"].frequency == 4
    assert by_text["machine learning"].language == "en"
    assert by_text["形態素解析器"].language == "ja"


def test_terms_seen_once_are_dropped() -> None:
    texts = [t.text for t in extract_from_texts([EN_DOC])]
    assert "field" not in texts and "subset" not in texts


def test_c_value_penalises_terms_only_seen_nested() -> None:
    maximal: Counter[tuple[str, ...]] = Counter({("a", "b", "c"): 5, ("b",): 1})
    scores = {s.units: s for s in score_candidates(maximal, max_len=3, min_freq=2)}
    # "a b c" keeps its full weight; "a b" only ever occurs inside it, so it scores nothing.
    assert scores[("a", "b", "c")].score == pytest.approx(2 * 5)
    assert ("a", "b") not in scores
    # "b" occurs once on its own: f = 6, nested mean = 5 -> log2(2) * 1
    assert scores[("b",)].score == pytest.approx(1.0)


def test_document_counts() -> None:
    ranked = {t.text: t for t in extract_from_texts([EN_DOC, EN_DOC, "API server. API server."])}
    assert ranked["API server"].document_count == 3
    assert ranked["machine learning"].document_count == 2


def test_explicit_language_overrides_detection() -> None:
    extractor = TermExtractor()
    assert extractor.add(EN_DOC, "ja") == "ja"
    assert extractor.add(EN_DOC) == "en"


def _big_english(chars: int) -> str:
    paragraph = EN_DOC.replace("\n", " ") + "\n"
    return paragraph * (chars // len(paragraph) + 1)


def test_cancel_mid_document_stops_within_a_chunk() -> None:
    text = _big_english(8_000_000)
    token = CancelToken()
    extractor = TermExtractor(token.check)
    progressed = threading.Event()
    processed: list[int] = []

    def on_progress(chars: int) -> None:
        processed.append(chars)
        if sum(processed) > 200_000:
            progressed.set()

    at_cancel: list[int] = []

    def cancel_soon() -> None:
        # A wait that timed out instead would cancel at some other point: that must fail.
        assert progressed.wait(30), "extraction never got 200,000 characters in"
        at_cancel.append(sum(processed))
        token.cancel()

    canceller = threading.Thread(target=cancel_soon)
    canceller.start()
    with pytest.raises(Cancelled):
        extractor.add(text, "en", on_progress)
    canceller.join()
    assert at_cancel, "the cancel was never sent"
    # Stopped at the next check point: at most the chunk under way and one more were
    # processed after the cancel (the benchmark measures the time this takes).
    assert sum(processed) - at_cancel[0] <= 2 * 32_000
    assert sum(processed) < len(text) // 2
