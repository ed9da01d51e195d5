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
from typing import TYPE_CHECKING, Literal

import yaml

from bot.core.limits import CHOICE_NAME_MAX
from bot.core.replies import topic_reply
from bot.core.search import Document, SearchIndex, topic_documents, words
from bot.core.text import states

if TYPE_CHECKING:
    from bot.core.advisor import Advisor


@dataclass(frozen=True)
class Case:
    """One question of a search benchmark and the topics that answer it (none: it should be declined)."""

    question: str
    expected: frozenset[str]  # empty: off-topic, the advisor should decline


@dataclass(frozen=True)
class Score:
    """How a searcher did on a set of cases."""

    on_topic: int
    top1_correct: int
    off_topic: int
    declined_correctly: int
    wrongly_declined: int
    misses: tuple[tuple[str, str, str | None], ...]  # question, expected, got

    @property
    def top1_accuracy(self) -> float:
        """Share of on-topic questions answered with an expected topic."""
        return self.top1_correct / self.on_topic if self.on_topic else 0.0

    @property
    def decline_rate(self) -> float:
        """Share of off-topic questions declined."""
        return self.declined_correctly / self.off_topic if self.off_topic else 0.0


def load_cases(path: Path) -> list[Case]:
    """The cases of a benchmark file (`q:` and `expect:` a topic id, a list of them, or null)."""
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
    """A searcher over `index`: the best topic's id, and whether it answers."""

    def search(question: str) -> tuple[str | None, bool]:
        result = index.search(question)
        return (result.matches[0].id if result.matches else None), result.answered

    return search


def advisor_searcher(advisor: Advisor) -> Searcher:
    """The whole /ask pipeline (cleaning, figures, unknown credentials, search) as a searcher."""

    def search(question: str) -> tuple[str | None, bool]:
        answer = advisor.ask(question)
        top = answer.reply.topic_id or (answer.result.matches[0].id if answer.result.matches else None)
        return top, answer.answered

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
    """Run every case through `searcher` and count what it got right."""
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
    """The time of each search, in milliseconds, over `repeats` passes of the questions."""
    timings = []
    for _ in range(repeats):
        for question in questions:
            start = time.perf_counter()
            searcher(question)
            timings.append((time.perf_counter() - start) * 1000)
    return timings


def percentile(values: Sequence[float], fraction: float) -> float:
    """The value at `fraction` (0 to 1) of the sorted values (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def median(values: Sequence[float]) -> float:
    """The median of the values."""
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
                title=title[:CHOICE_NAME_MAX],
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


# ------------------------------------------------------------------ the blind set, scored on content

CaseKind = Literal["on-topic", "off-topic", "greeting"]


@dataclass(frozen=True)
class BlindCase:
    """One message of the blind set: what a reply must contain, or that it must be declined."""

    question: str
    kind: CaseKind
    topics: frozenset[str] = frozenset()
    must_contain: tuple[tuple[str, ...], ...] = ()  # every group must appear; any alternative of a group
    style: str = "student"
    trap: str | None = None


@dataclass(frozen=True)
class Response:
    """What the advisor answered to one blind-test question."""

    answered: bool
    text: str
    topic: str | None = None
    greeting: bool = False


Responder = Callable[[str], Response]


@dataclass(frozen=True)
class BlindScore:
    """How the advisor did on the blind test."""

    cases: int
    right: int
    on_topic: int
    on_topic_right: int
    topic_right: int
    off_topic: int
    declined: int
    misses: tuple[tuple[BlindCase, str], ...]  # the case and why it missed

    @property
    def accuracy(self) -> float:
        """Share of all cases answered right."""
        return self.right / self.cases if self.cases else 0.0

    @property
    def on_topic_accuracy(self) -> float:
        """Share of on-topic cases answered right."""
        return self.on_topic_right / self.on_topic if self.on_topic else 0.0

    @property
    def decline_rate(self) -> float:
        """Share of off-topic cases declined."""
        return self.declined / self.off_topic if self.off_topic else 0.0


def tuning_sets(directory: Path) -> list[Path]:
    """The blind sets that may be tuned on, in `directory`: the tuning half, then sets C, D, ... in
    order; never test.yaml, the held-out half."""
    return sorted(directory.glob("tuning*.yaml"), key=lambda path: (path.stem != "tuning", path.stem))


def load_blind(path: Path) -> list[BlindCase]:
    """The cases of a blind-test file: on-topic (topic, must_contain), off-topic or greeting."""
    cases = []
    for item in yaml.safe_load(path.read_text(encoding="utf-8")):
        kind: CaseKind = (
            "greeting" if item.get("greeting") else "off-topic" if item.get("off_topic") else "on-topic"
        )
        topic = item.get("topic")
        topics = frozenset([topic] if isinstance(topic, str) else topic or [])
        groups = tuple(tuple(str(a) for a in group) for group in item.get("must_contain") or [])
        cases.append(
            BlindCase(str(item["q"]), kind, topics, groups, item.get("style", "student"), item.get("trap"))
        )
    return cases


def advisor_responder(advisor: Advisor) -> Responder:
    """A responder asking `advisor` as a student would."""

    def respond(question: str) -> Response:
        answer = advisor.ask(question)
        return Response(
            answer.answered, answer.reply.plain_text(), answer.reply.topic_id, answer.reply.kind == "greeting"
        )

    return respond


def baseline_responder(advisor: Advisor) -> Responder:
    """Plain BM25 over the same topics, answering with the best topic's reply whenever any word matches."""
    search = baseline_searcher(topic_documents(advisor.kb))

    def respond(question: str) -> Response:
        best, answered = search(question)
        if not answered or best is None:
            return Response(False, "")
        return Response(True, topic_reply(advisor.kb, best).plain_text(), best)

    return respond


def score_blind(respond: Responder, cases: Sequence[BlindCase]) -> BlindScore:
    """Ask every blind case through `respond` and count what it got right, with why each miss missed."""
    right = on_right = topic_right = declined = 0
    misses: list[tuple[BlindCase, str]] = []
    for case in cases:
        response = respond(case.question)
        if case.kind == "greeting":
            ok = response.greeting
            why = "no greeting"
        elif case.kind == "off-topic":
            ok = not response.answered
            declined += ok
            why = f"answered with {response.topic or 'figures'}"
        else:
            topic_right += response.answered and response.topic in case.topics
            lacking = [g for g in case.must_contain if not any(states(response.text, a) for a in g)]
            ok = response.answered and not lacking
            on_right += ok
            if not response.answered:
                why = f"declined (wanted {'|'.join(sorted(case.topics)) or 'figures'})"
            else:
                why = f"{response.topic or 'figures'} lacks {' + '.join('/'.join(g) for g in lacking)}"
        right += ok
        if not ok:
            misses.append((case, why))
    on_topic = sum(c.kind == "on-topic" for c in cases)
    return BlindScore(
        len(cases),
        right,
        on_topic,
        on_right,
        topic_right,
        sum(c.kind == "off-topic" for c in cases),
        declined,
        tuple(misses),
    )
