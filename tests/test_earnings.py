"""Earnings maths: the article's example, its mistakes, the contractor view and input checks."""

from __future__ import annotations

import math

import pytest

from bot.core.earnings import (
    LIMITS,
    EarningsInputError,
    EarningsQuestion,
    answer,
    calculate,
    hours_for_target,
    self_employment,
)
from bot.core.knowledge.model import SelfEmploymentTax

TAX = SelfEmploymentTax(
    social_security_rate=0.124,
    medicare_rate=0.029,
    net_earnings_factor=0.9235,
    minimum_net_earnings=400,
    social_security_wage_base={2024: 168600, 2025: 176100, 2026: 184500},
    sources=[{"title": "IRS", "url": "https://www.irs.gov/"}],
    reviewed="2026-11-27",
)


def test_the_article_example_at_25_charts_an_hour() -> None:
    e = calculate(25, 0.75, 40, tax=TAX)
    assert e.charts_per_week == 1000
    assert e.weekly == 750
    assert e.biweekly == 1500
    assert e.monthly == 3250  # annual / 12, not the article's 4 weeks ($3,000)
    assert e.annual == 39000
    assert e.hourly == 18.75


def test_the_article_is_wrong_at_40_charts_an_hour() -> None:
    e = calculate(40, 0.75, 40, tax=TAX)
    assert e.charts_per_week == 1600  # the article's "$1,600 a week" is this chart count
    assert e.weekly == 1200
    assert e.hourly == 30
    assert (e.biweekly, e.monthly, e.annual) == (2400, 5200, 62400)


def test_self_employment_tax_is_15_3_percent_of_92_35_percent_of_net() -> None:
    c = calculate(25, 0.75, 40, tax=TAX, year=2026).contractor
    assert c.taxable_earnings == pytest.approx(39000 * 0.9235)
    assert c.se_tax == pytest.approx(39000 * 0.9235 * 0.153)
    assert round(c.se_tax) == 5511
    assert c.net == pytest.approx(39000 - c.se_tax)
    assert c.se_tax_deduction == pytest.approx(c.se_tax / 2)


def test_social_security_stops_at_the_years_wage_base() -> None:
    c = self_employment(300_000, TAX, year=2026)
    assert c.social_security_tax == pytest.approx(0.124 * 184_500)
    assert c.medicare_tax == pytest.approx(0.029 * 300_000 * 0.9235)
    assert self_employment(300_000, TAX, year=2024).social_security_tax == pytest.approx(0.124 * 168_600)


def test_an_unknown_year_uses_the_latest_known_wage_base_not_after_it() -> None:
    assert self_employment(1000, TAX, year=2031).year == 2026
    assert self_employment(1000, TAX, year=2025).year == 2025


def test_no_se_tax_below_400_dollars_of_net_earnings() -> None:
    assert self_employment(420, TAX).se_tax == 0  # 420 x 0.9235 = 387.87 < 400
    assert self_employment(440, TAX).se_tax > 0


def test_hours_needed_for_a_target_income() -> None:
    assert hours_for_target(39000, 25, 0.75) == pytest.approx(40)
    assert hours_for_target(62400, 40, 0.75) == pytest.approx(40)
    assert hours_for_target(78000, 25, 0.75) == pytest.approx(80)  # the most a week holds


@pytest.mark.parametrize(
    ("target", "words"),
    [
        (78001, "target income $78,001 is out of reach: at this pace and rate it takes 80.0 hours"),
        (10_000_000, "takes 10,256.4 hours a week, and a week holds at most 80"),
        (math.inf, "target income: inf is not a number"),
        (0, "target income must be more than 0"),
    ],
)
def test_a_target_beyond_a_full_week_is_refused(target: float, words: str) -> None:
    with pytest.raises(EarningsInputError) as caught:
        hours_for_target(target, 25, 0.75)
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((0, 0.75, 40), "charts per hour must be at least 0.1, got 0"),
        ((0.05, 0.75, 40), "charts per hour must be at least 0.1, got 0.05"),
        ((-5, 0.75, 40), "charts per hour must be at least 0.1"),
        ((25, 0.001, 40), "pay per chart (USD) must be at least 0.01"),
        ((25, 0.75, 0.25), "hours per week must be at least 0.5"),
        ((25, 0.75, 40, 0.5), "weeks per year must be at least 1"),
        ((201, 0.75, 40), "charts per hour must be at most 200"),
        ((25, 101, 40), "pay per chart (USD) must be at most 100"),
        ((25, 0.75, 81), "hours per week must be at most 80"),
        ((25, 0.75, 40, 53), "weeks per year must be at most 52"),
        ((math.nan, 0.75, 40), "charts per hour: nan is not a number"),
        ((25, math.inf, 40), "pay per chart (USD): inf is not a number"),
        ((True, 0.75, 40), "must be a number"),
    ],
)
def test_bad_inputs_are_refused_with_a_clear_message(args: tuple[float, ...], words: str) -> None:
    with pytest.raises(EarningsInputError, match=words.replace("(", r"\(").replace(")", r"\)")):
        calculate(*args, tax=TAX)


def test_the_bounds_themselves_are_accepted() -> None:
    low = calculate(
        *(
            LIMITS[n].minimum
            for n in ("charts_per_hour", "pay_per_chart", "hours_per_week", "weeks_per_year")
        ),
        tax=TAX,
    )
    high = calculate(
        *(
            LIMITS[n].maximum
            for n in ("charts_per_hour", "pay_per_chart", "hours_per_week", "weeks_per_year")
        ),
        tax=TAX,
    )
    assert low.annual == pytest.approx(0.1 * 0.01 * 0.5 * 1) and high.annual == 200 * 100 * 80 * 52


def test_a_question_is_checked_in_order_and_names_the_compared_pace() -> None:
    with pytest.raises(EarningsInputError, match=r"^compared charts per hour must be at most 200, got 500$"):
        answer(EarningsQuestion(25, 0.75, 40, compare_charts_per_hour=500), TAX)
    with pytest.raises(EarningsInputError, match=r"^--rate must be at most 100, got 500$"):
        answer(
            EarningsQuestion(25, 500, 40, compare_charts_per_hour=500),
            TAX,
            labels={"pay_per_chart": "--rate"},
        )


def test_a_question_with_a_comparison_and_a_target() -> None:
    answered = answer(
        EarningsQuestion(25, 0.75, 40, 52, compare_charts_per_hour=40, target_annual=39000), TAX
    )
    assert answered.earnings.annual == 39000 and answered.compared is not None
    assert answered.compared.annual == 62400 and answered.hours_for_target == pytest.approx(40)
    assert answer(EarningsQuestion(25, 0.75, 40), TAX).compared is None


def test_json_keys_are_stable() -> None:
    data = calculate(25, 0.75, 40, tax=TAX, year=2026).as_dict()
    for key in ("charts_per_week", "weekly", "biweekly", "monthly", "annual", "hourly", "contractor"):
        assert key in data
    assert data["contractor"]["self_employment_tax"] == pytest.approx(5510.52, abs=0.01)
    assert data["contractor"]["net_before_income_tax"] == pytest.approx(33489.48, abs=0.01)
