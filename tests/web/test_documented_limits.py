"""The limits of issue 15 as the README and deploy/nginx.conf state them are the code's: the
query language's bounds, the fair-use budget's defaults, and nginx's rate limit, which covers
exactly the pages the app meters (a new searching page left out of nginx's list, or a sheet
page put in it, fails here)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from index.query import MAX_EXPANSIONS, MAX_PHRASE_WORDS, MAX_PHRASES, MIN_PREFIX
from web.app import create_app
from web.fair_use import DEFAULTS, METERED

ROOT = Path(__file__).resolve().parents[2]
NUMBERS = {2: "2", 3: "three", 8: "8"}


def readme() -> str:
    return " ".join((ROOT / "README.md").read_text("utf-8").split())


def nginx_conf() -> str:
    return (ROOT / "deploy" / "nginx.conf").read_text("utf-8")


def limited_paths() -> re.Pattern[str]:
    """The regular expression of nginx's map: the paths whose requests count against the
    search zone."""
    block = re.search(r"map \$uri \$kb_search_client \{(.*?)\}\n", nginx_conf(), re.S).group(1)
    [pattern] = re.findall(r"^\s*~(\S+)\s+\$binary_remote_addr;", block, re.M)
    return re.compile(pattern)


def test_the_readme_states_the_bounds_of_the_query_language():
    text = readme()
    assert f"one query share {MAX_EXPANSIONS} words between them" in text
    assert f"its terms); the first {NUMBERS[MAX_PHRASES]} phrases of a query, of up to " \
           f"{NUMBERS[MAX_PHRASE_WORDS]} words each, are phrases" in text
    assert f"`prefix*` needs {NUMBERS[MIN_PREFIX]} letters at least" in text


def test_the_readme_states_the_fair_use_defaults():
    text = readme()
    assert f"a bucket of **{DEFAULTS['FAIR_USE_SECONDS']:g} s** of work, refilled at " \
           f"**{DEFAULTS['FAIR_USE_REFILL']:g} s per second**" in text


def test_the_readme_states_nginxs_rate_and_burst():
    conf = nginx_conf()
    rate = re.search(r"zone=kb_search:\S+ rate=(\d+)r/s;", conf).group(1)
    burst = re.search(r"limit_req zone=kb_search burst=(\d+) nodelay;", conf).group(1)
    retry = re.search(r"add_header Retry-After (\d+) always;", conf).group(1)
    text = readme()
    assert f"get a burst of **{burst}** requests at once, then **{rate} a second**" in text
    assert f"`Retry-After: {retry}`" in text


@pytest.fixture(scope="module")
def rules(tmp_path_factory):
    app = create_app({"KB_HOME": tmp_path_factory.mktemp("limits") / "kb", "TESTING": True})
    yield [(rule.endpoint, re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>",
                                  lambda m: "1" if m.group(1) == "int" else "x", rule.rule))
           for rule in app.url_map.iter_rules()]
    app.extensions["knowledge_base"].close()


def test_nginx_limits_exactly_the_pages_the_app_meters(rules):
    pattern = limited_paths()
    limited = {endpoint for endpoint, path in rules if pattern.fullmatch(path)}
    assert limited == METERED, (sorted(limited - METERED), sorted(METERED - limited))
    # Every page of those endpoints, not only one of their addresses.
    assert all(pattern.fullmatch(path) for endpoint, path in rules if endpoint in METERED)
    for path in ("/sheets/x", "/static/style.css", "/staff/sign-in", "/api/sheets/x",
                 "/compare", "/language/fr", "/searches", "/export.xml", "/api/searching"):
        assert not pattern.fullmatch(path), path
