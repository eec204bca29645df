"""Small SVG building blocks: scales, ticks, axes, colours, escaping (no plotting library)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

SCENARIO_COLOURS = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#F0E442",
)
"""Okabe-Ito: told apart with every common colour-vision deficiency; cycled past eight."""
HEAT_STOPS = (
    (0.0, (255, 247, 236)),
    (0.5, (253, 141, 60)),
    (0.8, (215, 48, 31)),
    (1.0, (127, 0, 0)),
)
"""Utilisation 0 -> 1: pale to dark red (ColorBrewer OrRd end points)."""
FONT = 'font-family="system-ui, sans-serif" font-size="11"'
CHAR_WIDTH = 6.8
"""An upper estimate of a lower-case letter's, digit's or sign's width in pixels at :data:`FONT`."""
CAPITAL_WIDTH = 8.2
"""The same for a capital letter (DejaVu Sans, Debian's default sans-serif, is a wide face)."""


def element(tag: str, content: str | None = None, /, **attributes: object) -> str:
    """An SVG element: ``stroke_width=2`` becomes ``stroke-width="2"``, floats get 1 decimal."""
    attrs = "".join(
        f' {name.rstrip("_").replace("_", "-")}="{_attribute(value)}"'
        for name, value in attributes.items()
        if value is not None
    )
    return f"<{tag}{attrs}/>" if content is None else f"<{tag}{attrs}>{content}</{tag}>"


def _attribute(value: object) -> str:
    return f"{value:.1f}" if isinstance(value, float) else esc(value)


def line(x1: float, y1: float, x2: float, y2: float, stroke: str, **more: object) -> str:
    """A straight line."""
    return element(
        "line", x1=float(x1), y1=float(y1), x2=float(x2), y2=float(y2), stroke=stroke, **more
    )


def text(x: float, y: float, content: str, anchor: str | None = None, fill: str = "#333") -> str:
    """Text (escaped) at a point; ``anchor`` is ``middle`` or ``end`` for other alignments."""
    return element("text", esc(content), x=float(x), y=float(y), text_anchor=anchor, fill=fill)


def text_width(content: str) -> float:
    """Pixels that ``content`` may take at :data:`FONT` (an upper estimate)."""
    capitals = sum(1 for c in content if c.isupper())
    return CAPITAL_WIDTH * capitals + CHAR_WIDTH * (len(content) - capitals)


def esc(text: object) -> str:
    """Text for an SVG or HTML element or attribute."""
    return escape(str(text), quote=True)


DASHES = (None, "7 3", "2 2", "9 3 2 3")
"""Line patterns: each pass through the colours gets the next, so scenario 9 is not the first."""


def colour(index: int) -> str:
    """The colour of the ``index``-th scenario."""
    return SCENARIO_COLOURS[index % len(SCENARIO_COLOURS)]


def dash(index: int) -> str | None:
    """The line pattern of the ``index``-th scenario (None: solid)."""
    return DASHES[(index // len(SCENARIO_COLOURS)) % len(DASHES)]


def heat_colour(value: float) -> str:
    """Fill for a utilisation in [0, 1] (clipped); light grey for NaN."""
    if not math.isfinite(value):
        return "#e6e6e6"
    v = min(max(value, 0.0), 1.0)
    for (a, ca), (b, cb) in itertools.pairwise(HEAT_STOPS):
        if v <= b:
            t = (v - a) / (b - a)
            r, g, bl = (round(x + t * (y - x)) for x, y in zip(ca, cb, strict=True))
            return f"#{r:02x}{g:02x}{bl:02x}"
    return "#7f0000"


@dataclass(frozen=True)
class Scale:
    """A linear map from data ``[lo, hi]`` to pixels ``[start, end]``."""

    lo: float
    hi: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        """The pixel of ``value``."""
        span = self.hi - self.lo or 1.0
        return self.start + (value - self.lo) / span * (self.end - self.start)


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering ``[lo, hi]`` (steps of 1, 2 or 5 times a power of ten)."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else []
    raw = (hi - lo) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    ticks = []
    value = first
    while value <= hi + 1e-9 * step:
        ticks.append(0.0 if abs(value) < step * 1e-9 else value)
        value += step
    return ticks


def number(value: float, digits: int = 2) -> str:
    """A tick or label value without needless decimals."""
    if not math.isfinite(value):
        return "-"
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def open_svg(width: float, height: float, label: str) -> str:
    """The root element: scalable, labelled for screen readers."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="{esc(label)}" {FONT}>'
    )


def x_axis(scale: Scale, y: float, ticks: Sequence[float], label: str, fmt: str = "") -> str:
    """A bottom axis line with ticks, values and a label under them."""
    parts = [line(scale.start, y, scale.end, y, "#555")]
    for tick in ticks:
        x = scale(tick)
        value = f"{tick * 100:.0f}%" if fmt == "percent" else number(tick)
        parts.append(line(x, y, x, y + 4, "#555") + text(x, y + 15, value, "middle"))
    middle = (scale.start + scale.end) / 2
    parts.append(text(middle, y + 30, label, "middle"))
    return "".join(parts)


def y_axis(
    scale: Scale, x: float, ticks: Sequence[float], fmt: str = "", grid_to: float = 0
) -> str:
    """A left axis with values (percent when ``fmt``) and light grid lines to ``grid_to``."""
    parts = [line(x, scale.start, x, scale.end, "#555")]
    for tick in ticks:
        y = scale(tick)
        value = f"{tick * 100:.0f}%" if fmt == "percent" else number(tick)
        if grid_to:
            parts.append(line(x, y, grid_to, y, "#e5e5e5"))
        parts.append(text(x - 5, y + 4, value, "end"))
    return "".join(parts)


def polyline(
    points: Sequence[tuple[float, float]],
    stroke: str,
    width: float = 1.8,
    dashes: str | None = None,
) -> str:
    """A line through ``points`` (pixels), dashed when ``dashes`` is given."""
    coordinates = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return element(
        "polyline",
        points=coordinates,
        fill="none",
        stroke=stroke,
        stroke_width=width,
        stroke_linejoin="round",
        stroke_dasharray=dashes,
    )
