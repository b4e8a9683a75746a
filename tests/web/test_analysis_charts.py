"""The analysis charts hold every theme with its whole name (issue 14): the theme chart once
stopped at 15 bars and cut long labels; with budgets on all 16 themes it draws 16 bars, each
labelled in full in English and French, and on a narrow screen the page says the charts
scroll sideways."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from flask import Flask

from kb.core.themes import vocabulary
from kb.service.knowledge_base import KnowledgeBase
from tests.samples.records import make_record
from web.app import create_app

SWIPE = {"en": "swipe a chart or a table sideways",
         "fr": "faites glisser un graphique ou un tableau"}


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[Flask]:
    """One sheet per theme, each with a budget per year (a different one: no ties)."""
    home: Path = tmp_path_factory.mktemp("charts") / "kb"
    with KnowledgeBase(home) as kb:
        for n, theme in enumerate(sorted(vocabulary())):
            amount = 10_000.0 * (n + 1)
            kb.save(make_record(f"Sheet on {theme}", themes=[theme], start_year=2020,
                                end_year=2021, budget={
                                    "amount": amount, "currency": "EUR", "amount_eur": amount,
                                    "text": f"{amount:.0f} EUR per year", "basis": "year",
                                    "funding": []}),
                    "published", sync=False)
        kb.sync_index()
    application = create_app({"KB_HOME": home, "TESTING": True})
    yield application
    application.extensions["knowledge_base"].close()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_theme_chart_draws_every_theme_with_its_whole_name(app, language):
    response = app.test_client().get("/analysis", headers={"Accept-Language": language})
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    [chart] = doc.xpath("//section[@aria-labelledby='h-theme']//figure/svg")
    themes = vocabulary()
    assert len(themes) > 15                                  # past the old cap
    assert len(chart.xpath(".//rect[@class='chart-bar']")) == len(themes)
    labels = [label.text.strip() for label in chart.xpath(".//text[@class='chart-label']")]
    assert sorted(labels) == sorted(theme.label(language) for theme in themes.values())
    assert not any(label.endswith("…") for label in labels)
    # Wider than a phone: the page says how to see the rest.
    [hint] = doc.xpath("//p[@class='scroll-hint']")
    assert SWIPE[language] in hint.text_content()
