"""Make bot/core/english_words.tsv, the English word frequencies search asks "is this a real word?".

    python benchmarks/english_words.py [--write] [--floor 500]

Needs pyspellchecker (in the `test` extra). The bot itself only reads the small file this writes:
the words of pyspellchecker's English list at least --floor times frequent, one `word<TAB>count` a
line, in alphabetical order (looked up by bisection). A rarer word reads as frequency 0, which changes nothing as long as the
floor is at or below every threshold search compares frequencies with (bot.core.search
REAL_WORD_FREQUENCY and EVERYDAY_FREQUENCY; tests/test_english.py checks it). Without --write it
prints what it would write.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.english import WORDS_FILE

DEFAULT_FLOOR = 500


def word_list(floor: int = DEFAULT_FLOOR) -> str:
    """The file's text: a header naming the source and the floor, then the words in code-point order."""
    from spellchecker import SpellChecker

    counts = SpellChecker().word_frequency.dictionary
    kept = sorted((w, n) for w, n in counts.items() if n >= floor)
    header = f"# floor\t{floor}\tpyspellchecker {version('pyspellchecker')} English, made by {Path(__file__).name}\n"
    return header + "".join(f"{word}\t{count}\n" for word, count in kept)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--write", action="store_true", help=f"write {WORDS_FILE}")
    parser.add_argument("--floor", type=int, default=DEFAULT_FLOOR, help="the rarest frequency kept")
    args = parser.parse_args(argv)
    text = word_list(args.floor)
    if args.write:
        WORDS_FILE.write_text(text, encoding="utf-8")
        print(f"wrote {WORDS_FILE}: {text.count(chr(10)) - 1} words at least {args.floor} times frequent")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
