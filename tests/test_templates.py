"""Templates are sandboxed and strict: moderators can compute figures but never reach Python."""

from __future__ import annotations

import time

import pytest
from jinja2 import UndefinedError
from jinja2.exceptions import SecurityError

from bot.core.knowledge.sandbox import TemplateLimitError, make_environment, render_answer
from bot.core.knowledge.templates import money, number, percent


@pytest.mark.parametrize(
    "source",
    ["{{ ''.__class__.__mro__ }}", "{{ cycler.__init__.__globals__ }}", "{{ [].append(1) }}"],
)
def test_unsafe_templates_are_refused(source: str) -> None:
    with pytest.raises((SecurityError, UndefinedError)):
        make_environment().from_string(source).render({})


def test_undefined_names_are_errors_not_blanks() -> None:
    with pytest.raises(UndefinedError):
        make_environment().from_string("{{ server_nmae }}").render({"server_name": "x"})


@pytest.mark.parametrize(
    ("value", "text"),
    [(39000, "$39,000"), (0.75, "$0.75"), (18.75, "$18.75"), (3250.0, "$3,250"), (5510.52, "$5,510.52")],
)
def test_money(value: float, text: str) -> None:
    assert money(value) == text


def test_number_and_percent() -> None:
    assert number(1000) == "1,000"
    assert number(2.5) == "2.5"
    assert percent(0.153) == "15.3%"


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("{{ 'a' * 10**9 }}", "a text of 1,000,000,000 characters"),
        ("{{ 10**9 * 'a' }}", "a text of 1,000,000,000 characters"),
        ("{{ [0] * 10**9 }}", "a list of 1,000,000,000 items"),
        ("{{ ('a' * 15000) + ('b' * 15000) }}", "a text of 30,000 characters"),
        ("{{ 'x'.ljust(10**9) }}", "a text of 1,000,000,000 characters"),
        ("{{ 'x' | center(10**9) }}", "1,000,000,000"),
        ("{{ 'x' | indent(10**9, true) }}", "1,000,000,000"),
        ("{{ '{:>999999999}'.format(1) }}", "999,999,999"),
        ("{{ '%999999999d' % 1 }}", "999,999,999"),
        ("{{ '%*d' % (999999999, 1) }}", "999,999,999"),
        ("{{ ('a' * 20000) | replace('a', 'b' * 20000) }}", "a text of 400,020,000 characters"),
        ("{{ ('a' * 20000).replace('a', 'bb') }}", "a text of 60,000 characters"),
        ("{{ ('-' * 20000).join('a' * 20000) }}", "characters"),
        ("{{ 10 ** (10 ** 9) }}", "a number of 1,000,000,000 digits"),
        ("{{ range(10**9) | list }}", "range of 1,000,000,000 numbers"),
        ("{% for i in range(1000) %}{{ 'x' * 1000 }}{% endfor %}", "more than 20,000 characters"),
        ("{% for a in 'x' * 10000 %}{% for b in 'x' * 10000 %}{% endfor %}{% endfor %}", "too much work"),
        (
            "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}",
            "too much work",
        ),
    ],
)
def test_what_a_template_may_build_is_bounded_and_fails_fast(source: str, words: str) -> None:
    started = time.monotonic()
    with pytest.raises(TemplateLimitError) as caught:
        render_answer(make_environment().from_string(source), {})
    assert time.monotonic() - started < 2
    assert words in str(caught.value), str(caught.value)


def test_namespace_and_lipsum_are_not_offered() -> None:
    for source in ("{% set ns = namespace(x='a') %}{{ ns.x }}", "{{ lipsum(1000) }}"):
        with pytest.raises(UndefinedError):
            render_answer(make_environment().from_string(source), {})


def test_ordinary_templates_still_render() -> None:
    source = (
        "{% for n in range(3) %}{{ n }}{% endfor %} {{ 'ab' * 3 }} {{ '%05.1f' % 3.14159 }} "
        "{{ '{:,}'.format(10**9) }} {{ 2 ** 64 }} {{ 'x' | center(5) }}|{{ [1, 2] | join(', ') }}"
    )
    assert render_answer(make_environment().from_string(source), {}) == (
        "012 ababab 003.1 1,000,000,000 18446744073709551616   x  |1, 2"
    )
