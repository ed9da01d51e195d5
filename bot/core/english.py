"""How common a word is in everyday English, from a small word list shipped with the package.

Search asks two questions of it: is a word real English (so it is never "repaired" as a typo),
and is it everyday English rather than the field's jargon. english_words.tsv holds pyspellchecker's
English frequencies for the words frequent enough to matter (benchmarks/english_words.py makes it):
a few hundred kilobytes read in milliseconds, instead of the 160,000-word list loaded in a fifth
of a second.
"""

from __future__ import annotations

import bisect
from functools import lru_cache
from pathlib import Path

WORDS_FILE = Path(__file__).with_name("english_words.tsv")


@lru_cache(maxsize=1)
def _frequencies() -> tuple[int, list[str], list[str]]:
    """(floor, words in order, their counts as written); the first line is `# floor<TAB>N<TAB>source`.

    Looked up by bisection: splitting the file is all the reading there is (a dict of 26,000 words
    and their numbers would take five times longer to build than a process asks questions)."""
    header, _, body = WORDS_FILE.read_text(encoding="utf-8").partition("\n")
    pairs = body.split()  # word, count, word, count...: no word has a space
    return int(header.split("\t")[1]), pairs[::2], pairs[1::2]


def frequency_floor() -> int:
    """The rarest frequency the list keeps: any rarer word reads as 0."""
    return _frequencies()[0]


def english_frequency(word: str) -> int:
    """How often `word` (lower case) occurs in pyspellchecker's English corpus; 0 below the floor."""
    _, words, counts = _frequencies()
    at = bisect.bisect_left(words, word)
    return int(counts[at]) if at < len(words) and words[at] == word else 0


def load() -> None:
    """Read the list now (a long-running process does it before its first question)."""
    _frequencies()
