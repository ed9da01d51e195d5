"""The earnings chart: its numbers come from the core's calculator, its PNG is valid, sized and cached."""

from __future__ import annotations

import asyncio

import pytest

from bot.charts import HEIGHT_PX, WIDTH_PX, earnings_png
from bot.core import earnings
from bot.core.advisor import Advisor
from bot.core.earnings import EarningsQuestion
from tests.helpers import curve_for, png_size


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor.from_directory()


def test_the_curve_agrees_with_the_calculator(advisor: Advisor) -> None:
    curve = curve_for(advisor, 25, 0.75, 40, 52, 40)
    assert curve.paces[0] == 0 and curve.paces[-1] == 60  # half again past the fastest pace, in steps of 5
    for pace, gross, net in zip(curve.paces[1:], curve.weekly_gross[1:], curve.weekly_net[1:], strict=True):
        at = advisor.earnings(EarningsQuestion(pace, 0.75, 40, 52)).earnings
        assert gross == pytest.approx(at.weekly)
        assert net == pytest.approx(at.contractor.net / 52)
    you, other = curve.marks
    assert (you.label, you.charts_per_hour, you.weekly_gross) == ("Your pace", 25, 750)
    assert you.weekly_net == pytest.approx(
        (39_000 - 5_510.52) / 52, abs=0.01
    )  # the README's SE tax at $39,000
    assert (other.label, other.weekly_gross) == ("Compared pace", 1200)
    alone = curve_for(advisor, 150, 0.75, 40)
    assert alone.paces[-1] == earnings.LIMITS["charts_per_hour"].maximum  # never past the calculator's bound
    assert len(alone.marks) == 1


def test_net_bends_at_the_social_security_wage_base(advisor: Advisor) -> None:
    # 12.4% stops at the wage base: above it each extra dollar of gross keeps more of itself.
    curve = curve_for(advisor, 100, 3, 80, 52)
    kept = [n / g for g, n in zip(curve.weekly_gross[1:], curve.weekly_net[1:], strict=True)]
    assert kept[-1] > kept[len(kept) // 4] + 0.01


def test_a_valid_png_of_the_expected_size(advisor: Advisor) -> None:
    png = earnings_png(curve_for(advisor, 12, 1.1, 40, 48))
    assert png_size(png) == (WIDTH_PX, HEIGHT_PX)
    assert b"Software" not in png  # no version stamp: the same input gives the same bytes anywhere


def test_identical_inputs_are_drawn_once(advisor: Advisor) -> None:
    earnings_png.cache_clear()
    first = earnings_png(curve_for(advisor, 20, 0.9, 30))
    again = earnings_png(curve_for(advisor, 20, 0.9, 30))  # an equal curve built afresh
    assert again is first
    assert earnings_png.cache_info().hits == 1 and earnings_png.cache_info().misses == 1
    other = earnings_png(curve_for(advisor, 20, 0.9, 30, compare_charts_per_hour=25))
    assert other != first and earnings_png.cache_info().misses == 2


async def test_charts_draw_in_worker_threads_at_once(advisor: Advisor) -> None:
    earnings_png.cache_clear()
    curves = [curve_for(advisor, 10 + n, 0.8, 40) for n in range(3)]
    drawn = await asyncio.gather(*(asyncio.to_thread(earnings_png, c) for c in curves))
    earnings_png.cache_clear()
    assert [png_size(p) for p in drawn] == [(WIDTH_PX, HEIGHT_PX)] * 3
    assert drawn == [earnings_png(c) for c in curves]  # threads drew exactly what one thread draws
