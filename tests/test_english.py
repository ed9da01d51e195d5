"""The shipped English word list: what search asks of pyspellchecker, without loading pyspellchecker."""

from __future__ import annotations

import pytest

from bot.core import search
from bot.core.english import WORDS_FILE, english_frequency, frequency_floor


def test_common_words_and_jargon_read_as_pyspellchecker_counts_them() -> None:
    assert english_frequency("the") > search.EVERYDAY_FREQUENCY
    assert search.REAL_WORD_FREQUENCY <= english_frequency("telling") < 10**9
    assert english_frequency("certifcation") == 0  # a typo is no word
    assert english_frequency("") == 0
    assert english_frequency("zzzzzz") == 0


def test_the_floor_is_below_every_threshold_search_compares_with() -> None:
    # A word rarer than the floor reads as 0: harmless only while no threshold lies below it.
    assert frequency_floor() <= min(search.REAL_WORD_FREQUENCY, search.EVERYDAY_FREQUENCY)


def test_the_shipped_list_is_what_the_script_makes_from_pyspellchecker() -> None:
    pytest.importorskip("spellchecker")
    from benchmarks.english_words import word_list

    expected = word_list(frequency_floor())
    # The header names the pyspellchecker version; the words and counts must be the same.
    assert WORDS_FILE.read_text(encoding="utf-8").split("\n", 1)[1] == expected.split("\n", 1)[1]
