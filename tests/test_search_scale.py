"""The index's data structures: compact arrays, numpy sums for large indexes, the same ranking either way."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from bot.core import search
from bot.core.evaluation import load_cases, synthetic_documents
from bot.core.knowledge import load_knowledge
from bot.core.knowledge.paths import default_knowledge_dir
from bot.core.search import build_index, normalize, topic_documents

QUESTIONS = Path(__file__).parents[1] / "benchmarks" / "eval_questions.yaml"


def test_a_large_index_ranks_exactly_as_the_dict_version_does(monkeypatch: pytest.MonkeyPatch) -> None:
    kb = load_knowledge(default_knowledge_dir())
    documents = synthetic_documents(topic_documents(kb), search.DENSE_MIN + 200)
    index = build_index(kb, documents)
    questions = [case.question for case in load_cases(QUESTIONS)][:150]
    dense = [index.candidates(q) for q in questions]
    monkeypatch.setattr(search, "DENSE_MIN", len(documents) + 1)
    sparse = [index.candidates(q) for q in questions]
    assert sum(map(len, dense)) > 1000  # the questions find candidates: the comparison means something
    assert dense == sparse  # every score, to the last bit, and the same order


@pytest.mark.parametrize(
    "text", ["Plain ASCII, Mixed Case 123", "Café CERTIFICATION", "ﬁle\u200bname", "straße", "ÀÉÎ", ""]
)
def test_normalising_ascii_quickly_gives_what_the_full_folding_gives(text: str) -> None:
    full = unicodedata.normalize("NFKD", text.translate(search._INVISIBLE)).casefold()
    assert normalize(text) == "".join(ch for ch in full if not unicodedata.combining(ch))


def test_typo_repair_looks_among_words_of_about_the_same_length_and_finds_the_same() -> None:
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    kb = load_knowledge(default_knowledge_dir())
    index = build_index(kb, synthetic_documents(topic_documents(kb), 3000))
    vocabulary = index._by_frequency
    typos = {w[:i] + w[i + 1 :] for w in vocabulary[:400] for i in range(len(w))}  # one letter dropped
    typos |= {w[1:] + w[0] for w in vocabulary[:400]} | {"certifcation", "exma", "registraton", "cpcx"}
    for typo in sorted(typos):
        for limit in (1, 2):
            expected = process.extract(typo, vocabulary, scorer=OSA.distance, score_cutoff=limit, limit=20)
            assert index._closest(typo, limit) == [tuple(found) for found in expected], typo
