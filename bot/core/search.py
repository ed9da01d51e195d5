"""Question answering over the knowledge base: ranked topics with a confidence, or a polite decline.

Students type "certifcation", "ccs vs cpc", "pro fee", "the A", "1099". The pipeline:
  normalise -> words -> phrase synonyms (moderator-owned, `synonyms:` in knowledge/search.yaml) -> typo repair
  against the index's own vocabulary -> stop words out -> Snowball stems -> BM25 over weighted fields.
Whether to answer at all is the fitted decline model's call (bot/core/decline.py), from the evidence
computed here: how much of the question the knowledge base knows (an off-topic question is mostly
unknown words) and how much of it the best topic covers. Built once per knowledge version; a query
touches only the postings of its own terms.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

import snowballstemmer
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.decline import DeclineModel, shipped_model
from bot.core.knowledge import KnowledgeBase

if TYPE_CHECKING:
    from bot.core.autocomplete import Suggester

# Words that carry no topic: question words, pronouns, chat filler. Domain words are never here.
STOPWORDS = frozenset(
    """
    a about above after again all also am an and any anyone anybody anything are as at be been before being
    between both but by can could did do does doing done dont don't each else even ever every everyone few
    for from get gets getting go going got guys had has have having he her here hers hey hi him his how i
    id if im i'm in into is it its it's ive i've just know let like lol me might more most much must my
    need needs no nor not now of off on once one only or other our out over own please pls plz really
    same say says said she should so some someone something still such sure tell than thank thanks that thats the
    their them then there these they thing things think this those though through to too u ur very want
    wanted wants was way we well were what whats what's when where which while who whom why will with
    would yall yeah yes yet you your youre you're yours anyway actually basically currently guess hello
    help kinda maybe okay ok right trying wondering
    rn tbh nah idk tho ngl btw lmao omg imo bruh lowkey hmm um uh ya yep nope gonna wanna gotta
    """.split()
)

FIELD_WEIGHTS = {"title": 3, "aliases": 3, "questions": 2, "answer": 1}
BM25_K1, BM25_B = 1.2, 0.5
NB_ALPHA = 0.05  # naive Bayes smoothing
# Ranking and confidence weights: chosen by benchmarks/calibrate.py (leave-one-out over the topics'
# own phrasings, and off-topic calibration questions), never on the evaluation set.
W_BM25, W_EXAMPLE, W_NB = 1.0, 1.0, 0.5
RELEVANCE_MAX = W_BM25 + W_EXAMPLE + W_NB
OOS_RULE = 2.0  # an out-of-scope phrase declines unless jargon weighs more than OOS_RULE times less
UNKNOWN_DAMPING = 4.0  # unknown words weigh fully up to 4 words, then less
EVERYDAY_FREQUENCY = 5000  # more common than this in English: a word anyone uses, not the field's jargon
REAL_WORD_FREQUENCY = 500  # in pyspellchecker's English list; rarer "words" are mostly typos
CANDIDATES = 20
COMMON_SHARE, COMMON_MIN = 0.25, 100  # a word in more topics than this does not pick candidates
OUT_OF_SCOPE = "\x00out-of-scope"  # a term no topic has: the question is about something else
_WORD = re.compile(r"[a-z0-9]+")
_COMPOUND = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"))


@lru_cache(maxsize=1)
def _english() -> dict[str, int]:
    # pyspellchecker ships an English word-frequency list: loaded once (~0.2 s), used read-only.
    from spellchecker import SpellChecker

    return dict(SpellChecker().word_frequency.dictionary)


def english_frequency(word: str) -> int:
    return _english().get(word, 0)


def normalize(text: str) -> str:
    """Lower case, compatibility forms folded, invisible characters and accents removed."""
    text = unicodedata.normalize("NFKD", text.translate(_INVISIBLE)).casefold()
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return _WORD.findall(normalize(text))


class Analyzer:
    """Turns text into index terms, the same way for topics and for questions."""

    def __init__(self, synonyms: dict[str, str], out_of_scope: Iterable[str] = ()):
        self._stemmer = snowballstemmer.stemmer("english")
        self._stems: dict[str, str] = {}
        # Phrases are matched on stems, so "doctors offices" finds the synonym "doctor office".
        self._phrases: dict[tuple[str, ...], list[str]] = {}
        for phrase, meaning in synonyms.items():
            key = self._key(phrase)
            if key:
                self._phrases.setdefault(key, []).extend(words(meaning))
        for phrase in out_of_scope:
            key = self._key(phrase)
            if key:
                self._phrases[key] = [OUT_OF_SCOPE]
        self._longest = max(map(len, self._phrases), default=0)
        self._surface = {w for phrase in (*synonyms, *out_of_scope) for w in words(phrase)}

    def stem(self, token: str) -> str:
        return self._stem(token)

    def _stem(self, token: str) -> str:
        stem = self._stems.get(token)
        if stem is None:
            stem = self._stems[token] = self._stemmer.stemWord(token)
        return stem

    def _key(self, phrase: str) -> tuple[str, ...]:
        return tuple(self._stem(w) for w in words(phrase))

    def _phrase_spans(self, tokens: Sequence[str]) -> Iterator[tuple[int, int, list[str] | None]]:
        """(start, length, meaning) over the tokens, longest phrase first; meaning None for a plain word."""
        stems = [self._stem(t) for t in tokens]
        i = 0
        while i < len(tokens):
            for size in range(min(self._longest, len(tokens) - i), 0, -1):
                meaning = self._phrases.get(tuple(stems[i : i + size]))
                if meaning:
                    yield i, size, meaning
                    i += size
                    break
            else:
                yield i, 1, None
                i += 1

    def expand(self, tokens: Sequence[str]) -> list[str]:
        """The words plus the meaning of every synonym phrase found (for indexing topics)."""
        out = list(tokens)
        for _, _, meaning in self._phrase_spans(tokens):
            if meaning and meaning != [OUT_OF_SCOPE]:
                out.extend(meaning)
        return out

    def groups(self, tokens: Sequence[str]) -> list[tuple[str, ...]]:
        """Query terms grouped by what the student wrote: a word, or a phrase with its synonyms.

        A group counts once: matching "pro fee" or its synonym "professional" is one match, not two.
        """
        out: list[tuple[str, ...]] = []
        for start, size, meaning in self._phrase_spans(tokens):
            written = tokens[start : start + size]
            group = [OUT_OF_SCOPE] if meaning == [OUT_OF_SCOPE] else self.terms([*written, *(meaning or [])])
            if group:
                out.append(tuple(dict.fromkeys(group)))
        return out

    def terms(self, tokens: Iterable[str]) -> list[str]:
        # A lone letter ("x", "u") names nothing; digits ("5 business days") may.
        return [self._stem(t) for t in tokens if t not in STOPWORDS and (len(t) > 1 or t.isdigit())]

    def synonym_words(self) -> set[str]:
        return self._surface


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    fields: dict[str, str]  # field name -> text; see FIELD_WEIGHTS
    examples: tuple[str, ...]  # title, questions and aliases, for fuzzy matching and autocomplete


@dataclass(frozen=True)
class Evidence:
    """What speaks for one candidate topic, each part 0..1."""

    number: int
    bm25: float  # BM25 over all fields, relative to the best candidate
    similarity: float  # idf-weighted cosine with the closest example phrasing
    coverage: float  # share of the question's weight found anywhere in the topic
    head: float  # share found in the title, questions and aliases
    likelihood: float  # naive Bayes posterior over the candidates, from the example phrasings
    groups: int  # words and phrases of the question that matter
    unknown: float  # share of the question's weight in words no topic uses
    out_of_scope: float  # share of the question's weight in words that mean it is about something else
    specific: float  # share of the question's weight in known words that are rare in everyday English

    def relevance(self) -> float:
        """For ranking: which topic fits best."""
        return W_BM25 * self.bm25 + W_EXAMPLE * self.similarity + W_NB * self.likelihood

    def features(self, runner_up: Evidence | None) -> dict[str, float]:
        """What the decline model reads, for this topic ranked first ahead of `runner_up`."""
        margin = (self.relevance() - (runner_up.relevance() if runner_up else 0.0)) / RELEVANCE_MAX
        return {
            "head": self.head,
            "coverage": self.coverage,
            "similarity": self.similarity,
            "likelihood": self.likelihood,
            "margin": margin,
            "relevance": self.relevance() / RELEVANCE_MAX,
            "unknown": self.unknown,
            "out_of_scope": self.out_of_scope,
            "log_groups": math.log(self.groups),
            "coverage_x_similarity": self.coverage * self.similarity,
            "head_x_likelihood": self.head * self.likelihood,
            "alone": float(runner_up is None),
            "specific": self.specific,
            "known": 1.0 - self.unknown - self.out_of_scope,
        }


@dataclass(frozen=True)
class Match:
    id: str
    title: str
    score: float  # relevance, 0..1: how well the topic matches the question, for ranking


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

    def __init__(
        self,
        documents: Sequence[Document],
        synonyms: dict[str, str] | None = None,
        out_of_scope: Iterable[str] = (),
        decline: DeclineModel | None = None,
    ):
        self.analyzer = Analyzer(synonyms or {}, out_of_scope)
        self.decline = decline or shipped_model()
        self.documents = list(documents)
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._lengths: list[int] = []
        self._examples: list[list[frozenset[str]]] = []
        self._heads: list[frozenset[str]] = []  # every term of a topic's title, questions and aliases
        self._phrasings: list[Counter[str]] = []  # term counts over those phrasings, for the word model
        self._said_as: dict[frozenset[str], set[int]] = defaultdict(set)  # a phrasing's terms -> its topics
        vocabulary: Counter[str] = Counter()
        for number, doc in enumerate(self.documents):
            bag: Counter[str] = Counter()
            for name, text in doc.fields.items():
                tokens = words(text)
                vocabulary.update(set(tokens))
                for term in self.analyzer.terms(self.analyzer.expand(tokens)):
                    bag[term] += FIELD_WEIGHTS[name]
            for term, count in bag.items():
                postings[term].append((number, count))
            self._lengths.append(sum(bag.values()))
            analysed = [self._analyse(e) for e in doc.examples]
            self._examples.append([frozenset(terms) for terms in analysed])
            self._heads.append(frozenset().union(*self._examples[-1]))
            self._phrasings.append(Counter(t for terms in analysed for t in terms))
            for terms in analysed:
                if terms:
                    self._said_as[frozenset(terms)].add(number)
        count = max(len(self.documents), 1)
        self._average_length = sum(self._lengths) / count or 1.0
        self._idf = {t: self._idf_for(len(p), count) for t, p in postings.items()}
        self._unknown_idf = self._idf_for(0, count)
        # Each term's BM25 contribution to each topic, computed once here rather than per question.
        self._impacts: dict[str, dict[int, float]] = {
            term: {number: self._bm25_weight(term, number, tf) for number, tf in listed}
            for term, listed in postings.items()
        }
        # Typo repair looks up the most common spelling first, so ties go to the likelier word.
        self._compounds = {
            c
            for doc in self.documents
            for text in doc.fields.values()
            for c in _COMPOUND.findall(normalize(text))
        }
        known = vocabulary.keys() | self.analyzer.synonym_words()
        self._vocabulary = known
        self._by_frequency = sorted(known, key=lambda w: (-vocabulary[w], w))
        self._repair = lru_cache(maxsize=4096)(self._repair_uncached)
        _english()  # load the word list now, not on the first question

    def _analyse(self, text: str) -> list[str]:
        return self.analyzer.terms(self.analyzer.expand(words(text)))

    @staticmethod
    def _idf_for(document_frequency: int, count: int) -> float:
        return math.log(1 + (count - document_frequency + 0.5) / (document_frequency + 0.5))

    def _repair_uncached(self, word: str) -> str:
        if word in self._vocabulary or word in STOPWORDS or len(word) < 4 or word.isdigit():
            return word
        if english_frequency(word) >= REAL_WORD_FREQUENCY:
            return word  # "telling" is a word, not a typo of "selling", even if no topic uses it
        limit = 1 if len(word) < 8 else 2
        found = process.extract(word, self._by_frequency, scorer=OSA.distance, score_cutoff=limit, limit=20)
        if not found:
            return word
        # Closest first; then a typo rarely changes the first letter; then the more common word.
        best = min(found, key=lambda f: (f[1], f[0][0] != word[0], f[2]))
        return best[0]

    def knows(self, word: str) -> bool:
        """Whether any topic (or synonym) uses this word, or hyphenated name like "cpc-p", as written."""
        return word in self._vocabulary or word in self._compounds

    def is_unknown_name(self, word: str) -> bool:
        """A name ("cdeo", "cpc-z") that no topic uses and that is no everyday word or chat filler."""
        return not (self.knows(word) or word in STOPWORDS or english_frequency(word) >= REAL_WORD_FREQUENCY)

    def query_groups(self, question: str) -> list[tuple[str, ...]]:
        return self.analyzer.groups([self._repair(w) for w in words(question)])

    def _group_impact(self, group: tuple[str, ...]) -> dict[int, float]:
        """BM25 of a word group per topic: for a phrase and its synonyms, the best of them, once."""
        impacts = [self._impacts[t] for t in group if t in self._impacts]
        if len(impacts) <= 1:
            return impacts[0] if impacts else {}
        best = dict(impacts[0])
        for impact in impacts[1:]:
            for number, value in impact.items():
                if value > best.get(number, 0.0):
                    best[number] = value
        return best

    def _bm25_weight(self, term: str, number: int, tf: int) -> float:
        norm = BM25_K1 * (1 - BM25_B + BM25_B * self._lengths[number] / self._average_length)
        return self._idf[term] * tf * (BM25_K1 + 1) / (tf + norm)

    def _phrasing_likelihood(self, groups: list[tuple[str, ...]], candidates: list[int]) -> dict[int, float]:
        """P(topic | question) under a naive Bayes model of each topic's example phrasings.

        Unlike BM25 this learns which everyday words ("worth", "how long", "start") go with which
        topic, from the phrasings moderators wrote; it is a probability over the candidates."""
        vocabulary = len(self._idf) or 1
        logs = {}
        for number in candidates:
            counts = self._phrasings[number]
            denominator = math.log(counts.total() + NB_ALPHA * vocabulary)
            logs[number] = sum(
                max(math.log(counts.get(t, 0) + NB_ALPHA) for t in group) - denominator
                for group in groups
                if group != (OUT_OF_SCOPE,)
            )
        top = max(logs.values(), default=0.0)
        exp = {n: math.exp(v - top) for n, v in logs.items()}
        total = sum(exp.values()) or 1.0
        return {n: v / total for n, v in exp.items()}

    def _example_similarity(self, number: int, terms: frozenset[str], norm: float) -> float:
        """Best idf-weighted cosine between the question and one of the topic's example phrasings."""
        best = 0.0
        for example in self._examples[number]:
            shared = terms & example
            if not shared:
                continue
            dot = sum(self._idf[t] ** 2 for t in shared)
            other = math.sqrt(sum(self._idf[t] ** 2 for t in example))
            best = max(best, dot / (norm * other))
        return best

    def candidates(self, question: str) -> list[Evidence]:
        """The topics worth considering for a question, with what speaks for each of them."""
        groups = list(dict.fromkeys(self.query_groups(question)))
        if not groups or not self.documents:
            return []
        # A group weighs what its rarest known term weighs. In a long message an unfamiliar word is
        # more likely backstory than the subject, so unknown words weigh less as messages grow.
        unknown = self._unknown_idf * min(1.0, UNKNOWN_DAMPING / len(groups))
        group_weight = [
            self._unknown_idf
            if group == (OUT_OF_SCOPE,)
            else max((self._idf.get(t, 0.0) for t in group), default=0.0) or unknown
            for group in groups
        ]
        total_weight = sum(group_weight)
        known = [g == (OUT_OF_SCOPE,) or any(t in self._idf for t in g) for g in groups]
        unknown_share = sum(w for w, k in zip(group_weight, known, strict=True) if not k) / total_weight
        out_of_scope = (
            sum(w for g, w in zip(groups, group_weight, strict=True) if g == (OUT_OF_SCOPE,)) / total_weight
        )
        # "weekend" or "tomorrow" may appear in some answer; "cpc", "coder" or "ceus" say the message is ours.
        jargon = {
            self.analyzer.stem(w)
            for w in map(self._repair, words(question))
            if w in self._vocabulary and english_frequency(w) < EVERYDAY_FREQUENCY
        }
        specific = (
            sum(
                w for g, w, k in zip(groups, group_weight, known, strict=True) if k and jargon.intersection(g)
            )
            / total_weight
        )

        # Shortlist by the groups that discriminate: a word in most topics costs a pass over all of
        # them and moves nothing. Then score the shortlist on every group.
        impacts = [self._group_impact(group) for group in groups]
        common = max(COMMON_MIN, COMMON_SHARE * len(self.documents))
        selective = [impact for impact in impacts if 0 < len(impact) <= common] or impacts
        shortlist: dict[int, float] = defaultdict(float)
        for impact in selective:
            for number, value in impact.items():
                shortlist[number] += value
        if not shortlist:
            return []
        pool = sorted(shortlist, key=shortlist.__getitem__, reverse=True)[: CANDIDATES * 2]
        scores = {n: sum(impact.get(n, 0.0) for impact in impacts) for n in pool}
        top_score = max(scores.values())
        candidates = sorted(pool, key=scores.__getitem__, reverse=True)[:CANDIDATES]
        terms = frozenset(t for group in groups for t in group if t in self._idf)
        norm = math.sqrt(sum(w * w for w in group_weight)) or 1.0  # unknown words count against a match
        likelihood = self._phrasing_likelihood(groups, candidates)
        evidence = []
        for number in candidates:
            head_terms = self._heads[number]
            evidence.append(
                Evidence(
                    number=number,
                    bm25=scores[number] / top_score,
                    similarity=self._example_similarity(number, terms, norm),
                    coverage=sum(w for i, w in zip(impacts, group_weight, strict=True) if number in i)
                    / total_weight,
                    head=sum(
                        w
                        for g, w in zip(groups, group_weight, strict=True)
                        if any(t in head_terms for t in g)
                    )
                    / total_weight,
                    likelihood=likelihood[number],
                    groups=len(groups),
                    unknown=unknown_share,
                    out_of_scope=out_of_scope,
                    specific=specific,
                )
            )
        return evidence

    def ranked(self, question: str) -> list[Evidence]:
        """The candidates, best first."""
        return sorted(self.candidates(question), key=Evidence.relevance, reverse=True)

    def search(self, question: str, limit: int = 5) -> SearchResult:
        """The best topics for a question, and whether the best one answers it (else decline)."""
        ranked = self.ranked(question)
        if not ranked:
            return SearchResult(question, (), 0.0, False)
        matches = tuple(
            Match(
                self.documents[e.number].id,
                self.documents[e.number].title,
                round(e.relevance() / RELEVANCE_MAX, 3),
            )
            for e in ranked[:limit]
        )
        features = ranked[0].features(ranked[1] if len(ranked) > 1 else None)
        confidence = self.decline.probability(features)
        said = self._said_as.get(
            frozenset(self._analyse(" ".join(map(self._repair, words(question))))), set()
        )
        if len(said) == 1 and ranked[0].number in said and not ranked[0].out_of_scope:
            # The message says exactly what one topic's title, alias or question says: that topic.
            confidence = max(confidence, self.decline.threshold)
        top = ranked[0]
        if top.out_of_scope and top.out_of_scope >= OOS_RULE * top.specific:
            # Moderators' out-of-scope words decide, unless the field's own jargon outweighs them.
            confidence = min(confidence, self.decline.threshold * 0.99)
        return SearchResult(question, matches, round(confidence, 3), confidence >= self.decline.threshold)

    @cached_property
    def suggester(self) -> Suggester:
        from bot.core.autocomplete import Suggester  # it builds on this module's words and Match

        return Suggester.from_documents(self.documents)

    def suggest(self, text: str, limit: int = 25) -> list[Match]:
        """Autocomplete over these documents: bot/core/autocomplete.py, the one implementation."""
        return self.suggester.suggest(text, limit)


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


def build_index(
    kb: KnowledgeBase, documents: Sequence[Document] | None = None, decline: DeclineModel | None = None
) -> SearchIndex:
    """The index of a knowledge base's topics (or of other documents, read with its synonyms)."""
    documents = topic_documents(kb) if documents is None else documents
    return SearchIndex(documents, kb.synonyms, kb.out_of_scope, decline)
