"""Bar charts drawn as inline SVG on the server: no script, no external chart service.

Each chart is a <figure> with the SVG (role="img", an accessible name) and, beside it in the
page, a table of the same figures (the template's job)."""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH = 640
BAR_GAP = 4
LABEL_WIDTH = 240     # horizontal bars: room for the labels on the left, at least
MAX_LABEL_WIDTH = 400
ROW_HEIGHT = 22
COLUMN_AREA = 180     # vertical bars: height of the plotting area


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


def columns(items: list[tuple[str, float]], title: str) -> Markup:
    """One column per (label, value), left to right (years), counts above the columns."""
    if not items:
        return Markup("")
    top = max(value for _, value in items) or 1
    slot = (WIDTH - 20) / len(items)
    bar = max(2.0, slot - BAR_GAP)
    label_every = max(1, round(len(items) / 12))     # at most about 12 labels under the axis
    height = COLUMN_AREA + 44
    parts = [_open(WIDTH, height, title),
             f'<line x1="10" y1="{COLUMN_AREA + 20}" x2="{WIDTH - 10}" '
             f'y2="{COLUMN_AREA + 20}" class="chart-axis"/>']
    for index, (label, value) in enumerate(items):
        x = 10 + index * slot + (slot - bar) / 2
        length = COLUMN_AREA * value / top
        y = COLUMN_AREA + 20 - length
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


def _open(width: int, height: int, title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'class="chart" role="img" aria-label="{escape(title)}">'
            f'<title>{escape(title)}</title>')


def _short(label: str, room: int = 55) -> str:
    return label if len(label) <= room else label[:room - 1] + "…"
