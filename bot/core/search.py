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

import itertools
import math
import re
import unicodedata
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import compress
from operator import not_
from typing import TYPE_CHECKING, Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.decline import DeclineModel, shipped_model
from bot.core.english import english_frequency, stemmer
from bot.core.english import load as load_english
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
_LOG_ALPHA = math.log(NB_ALPHA)  # the word model's log count of a term no phrasing has
# Ranking and confidence weights: chosen by benchmarks/calibrate.py (leave-one-out over the topics'
# own phrasings, and off-topic calibration questions), never on the evaluation set.
W_BM25, W_EXAMPLE, W_NB = 1.0, 1.0, 0.5
# A topic the message names by its id or an alias, as written ("crc", "ccs-p", "the A"): chosen on
# the blind tuning sets (0.2: +0.3 and +0.7 points on sets C and D, set A unchanged).
W_NAMED = 0.2
# The fitted topic word model's P(topic | message) (decline.TopicWords), chosen on the tuning sets:
# with each set's messages left out of the fit, +2.1, +0.8 and +3.3 points on sets C, D and E at
# 1.0; 2.0 ranks a topic with the fact first for 97.06% of the ten tuning sets' messages (5,137
# with one), against 96.83% at 1.0 (each set's topic word model fitted without it).
W_TOPIC_WORDS = 2.0
RELEVANCE_MAX = W_BM25 + W_EXAMPLE + W_NB + W_NAMED + W_TOPIC_WORDS
OOS_RULE = 2.0  # an out-of-scope phrase declines unless jargon weighs more than OOS_RULE times less
UNKNOWN_DAMPING = 4.0  # unknown words weigh fully up to 4 words, then less
EVERYDAY_FREQUENCY = 5000  # more common than this in English: a word anyone uses, not the field's jargon
REAL_WORD_FREQUENCY = 500  # in pyspellchecker's English list (bot/core/english.py); rarer: mostly typos
CANDIDATES = 20
PHRASINGS_CACHED = 4096  # topics whose phrasings are kept as sets, not only as arrays
TERMS_CACHED = 2048  # terms whose BM25 per topic is kept as a dict (a small index's questions)
DENSE_MIN = 1_000  # from this many topics a question's postings are added up in arrays (see _Dense)
COMMON_SHARE, COMMON_MIN = 0.25, 100  # a word in more topics than this does not pick candidates
OUT_OF_SCOPE = "\x00out-of-scope"  # a term no topic has: the question is about something else
_WORD = re.compile(r"[a-z0-9]+")
_COMPOUND = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")
_SUFFIX = re.compile(r"-[a-z]\b")  # a credential's suffix: "cpc-a", "ccs-p"
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"))


def normalize(text: str) -> str:
    """Lower case, compatibility forms folded, invisible characters and accents removed."""
    if text.isascii():  # nothing to fold but the case: the common case, in one C call
        return text.lower()
    text = unicodedata.normalize("NFKD", text.translate(_INVISIBLE)).casefold()
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return _WORD.findall(normalize(text))


