"""Measuring /ask: accuracy on a labelled question set, and a synthetic knowledge base for scale.

Used by the search benchmark (benchmarks/search.py) and by the tests that hold the accuracy floors.
"""

from __future__ import annotations

import random
import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.core.search import Document, SearchIndex, words


@dataclass(frozen=True)
class Case:
    question: str
    expected: frozenset[str]  # empty: off-topic, the advisor should decline


@dataclass(frozen=True)
class Score:
    on_topic: int
    top1_correct: int
    off_topic: int
    declined_correctly: int
    wrongly_declined: int
    misses: tuple[tuple[str, str, str | None], ...]  # question, expected, got

    @property
    def top1_accuracy(self) -> float:
        return self.top1_correct / self.on_topic if self.on_topic else 0.0

    @property
    def decline_rate(self) -> float:
        return self.declined_correctly / self.off_topic if self.off_topic else 0.0


def load_cases(path: Path) -> list[Case]:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = []
    for item in items:
        expected = item["expect"]
        if expected is None:
            ids: frozenset[str] = frozenset()
        elif isinstance(expected, str):
            ids = frozenset([expected])
        else:
            ids = frozenset(expected)
        cases.append(Case(str(item["q"]), ids))
    return cases


# A searcher maps a question to (best topic id, answered?).
Searcher = Callable[[str], tuple[str | None, bool]]


def index_searcher(index: SearchIndex) -> Searcher:
    def search(question: str) -> tuple[str | None, bool]:
        result = index.search(question)
        return (result.matches[0].id if result.matches else None), result.answered

    return search


def baseline_searcher(documents: Sequence[Document]) -> Searcher:
    """Plain BM25 (rank_bm25's BM25Okapi) over the same fields: lower-cased, split on non-letters,
    answering whenever any word matches. The yardstick the advisor's search is compared with."""
    from rank_bm25 import BM25Okapi  # a test/benchmark dependency, imported only here

    def tokens(text: str) -> list[str]:
        return re.findall(r"[a-z0-9]+", text.lower())

    bm25 = BM25Okapi([tokens(" ".join(d.fields.values())) for d in documents])
    ids = [d.id for d in documents]

    def search(question: str) -> tuple[str | None, bool]:
        scores = bm25.get_scores(tokens(question))
        best = max(range(len(ids)), key=scores.__getitem__)
        return ids[best], bool(scores[best] > 0)

    return search


def score(searcher: Searcher, cases: Sequence[Case]) -> Score:
    top1 = declined = wrongly_declined = 0
    misses = []
    for case in cases:
        best, answered = searcher(case.question)
        if case.expected:
            if answered and best in case.expected:
                top1 += 1
            else:
                wrongly_declined += not answered
                misses.append((case.question, "|".join(sorted(case.expected)), best if answered else None))
        elif not answered:
            declined += 1
        else:
            misses.append((case.question, "(decline)", best))
    on_topic = sum(1 for c in cases if c.expected)
    return Score(on_topic, top1, len(cases) - on_topic, declined, wrongly_declined, tuple(misses))


def latencies_ms(searcher: Searcher, questions: Sequence[str], repeats: int = 3) -> list[float]:
    timings = []
    for _ in range(repeats):
        for question in questions:
            start = time.perf_counter()
            searcher(question)
            timings.append((time.perf_counter() - start) * 1000)
    return timings


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def synthetic_documents(real: Sequence[Document], total: int, seed: int = 7) -> list[Document]:
    """`real` plus generated distractors up to `total` documents.

    Distractors draw their words from the real documents' own word frequencies, so they share the
    domain vocabulary (a hard case for ranking) without answering any real question.
    """
    rng = random.Random(seed)
    pool = [w for doc in real for text in doc.fields.values() for w in words(text)]
    documents = list(real)
    for number in range(total - len(real)):

        def sample(count: int) -> str:
            return " ".join(rng.choices(pool, k=count))

        title = f"Synthetic topic {number}: {sample(4)}"
        questions = [sample(rng.randint(4, 9)) for _ in range(3)]
        documents.append(
            Document(
                id=f"synthetic-{number}",
                title=title[:100],
                fields={
                    "title": title,
                    "aliases": sample(3),
                    "questions": " ".join(questions),
                    "answer": sample(rng.randint(80, 220)),
                },
                examples=(title, *questions),
            )
        )
    return documents
