"""Earnings maths for per-chart coding work: what a pace and a rate come to, and what a contractor keeps.

Months are annual / 12 (52 weeks / 12 = 4.33 weeks), never 4 weeks: a widely copied article gets
this wrong. Tax rules are data (`SelfEmploymentTax` in knowledge/earnings.yaml), not constants.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from bot.core.knowledge.model import SelfEmploymentTax

DEFAULT_WEEKS_PER_YEAR = 52.0  # paid weeks a year unless told otherwise (optimistic for a contractor)
FULL_TIME_HOURS = 40.0  # what "full time" means in a message

# Sane bounds: beyond them the input is a typo, not a job.
LIMITS: dict[str, tuple[float, float]] = {
    "charts_per_hour": (0, 200),
    "pay_per_chart": (0, 100),
    "hours_per_week": (0, 80),
    "weeks_per_year": (0, 52),
}
LABELS = {
    "charts_per_hour": "charts per hour",
    "pay_per_chart": "pay per chart (USD)",
    "hours_per_week": "hours per week",
    "weeks_per_year": "weeks per year",
}


class EarningsInputError(ValueError):
    """An input outside what the calculator accepts; the message says which and why."""


def check_input(name: str, value: float, label: str | None = None) -> float:
    """`value` as a float if it is within LIMITS[name]; the error names it `label` (default: LABELS[name])."""
    low, high = LIMITS[name]
    label = label or LABELS[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise EarningsInputError(f"{label} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise EarningsInputError(f"{label}: {value!r} is not a number")
    if value <= low:
        raise EarningsInputError(f"{label} must be more than {low:g}, got {value:g}")
    if value > high:
        raise EarningsInputError(f"{label} must be at most {high:g}, got {value:g}")
    return float(value)


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
        return self.se_tax / (self.net + self.se_tax) if self.net + self.se_tax else 0.0


@dataclass(frozen=True)
class Earnings:
    charts_per_hour: float
    pay_per_chart: float
    hours_per_week: float
    weeks_per_year: float
    contractor: ContractorView

    @property
    def charts_per_week(self) -> float:
        return self.charts_per_hour * self.hours_per_week

    @property
    def weekly(self) -> float:
        return self.charts_per_week * self.pay_per_chart

    @property
    def biweekly(self) -> float:
        return self.weekly * 2

    @property
    def annual(self) -> float:
        return self.weekly * self.weeks_per_year

    @property
    def monthly(self) -> float:
        return self.annual / 12

    @property
    def hourly(self) -> float:
        return self.charts_per_hour * self.pay_per_chart

    def as_dict(self) -> dict[str, float | int | dict[str, float | int]]:
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
    if isinstance(annual_target, bool) or not isinstance(annual_target, int | float):
        raise EarningsInputError(f"{label} must be a number, got {annual_target!r}")
    if not math.isfinite(annual_target):
        raise EarningsInputError(f"{label}: {annual_target!r} is not a number")
    if annual_target <= 0:
        raise EarningsInputError(f"{label} must be more than 0, got {annual_target:g}")
    hourly = check_input("charts_per_hour", charts_per_hour) * check_input("pay_per_chart", pay_per_chart)
    hours = annual_target / (hourly * check_input("weeks_per_year", weeks_per_year))
    most = LIMITS["hours_per_week"][1]
    if hours > most:
        raise EarningsInputError(
            f"{label} ${annual_target:,.0f} is out of reach: at this pace and rate it takes "
            f"{hours:,.1f} hours a week, and a week holds at most {most:g}; raise the pace or the rate"
        )
    return hours


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


def curve(
    result: Earnings, compare: Earnings | None, tax: SelfEmploymentTax, points: int = 81
) -> EarningsCurve:
    """The chart's data: from 0 to half again past the fastest pace asked about (within LIMITS)."""
    year = result.contractor.requested_year or None
    fastest = max(result.charts_per_hour, compare.charts_per_hour if compare else 0.0)
    top = min(LIMITS["charts_per_hour"][1], max(5.0, math.ceil(fastest * 1.5 / 5) * 5))
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