class Analyzer:
    """Turns text into index terms, the same way for topics and for questions."""

    def __init__(self, synonyms: dict[str, str], out_of_scope: Iterable[str] = ()):
        self._stemmer = stemmer()
        self._stems: dict[str, str] = {}
        # Phrases are matched on stems, so "doctors offices" finds the synonym "doctor office".
        self._phrases: dict[tuple[str, ...], list[str]] = {}
        for phrase, meaning in synonyms.items():
            key = self._key(phrase)
            if key:
                self._phrases.setdefault(key, []).extend(words(meaning))
        # Out-of-scope phrases count only as written (or plural): "programming" is another field,
        # a "training program" is ours, though both stem to "program".
        self._written_out_of_scope: set[tuple[str, ...]] = set()
        for phrase in out_of_scope:
            key = self._key(phrase)
            if key:
                self._phrases[key] = [OUT_OF_SCOPE]
                written = tuple(words(phrase))
                self._written_out_of_scope.update({written, (*written[:-1], written[-1] + "s")})
        # A phrase's first stem -> the lengths of the phrases starting with it, longest first: most
        # words start none, and are passed over with one look-up.
        sizes: dict[str, set[int]] = defaultdict(set)
        for key in self._phrases:
            sizes[key[0]].add(len(key))
        self._sizes = {stem: tuple(sorted(found, reverse=True)) for stem, found in sizes.items()}
        self._surface = {w for phrase in (*synonyms, *out_of_scope) for w in words(phrase)}

    def stem(self, token: str) -> str:
        return self._stem(token)

    def _stem(self, token: str) -> str:
        stem = self._stems.get(token)
        if stem is None:
            stem = self._stems[token] = self._stemmer.stem(token)
        return stem

    def _key(self, phrase: str) -> tuple[str, ...]:
        return tuple(self._stem(w) for w in words(phrase))

    def _phrases_in(self, tokens: Sequence[str]) -> list[tuple[int, int, list[str]]]:
        """(start, length, meaning) of each phrase found, left to right, the longest at each start."""
        stems = [self._stem(t) for t in tokens]
        found = []
        i, count = 0, len(stems)
        while i < count:
            for size in self._sizes.get(stems[i], ()):
                meaning = self._phrases.get(tuple(stems[i : i + size])) if size <= count - i else None
                if (
                    meaning == [OUT_OF_SCOPE]
                    and tuple(tokens[i : i + size]) not in self._written_out_of_scope
                ):
                    continue
                if meaning:
                    found.append((i, size, meaning))
                    i += size
                    break
            else:
                i += 1
        return found

    def _phrase_spans(self, tokens: Sequence[str]) -> Iterator[tuple[int, int, list[str] | None]]:
        """(start, length, meaning) over the tokens, longest phrase first; meaning None for a plain word."""
        i = 0
        for start, size, meaning in self._phrases_in(tokens):
            for plain in range(i, start):
                yield plain, 1, None
            yield start, size, meaning
            i = start + size
        for plain in range(i, len(tokens)):
            yield plain, 1, None

    def expand(self, tokens: Sequence[str]) -> list[str]:
        """The words plus the meaning of every synonym phrase found (for indexing topics)."""
        out = list(tokens)
        for _, _, meaning in self._phrases_in(tokens):
            if meaning != [OUT_OF_SCOPE]:
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

    def wording_tokens(self, text: str) -> set[str]:
        """What the decline model's word part reads: every word's stem, stop words included ("my",
        "how" say who is asking), and what follows "my"/"our" ("my claim" is a patient's)."""
        stems = [self._stem(w) for w in words(text)]
        pairs = (f"my_{b}" for a, b in itertools.pairwise(stems) if a in ("my", "our", "mine"))
        return {*stems, *pairs}

    def synonym_words(self) -> set[str]:
        return self._surface


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    fields: dict[str, str]  # field name -> text; see FIELD_WEIGHTS
    examples: tuple[str, ...]  # title, questions and aliases, for fuzzy matching and autocomplete
    names: tuple[str, ...] = ()  # what names the topic outright: its id and aliases ("crc", "the a")


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
    jargon: int  # how many of the question's words are the field's own (known, rare in everyday English)
    named: float = 0.0  # 1: the question says this topic's id or an alias, the longest name it says
    topic_words: float = 0.0  # the topic word model's P(this topic | the question's words)

    def relevance(self) -> float:
        """For ranking: which topic fits best."""
        return (
            W_BM25 * self.bm25
            + W_EXAMPLE * self.similarity
            + W_NB * self.likelihood
            + W_NAMED * self.named
            + W_TOPIC_WORDS * self.topic_words
        )

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
            "jargon": float(min(self.jargon, 3)),
            "named": self.named,
            "topic_words": self.topic_words,
            "jargon_share": min(1.0, self.jargon / self.groups),
            "known": 1.0 - self.unknown - self.out_of_scope,
        }


