"""Audit risk: how often a random accuracy audit fails a coder whose true accuracy is known.

An audit draws `sample_size` charts; each is right with probability `accuracy`, independently, so
the number right is binomial. The audit passes when correct / sample_size >= required. Every
probability here is the exact binomial tail (a sum of probability terms, computed in log space so
large samples do not overflow), not a normal approximation, which is poor for 95%+ accuracy and
samples of 10 to 100 charts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from bot.core.tools import ToolInputError

SAMPLE_SIZE_MAX = 10_000  # beyond this the input is a typo, not an audit
RATE_MAX = 100.0  # a rate is a fraction up to 1 or a percentage up to 100 (the slash command's range too)
REQUIRED_MIN = 0.001  # a requirement below 0.1% passes every audit: a typo
PASS_TARGET = 0.95  # "the true accuracy that gives a 95% chance of passing"
_TAIL_EPSILON = 1e-18  # tail terms smaller than this share of the sum cannot change a double


class AuditInputError(ToolInputError):
    """An input the audit maths cannot take; the message names it and says what to give."""


def read_rate(value: float, name: str, *, minimum: float = 0.0) -> float:
    """A rate as a fraction: 0.95 stays 0.95, and 95 (a percentage, above 1) becomes 0.95."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise AuditInputError(f"{name} must be a number such as 0.95 or 95 (%), got {value!r}")
    rate = value / 100 if 1 < value <= RATE_MAX else float(value)
    if not minimum <= rate <= 1:
        raise AuditInputError(
            f"{name} must be from {minimum:g} to 1 (or a percentage up to {RATE_MAX:g}), got {value:g}"
        )
    return rate


