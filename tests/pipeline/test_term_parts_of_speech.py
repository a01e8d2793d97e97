"""A term is a noun phrase: adjectives alone and clause fragments with a verb are not terms,
while nouns a dictionary knows only as verbs stay terms when the documents use them so."""

from __future__ import annotations

from genglossary_gui.engines.builtin.extract import TermExtractor, english
from genglossary_gui.pipeline.text import term_key

TEXT = """The classical parser is suitable for short input. A classical approach is suitable.
The system consists of a tagger and parse trees. Our system consists of two parts.
The method outperforms previous baselines. The method outperforms previous systems.
A hidden Markov model labels the words. The hidden Markov model is trained.
The write-ahead logs grow. Write-ahead logs are files. The logs are small.
The spoken dialogue system answers. A spoken dialogue system listens.
It produces parse trees. The tagger produces tags.
"""


def _terms(text: str) -> set[str]:
    extractor = TermExtractor()
    extractor.add(text, "en", markdown=False)
    return {term_key(t.text) for t in extractor.ranked()}


def test_noun_phrases_stay_and_fragments_go() -> None:
    terms = _terms(TEXT)
    assert {"parse tree", "hidden markov model", "spoken dialogue system"} <= terms
    assert "write-ahead log" in terms
    assert not terms & {"classical", "suitable", "produce", "system consist"}
    assert not any("outperforms" in t or "consists" in t for t in terms)


def test_parts_of_speech_from_the_dictionary() -> None:
    assert english.adjective_only("classical") and not english.adjective_only("metric")
    assert english.finite_verb("consists") and not english.finite_verb("models")
    assert english.base_verb("avoid") and not english.base_verb("parsing")
    # Unknown words (coinages, names) are never refused for their part of speech.
    assert not english.adjective_only("word2vec") and not english.finite_verb("kubernetes")


def test_a_noun_the_dictionary_knows_only_as_a_verb_stays_when_used_as_one() -> None:
    verbs = english.VerbEvidence()
    verbs.add("The templates are ready. Each template is small.")
    assert english.finite_verb("templates")  # lemminflect knows "template" only as a verb
    assert verbs.used_as_noun("templates")
    assert english.plausible_term("scenario templates", 2, verbs)
    assert not english.plausible_term("scenario templates", 2, english.VerbEvidence())


def test_a_fragment_of_one_longer_term_is_no_term() -> None:
    text = (
        "The 30-day readmission rate fell. A 30-day readmission costs money. "
        "Each 30-day readmission is reported. The readmission rate is low.\n"
    ) * 2
    terms = _terms(text)
    assert "30-day readmission" in terms
    assert "day readmission" not in terms  # always inside "30-day readmission"
    assert "readmission" in terms  # also on its own, and inside different phrases


def test_possessives_contractions_addresses_and_imperatives_are_not_terms() -> None:
    text = (
        "Use pyenv's ability to switch versions. You've installed pyenv already.\n"
        "See https://github.com/pyenv/pyenv#readme or mail help@example.org for the shims.\n"
        "To upgrade, enable shims first. Then enable shims again. The shims are small.\n"
    ) * 2
    terms = _terms(text)
    assert "pyenv" in terms and "shim" in terms
    assert not [t for t in terms if "'" in t or "’" in t]
    assert not terms & {"github", "github.com", "example.org", "enable shim", "readme"}


def test_code_spans_are_never_mined_as_defined_terms() -> None:
    from genglossary_gui.engines.builtin.mining import mine_terms

    text = "This deletes the virtualenv called `my-env`.\nA shim is a small script.\n"
    assert [d.term for d in mine_terms([("a.md", text)])] == ["shim"]


def test_a_term_is_shown_as_the_documents_write_it_inside_sentences() -> None:
    text = (
        "Install it with Homebrew today. Many users prefer Homebrew packages. "
        "Old notes say homebrew once.\n"
        "Replication copies pages. Replication lags. We tune replication often.\n"
        "Kubernetes schedules pods. Kubernetes restarts pods.\n"
    ) * 2
    extractor = TermExtractor()
    extractor.add(text, "en", markdown=False)
    shown = {t.text for t in extractor.ranked()}
    assert "Homebrew" in shown  # written so mid-sentence, twice as often as in lower case
    assert "replication" in shown  # capitalised only where a sentence starts
    assert "Kubernetes" in shown  # seen only at sentence starts: as written there


def test_contractions_of_function_words_are_no_terms() -> None:
    text = "What's a shard? There's a shard here. Who's asking about the shard index?\n" * 3
    terms = _terms(text)
    assert not terms & {"what", "there", "who"}
    assert "shard" in terms or "shard index" in terms
