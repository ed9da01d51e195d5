"""Autocomplete: what a half-typed box most likely means, for Discord's autocomplete and the console's Tab.

One implementation for every list that completes as you type: topics (/faq), credentials
(/compare) and categories (/topics). Matching is by word, never by the characters of the whole
string, so a long name such as "ICD-10-CM/PCS" cannot creep into every list:

- each typed word is matched against the words of an entry's title, aliases and questions:
  exactly, by stem ("remove" ~ "removing"), as a prefix (the word still being typed), or with a
  typo (one edit in a short word, two in a long one: "remvoing" ~ "removing", "cpa" ~ "cpc");
- a typed word weighs what it tells apart: one that matches half the entries weighs little;
- an entry scores the weighted share of the typed words it matches, by how good the match is and
  where it is (title and aliases above questions), plus a little for how much of one of its names
  (title, alias or id) the typed words cover, so "cpc" offers the CPC before "CPC or CCS"; ties go
  to the entry asked more often, then to the entries' own order.

An empty box lists the entries by how often they are asked, when a count is given, else in their
order (topics: by category, as /topics shows them). Built once per knowledge version; a call only
touches the words the typed words match, with set operations doing the heavy lifting.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.english import stemmer
from bot.core.knowledge import KnowledgeBase
from bot.core.limits import CHOICES_MAX
from bot.core.search import STOPWORDS, Document, Match, words

# Where a word was found, and how much a match there counts.
TITLE, ALIAS, QUESTION = 1.0, 0.95, 0.8
# How good a match is: the word itself, its stem, the start of it, or a typo of it.
EXACT, STEM = 1.0, 0.95
PREFIX_TYPING, PREFIX_DONE = 0.9, 0.7  # of the word being typed (the last), of a finished word
TYPO_CLOSE, TYPO_ONE, TYPO_TWO = 0.8, 0.75, 0.6  # close: one edit after the same first two letters
PREFIX_TYPO = 0.65  # the word being typed is a typo of the start of a word: "remvo" ~ "removing"
COMMON_SHARE = 0.25  # a typed word matching more entries than this does not nominate candidates
MIN_SCORE = 0.3  # below this share of the typed words, an entry is not offered
MAX_WORDS = 12  # an autocomplete box holds a few words; of a pasted story, the first ones and the last
NAME_COVER = 0.1  # weight of "how much of a name (title, alias, id) is typed": "cpc" is the CPC first


@dataclass(frozen=True)
class Entry:
    """Something to offer: its id (what is sent back), its title (what is shown) and its phrasings."""

    id: str
    title: str
    aliases: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()


class Suggester:
    """Word-based, typo-tolerant completion over a fixed list of entries (see the module docstring)."""

    def __init__(self, entries: Sequence[Entry]):
        self.entries = list(entries)
        self._stemmer = stemmer()
        # word -> the entries having it, one set per field weight (set unions run in C).
        postings: dict[str, dict[float, set[int]]] = defaultdict(lambda: defaultdict(set))
        self._names: list[list[tuple[str, ...]]] = []  # the words of each title, alias and id
        for number, entry in enumerate(self.entries):
            fields = (
                (TITLE, [entry.title, entry.id.replace("-", " ")]),
                (ALIAS, entry.aliases),
                (QUESTION, entry.questions),
            )
            for weight, texts in fields:
                for text in texts:
                    for word in words(text):
                        postings[word][weight].add(number)
            # Filler words do not count in a long name ("Do coders need a license?"), but in a short
            # one they may be the name ("the A").
            names = [tuple(dict.fromkeys(words(name))) for name in (entry.title, entry.id, *entry.aliases)]
            self._names.append(
                [
                    tuple(w for w in name if w not in STOPWORDS) or name if len(name) > 2 else name
                    for name in names
                    if name
                ]
            )
        self._postings = {w: {f: frozenset(s) for f, s in by.items()} for w, by in postings.items()}
        self._sorted = sorted(self._postings)  # for prefixes, by bisection
        self._by_length: dict[int, list[str]] = defaultdict(list)  # for typos, by length
        self._by_stem: dict[str, list[str]] = defaultdict(list)
        self._starts: dict[int, dict[str, list[str]]] = {}  # for typos at the start of a word
        for word in self._sorted:
            self._by_length[len(word)].append(word)
            self._by_stem[self._stem(word)].append(word)
        # A topic's answer to a typed word depends only on the word: cached across calls and keystrokes.
        self._word_scores = lru_cache(maxsize=4096)(self._word_scores_uncached)

    def clear_cache(self) -> None:
        """Forget the per-word matches (for measuring the first call with a new word)."""
        self._word_scores.cache_clear()

    @classmethod
    def from_documents(cls, documents: Sequence[Document]) -> Suggester:
        """Over search documents: the first example is the title, the others count as questions."""
        return cls([Entry(d.id, d.title, questions=d.examples[1:]) for d in documents])

    def _stem(self, word: str) -> str:
        return self._stemmer.stem(word)

    def _word_matches(self, token: str, typing: bool) -> dict[str, float]:
        """The index words a typed word may mean, each with how good the match is."""
        found: dict[str, float] = {}

        def offer(word: str, quality: float) -> None:
            if quality > found.get(word, 0.0):
                found[word] = quality

        if token in self._postings:
            offer(token, EXACT)
        for word in self._by_stem.get(self._stem(token), ()):
            offer(word, STEM)
        start = bisect.bisect_left(self._sorted, token)
        prefix = PREFIX_TYPING if typing else PREFIX_DONE
        for word in self._sorted[start:]:
            if not word.startswith(token):
                break
            offer(word, prefix)
        if len(token) >= 3 and not token.isdigit():
            edits = 1 if len(token) < 9 else 2
            for length in range(len(token) - edits, len(token) + edits + 1):
                candidates = self._by_length.get(length)
                if not candidates:
                    continue
                for word, distance, _ in process.extract(
                    token, candidates, scorer=OSA.distance, score_cutoff=edits, limit=None
                ):
                    if distance == 0:
                        continue
                    quality = TYPO_TWO if distance > 1 else TYPO_CLOSE if word[:2] == token[:2] else TYPO_ONE
                    offer(word, quality)
            if typing and len(token) >= 4:
                for word in self._prefix_typos(token):
                    offer(word, PREFIX_TYPO)
        return found

    def _prefix_typos(self, token: str) -> list[str]:
        """Longer words whose start is one edit away from the typed word."""
        starts = self._starts.get(len(token))
        if starts is None:  # built on first use, once per length
            starts = defaultdict(list)
            for word in self._sorted:
                if len(word) > len(token):
                    starts[word[: len(token)]].append(word)
            starts = self._starts[len(token)] = dict(starts)
        hits = process.extract(token, list(starts), scorer=OSA.distance, score_cutoff=1, limit=None)
        return [word for start, _, _ in hits for word in starts[start]]

    def _word_scores_uncached(self, token: str, typing: bool) -> tuple[dict[int, float], dict[str, float]]:
        """Entry -> its best match for one typed word (quality x field weight), and the words matched."""
        matches = self._word_matches(token, typing)
        tiers: dict[float, set[int]] = defaultdict(set)
        for word, quality in matches.items():
            for field, entries in self._postings[word].items():
                tiers[round(quality * field, 4)] |= entries
        scores: dict[int, float] = {}
        for value in sorted(tiers, reverse=True):  # best tier first: an entry keeps its best match
            fresh = tiers[value] - scores.keys()
            scores.update(dict.fromkeys(fresh, value))
        return scores, matches

    def suggest(
        self, text: str, limit: int = CHOICES_MAX, asked: Mapping[str, int] | None = None
    ) -> list[Match]:
        """The entries that best complete `text`, best first, at most `limit`.

        `asked` (entry id -> how often it was asked, e.g. from a question log) orders the empty box
        and breaks ties; without it the entries' own order does."""
        asked = asked or {}
        if limit < 1:
            return []
        tokens = list(dict.fromkeys(words(text)))
        if not tokens:
            first = heapq.nsmallest(
                limit, range(len(self.entries)), key=lambda n: (-asked.get(self.entries[n].id, 0), n)
            )
            return [Match(self.entries[n].id, self.entries[n].title, 1.0) for n in first]
        # Filler words go, unless they are all there is ("the a"); the word being typed always stays,
        # it may be the start of anything.
        if any(t not in STOPWORDS for t in tokens):
            tokens = [t for t in tokens[:-1] if t not in STOPWORDS] + tokens[-1:]
        tokens = (
            tokens[: MAX_WORDS - 1] + tokens[-1:] if len(tokens) > MAX_WORDS else tokens
        )  # a pasted story
        per_token = [self._word_scores(t, i == len(tokens) - 1) for i, t in enumerate(tokens)]
        count = max(len(self.entries), 1)
        # A word matching few entries says more: idf over the entries it matches at all.
        weights = [math.log(1 + count / len(s)) if s else math.log(1 + count) for s, _ in per_token]
        total = sum(weights)
        scored = sorted(zip(weights, (s for s, _ in per_token), strict=True), key=lambda ws: len(ws[1]))
        # The words that tell entries apart nominate the candidates; a word matching most entries
        # only adds to their scores. If an entry matched by common words alone could still make the
        # list, everything matched is a candidate after all.
        common = max(limit, count * COMMON_SHARE)
        selective = [n for n, (_, matched) in enumerate(scored) if len(matched) <= common] or [0]
        scores = self._scores(set().union(*(scored[n][1] for n in selective)), scored, total)
        common_only = sum(w for n, (w, _) in enumerate(scored) if n not in selective) / total
        lift = NAME_COVER / (1 - NAME_COVER)  # the most a name's cover can move an entry up, in score
        if common_only >= MIN_SCORE and (
            len(scores) < limit or _kth(scores.values(), limit) - lift <= common_only
        ):
            scores = self._scores(set().union(*(s for _, s in scored)), scored, total)
        # Only entries a name's cover could lift into the list are looked at for it.
        kept = [n for n, score in scores.items() if score >= MIN_SCORE]
        if len(kept) > limit:
            floor = _kth((scores[n] for n in kept), limit) - lift
            kept = [n for n in kept if scores[n] >= floor]
        typed: dict[str, float] = {}  # every index word the typed words match, with the best quality
        for _, matches in per_token:
            for word, quality in matches.items():
                typed[word] = max(quality, typed.get(word, 0.0))
        ranked: list[tuple[float, int, int]] = []
        for number in kept:
            cover = max(sum(typed.get(w, 0.0) for w in name) / len(name) for name in self._names[number])
            final = scores[number] * (1 - NAME_COVER) + NAME_COVER * cover
            ranked.append((final, asked.get(self.entries[number].id, 0), -number))  # earlier entries first
        best = heapq.nlargest(limit, ranked)
        return [Match(self.entries[-n].id, self.entries[-n].title, round(f, 3)) for f, _, n in best]

    @staticmethod
    def _scores(
        candidates: set[int], scored: list[tuple[float, dict[int, float]]], total: float
    ) -> dict[int, float]:
        """Each candidate's weighted share of the typed words it matches."""
        getters = [(weight, matched.get) for weight, matched in scored]
        return {n: sum(w * get(n, 0.0) for w, get in getters) / total for n in candidates}


def _kth(values: Iterable[float], k: int) -> float:
    """The k-th largest value."""
    return heapq.nlargest(k, values)[-1]


def topic_entries(kb: KnowledgeBase) -> list[Entry]:
    """Every topic, in the order /topics shows them: by category, then as written."""
    order = {category: n for n, category in enumerate(kb.categories)}
    topics = sorted(kb.topics.values(), key=lambda t: order.get(t.category, len(order)))
    return [Entry(t.id, t.title, tuple(t.aliases), tuple(t.questions)) for t in topics]


def credential_entries(kb: KnowledgeBase) -> list[Entry]:
    """Every credential, shown as "CPC — Certified Professional Coder"."""
    return [
        Entry(c.id, f"{c.name} — {c.full_name}", (c.name, *c.aliases), ()) for c in kb.credentials.values()
    ]


def category_entries(kb: KnowledgeBase) -> list[Entry]:
    """Every category, matched by id, title and description."""
    return [Entry(c.id, c.title, (), (c.description,)) for c in kb.categories.values()]
