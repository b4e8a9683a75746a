"""`kb search --budget-per year` (issue 14): the budget range on each sheet's figure per year, as
the search page and /api/search filter it; a wrong value is a usage error naming the option."""

from __future__ import annotations

import json

import pytest

from tests.index.test_budget_per_year import saved


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return saved(tmp_path_factory.mktemp("cli-per-year") / "kb")


def titles(invoke, home, *args) -> set[str]:
    result = invoke(home, "search", *args, "--limit", "100", "--json")
    assert result.exit_code == 0, result.output
    return {hit["title"] for hit in json.loads(result.output)["hits"]}


def test_kb_search_filters_the_budget_per_year(invoke, home):
    assert titles(invoke, home, "--budget-min", "500000", "--budget-per", "year") == {
        "Night stewards"}
    assert titles(invoke, home, "--budget-min", "50000", "--budget-max", "400000",
                  "--budget-per", "year") == {"Street lighting", "Big total", "Unstated"}
    # Without the option (or with its default) the figure as stated, as before.
    as_stated = {"Night stewards", "Big total", "Unstated", "Old total"}
    assert titles(invoke, home, "--budget-min", "500000") == as_stated
    assert titles(invoke, home, "--budget-min", "500000", "--budget-per", "total") == as_stated


def test_kb_search_refuses_another_basis(invoke, home):
    result = invoke(home, "search", "--budget-min", "1", "--budget-per", "month")
    assert result.exit_code == 2
    assert "--budget-per" in result.output and "'month' is not one of 'total', 'year'" in (
        result.output)
    assert "Traceback" not in result.output


def test_kb_search_help_says_what_the_option_compares(invoke, home):
    output = invoke(home, "search", "--help").output
    assert "--budget-per [total|year]" in output
    assert "sheets with no yearly figure are left out" in " ".join(output.split())
