"""What answer templates see, and the filters they format with (money, number, percent, day).

The whole context a template sees (documented in knowledge/README.md):
  server_name   the Discord server's name ("the server" offline)
  chapter       the local chapter of the channel, or none: chapter.name, .city, .meetings, .contact,
                .links (title, url), .exam_sittings and .next_sitting (date, credential, place)
  credentials   credential records by id:  {{ credentials.cpc.exam.questions }}
  presets       earnings presets by id:    {{ presets["ed-profee"].pay_per_chart.max | money }}
  se_tax        self-employment tax data:  {{ se_tax.social_security_wage_base[2026] | money }}
  earnings(charts_per_hour, pay_per_chart, hours_per_week, weeks_per_year=52) -> weekly, monthly, ...
Filters: money ("$39,000", "$0.75"), number ("1,000"), percent (0.153 -> "15.3%"),
day (a date -> "Saturday 14 March 2027").

The sandbox answers are compiled and rendered in is bot/core/knowledge/sandbox.py: Jinja is
imported only where an answer is compiled, not by everything that formats a number.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any

from bot.core import earnings
from bot.core.knowledge.model import Credential, EarningsPreset, SelfEmploymentTax


def _number_for(name: str, value: Any) -> float:
    """`value` as a number for the `name` filter; what is not one is a clear error."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        if "jinja2" in sys.modules and isinstance(value, sys.modules["jinja2"].Undefined):
            str(value)  # a strict undefined raises its own error, naming what is missing
        raise TypeError(f"`{name}` needs a number, got {value!r}")
    return value


def money(value: float, whole: bool = False) -> str:
    """Dollars as people write them: whole above $10 when there are no cents, half-cents rounded up;
    `whole` rounds to the dollar (half up), as a headline says "$2,364 a month"."""
    step = Decimal("1") if whole else Decimal("0.01")
    cents = Decimal(repr(_number_for("money", value))).quantize(step, ROUND_HALF_UP)
    if cents == cents.to_integral_value() and abs(cents) >= 10:
        return f"${cents:,.0f}"
    return f"${cents:,.2f}"


def number(value: float) -> str:
    """A number as answers show it: 1,234 or 12.5."""
    value = _number_for("number", value)
    return f"{value:,.0f}" if abs(value - round(value)) < 1e-9 else f"{value:,.1f}"


def percent(value: float) -> str:
    """A fraction as a percentage: 0.153 -> 15.3%."""
    return f"{_number_for('percent', value) * 100:.4g}%"


def day(value: dt.date) -> str:
    """A date as people write it: "Saturday 14 March 2027"."""
    return f"{value:%A} {value.day} {value:%B %Y}"


@dataclass(frozen=True)
class Sitting:
    """An exam sitting as templates see it: `{{ chapter.next_sitting.date | day }}`."""

    date: dt.date
    credential: str  # the credential's name when it is known ("CPC"), else as written
    place: str


@dataclass(frozen=True)
class Link:
    """A link: a chapter's as templates see it, and a reply's source."""

    title: str
    url: str


@dataclass(frozen=True)
class Chapter:
    """A local chapter's details, as templates see them in that chapter's channels.

    `next_sitting` is the first exam sitting on or after the day the answer is shown (none if
    there is none), so the same pinned FAQ moves on by itself after each sitting.
    """

    id: str
    name: str
    city: str | None = None
    meetings: str | None = None
    contact: str | None = None
    links: tuple[Link, ...] = ()
    exam_sittings: tuple[Sitting, ...] = ()  # upcoming ones, soonest first
    next_sitting: Sitting | None = None


@dataclass(frozen=True)
class Place:
    """Where an answer is shown: the server and, in a chapter channel, its chapter."""

    server_name: str = "the server"
    chapter: Chapter | None = None


def template_context(
    place: Place,
    credentials: Mapping[str, Credential],
    presets: Mapping[str, EarningsPreset],
    se_tax: SelfEmploymentTax,
) -> dict[str, Any]:
    """What an answer template sees where it is shown: the place, the credentials, presets and tax rules."""
    return {
        "server_name": place.server_name,
        "chapter": place.chapter,
        "credentials": dict(credentials),
        "presets": dict(presets),
        "se_tax": se_tax,
        "earnings": partial(earnings.calculate, tax=se_tax),
    }
