"""English for search and autocomplete: how common a word is, and Snowball's English stemmer.

Search asks two questions of it: is a word real English (so it is never "repaired" as a typo),
and is it everyday English rather than the field's jargon. english_words.tsv holds pyspellchecker's
English frequencies for the words frequent enough to matter (benchmarks/english_words.py makes it):
a few hundred kilobytes read in milliseconds, instead of the 160,000-word list loaded in a fifth
of a second.
"""

from __future__ import annotations

import bisect
import importlib
import importlib.util
import sys
import threading
import types
from functools import lru_cache
from pathlib import Path
from typing import Any

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


@lru_cache(maxsize=16_384)  # a long message asks about 80 words, most of them again and again
def english_frequency(word: str) -> int:
    """How often `word` (lower case) occurs in pyspellchecker's English corpus; 0 below the floor."""
    _, words, counts = _frequencies()
    at = bisect.bisect_left(words, word)
    return int(counts[at]) if at < len(words) and words[at] == word else 0


def load() -> None:
    """Read the list now (a long-running process does it before its first question)."""
    _frequencies()


_SNOWBALL = "_coding_advisor_snowball"  # the name Snowball's English module is loaded under


class Stemmer:
    """Snowball's English stemmer, safe to share between threads (large knowledge bases are
    searched in worker threads; a Snowball stemmer keeps the word being stemmed in itself)."""

    def __init__(self) -> None:
        self._snowball = _snowball_english()
        self._lock = threading.Lock()

    def stem(self, word: str) -> str:
        with self._lock:
            return str(self._snowball.stemWord(word))

    def __reduce__(self) -> tuple[type[Stemmer], tuple[()]]:
        return Stemmer, ()  # pickled as "a stemmer": nothing of it is worth keeping


def stemmer() -> Stemmer:
    return Stemmer()


def _snowball_english() -> Any:
    """snowballstemmer's package imports all of its 30 languages (a tenth of a one-question run's
    start-up): this loads its English module alone, as a module of a package of our own over the
    same directory, so `import snowballstemmer` elsewhere still gets the real package."""
    module = sys.modules.get(f"{_SNOWBALL}.english_stemmer")
    if module is None:
        try:
            spec = importlib.util.find_spec("snowballstemmer")  # finds it without running it
            package = types.ModuleType(_SNOWBALL)
            package.__path__ = list(spec.submodule_search_locations or ()) if spec else []
            sys.modules.setdefault(_SNOWBALL, package)
            module = importlib.import_module(f"{_SNOWBALL}.english_stemmer")
        except ImportError:  # laid out otherwise: the package's own way
            import snowballstemmer

            return snowballstemmer.stemmer("english")
    return module.EnglishStemmer()