@dataclass(frozen=True)
class _Phrasings:
    """A topic's example phrasings (title, questions, aliases) as the question is compared with them."""

    containing: dict[str, list[int]]  # each term -> the phrasings having it, by position
    head: frozenset[str]  # every term of them
    counts: Counter[str]  # term counts over them, for the word model
    norms: list[float | None]  # each one's idf-weighted length (None: a term without idf)
    log_counts: _LogCounts  # log(count + NB_ALPHA) of a term, for the word model
    log_total: float  # log(all counts + NB_ALPHA x vocabulary), its denominator


class _LogCounts(dict[str, float]):
    """log(count + NB_ALPHA) of each term asked about, computed on first use and kept."""

    def __init__(self, counts: Counter[str]) -> None:
        super().__init__()
        self._counts = counts

    def __missing__(self, term: str) -> float:
        value = self[term] = math.log(self._counts.get(term, 0) + NB_ALPHA)
        return value


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
        # Every term gets a number; what is kept per topic is arrays of numbers, not dicts and sets
        # of strings: 12 bytes a posting instead of about 100 (issue 10: 50,000 topics in 1 GB).
        self._ids: dict[str, int] = {}  # term -> its number
        self._names: list[str] = []  # number -> term
        topics_of: list[array[int]] = []  # term number -> the topics having it, in order
        counts_of: list[array[int]] = []  # ... and its weighted count in each
        lengths: list[int] = []
        # Each topic's example phrasings (title, questions, aliases), as term numbers one after another.
        self._example_terms = array("i")
        self._example_ends = array("i")  # where each phrasing ends in _example_terms
        self._first_example = array("i", [0])  # topic n's phrasings: _first_example[n] .. [n + 1]
        self._said_as: dict[int, int | list[int]] = {}  # hash of a phrasing's term numbers -> its topics
        # A name's first word -> (the name's words, its topic): which topic does a message name?
        self._named_by_first: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        vocabulary: Counter[str] = Counter()
        compounds: set[str] = set()
        for number, doc in enumerate(self.documents):
            bag: Counter[str] = Counter()
            for name, text in doc.fields.items():
                normalized = normalize(text)
                tokens = _WORD.findall(normalized)
                if "-" in normalized:
                    compounds.update(_COMPOUND.findall(normalized))
                vocabulary.update(set(tokens))
                weight = FIELD_WEIGHTS[name]
                for term, count in Counter(self.analyzer.terms(self.analyzer.expand(tokens))).items():
                    bag[term] += count * weight
            for term, count in bag.items():
                term_id = self._id(term, topics_of, counts_of)
                topics_of[term_id].append(number)
                counts_of[term_id].append(count)
            lengths.append(sum(bag.values()))
            for example in doc.examples:
                ids = [self._id(term, topics_of, counts_of) for term in self._analyse(example)]
                self._example_terms.extend(ids)
                self._example_ends.append(len(self._example_terms))
                if ids:
                    self._add_said(hash(frozenset(ids)), number)
            self._first_example.append(len(self._example_ends))
            for name in doc.names:
                if name_words := tuple(words(name)):
                    self._named_by_first.setdefault(name_words[0], []).append((name_words, number))
        count = max(len(self.documents), 1)
        self._average_length = sum(lengths) / count or 1.0
        self._idf = {
            name: self._idf_for(len(topics_of[term_id]), count)
            for name, term_id in self._ids.items()
            if topics_of[term_id]
        }
        self._unknown_idf = self._idf_for(0, count)
        # Each term's BM25 contribution to each topic, computed once here rather than per question:
        # term n's topics are _topics[_starts[n]:_starts[n + 1]], its contributions _impacts[...] alike.
        norms = [BM25_K1 * (1 - BM25_B + BM25_B * length / self._average_length) for length in lengths]
        self._starts = array("i", [0])
        self._topics = array("i")
        self._impacts = array("d")
        for name, term_id in self._ids.items():
            idf = self._idf.get(name, 0.0)
            self._topics.extend(topics_of[term_id])
            self._impacts.extend(
                [
                    idf * tf * (BM25_K1 + 1) / (tf + norms[number])
                    for number, tf in zip(topics_of[term_id], counts_of[term_id], strict=True)
                ]
            )
            self._starts.append(len(self._topics))
        self._dense: tuple[Any, Any, Any] | None = None  # numpy views of the arrays, for large indexes
        # Each phrasing's idf-weighted length (NaN: a term with no idf) and each topic's word-model
        # denominator, computed here once rather than for each question that makes it a candidate.
        self._example_norms = array("d")
        for phrasings in map(self._example_ids, range(len(self.documents))):
            for phrasing in (frozenset(self._names[i] for i in terms) for terms in phrasings):
                has_idf = phrasing <= self._idf.keys()
                self._example_norms.append(
                    math.sqrt(sum(self._idf[t] ** 2 for t in phrasing)) if has_idf else math.nan
                )
        terms_known = len(self._idf) or 1
        self._log_totals = array(
            "d",
            (
                math.log(sum(map(len, phrasings)) + NB_ALPHA * terms_known)
                for phrasings in map(self._example_ids, range(len(self.documents)))
            ),
        )
        self._compounds = compounds
        known = vocabulary.keys() | self.analyzer.synonym_words()
        self._vocabulary = known
        # Typo repair looks up the most common spelling first, so ties go to the likelier word.
        self._by_frequency = sorted(known, key=lambda w: (-vocabulary[w], w))
        self._by_length: dict[int, tuple[list[str], list[int]]] = {}  # length -> words, their ranks above
        for rank, word in enumerate(self._by_frequency):
            same_length, ranks = self._by_length.setdefault(len(word), ([], []))
            same_length.append(word)
            ranks.append(rank)
        self._made_caches()
        load_english()  # read the word list now, not on the first question
        if len(self.documents) >= DENSE_MIN:
            self._numpy()  # likewise numpy, for a large index

    def _analyse(self, text: str) -> list[str]:
        return self.analyzer.terms(self.analyzer.expand(words(text)))

    def _id(self, term: str, topics_of: list[array[int]], counts_of: list[array[int]]) -> int:
        """The number of a term, numbering it (with empty postings) if it is new."""
        term_id = self._ids.get(term)
        if term_id is None:
            term_id = self._ids[term] = len(self._names)
            self._names.append(term)
            topics_of.append(array("i"))
            counts_of.append(array("i"))
        return term_id

    def _add_said(self, key: int, number: int) -> None:
        said = self._said_as.get(key)
        if said is None:
            self._said_as[key] = number
        elif isinstance(said, int):
            if said != number:
                self._said_as[key] = [said, number]
        elif number not in said:
            said.append(number)

    def _example_ids(self, number: int) -> list[array[int]]:
        """The term numbers of each of a topic's example phrasings, in order (empty ones too)."""
        ends = self._example_ends
        first, last = self._first_example[number], self._first_example[number + 1]
        return [self._example_terms[ends[e - 1] if e else 0 : ends[e]] for e in range(first, last)]

    def _phrasings_uncached(self, number: int) -> _Phrasings:
        ids = self._example_ids(number)
        counts = Counter(self._names[i] for terms in ids for i in terms)
        first = self._first_example[number]
        norms = [None if math.isnan(n) else n for n in self._example_norms[first : first + len(ids)]]
        return _Phrasings(
            self._containing(ids),
            frozenset(counts),
            counts,
            norms,
            _LogCounts(counts),
            self._log_totals[number],
        )

    def _containing(self, phrasings: list[array[int]]) -> dict[str, list[int]]:
        """Each term of a topic's phrasings (their term numbers) -> the positions of those having it."""
        found: dict[str, list[int]] = {}
        for position, terms in enumerate(phrasings):
            for term in set(terms):
                name = self._names[term]
                positions = found.get(name)
                if positions is None:
                    found[name] = [position]
                else:
                    positions.append(position)
        return found

    def _phrased_as(self, terms: list[str]) -> set[int]:
        """The topics with an example phrasing of exactly these terms."""
        ids = [self._ids.get(t, -1) for t in terms]
        if not ids or -1 in ids:
            return set()
        wanted = frozenset(ids)
        said = self._said_as.get(hash(wanted))
        if said is None:
            return set()
        numbers = [said] if isinstance(said, int) else said
        return {n for n in numbers if any(frozenset(e) == wanted for e in self._example_ids(n))}

    def _postings(self, term: str) -> tuple[int, int]:
        """Where a term's topics and BM25 contributions are in _topics and _impacts (empty: none)."""
        term_id = self._ids.get(term)
        if term_id is None:
            return 0, 0
        return self._starts[term_id], self._starts[term_id + 1]

    def _numpy(self) -> tuple[Any, Any, Any]:
        """numpy and views of the postings arrays, made on first use (the arrays are not copied)."""
        if self._dense is None:
            import numpy

            self._dense = (
                numpy,
                numpy.frombuffer(self._topics, dtype=numpy.intc),
                numpy.frombuffer(self._impacts, dtype=numpy.float64),
            )
        return self._dense

    def __getstate__(self) -> dict[str, Any]:
        # What a cache keeps: the arrays, not the caches made from them.
        state = self.__dict__.copy()
        for made in ("_repair", "_phrasings", "_term_impact", "_dense", "suggester"):
            state.pop(made, None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._dense = None
        self._made_caches()

    def _made_caches(self) -> None:
        self._repair = lru_cache(maxsize=4096)(self._repair_uncached)
        # A candidate's phrasings as sets and counts of terms, rebuilt from the arrays when needed:
        # every topic of a small index stays here, the most recent ones of a large one.
        self._phrasings = lru_cache(maxsize=PHRASINGS_CACHED)(self._phrasings_uncached)
        # Each term's BM25 per topic as a dict, for a small index's questions (_Sparse): the terms
        # asked most are not made again from the arrays for every question.
        self._term_impact = lru_cache(maxsize=TERMS_CACHED)(self._term_impact_uncached)

    @staticmethod
    def _idf_for(document_frequency: int, count: int) -> float:
        return math.log(1 + (count - document_frequency + 0.5) / (document_frequency + 0.5))

    def _repair_uncached(self, word: str) -> str:
        if word in self._vocabulary or word in STOPWORDS or len(word) < 4 or word.isdigit():
            return word
        if english_frequency(word) >= REAL_WORD_FREQUENCY:
            return word  # "telling" is a word, not a typo of "selling", even if no topic uses it
        limit = 1 if len(word) < 8 else 2
        found = self._closest(word, limit)
        if not found:
            return word
        # Closest first; then a typo rarely changes the first letter; then the more common word.
        best = min(found, key=lambda f: (f[1], f[0][0] != word[0], f[2]))
        return best[0]

    def _closest(self, word: str, limit: int, count: int = 20) -> list[tuple[str, int, int]]:
        """What process.extract(word, self._by_frequency, scorer=OSA.distance, score_cutoff=limit,
        limit=count) gives, (word, distance, rank) closest then commonest first, looked for only among
        the words of about its length: an OSA distance is at least the difference of the lengths, and
        a large knowledge base's vocabulary holds tens of thousands of words."""
        found = []
        for length in range(len(word) - limit, len(word) + limit + 1):
            near, ranks = self._by_length.get(length, ([], []))
            for match, distance, index in process.extract(
                word, near, scorer=OSA.distance, score_cutoff=limit, limit=None
            ):
                found.append((match, distance, ranks[index]))
        return sorted(found, key=lambda f: (f[1], f[2]))[:count]

    def knows(self, word: str) -> bool:
        """Whether any topic (or synonym) uses this word, or hyphenated name like "cpc-p", as written."""
        return word in self._vocabulary or word in self._compounds

    def is_unknown_name(self, word: str) -> bool:
        """A name ("cdeo", "cpc-z") that no topic uses and that is no everyday word or chat filler."""
        return not (self.knows(word) or word in STOPWORDS or english_frequency(word) >= REAL_WORD_FREQUENCY)

    def named_topics(self, question: str) -> set[int]:
        """The topics a question names outright: the longest id or alias it says as whole words
        ("ccs-p" names the CCS-P, not the CCS; "cpc-a" names no "cpc"). More than two: none."""
        text = normalize(question)
        found = list(_WORD.finditer(text))
        tokens = [m.group(0) for m in found]
        longest, named = 0, set()
        for start, token in enumerate(tokens):
            for name, number in self._named_by_first.get(token, ()):
                end = start + len(name)
                if tuple(tokens[start:end]) != name or _SUFFIX.match(text, found[end - 1].end()):
                    continue
                size = sum(map(len, name))
                if size > longest:
                    longest, named = size, {number}
                elif size == longest:
                    named.add(number)
        return named if len(named) <= 2 else set()

    def query_groups(self, question: str) -> list[tuple[str, ...]]:
        return self.analyzer.groups([self._repair(w) for w in words(question)])

    def _group_impact(self, group: tuple[str, ...]) -> dict[int, float]:
        """BM25 of a word group per topic: for a phrase and its synonyms, the best of them, once.
        Not to be changed: a one-term group's is the term's own, kept for the next question."""
        impacts = [impact for impact in map(self._term_impact, group) if impact]
        if len(impacts) <= 1:
            return impacts[0] if impacts else {}
        best = dict(impacts[0])
        for impact in impacts[1:]:
            for number, value in impact.items():
                if value > best.get(number, 0.0):
                    best[number] = value
        return best

    def _term_impact_uncached(self, term: str) -> dict[int, float]:
        """A term's BM25 per topic having it (made from the arrays, kept by _made_caches)."""
        start, end = self._postings(term)
        return dict(zip(self._topics[start:end], self._impacts[start:end], strict=True))

    def _phrasing_likelihood(self, groups: list[tuple[str, ...]], candidates: list[int]) -> dict[int, float]:
        """P(topic | question) under a naive Bayes model of each topic's example phrasings.

        Unlike BM25 this learns which everyday words ("worth", "how long", "start") go with which
        topic, from the phrasings moderators wrote; it is a probability over the candidates."""
        logs = {}
        scored = [group for group in groups if group != (OUT_OF_SCOPE,)]
        for number in candidates:
            phrasings = self._phrasings(number)
            log_count = phrasings.log_counts.__getitem__
            # A group none of whose terms the phrasings have counts log(NB_ALPHA), like an unseen
            # term: only the groups they share (a few of a long message's 50) are looked up.
            shared = compress(scored, map(not_, map(phrasings.head.isdisjoint, scored)))
            seen = sum([max(map(log_count, group)) - _LOG_ALPHA for group in shared])
            logs[number] = seen + len(scored) * (_LOG_ALPHA - phrasings.log_total)
        top = max(logs.values(), default=0.0)
        exp = {n: math.exp(v - top) for n, v in logs.items()}
        total = sum(exp.values()) or 1.0
        return {n: v / total for n, v in exp.items()}

    def _example_similarity(self, number: int, weights: dict[str, float], norm: float) -> float:
        """Best idf-weighted cosine between the question and one of the topic's example phrasings;
        `weights`: the question's known terms, each with its idf squared."""
        phrasings = self._phrasings(number)
        # Only the phrasings sharing a term with the question, found through the terms: most share none.
        dots: dict[int, float] = {}
        containing = phrasings.containing
        for term in filter(containing.__contains__, weights):
            weight = weights[term]
            for example in containing[term]:
                dots[example] = dots.get(example, 0.0) + weight
        best = 0.0
        for example, dot in dots.items():
            other = phrasings.norms[example]
            if other is None:  # a phrasing with a term no field has (never, as topics are indexed)
                terms = {self._names[i] for i in self._example_ids(number)[example]}
                other = math.sqrt(sum(self._idf[t] ** 2 for t in terms))
            best = max(best, dot / (norm * other))
        return best

    def candidates(self, question: str, tokens: set[str] | None = None) -> list[Evidence]:
        """The topics worth considering for a question, with what speaks for each of them
        (`tokens`: its Analyzer.wording_tokens, when the caller has them already)."""
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
        impacts = (_Dense if len(self.documents) >= DENSE_MIN else _Sparse)(self, groups)
        common = max(COMMON_MIN, COMMON_SHARE * len(self.documents))
        selective = [g for g, size in enumerate(impacts.sizes) if 0 < size <= common] or list(
            range(len(groups))
        )
        pool = impacts.pool(selective, CANDIDATES * 2)
        if not pool:
            return []
        rows = impacts.rows(pool)  # topic -> its BM25 for each group, 0.0 where it has none of it
        scores = {n: sum(rows[n]) for n in pool}
        top_score = max(scores.values())
        candidates = sorted(pool, key=scores.__getitem__, reverse=True)[:CANDIDATES]
        weights = {t: self._idf[t] ** 2 for group in groups for t in group if t in self._idf}
        norm = math.sqrt(sum(w * w for w in group_weight)) or 1.0  # unknown words count against a match
        likelihood = self._phrasing_likelihood(groups, candidates)
        named = self.named_topics(question) if self._named_by_first else set()
        topic_words = self.decline.topic_words
        # A topic it was not fitted with among the candidates (one a moderator added since, or
        # another knowledge base): rank without it, so that topic is not held back.
        fitted = all(self.documents[number].id in topic_words.known for number in candidates)
        said = topic_words.probabilities(tokens or self.analyzer.wording_tokens(question)) if fitted else {}
        evidence = []
        for number in candidates:
            head_terms = self._phrasings(number).head
            evidence.append(
                Evidence(
                    number=number,
                    bm25=scores[number] / top_score,
                    similarity=self._example_similarity(number, weights, norm),
                    # The weights of the groups it has (a BM25 above 0), of those its phrasings have.
                    coverage=sum(compress(group_weight, rows[number])) / total_weight,
                    head=sum(compress(group_weight, map(not_, map(head_terms.isdisjoint, groups))))
                    / total_weight,
                    likelihood=likelihood[number],
                    groups=len(groups),
                    unknown=unknown_share,
                    out_of_scope=out_of_scope,
                    specific=specific,
                    jargon=len(jargon),
                    named=float(number in named),
                    topic_words=said.get(self.documents[number].id, 0.0),
                )
            )
        return evidence

    def ranked(self, question: str, tokens: set[str] | None = None) -> list[Evidence]:
        """The candidates, best first."""
        return sorted(self.candidates(question, tokens), key=Evidence.relevance, reverse=True)

    def search(self, question: str, limit: int = 5) -> SearchResult:
        """The best topics for a question, and whether the best one answers it (else decline)."""
        tokens = self.analyzer.wording_tokens(question)  # read by both fitted models: made once
        ranked = self.ranked(question, tokens)
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
        features["wording"] = self.decline.wording.probability(tokens)
        confidence = self.decline.probability(features)
        said = self._phrased_as(self._analyse(" ".join(map(self._repair, words(question)))))
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


class _Sparse:
    """Each question group's BM25 per topic as a dict: for small indexes, where that is fastest."""

    def __init__(self, index: SearchIndex, groups: Sequence[tuple[str, ...]]):
        self._impacts = [index._group_impact(group) for group in groups]
        self.sizes = [len(impact) for impact in self._impacts]

    def pool(self, selective: list[int], size: int) -> list[int]:
        """The `size` topics with the most BM25 over the selective groups, ties in order of appearance."""
        shortlist: dict[int, float] = defaultdict(float)
        for group in selective:
            for number, value in self._impacts[group].items():
                shortlist[number] += value
        return sorted(shortlist, key=shortlist.__getitem__, reverse=True)[:size]

    def rows(self, numbers: Iterable[int]) -> dict[int, list[float]]:
        rows = {n: [0.0] * len(self._impacts) for n in numbers}
        # Group by group, only the topics it has: most of a long message's groups have few of them.
        for group, impact in enumerate(self._impacts):
            for n in impact.keys() & rows.keys():
                rows[n][group] = impact[n]
        return rows


class _Dense:
    """The same as _Sparse, with one array of every topic's BM25 per group (numpy): a question over
    a large index adds up thousands of postings, in C rather than one by one. The sums are the
    same sums in the same order, and ties go the same way, so both rank alike."""

    def __init__(self, index: SearchIndex, groups: Sequence[tuple[str, ...]]):
        np, topics, impacts = index._numpy()
        self._np = np
        self._size = len(index.documents)
        self._terms: list[list[Any]] = []  # per group, one array per term that has postings
        self._groups: list[Any] = []  # per group, the best of its terms' arrays (None: no postings)
        self.sizes = []
        for group in groups:
            arrays = []
            for start, end in map(index._postings, group):
                if end > start:
                    scores = np.zeros(self._size)
                    scores[topics[start:end]] = impacts[start:end]
                    arrays.append(scores)
            best = None if not arrays else arrays[0] if len(arrays) == 1 else np.maximum.reduce(arrays)
            self._terms.append(arrays)
            self._groups.append(best)
            self.sizes.append(0 if best is None else int(np.count_nonzero(best)))

    def pool(self, selective: list[int], size: int) -> list[int]:
        np = self._np
        total = np.zeros(self._size)
        for group in selective:
            if self._groups[group] is not None:
                total += self._groups[group]
        touched = np.flatnonzero(total)  # every contribution is positive
        values = total[touched]
        if len(touched) > size:  # only those at or above the size-th best can make the pool
            kept = values >= np.partition(values, len(touched) - size)[len(touched) - size]
            touched, values = touched[kept], values[kept]
        ranked = sorted(
            zip((-values).tolist(), (self._appearance(n, selective) for n in touched.tolist()), strict=True)
        )
        return [n for _, (_, _, n) in ranked[:size]]

    def _appearance(self, number: int, selective: list[int]) -> tuple[int, int, int]:
        """Where a topic first appears when the groups' postings are read in order (as _Sparse reads
        its dicts): the group, the term of the group, the topic."""
        for place, group in enumerate(selective):
            for term, scores in enumerate(self._terms[group]):
                if scores[number] > 0:
                    return place, term, number
        return len(selective), 0, number

    def rows(self, numbers: Iterable[int]) -> dict[int, list[float]]:
        return {n: [0.0 if scores is None else scores.item(n) for scores in self._groups] for n in numbers}


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
                names=(topic.id, *topic.aliases),
            )
        )
    return documents


def build_index(
    kb: KnowledgeBase, documents: Sequence[Document] | None = None, decline: DeclineModel | None = None
) -> SearchIndex:
    """The index of a knowledge base's topics (or of other documents, read with its synonyms)."""
    documents = topic_documents(kb) if documents is None else documents
    return SearchIndex(documents, kb.synonyms, kb.out_of_scope, decline)
