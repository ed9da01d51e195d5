"""Audit risk against values computed another way: exact rational sums with math.comb."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from bot.core.tools.audit_risk import (
    SAMPLE_SIZE_MAX,
    AuditInputError,
    accuracy_for_pass,
    audit_risk,
    chance,
    min_correct,
    pass_probability,
)


def exact_pass(accuracy: float, sample_size: int, needed: int) -> Fraction:
    """P(X >= needed), X ~ Binomial(sample_size, accuracy), as an exact fraction: the direct sum."""
    p = Fraction(accuracy)
    return sum(
        (
            math.comb(sample_size, i) * p**i * (1 - p) ** (sample_size - i)
            for i in range(needed, sample_size + 1)
        ),
        start=Fraction(0),
    )


def test_the_issue_example_matches_a_direct_sum() -> None:
    risk = audit_risk(0.95, 0.96, 50)
    assert risk.min_correct == 48  # 48/50 = 0.96 passes: the requirement is >=, read exactly
    exact = exact_pass(0.95, 50, 48)
    assert risk.pass_probability == pytest.approx(float(exact), rel=1e-12)
    assert risk.fail_probability == pytest.approx(float(1 - exact), rel=1e-12)
    assert 0.459 < risk.fail_probability < 0.460  # independently: 1 - 0.5405... from the sum above
    assert "fails about 46% of the time" in risk.reading()
    assert "48 of 50 charts right (at most 2 errors)" in risk.reading()


@pytest.mark.parametrize(
    ("accuracy", "sample_size", "needed"),
    [(0.95, 50, 48), (0.9, 10, 10), (0.97, 100, 95), (0.8, 30, 1), (0.999, 200, 200), (0.6, 120, 40)],
)
def test_both_tails_against_the_direct_sum(accuracy: float, sample_size: int, needed: int) -> None:
    exact = exact_pass(accuracy, sample_size, needed)
    assert pass_probability(accuracy, sample_size, needed) == pytest.approx(
        float(exact), rel=1e-11, abs=1e-300
    )


def test_a_tiny_tail_keeps_its_precision() -> None:
    # 99% accuracy, 90 of 100 needed: failing is about 6e-9, which 1 - P(pass) would smear.
    risk = audit_risk(0.99, 0.9, 100)
    exact_fail = 1 - exact_pass(0.99, 100, 90)
    assert risk.fail_probability == pytest.approx(float(exact_fail), rel=1e-9)
    assert "less than 0.1% of the time" in risk.reading()


def test_large_samples_do_not_overflow() -> None:
    # 3,000 charts: comb(3000, i) overflows a float, so the sum runs on exact integers (97% = 97/100).
    n, needed = 3000, 2880
    exact_fail = Fraction(sum(math.comb(n, i) * 97**i * 3 ** (n - i) for i in range(needed)), 100**n)
    risk = audit_risk(0.97, 0.96, n)
    assert risk.min_correct == needed
    assert risk.fail_probability == pytest.approx(float(exact_fail), rel=1e-9)
    biggest = audit_risk(0.97, 0.96, SAMPLE_SIZE_MAX)
    assert 0 < biggest.fail_probability < risk.fail_probability  # more charts, less luck


def test_the_requirement_is_read_as_written() -> None:
    assert min_correct(0.96, 50) == 48  # 0.96 * 50 is 48.00000000000001 in floating point
    assert min_correct(0.95, 20) == 19
    assert min_correct(0.951, 20) == 20
    assert min_correct(1.0, 7) == 7
    assert min_correct(0.5, 7) == 4


def test_accuracy_for_a_95_percent_pass() -> None:
    # Needing every chart: P(pass) = p**n, so p = 0.95 ** (1/n) exactly.
    assert accuracy_for_pass(10, 10) == pytest.approx(0.95 ** (1 / 10), abs=1e-12)
    risk = audit_risk(0.95, 0.96, 50)
    found = risk.accuracy_for_95_percent_pass
    assert float(exact_pass(found, 50, 48)) == pytest.approx(0.95, abs=1e-9)
    assert float(exact_pass(found - 1e-4, 50, 48)) < 0.95 < float(exact_pass(found + 1e-4, 50, 48))
    assert "you need about 98.3% true accuracy" in risk.reading()


def test_percentages_and_fractions_mean_the_same() -> None:
    assert audit_risk(95, 96, 50) == audit_risk(0.95, 0.96, 50)
    assert audit_risk(100, 100, 5).reading().startswith("At 100% true accuracy")
    assert "never fails" in audit_risk(1, 1, 5).reading()
    assert "always fails" in audit_risk(0, 0.5, 5).reading()


def test_the_figures_never_round_a_chance_away() -> None:
    assert [chance(p) for p in (0.0, 6e-9, 0.459467, 0.9999999, 1.0)] == [
        "0.0%",
        "less than 0.1%",
        "45.9%",
        "more than 99.9%",
        "100.0%",
    ]


def test_json_keys() -> None:
    data = audit_risk(0.95, 0.96, 50).as_dict()
    assert {"fail_probability", "pass_probability", "accuracy_for_95_percent_pass"} <= set(data)
    assert data["fail_probability"] + data["pass_probability"] == pytest.approx(1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((1.5e2, 0.96, 50), "accuracy must be from 0 to 1"),
        ((-0.1, 0.96, 50), "accuracy must be from 0 to 1"),
        ((0.95, 0, 50), "required accuracy must be from 0.001 to 1"),
        ((0.95, 0.0005, 50), "required accuracy must be from 0.001 to 1"),  # as Discord's range refuses it
        ((0.95, 0.96, 0), "sample size must be from 1 to 10,000"),
        ((0.95, 0.96, 20_000), "sample size must be from 1 to 10,000"),
        ((0.95, 0.96, 12.5), "sample size must be a whole number"),
        ((float("nan"), 0.96, 50), "accuracy must be a number"),
        ((True, 0.96, 50), "accuracy must be a number"),
    ],
)
def test_bad_input_is_one_clear_message(args: tuple[float, float, float], message: str) -> None:
    with pytest.raises(AuditInputError, match=message):
        audit_risk(*args)
