"""Bar charts drawn as inline SVG on the server: no script, no external chart service.

Each chart is a <figure> with the SVG (role="img", an accessible name) and, beside it in the
page, a table of the same figures (the template's job)."""

from __future__ import annotations

import math

from markupsafe import Markup, escape

WIDTH = 640
BAR_GAP = 4
LABEL_WIDTH = 240     # horizontal bars: room for the labels on the left, at least
MAX_LABEL_WIDTH = 400
ROW_HEIGHT = 22
COLUMN_AREA = 180     # vertical bars: height of the plotting area
Y_AXIS_WIDTH = 40     # vertical bars: room for the y axis's numbers


def horizontal_bars(items: list[tuple[str, float]], title: str, value_text=str) -> Markup:
    """One bar per (label, value), labels on the left, the value written after each bar."""
    if not items:
        return Markup("")
    top = max(value for _, value in items) or 1
    # Room for the longest label in full (about 7 units a character at 12 px), within reason.
    label_width = min(MAX_LABEL_WIDTH, max(LABEL_WIDTH, 7 * max(len(l) for l, _ in items) + 12))
    width = label_width + WIDTH - LABEL_WIDTH
    room = width - label_width - 100
    height = len(items) * ROW_HEIGHT + 8
    parts = [_open(width, height, title)]
    for row, (label, value) in enumerate(items):
        y = 4 + row * ROW_HEIGHT
        length = max(1.0, room * value / top) if value else 0
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end" class="chart-label">'
            f'{escape(_short(label))}<title>{escape(label)}</title></text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" '
            f'height="{ROW_HEIGHT - BAR_GAP - 2}" class="chart-bar"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 15}" class="chart-value">'
            f'{escape(value_text(value))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def columns(items: list[tuple[str, float]], title: str, value_text=str) -> Markup:
    """One column per (label, value), left to right (years), over a y axis with three to five
    round steps and grid lines; counts above the columns when there is room."""
    if not items:
        return Markup("")
    step = nice_step(max(value for _, value in items))
    top = step * math.ceil(max(value for _, value in items) / step) or 1
    left = Y_AXIS_WIDTH
    slot = (WIDTH - left - 10) / len(items)
    bar = max(2.0, slot - BAR_GAP)
    label_every = max(1, round(len(items) / 12))     # at most about 12 labels under the axis
    base = COLUMN_AREA + 20
    height = COLUMN_AREA + 44
    parts = [_open(WIDTH, height, title)]
    for tick in range(0, int(top) + 1, int(step)):
        y = base - COLUMN_AREA * tick / top
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - 10}" y2="{y:.1f}" '
                     f'class="{"chart-axis" if tick == 0 else "chart-grid"}"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" '
                     f'class="chart-label chart-tick">{escape(value_text(tick))}</text>')
    parts.append(f'<line x1="{left}" y1="{base - COLUMN_AREA}" x2="{left}" y2="{base}" '
                 f'class="chart-axis"/>')
    for index, (label, value) in enumerate(items):
        x = left + index * slot + (slot - bar) / 2
        length = COLUMN_AREA * value / top
        y = base - length
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{length:.1f}" '
                     f'class="chart-bar"><title>{escape(label)}: {value:g}</title></rect>')
        if value and len(items) <= 30:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                         f'class="chart-value">{value:g}</text>')
        if index % label_every == 0:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{COLUMN_AREA + 36}" '
                         f'text-anchor="middle" class="chart-label">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def nice_step(top: float) -> int:
    """A round step (1, 2 or 5 times a power of ten, at least 1) giving three to five steps
    up to `top`."""
    if top <= 4:
        return 1
    power = 10 ** math.floor(math.log10(top / 4))
    return next(int(m * power) for m in (1, 2, 5, 10) if top / (m * power) <= 5)


def _open(width: int, height: int, title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'class="chart" role="img" aria-label="{escape(title)}">'
            f'<title>{escape(title)}</title>')


def _short(label: str, room: int = 55) -> str:
    return label if len(label) <= room else label[:room - 1] + "…"
