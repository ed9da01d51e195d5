"""Earnings maths for per-chart coding work: what a pace and a rate come to, and what a contractor keeps.

Months are annual / 12 (52 weeks / 12 = 4.33 weeks), never 4 weeks: a widely copied article gets
this wrong. Tax rules are data (`SelfEmploymentTax` in knowledge/earnings.yaml), not constants.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.knowledge.model import SelfEmploymentTax

DEFAULT_WEEKS_PER_YEAR = 52.0  # paid weeks a year unless told otherwise (optimistic for a contractor)
FULL_TIME_HOURS = 40.0  # what "full time" means in a message


class EarningsInputError(ValueError):
    """An input outside what the calculator accepts; the message says which and why."""


def finite_number(value: float, label: str) -> float:
    """`value` as a float; EarningsInputError naming it `label` for anything else (text, NaN, infinity)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise EarningsInputError(f"{label} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise EarningsInputError(f"{label}: {value!r} is not a number")
    return float(value)


@dataclass(frozen=True)
class Bound:
    """What the calculator accepts for one input: from `minimum` to `maximum`, both included."""

    minimum: float
    maximum: float
    label: str  # how a message names the input

    def check(self, value: float, label: str | None = None) -> float:
        """`value` as a float when it is within the bound; else EarningsInputError naming it `label`."""
        label = label or self.label
        value = finite_number(value, label)
        if value < self.minimum:
            raise EarningsInputError(f"{label} must be at least {self.minimum:g}, got {value:g}")
        if value > self.maximum:
            raise EarningsInputError(f"{label} must be at most {self.maximum:g}, got {value:g}")
        return value


# Sane bounds, and the only ones: the slash command's option ranges (floats, as discord.py's Range
# wants both ends of one type), the console and the CLI all take them from here. Beyond them the
# input is a typo, not a job.
LIMITS: dict[str, Bound] = {
    "charts_per_hour": Bound(0.1, 200.0, "charts per hour"),
    "pay_per_chart": Bound(0.01, 100.0, "pay per chart (USD)"),
    "hours_per_week": Bound(0.5, 80.0, "hours per week"),
    "weeks_per_year": Bound(1.0, DEFAULT_WEEKS_PER_YEAR, "weeks per year"),  # the default is all of them
}


def check_input(name: str, value: float, label: str | None = None) -> float:
    """`value` as a float if it is within LIMITS[name]; the error names it `label` (default: the bound's)."""
    return LIMITS[name].check(value, label)


@dataclass(frozen=True)
class ContractorView:
    """A 1099 contractor's self-employment tax on this income, assuming no business expenses."""

    year: int  # the year whose wage base was used
    wage_base: float
    taxable_earnings: float  # net earnings x 92.35% (Schedule SE)
    social_security_tax: float
    medicare_tax: float
    se_tax: float
    se_tax_deduction: float  # half of SE tax is deductible from income
    net: float  # before income tax
    rates: tuple[float, float, float]  # Social Security, Medicare and the net earnings factor it used
    requested_year: int = 0  # the tax year asked for; differs from `year` when its wage base is not known yet
    minimum: float = 400.0  # no SE tax below this much net earnings (Schedule SE)

    @property
    def year_note(self) -> str:
        """Which year's wage base the figures use, when it is not the year asked for ('' otherwise)."""
        if not self.requested_year or self.requested_year == self.year:
            return ""
        return (
            f"Uses the {self.year} Social Security wage base (${self.wage_base:,.0f}): "
            f"the {self.requested_year} figure is not in the knowledge base yet."
        )

    @property
    def effective_rate(self) -> float:
        """Self-employment tax as a share of gross (net + SE tax)."""
        return self.se_tax / (self.net + self.se_tax) if self.net + self.se_tax else 0.0


@dataclass(frozen=True)
class Earnings:
    """What a pace and a rate come to over a schedule, by period, and the contractor's view of it."""

    charts_per_hour: float
    pay_per_chart: float
    hours_per_week: float
    weeks_per_year: float
    contractor: ContractorView

    @property
    def charts_per_week(self) -> float:
        """Charts coded in a week."""
        return self.charts_per_hour * self.hours_per_week

    @property
    def weekly(self) -> float:
        """Gross pay a week."""
        return self.charts_per_week * self.pay_per_chart

    @property
    def biweekly(self) -> float:
        """Gross pay every two weeks."""
        return self.weekly * 2

    @property
    def annual(self) -> float:
        """Gross pay a year, over the paid weeks."""
        return self.weekly * self.weeks_per_year

    @property
    def monthly(self) -> float:
        """Gross pay a month: a year / 12, never 4 weeks."""
        return self.annual / 12

    @property
    def hourly(self) -> float:
        """Gross pay an hour."""
        return self.charts_per_hour * self.pay_per_chart

    def as_dict(self) -> dict[str, float | int | dict[str, float | int]]:
        """The figures as `earnings --json` prints them (money rounded to cents)."""
        c = self.contractor
        return {
            "charts_per_hour": self.charts_per_hour,
            "pay_per_chart": self.pay_per_chart,
            "hours_per_week": self.hours_per_week,
            "weeks_per_year": self.weeks_per_year,
            "charts_per_week": round(self.charts_per_week, 2),
            "weekly": round(self.weekly, 2),
            "biweekly": round(self.biweekly, 2),
            "monthly": round(self.monthly, 2),
            "annual": round(self.annual, 2),
            "hourly": round(self.hourly, 2),
            "contractor": contractor_dict(c),
        }


def contractor_dict(c: ContractorView) -> dict[str, float | int]:
    """The contractor view as `earnings --json` prints it."""
    return {
        "tax_year": c.year,
        "social_security_wage_base": c.wage_base,
        "se_taxable_earnings": round(c.taxable_earnings, 2),
        "social_security_tax": round(c.social_security_tax, 2),
        "medicare_tax": round(c.medicare_tax, 2),
        "self_employment_tax": round(c.se_tax, 2),
        "se_tax_deduction": round(c.se_tax_deduction, 2),
        "net_before_income_tax": round(c.net, 2),
        "net_monthly_before_income_tax": round(c.net / 12, 2),
        "effective_se_tax_rate": round(c.effective_rate, 4),
    }


def tax_year(tax: SelfEmploymentTax, year: int | None = None) -> int:
    """The year asked for if its wage base is known, else the latest known year not after it."""
    wanted = year or dt.date.today().year
    known = sorted(tax.social_security_wage_base)
    return max((y for y in known if y <= wanted), default=known[0])


def self_employment(annual_net: float, tax: SelfEmploymentTax, year: int | None = None) -> ContractorView:
    """Self-employment tax on a year's net profit (no expenses assumed), with the year's wage base."""
    requested = year or dt.date.today().year
    year = tax_year(tax, requested)
    wage_base = tax.social_security_wage_base[year]
    taxable = annual_net * tax.net_earnings_factor
    if taxable < tax.minimum_net_earnings:
        ss = medicare = 0.0
    else:
        ss = tax.social_security_rate * min(taxable, wage_base)
        medicare = tax.medicare_rate * taxable
    se_tax = ss + medicare
    return ContractorView(
        year=year,
        wage_base=wage_base,
        taxable_earnings=taxable,
        social_security_tax=ss,
        medicare_tax=medicare,
        se_tax=se_tax,
        se_tax_deduction=se_tax / 2,
        net=annual_net - se_tax,
        rates=(tax.social_security_rate, tax.medicare_rate, tax.net_earnings_factor),
        requested_year=requested,
        minimum=tax.minimum_net_earnings,
    )


def calculate(
    charts_per_hour: float,
    pay_per_chart: float,
    hours_per_week: float,
    weeks_per_year: float = DEFAULT_WEEKS_PER_YEAR,
    *,
    tax: SelfEmploymentTax,
    year: int | None = None,
) -> Earnings:
    """The earnings at a pace and rate over a schedule, with the self-employment tax of `year`
    (default: this year). Raises EarningsInputError for an input outside LIMITS."""
    cph = check_input("charts_per_hour", charts_per_hour)
    rate = check_input("pay_per_chart", pay_per_chart)
    hours = check_input("hours_per_week", hours_per_week)
    weeks = check_input("weeks_per_year", weeks_per_year)
    annual = cph * rate * hours * weeks
    return Earnings(cph, rate, hours, weeks, self_employment(annual, tax, year))


def hours_for_target(
    annual_target: float,
    charts_per_hour: float,
    pay_per_chart: float,
    weeks_per_year: float = DEFAULT_WEEKS_PER_YEAR,
    label: str = "target income",
) -> float:
    """Hours a week needed to gross `annual_target` a year at this pace and rate.

    Raises EarningsInputError (naming `label`) when that is more hours than a week may hold.
    """
    annual_target = finite_number(annual_target, label)
    if annual_target <= 0:
        raise EarningsInputError(f"{label} must be more than 0, got {annual_target:g}")
    hourly = check_input("charts_per_hour", charts_per_hour) * check_input("pay_per_chart", pay_per_chart)
    hours = annual_target / (hourly * check_input("weeks_per_year", weeks_per_year))
    most = LIMITS["hours_per_week"].maximum
    if hours > most:
        raise EarningsInputError(
            f"{label} ${annual_target:,.0f} is out of reach: at this pace and rate it takes "
            f"{hours:,.1f} hours a week, and a week holds at most {most:g}; raise the pace or the rate"
        )
    return hours


@dataclass(frozen=True)
class EarningsQuestion:
    """One earnings question, as every face asks it: a pace, a rate and a schedule, and optionally a
    second pace to compare with (everything else the same) and a yearly gross to reach."""

    charts_per_hour: float
    pay_per_chart: float
    hours_per_week: float
    weeks_per_year: float = DEFAULT_WEEKS_PER_YEAR
    compare_charts_per_hour: float | None = None
    target_annual: float | None = None


# Each input of a question -> the bound it is checked against (LIMITS), and how a message names the
# inputs whose bound's own label would not say which it is.
QUESTION_INPUTS: dict[str, str] = {
    "charts_per_hour": "charts_per_hour",
    "pay_per_chart": "pay_per_chart",
    "hours_per_week": "hours_per_week",
    "weeks_per_year": "weeks_per_year",
    "compare_charts_per_hour": "charts_per_hour",
}
QUESTION_LABELS: dict[str, str] = {
    "compare_charts_per_hour": "compared charts per hour",
    "target_annual": "target income",
}


@dataclass(frozen=True)
class EarningsAnswer:
    """What a question comes to: the figures at its pace, at the compared pace, and the target's hours."""

    question: EarningsQuestion
    earnings: Earnings
    compared: Earnings | None = None
    hours_for_target: float | None = None  # hours a week that gross question.target_annual


def answer(
    question: EarningsQuestion,
    tax: SelfEmploymentTax,
    *,
    year: int | None = None,
    labels: Mapping[str, str] | None = None,
) -> EarningsAnswer:
    """Check every input of `question` (in order), then compute it.

    Raises EarningsInputError for the first bad input, named as `labels` names it (input -> label,
    e.g. the CLI's option names; by default QUESTION_LABELS, else its bound's label).
    """
    named = {**QUESTION_LABELS, **(labels or {})}
    for name, bound in QUESTION_INPUTS.items():
        value = getattr(question, name)
        if value is not None:
            LIMITS[bound].check(value, named.get(name))
    hours = None
    if question.target_annual is not None:
        hours = hours_for_target(
            question.target_annual,
            question.charts_per_hour,
            question.pay_per_chart,
            question.weeks_per_year,
            label=named["target_annual"],
        )
    schedule = (question.pay_per_chart, question.hours_per_week, question.weeks_per_year)
    compared = None
    if question.compare_charts_per_hour is not None:
        compared = calculate(question.compare_charts_per_hour, *schedule, tax=tax, year=year)
    return EarningsAnswer(
        question, calculate(question.charts_per_hour, *schedule, tax=tax, year=year), compared, hours
    )


@dataclass(frozen=True)
class PaceMark:
    """One pace to mark on the earnings chart: the student's own, or the one compared with."""

    label: str
    charts_per_hour: float
    weekly_gross: float
    weekly_net: float


@dataclass(frozen=True)
class EarningsCurve:
    """Weekly gross and weekly net of self-employment tax across paces, at one rate and schedule.

    Plain tuples of numbers, so equal inputs make equal (hashable) curves and a chart of one can be cached.
    """

    pay_per_chart: float
    hours_per_week: float
    weeks_per_year: float
    tax_year: int
    paces: tuple[float, ...]
    weekly_gross: tuple[float, ...]
    weekly_net: tuple[float, ...]
    marks: tuple[PaceMark, ...]


def curve(answered: EarningsAnswer, tax: SelfEmploymentTax, points: int = 81) -> EarningsCurve:
    """The chart's data: from 0 to half again past the fastest pace asked about (within LIMITS)."""
    result, compare = answered.earnings, answered.compared
    year = result.contractor.requested_year or None
    fastest = max(result.charts_per_hour, compare.charts_per_hour if compare else 0.0)
    top = min(LIMITS["charts_per_hour"].maximum, max(5.0, math.ceil(fastest * 1.5 / 5) * 5))
    paces = tuple(top * i / (points - 1) for i in range(points))

    def weekly(pace: float) -> tuple[float, float]:
        gross = pace * result.pay_per_chart * result.hours_per_week
        view = self_employment(gross * result.weeks_per_year, tax, year)
        return gross, view.net / result.weeks_per_year

    values = [weekly(p) for p in paces]
    marks = [PaceMark("Your pace", result.charts_per_hour, *weekly(result.charts_per_hour))]
    if compare is not None:
        marks.append(PaceMark("Compared pace", compare.charts_per_hour, *weekly(compare.charts_per_hour)))
    return EarningsCurve(
        pay_per_chart=result.pay_per_chart,
        hours_per_week=result.hours_per_week,
        weeks_per_year=result.weeks_per_year,
        tax_year=result.contractor.year,
        paces=paces,
        weekly_gross=tuple(g for g, _ in values),
        weekly_net=tuple(n for _, n in values),
        marks=tuple(marks),
    )
