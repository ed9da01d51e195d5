"""Templates are sandboxed and strict: moderators can compute figures but never reach Python."""

from __future__ import annotations

import pytest
from jinja2 import UndefinedError
from jinja2.exceptions import SecurityError

from bot.core.knowledge.templates import make_environment, money, number, percent


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