def read_sample_size(value: float) -> int:
    """A whole number of charts from 1 to SAMPLE_SIZE_MAX."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise AuditInputError(f"sample size must be a whole number of charts, got {value!r}")
    if value != int(value):
        raise AuditInputError(f"sample size must be a whole number of charts, got {value:g}")
    if not 1 <= value <= SAMPLE_SIZE_MAX:
        raise AuditInputError(f"sample size must be from 1 to {SAMPLE_SIZE_MAX:,} charts, got {value:g}")
    return int(value)


def min_correct(required: float, sample_size: int) -> int:
    """The fewest correct charts that pass: the smallest k with k / sample_size >= required.

    The requirement is read as the decimal the user wrote (0.96 is exactly 24/25), so 48 of 50
    passes a 96% requirement even though 0.96 * 50 is 48.00000000000001 in binary floating point.
    """
    exact = Fraction(repr(required)) * sample_size
    return math.ceil(exact)


def _log_term(n: int, i: int, log_p: float, log_q: float) -> float:
    return math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * log_p + (n - i) * log_q


def _tail(n: int, p: float, start: int, step: int) -> float:
    """Sum of P(X = i) for i = start, start + step, ... within 0..n (step is +1 or -1)."""
    log_p, log_q = math.log(p), math.log1p(-p)
    mode = math.floor((n + 1) * p)
    terms: list[float] = []
    total = 0.0
    i = start
    while 0 <= i <= n:
        term = math.exp(_log_term(n, i, log_p, log_q))
        terms.append(term)
        total += term
        moving_away = (i - mode) * step > 0  # past the mode, terms only shrink from here on
        if moving_away and term <= total * _TAIL_EPSILON:
            break
        i += step
    return math.fsum(terms)


def fail_and_pass(accuracy: float, sample_size: int, needed: int) -> tuple[float, float]:
    """(P(fewer than `needed` right), P(at least `needed` right)) out of `sample_size` charts.

    The smaller of the two is summed directly and the other is its complement, so a tiny chance
    keeps its precision instead of vanishing in 1 - 0.99999...
    """
    if needed <= 0 or accuracy >= 1:
        return (1.0, 0.0) if needed > sample_size else (0.0, 1.0)
    if needed > sample_size or accuracy <= 0:
        return 1.0, 0.0
    if needed > sample_size * accuracy:
        passing = min(1.0, _tail(sample_size, accuracy, needed, +1))
        return 1.0 - passing, passing
    failing = min(1.0, _tail(sample_size, accuracy, needed - 1, -1))
    return failing, 1.0 - failing


def pass_probability(accuracy: float, sample_size: int, needed: int) -> float:
    """P(at least `needed` of `sample_size` charts are right) when each is right with `accuracy`."""
    return fail_and_pass(accuracy, sample_size, needed)[1]


def accuracy_for_pass(sample_size: int, needed: int, target: float = PASS_TARGET) -> float:
    """The lowest true accuracy whose chance of passing is `target` (bisection; the chance rises with it)."""
    if needed <= 0:
        return 0.0
    low, high = 0.0, 1.0
    for _ in range(60):  # 2**-60 is far below any accuracy worth printing
        middle = (low + high) / 2
        if pass_probability(middle, sample_size, needed) >= target:
            high = middle
        else:
            low = middle
    return high


def _percent(rate: float) -> str:
    return f"{round(rate * 100, 2):g}%"


def chance(probability: float) -> str:
    """A probability as a percentage that never rounds a possible event to 0% or a doubtful one to 100%."""
    if 0 < probability < 0.001:
        return "less than 0.1%"
    if 0.999 < probability < 1:
        return "more than 99.9%"
    return f"{probability * 100:.1f}%"


def _how_often(probability: float) -> str:
    """How often something uncertain happens, in words a student reads at a glance."""
    if probability < 0.001:
        return "less than 0.1% of the time"
    if probability > 0.999:
        return "more than 99.9% of the time"
    if probability < 0.1 or probability > 0.9:
        return f"about {probability * 100:.1f}% of the time"
    return f"about {probability * 100:.0f}% of the time"


@dataclass(frozen=True)
class AuditRisk:
    """How an audit of `sample_size` charts goes at a true accuracy: the chances, and what passes."""

    accuracy: float
    required: float
    sample_size: int
    min_correct: int  # the fewest right charts that pass
    fail_probability: float
    pass_probability: float
    accuracy_for_95_percent_pass: float

    @property
    def max_errors(self) -> int:
        """The most charts that may be wrong in a passing audit."""
        return self.sample_size - self.min_correct

    def _fails(self) -> str:
        if self.accuracy == 1:  # every chart right always meets a requirement of at most 100%
            return "never fails"
        if self.accuracy == 0:  # no chart right never meets a requirement above 0
            return "always fails"
        return f"fails {_how_often(self.fail_probability)}"

    def reading(self) -> str:
        """The result in one plain paragraph."""
        errors = self.max_errors
        allowed = (
            "no errors at all" if errors == 0 else f"at most {errors:,} error{'s' if errors != 1 else ''}"
        )
        return (
            f"At {_percent(self.accuracy)} true accuracy and a {_percent(self.required)} requirement, "
            f"a {self.sample_size:,}-chart audit {self._fails()}: "
            f"passing needs {self.min_correct:,} of {self.sample_size:,} charts right ({allowed}). "
            f"To pass {_percent(PASS_TARGET)} of such audits you need about "
            f"{self.accuracy_for_95_percent_pass * 100:.1f}% true accuracy."
        )

    def as_dict(self) -> dict[str, float | int | str]:
        """What `audit-risk --json` prints."""
        return {
            "accuracy": self.accuracy,
            "required": self.required,
            "sample_size": self.sample_size,
            "min_correct": self.min_correct,
            "fail_probability": self.fail_probability,
            "pass_probability": self.pass_probability,
            "accuracy_for_95_percent_pass": round(self.accuracy_for_95_percent_pass, 6),
            "reading": self.reading(),
        }


def audit_risk(accuracy: float, required: float, sample_size: float) -> AuditRisk:
    """The chance an audit of `sample_size` charts passes or fails; raises AuditInputError on bad input.

    `accuracy` and `required` are fractions (0.95) or percentages (95).
    """
    p = read_rate(accuracy, "accuracy")
    need = read_rate(required, "required accuracy", minimum=REQUIRED_MIN)
    n = read_sample_size(sample_size)
    k = min_correct(need, n)
    failing, passing = fail_and_pass(p, n, k)
    return AuditRisk(
        accuracy=p,
        required=need,
        sample_size=n,
        min_correct=k,
        fail_probability=failing,
        pass_probability=passing,
        accuracy_for_95_percent_pass=accuracy_for_pass(n, k),
    )
