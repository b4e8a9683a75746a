"""The colours of the interface (web/static/style.css) keep text readable: WCAG AA contrast,
at least 4.5:1 for text and 3:1 for focus outlines and chart bars."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import web

CSS = Path(web.__file__).resolve().parent / "static" / "style.css"


def colours() -> dict[str, str]:
    root = re.search(r":root\s*\{([^}]*)\}", CSS.read_text()).group(1)
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", root))


def luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(one: str, two: str) -> float:
    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


# (foreground, background, least ratio): the pairs the stylesheet puts together.
PAIRS = [
    ("ink", "paper", 4.5), ("ink", "tint", 4.5), ("muted", "paper", 4.5), ("muted", "tint", 4.5),
    ("accent", "paper", 4.5), ("accent", "tint", 4.5), ("accent-ink", "accent", 4.5),
    ("ink", "mark", 4.5), ("error", "paper", 4.5), ("focus", "paper", 3.0),
    ("accent", "paper", 3.0),         # chart bars against the page
]


@pytest.mark.parametrize("foreground, background, least", PAIRS)
def test_text_colours_have_enough_contrast(foreground, background, least):
    palette = colours()
    assert contrast(palette[foreground], palette[background]) >= least


def test_theme_tags_have_enough_contrast():
    rule = re.search(r"\.tags a\s*\{([^}]*)\}", CSS.read_text()).group(1)
    background = re.search(r"background:\s*(#[0-9a-fA-F]{6})", rule).group(1)
    colour = re.search(r"(?<!-)color:\s*(#[0-9a-fA-F]{6})", rule).group(1)
    assert contrast(colour, background) >= 4.5
