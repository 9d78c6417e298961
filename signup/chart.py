"""The geometry of the "Sign-ups" chart: numbers in, coordinates out; the template draws the SVG from them.

Server-side, so the admin page needs no script and no CDN (the CSP allows neither inline scripts nor inline styles:
the lines are styled by SVG presentation attributes and classes of a static stylesheet).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 760, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 64
TICKS = 4
MAX_X_LABELS = 10


@dataclass(frozen=True)
class Series:
    name: str
    label: str
    values: tuple[int, ...]
    colour: str
    dash: str = ""  # stroke-dasharray: the lines differ by pattern too, not by colour only


@dataclass(frozen=True)
class Line:
    name: str
    label: str
    points: str
    colour: str
    dash: str
    legend_x: int


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class XLabel:
    text: str
    x: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    lines: tuple[Line, ...]
    ticks: tuple[Tick, ...]
    x_labels: tuple[XLabel, ...]
    legend_y: int

    @property
    def plot_right(self) -> int:
        return self.width - self.right

    @property
    def x_label_y(self) -> int:
        return self.height - self.bottom + 20


def nice_step(maximum: int, ticks: int = TICKS) -> int:
    """The smallest 1, 2 or 5 times a power of ten with `ticks` steps reaching `maximum` (at least 1)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor * ticks >= maximum:
                return step * factor
        step *= 10


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span * index / (count - 1) if count > 1 else span / 2)


def chart_build(series: Sequence[Series], labels: Sequence[str]) -> Chart:
    top_value = max((v for s in series for v in s.values), default=0)
    step = nice_step(top_value)
    ceiling = step * TICKS
    plot_height = HEIGHT - TOP - BOTTOM

    def y(value: int) -> float:
        return round(TOP + plot_height * (1 - value / ceiling), 1)

    count = len(labels)
    lines = tuple(
        Line(
            name=s.name,
            label=s.label,
            points=" ".join(f"{round(_x(i, count), 1)},{y(v)}" for i, v in enumerate(s.values)),
            colour=s.colour,
            dash=s.dash,
            legend_x=LEFT + index * 170,
        )
        for index, s in enumerate(series)
    )
    every = max(1, -(-count // MAX_X_LABELS))
    x_labels = tuple(XLabel(text, round(_x(i, count), 1)) for i, text in enumerate(labels) if i % every == 0)
    ticks = tuple(Tick(step * n, y(step * n)) for n in range(TICKS + 1))
    return Chart(WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM, lines, ticks, x_labels, legend_y=HEIGHT - 14)
