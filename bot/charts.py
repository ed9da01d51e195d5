"""The earnings chart as a PNG: weekly gross and weekly net of self-employment tax against charts per hour.

Drawn headless with matplotlib's Agg canvas through the object API (a Figure of its own per call,
never pyplot's global figure), so it is safe to run in a worker thread: the Discord face calls it
with asyncio.to_thread, off the event loop. Equal curves give the same bytes, and the last few
are cached. The numbers come from the core (earnings.curve); this module only draws them.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import Any

from bot.core.earnings import EarningsCurve
from bot.core.knowledge.templates import money, number

WIDTH_PX, HEIGHT_PX, DPI = 960, 540, 100
CHART_FILENAME = "earnings.png"
GROSS_COLOUR, NET_COLOUR = "#2e86c1", "#27ae60"
MARK_COLOURS = ("#c0392b", "#8e44ad")
PALETTE_COLOURS = 64


class ChartError(ValueError):
    """The chart cannot be written where asked; the message says why and what to do."""


def _dollars(value: float) -> str:
    # A lone "$" is fine, but two on one label would be read as mathtext: escape them all.
    return money(float(value)).replace("$", r"\$")


@functools.lru_cache(maxsize=64)
def earnings_png(curve: EarningsCurve) -> bytes:
    """The chart of `curve` as PNG bytes, WIDTH_PX x HEIGHT_PX."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter
    from PIL import Image

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, layout="constrained")
    canvas = FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.plot(curve.paces, curve.weekly_gross, color=GROSS_COLOUR, linewidth=2.2, label="Weekly gross")
    axes.plot(
        curve.paces,
        curve.weekly_net,
        color=NET_COLOUR,
        linewidth=2.2,
        label=f"Weekly net of self-employment tax ({curve.tax_year})",
    )
    top = max(curve.weekly_gross) or 1.0
    for index, mark in enumerate(curve.marks):
        colour = MARK_COLOURS[index % len(MARK_COLOURS)]
        axes.axvline(mark.charts_per_hour, color=colour, linestyle="--", linewidth=1.2)
        axes.scatter([mark.charts_per_hour] * 2, [mark.weekly_gross, mark.weekly_net], color=colour, zorder=3)
        text = (
            f"{mark.label}: {number(mark.charts_per_hour)}/h\n"
            f"{_dollars(mark.weekly_gross)} gross\n{_dollars(mark.weekly_net)} net"
        )
        options: dict[str, Any] = {
            "color": colour,
            "fontsize": 9,
            "va": "top",
            "bbox": {"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": colour, "alpha": 0.9},
        }
        axes.annotate(
            text,
            (mark.charts_per_hour, top * (0.98 - 0.2 * index)),
            xytext=(6, 0),
            textcoords="offset points",
            **options,
        )
    axes.set_xlim(0, curve.paces[-1])
    axes.set_ylim(0, top * 1.05)
    axes.set_xlabel("Charts per hour")
    axes.set_ylabel("Dollars per week")
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: rf"\${float(value):,.0f}"))
    axes.grid(True, alpha=0.3)
    axes.legend(loc="lower right")
    axes.set_title(
        f"{_dollars(curve.pay_per_chart)} a chart × {number(curve.hours_per_week)} h/week "
        f"× {number(curve.weeks_per_year)} weeks: weekly pay by pace"
    )
    canvas.draw()
    # A few dozen flat colours draw a line chart as well as millions: the PNG is a quarter of the
    # size (about 18 kB, not 75 kB) for every Discord upload. No metadata: equal curves, equal bytes.
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
    palette = image.convert("RGB").quantize(PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=True)
    return out.getvalue()


def write_earnings_png(path: Path, curve: EarningsCurve) -> Path:
    """Write the chart of `curve` to `path` (a .png file); raises ChartError with one readable line."""
    if path.suffix.casefold() != ".png":
        raise ChartError(f"the chart is a PNG: give a file name ending in .png, not {path.name!r}")
    try:
        path.write_bytes(earnings_png(curve))
    except OSError as error:
        raise ChartError(f"cannot write the chart to {path}: {error.strerror or error}") from None
    return path
