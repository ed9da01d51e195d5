"""Question answering over the knowledge base: ranked topics with a confidence, or a polite decline.

Students type "certifcation", "ccs vs cpc", "pro fee", "the A", "1099". The pipeline:
  normalise -> words -> phrase synonyms (moderator-owned, knowledge/synonyms.yaml) -> typo repair
  against the index's own vocabulary -> stop words out -> Snowball stems -> BM25 over weighted fields.
Confidence combines how much of the question the knowledge base knows at all (an off-topic
question is mostly unknown words) with how much of it the best topic covers. Built once per
knowledge version; a query touches only the postings of its own terms.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.core.knowledge import KnowledgeBase

# Words that carry no topic: question words, pronouns, chat filler. Domain words are never here.
STOPWORDS = frozenset(
    """
    a about above after again all also am an and any anyone anybody anything are as at be been before being
    between both but by can could did do does doing done dont don't each else even ever every everyone few
    for from get gets getting go going got guys had has have having he her here hers hey hi him his how i
    id if im i'm in into is it its it's ive i've just know let like lol me might more most much must my
    need needs no nor not now of off on once one only or other our out over own please pls plz really
    same say she should so some someone something still such sure tell than thank thanks that thats the
    their them then there these they thing things think this those though through to too u ur very want
    wanted wants was way we well were what whats what's when where which while who whom why will with
    would yall yeah yes yet you your youre you're yours anyway actually basically currently guess hello
    help kinda maybe okay ok right trying wondering
    """.split()
)

FIELD_WEIGHTS = {"title": 3, "aliases": 3, "questions": 2, "answer": 1}
BM25_K1 = 1.2
BM25_B = 0.5
DECLINE_BELOW = 0.45
_WORD = re.compile(r"[a-z0-9]+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"))


def normalize(text: str) -> str:
    """Lower case, compatibility forms folded, invisible characters and accents removed."""
    text = unicodedata.normalize("NFKD", text.translate(_INVISIBLE)).casefold()
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return _WORD.findall(normalize(text))


class Analyzer:
    """Turns text into index terms, the same way for topics and for questions."""

    def __init__(self, synonyms: dict[str, str]):
        self._phrases: dict[tuple[str, ...], list[str]] = {}
        for phrase, meaning in synonyms.items():
            key = tuple(words(phrase))
            if key:
                self._phrases.setdefault(key, []).extend(words(meaning))
        self._longest = max(map(len, self._phrases), default=0)
        self._stemmer = snowballstemmer.stemmer("english")

    def expand(self, tokens: Sequence[str]) -> list[str]:
        """Add the meaning of every synonym phrase found (longest match first), keeping the words."""
        out = list(tokens)
        i = 0
        while i < len(tokens):
            for size in range(min(self._longest, len(tokens) - i), 0, -1):
                meaning = self._phrases.get(tuple(tokens[i : i + size]))
                if meaning:
                    out.extend(meaning)
                    i += size
                    break
            else:
                i += 1
        return out

    def terms(self, tokens: Iterable[str]) -> list[str]:
        kept = [t for t in tokens if t not in STOPWORDS]
        return self._stemmer.stemWords(kept)

    def synonym_words(self) -> set[str]:
        return {w for phrase in self._phrases for w in phrase}


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    fields: dict[str, str]  # field name -> text; see FIELD_WEIGHTS
    examples: tuple[str, ...]  # title, questions and aliases, for fuzzy matching and autocomplete


@dataclass(frozen=True)
class Match:
    id: str
    title: str
    score: float  # 0..1, comparable across questions


@dataclass(frozen=True)
class SearchResult:
    question: str
    matches: tuple[Match, ...]
    confidence: float
    answered: bool

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.answered and self.matches else None


class SearchIndex:
    """BM25 over weighted fields, with typo repair and a confidence that knows when to decline."""

    def __init__(self, documents: Sequence[Document], synonyms: dict[str, str] | None = None):
        self.analyzer = Analyzer(synonyms or {})
        self.documents = list(documents)
        self._postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._lengths: list[int] = []
        vocabulary: Counter[str] = Counter()
        for number, doc in enumerate(self.documents):
            bag: Counter[str] = Counter()
            for name, text in doc.fields.items():
                tokens = words(text)
                vocabulary.update(set(tokens))
                for term in self.analyzer.terms(self.analyzer.expand(tokens)):
                    bag[term] += FIELD_WEIGHTS[name]
            for term, count in bag.items():
                self._postings[term].append((number, count))
            self._lengths.append(sum(bag.values()))
        count = max(len(self.documents), 1)
        self._average_length = sum(self._lengths) / count or 1.0
        self._idf = {t: self._idf_for(len(p), count) for t, p in self._postings.items()}
        self._unknown_idf = self._idf_for(0, count)
        # Typo repair looks up the most common spelling first, so ties go to the likelier word.
        known = vocabulary.keys() | self.analyzer.synonym_words()
        self._vocabulary = known
        self._by_frequency = sorted(known, key=lambda w: (-vocabulary[w], w))
        self._repair = lru_cache(maxsize=4096)(self._repair_uncached)

    @staticmethod
    def _idf_for(document_frequency: int, count: int) -> float:
        return math.log(1 + (count - document_frequency + 0.5) / (document_frequency + 0.5))

    def _repair_uncached(self, word: str) -> str:
        if word in self._vocabulary or word in STOPWORDS or len(word) < 4 or word.isdigit():
            return word
        limit = 1 if len(word) < 8 else 2
        found = process.extractOne(word, self._by_frequency, scorer=OSA.distance, score_cutoff=limit)
        return found[0] if found else word

    def query_terms(self, question: str) -> list[str]:
        tokens = [self._repair(w) for w in words(question)]
        return self.analyzer.terms(self.analyzer.expand(tokens))

    def search(self, question: str, limit: int = 5) -> SearchResult:
        terms = list(dict.fromkeys(self.query_terms(question)))
        if not terms or not self.documents:
            return SearchResult(question, (), 0.0, False)
        weights = {t: self._idf.get(t, self._unknown_idf) for t in terms}
        total_weight = sum(weights.values())
        known_weight = sum(w for t, w in weights.items() if t in self._idf)

        scores: dict[int, float] = defaultdict(float)
        covered: dict[int, float] = defaultdict(float)
        for term in terms:
            idf = self._idf.get(term)
            if idf is None:
                continue
            for number, tf in self._postings[term]:
                norm = BM25_K1 * (1 - BM25_B + BM25_B * self._lengths[number] / self._average_length)
                scores[number] += idf * tf * (BM25_K1 + 1) / (tf + norm)
                covered[number] += idf
        if not scores:
            return SearchResult(question, (), 0.0, False)

        top = sorted(scores, key=scores.__getitem__, reverse=True)[: max(limit, 10)]
        text = " ".join(words(question))
        ranked = []
        for number in top:
            doc = self.documents[number]
            similarity = process.extractOne(text, doc.examples, scorer=fuzz.token_set_ratio)
            closeness = similarity[1] / 100 if similarity else 0.0
            coverage = covered[number] / total_weight
            # How much of the question this topic explains, nudged by a close example phrasing.
            confidence = min(1.0, 0.75 * coverage + 0.25 * closeness * (known_weight / total_weight))
            ranked.append((confidence, scores[number], number))
        ranked.sort(reverse=True)
        matches = tuple(
            Match(self.documents[n].id, self.documents[n].title, round(conf, 3))
            for conf, _, n in ranked[:limit]
        )
        confidence = matches[0].score
        return SearchResult(question, matches, confidence, confidence >= DECLINE_BELOW)

    def suggest(self, text: str, limit: int = 25) -> list[Match]:
        """Autocomplete: topics whose title, questions or aliases look like what is typed so far."""
        if not text.strip():
            return [Match(d.id, d.title, 1.0) for d in self.documents[:limit]]
        typed = " ".join(words(text))
        best: dict[str, float] = {}
        for number, doc in enumerate(self.documents):
            found = process.extractOne(typed, doc.examples, scorer=fuzz.WRatio)
            if found and found[1] >= 50:
                best[self.documents[number].id] = found[1] / 100
        order = sorted(best, key=best.__getitem__, reverse=True)[:limit]
        titles = {d.id: d.title for d in self.documents}
        return [Match(i, titles[i], round(best[i], 3)) for i in order]


def topic_documents(kb: KnowledgeBase) -> list[Document]:
    """One search document per topic; the answer is indexed as offline readers see it."""
    categories = {c.id: c.title for c in kb.categories.values()}
    documents = []
    for topic in kb.topics.values():
        documents.append(
            Document(
                id=topic.id,
                title=topic.title,
                fields={
                    "title": f"{topic.title} {categories.get(topic.category, '')}",
                    "aliases": " ".join(topic.aliases),
                    "questions": " ".join(topic.questions),
                    "answer": kb.render_answer(topic.id),
                },
                examples=(topic.title, *topic.questions, *topic.aliases),
            )
        )
    return documents


def build_index(kb: KnowledgeBase) -> SearchIndex:
    return SearchIndex(topic_documents(kb), kb.synonyms)
