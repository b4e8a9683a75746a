"""The web app in a real browser: headless Chromium (Debian's, no download) driven by Playwright,
against `kb serve` on a knowledge base of the 12 demo sheets and 60 generated ones.

Elements are found by id, name, role and href, not by English wording: the interface also
speaks French and its texts change. Screenshots go to tests/output/screenshots/.
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

try:
    from playwright.sync_api import Error as PlaywrightError, Page
except ImportError:  # pragma: no cover - the [test] extra installs it (the `chromium` fixture)
    PlaywrightError = Page = None

HIT_LINKS = ".hits .hit h3 a"
FACET_BOX = "#search .filters input[type=checkbox].autosubmit"


# Reading the server and the pages.

def query(url: str) -> dict[str, list[str]]:
    """The parameters of a URL's query string, each with all its values."""
    return parse_qs(urlsplit(url).query)


# The widths and languages a page is tried at: a test parametrised with BOTH gets the `ui`
# fixture (tests/web/browser/conftest.py) at each.
SIZES = ("desktop", "phone")
LANGUAGES = ("en", "fr")
BOTH = pytest.mark.parametrize("ui", [(s, lang) for s in SIZES for lang in LANGUAGES],
                               indirect=True, ids=lambda p: "-".join(p))


def first_number(text: str) -> int:
    """The first whole number written in a text, thousands separators (any locale) allowed."""
    found = re.search(r"\d[\d\s.,\u202f\u00a0]*", text)
    assert found, f"no number in {text!r}"
    return int(re.sub(r"\D", "", found.group()))


def api(server, path: str, params: str | dict | None = None) -> dict:
    """The JSON API's answer, asked from outside the browser."""
    if isinstance(params, dict):
        params = urlencode(params, doseq=True)
    url = server.url.rstrip("/") + path + (f"?{params}" if params else "")
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def url_query(page: Page) -> str:
    return urlsplit(page.url).query


def shown_total(page: Page) -> int:
    """The result count in the results heading."""
    return first_number(page.locator("#results-heading").inner_text())


def facet_counts(page: Page, param: str) -> dict[str, int]:
    """value -> count as the sidebar shows them for one facet (folded values included)."""
    counts = {}
    for item in page.locator(f"#facet-{param} li").all():
        value = item.locator("input").get_attribute("value")
        counts[value] = first_number(item.locator(".count").text_content())
    return counts


def facet_box(page: Page, param: str, value: str):
    """The checkbox of one facet value, by its name and value (what the form submits)."""
    return page.locator(f'#search .filters input[type=checkbox][name="{param}"][value="{value}"]')


def tick(page: Page, param: str, value: str) -> None:
    """Tick a facet value with the mouse; the page searches at once."""
    box = facet_box(page, param, value)
    assert not box.is_checked()
    box.click()
    page.wait_for_url(lambda url: value in query(url).get(param, []))


def active(page: Page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {id: e.id, tag: e.tagName, type: e.type || '', href: e.getAttribute('href') || '',
                cls: e.className, hit: !!e.closest('.hit'), checked: !!e.checked}; }""")


def tab_to(page: Page, matches, limit: int = 200) -> dict:
    """Press Tab until the focused element matches; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = active(page)
        if matches(now):
            return now
    pytest.fail(f"Tab never reached the element looked for (last: {now})")


def top_values(server, facet: str, params: dict | None = None, count: int = 2) -> list:
    buckets = api(server, "/api/facets", params)["facets"][facet]
    return [b["value"] for b in buckets[:count]]


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                     && !e.closest('.compare-wrap, .table-wrap, .visually-hidden, .skip'))
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' +
                              Math.round(e.getBoundingClientRect().right))""")
    assert width[0] <= width[1], f"{page.url} scrolls sideways ({width[0]} > {width[1]}): {wide}"


@pytest.fixture(scope="session")
def demo_ids(server) -> dict[str, str]:
    """Ids of a few demo sheets, found by searching for their city: the hit imported from a
    demo file (other modules save sheets of the same cities, with no original)."""
    ids = {}
    for city in ("Bristol", "Bilbao", "Graz"):
        hits = api(server, "/api/search", {"city": city, "limit": 100})["hits"]
        demo = [hit["id"] for hit in hits if (api(server, f"/api/sheets/{hit['id']}")[
            "record"].get("source") or {}).get("filename", "").startswith("demo")]
        assert demo, f"demo sheet of {city} missing"
        ids[city] = demo[0]
    everything = api(server, "/api/search", {"limit": 100})["hits"]
    ids["no budget"] = next(h["id"] for h in everything if h["budget_eur"] is None)
    return ids


# 1. Search

def test_search_shows_results_with_highlighted_snippets(page, server):
    page.goto("/")
    page.locator("#q").fill("night")
    page.locator("#search .searchrow [type=submit]").click()
    page.wait_for_url(lambda url: query(url).get("q") == ["night"])
    expected = api(server, "/api/search", {"q": "night"})
    assert expected["total"] > 0
    assert shown_total(page) == expected["total"]
    titles = page.locator(HIT_LINKS)
    assert titles.count() == min(expected["total"], 10)
    assert urlsplit(titles.first.get_attribute("href")).path == f"/sheets/{expected['hits'][0]['id']}"
    marks = page.locator(".hits .hit .snippet mark")
    assert marks.count() > 0
    assert all("night" in text.lower() for text in marks.all_inner_texts()[:5])
    # The highlight is visible: another background than the text around it.
    colors = marks.first.evaluate("""m => [getComputedStyle(m).backgroundColor,
                                           getComputedStyle(m.parentElement).backgroundColor]""")
    assert colors[0] != colors[1]
    assert page.locator("#q").input_value() == "night"


# 2. Two values of one facet: any of them.

def test_two_values_of_one_facet_give_their_union(page, server):
    first, second = top_values(server, "themes")
    page.goto("/")
    tick(page, "theme", first)
    alone = shown_total(page)
    tick(page, "theme", second)
    assert query(page.url)["theme"] == [first, second]
    assert facet_box(page, "theme", first).is_checked()
    assert facet_box(page, "theme", second).is_checked()
    both = shown_total(page)
    expected = api(server, "/api/search", {"theme": [first, second]})["total"]
    single = [api(server, "/api/search", {"theme": v})["total"] for v in (first, second)]
    assert alone == single[0]
    assert both == expected
    assert both >= max(single) and both > min(single)


# 3. A value in another facet: the first facet's counts follow.

def test_another_facet_updates_the_counts(page, server):
    theme = top_values(server, "themes", count=1)[0]
    page.goto(f"/?{urlencode({'theme': theme})}")
    before = facet_counts(page, "theme")
    assert before == {b["value"]: b["count"] for b in
                      api(server, "/api/facets", {"theme": theme})["facets"]["themes"]}
    country = top_values(server, "country", {"theme": theme}, count=1)[0]
    tick(page, "country", country)
    params = query(page.url)
    assert params["theme"] == [theme] and params["country"] == [country]
    after = facet_counts(page, "theme")
    expected = api(server, "/api/facets", {"theme": theme, "country": country})
    assert after == {b["value"]: b["count"] for b in expected["facets"]["themes"]}
    assert after != before
    assert after[theme] < before[theme]
    assert shown_total(page) == expected["total"]
    assert facet_box(page, "country", country).is_checked()
    assert facet_box(page, "theme", theme).is_checked()


# 4. Budget range

def test_budget_range_shows_only_sheets_in_range(page, server):
    low, high = 20_000, 200_000
    page.goto("/")
    page.locator("#budget_min").fill(str(low))
    page.locator("#budget_min").press("Enter")
    page.wait_for_url(lambda url: query(url).get("budget_min") == [str(low)])
    page.locator("#budget_max").fill(str(high))
    page.locator("#budget_max").press("Enter")
    page.wait_for_url(lambda url: query(url).get("budget_max") == [str(high)])
    assert query(page.url)["budget_min"] == [str(low)]
    assert page.locator("#budget_min").input_value() == str(low)
    assert page.locator("#budget_max").input_value() == str(high)
    everything = api(server, "/api/search", {"limit": 100})
    in_range = [h for h in everything["hits"]
                if h["budget_eur"] is not None and low <= h["budget_eur"] <= high]
    assert 0 < len(in_range) < everything["total"]
    found = api(server, "/api/search", url_query(page) + "&limit=100")
    assert found["total"] == len(in_range) == shown_total(page)
    assert all(low <= h["budget_eur"] <= high for h in found["hits"])
    # The page lists those sheets, not others.
    shown = {urlsplit(link).path.split("/")[-1] for link in
             page.locator(HIT_LINKS).evaluate_all("links => links.map(a => a.getAttribute('href'))")}
    assert shown <= {h["id"] for h in in_range}


# 5 and 6. Open a sheet from the results, then a similar initiative from it.

def test_open_a_sheet_then_a_similar_initiative(page, server):
    page.goto("/?q=night")
    link = page.locator(HIT_LINKS).first
    title, href = link.inner_text(), link.get_attribute("href")
    link.click()
    page.wait_for_url(lambda url: url.endswith(href))
    record_id = urlsplit(href).path.split("/")[-1]
    assert page.get_by_role("heading", level=1).inner_text() == title
    assert page.locator("article.sheet h1").inner_text() == api(
        server, f"/api/sheets/{record_id}")["record"]["title"]
    similar = [h["id"] for h in api(server, f"/api/sheets/{record_id}/similar")["hits"]]
    assert similar
    links = page.locator(".similar .hit h3 a")
    assert links.count() == len(similar)
    assert [urlsplit(h).path.split("/")[-1] for h in links.evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")] == similar
    links.first.click()
    page.wait_for_url(lambda url: urlsplit(url).path == f"/sheets/{similar[0]}")
    assert page.locator("article.sheet h1").inner_text() == api(
        server, f"/api/sheets/{similar[0]}")["record"]["title"]


# 7. Compare

def test_compare_two_results(page, server):
    page.goto("/?q=night")
    picks = page.locator('.hits .hit input[type=checkbox][name=pick][form=compare]')
    assert picks.count() >= 2
    chosen = [picks.nth(i).get_attribute("value") for i in (0, 1)]
    picks.nth(0).check()
    picks.nth(1).check()
    page.locator('#search button[type=submit][form=compare]').click()
    page.wait_for_url("**/compare?**")
    assert query(page.url)["pick"] == chosen
    table = page.locator("table.compare")
    header = table.locator("thead th[scope=col]")
    assert header.count() == 2
    assert [header.nth(i).locator("a").get_attribute("href") for i in (0, 1)] == [
        f"/sheets/{rid}" for rid in chosen]
    rows = table.locator("tbody tr")
    assert rows.count() > 3
    for i in range(rows.count()):
        assert rows.nth(i).locator("td").count() == 2


# 8. CSV

def test_download_csv_has_one_row_per_result(page, server):
    theme = top_values(server, "themes", count=1)[0]
    page.goto(f"/?{urlencode({'theme': theme})}")
    total = api(server, "/api/search", url_query(page))["total"]
    assert total > 10, "the export must hold more than the first page"
    link = page.locator('.results a[href^="/export.csv"]')
    with page.expect_download() as waiting:
        link.click()
    download = waiting.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "url"
    assert len(rows) - 1 == total
    assert all(row[0].startswith(server.url + "sheets/") for row in rows[1:])


# 9. Keyboard only

def test_keyboard_only(page, server):
    page.goto("/")
    tab_to(page, lambda e: e["id"] == "q", limit=20)
    page.keyboard.type("night")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: query(url).get("q") == ["night"])

    tab_to(page, lambda e: e["tag"] == "INPUT" and "autosubmit" in e["cls"], limit=30)
    param, value = page.evaluate("() => [document.activeElement.name, document.activeElement.value]")
    page.keyboard.press("Space")
    page.wait_for_url(lambda url: value in query(url).get(param, []))
    focused = facet_box(page, param, value)
    page.wait_for_function("box => box === document.activeElement", arg=focused.element_handle())
    assert focused.is_checked()
    assert query(page.url)["q"] == ["night"]
    # The focus ring shows where the keyboard is.
    ring = focused.evaluate("""e => [e.matches(':focus-visible'), getComputedStyle(e).outlineStyle,
                                    parseFloat(getComputedStyle(e).outlineWidth)]""")
    assert ring[0] and ring[1] != "none" and ring[2] > 0, ring

    hit = tab_to(page, lambda e: e["hit"] and e["tag"] == "A" and e["href"].startswith("/sheets/"))
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url.endswith(hit["href"]))
    assert page.locator("article.sheet h1").is_visible()


def test_keyboard_tab_between_budget_fields_keeps_the_focus(page, server):
    """Typing a minimum then Tab to the maximum (the range searches as the field is left) must
    leave the user in the maximum field, ready to type."""
    page.goto("/?q=night")
    page.locator("#budget_min").focus()
    page.keyboard.type("10000")
    try:
        with page.expect_navigation(timeout=2000):
            page.keyboard.press("Tab")
    except PlaywrightError:
        pass  # the page may also search only on Enter: then nothing reloads
    page.wait_for_load_state()
    assert active(page)["id"] == "budget_max"
    page.keyboard.type("90000")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: query(url).get("budget_max") == ["90000"])
    assert query(page.url)["budget_min"] == ["10000"]


# 10. Back button

def test_back_button_restores_the_previous_search(page, server):
    theme = top_values(server, "themes", count=1)[0]
    country = top_values(server, "country", {"q": "city", "theme": theme}, count=1)[0]
    page.goto("/?q=city")
    tick(page, "theme", theme)
    first_url, first_total = page.url, shown_total(page)
    tick(page, "country", country)
    assert shown_total(page) < first_total
    page.go_back()
    assert page.url == first_url
    theme_box = facet_box(page, "theme", theme)
    country_box = facet_box(page, "country", country)
    assert theme_box.is_checked()
    assert not country_box.is_checked(), "the page after Back shows a filter the URL lacks"
    assert page.locator("#q").input_value() == "city"
    assert shown_total(page) == first_total
    page.go_back()
    assert query(page.url) == {"q": ["city"]}
    assert page.locator(f"{FACET_BOX}:checked").count() == 0
    page.go_forward()
    assert theme_box.is_checked() and not country_box.is_checked()


# 11. No script errors anywhere

def test_no_script_errors_on_any_page(page, server, demo_ids):
    ids = list(demo_ids.values())
    theme = top_values(server, "themes", count=1)[0]
    pages = ["/", f"/?q=night&theme={theme}&budget_min=1000", "/?page=3", "/?q=zzqxw",
             f"/sheets/{ids[0]}", f"/sheets/{demo_ids['no budget']}", f"/compare?id={ids[0]}&id={ids[1]}&id={ids[2]}",
             f"/analysis?theme={theme}", "/analysis"]
    for path in pages:
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("load")
    # Pages that answer an error status on purpose still run cleanly.
    for path, status in (("/compare", 400), ("/sheets/no-such-sheet", 404), ("/?budget_min=x", 400)):
        page.problems.expected_status.add(server.url.rstrip("/") + path)
        response = page.goto(path)
        assert response.status == status, path
    # The French interface too.
    page.goto(f"/language/fr?next=/%3Fq%3Dnight%26theme%3D{theme}")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.goto(f"/sheets/{ids[0]}")
    page.goto("/analysis")
    # The script did run (it marks the page and adds the filters button).
    assert "js" in page.locator("html").get_attribute("class")
    assert not page.problems.items, "\n".join(page.problems.items)


# 12. Phone width

def test_phone_layout_has_no_sideways_scroll_and_folds_the_filters(viewports, page, server, demo_ids):
    page.set_viewport_size(viewports["phone"])
    ids = list(demo_ids.values())
    for path in ("/", "/?q=night&theme=nightlife", f"/sheets/{ids[0]}", "/analysis",
                 f"/compare?id={ids[0]}&id={ids[1]}"):
        page.goto(path)
        no_horizontal_scroll(page)

    page.goto("/?q=night")
    toggle = page.locator("#search .filters [aria-expanded]")
    assert toggle.count() == 1
    assert toggle.evaluate("e => e.tagName") == "BUTTON"
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    first_facet = page.locator("#search .filters .facet").first
    assert first_facet.is_hidden()
    assert page.locator(FACET_BOX).first.is_hidden()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert first_facet.is_visible()
    no_horizontal_scroll(page)
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert first_facet.is_hidden()


def test_phone_filters_stay_open_after_ticking_a_value(viewports, page, server):
    """On a phone, ticking a value reloads the page: the filters must not fold away under the
    user, and the focus comes back to the ticked box as on a desktop."""
    page.set_viewport_size(viewports["phone"])
    theme = top_values(server, "themes", count=1)[0]
    page.goto("/")
    page.locator("#search .filters [aria-expanded]").click()
    tick(page, "theme", theme)
    box = facet_box(page, "theme", theme)
    assert box.is_visible(), "the filters folded away after ticking a value"
    assert page.locator("#search .filters [aria-expanded]").get_attribute("aria-expanded") == "true"
    page.wait_for_function("box => box === document.activeElement", arg=box.element_handle())


def test_desktop_shows_filters_without_a_toggle(page, server):
    page.goto("/")
    assert page.locator("#search .filters .facet").first.is_visible()
    assert page.locator("#search .filters [aria-expanded]").is_hidden()
    no_horizontal_scroll(page)


# Screenshots for a person to look at (tests/output/screenshots/).

@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_screenshots(screenshots, shoot, viewports, page, server, demo_ids, size):
    page.set_viewport_size(viewports["desktop"] if size == "desktop" else viewports["phone"])
    page.goto("/?q=night&theme=nightlife")
    assert page.locator(".hits .hit").count() > 0
    shoot(page, f"search-{size}")
    if size == "phone":
        page.locator("#search .filters [aria-expanded]").click()
        shoot(page, "search-phone-filters")
    page.goto(f"/sheets/{demo_ids['Bristol']}")
    shoot(page, f"sheet-{size}")
    page.goto(f"/compare?id={demo_ids['Bristol']}&id={demo_ids['Bilbao']}")
    assert page.locator("table.compare").is_visible()
    shoot(page, f"compare-{size}")
    page.goto("/analysis")
    assert page.locator("svg").count() >= 2
    shoot(page, f"analysis-{size}")
    for name in ("search", "sheet", "compare", "analysis"):
        assert (screenshots / f"{name}-{size}.png").stat().st_size > 5_000


# Printing

def test_a_sheet_prints_without_navigation_or_controls(screenshots, page, server, demo_ids):
    """The print stylesheet keeps the sheet's text and metadata, drops the site's chrome."""
    page.goto(f"/sheets/{demo_ids['Graz']}")
    page.emulate_media(media="print")

    def shown(selector: str) -> bool:
        return page.locator(selector).first.evaluate(
            "node => getComputedStyle(node).display !== 'none'")

    for selector in ("header.site", "footer.site", ".similar", ".breadcrumb"):
        assert not shown(selector), f"{selector} is printed"
    for selector in ("article.sheet h1", ".sections section", ".panel", ".citation"):
        assert shown(selector), f"{selector} is not printed"
    screenshots.mkdir(parents=True, exist_ok=True)
    pdf = screenshots / "sheet-print.pdf"
    pdf.write_bytes(page.pdf(format="A4"))
    from pypdf import PdfReader
    printed = PdfReader(pdf)
    text = "".join(p.extract_text() for p in printed.pages)
    assert "Nachtsport Graz" in text and "Similar initiatives" not in text
    assert len(printed.pages) <= 3


# Without JavaScript

def test_the_search_works_without_javascript(viewports, browser, server):
    """Tick two facet values and a budget, then the Apply button: the same search as with
    the script, through the plain form."""
    first, second = top_values(server, "themes", {"q": "city"})
    context = browser.new_context(viewport=viewports["desktop"], base_url=server.url, locale="en-GB",
                                  java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/?q=city")
        facet_box(page, "theme", first).check()
        facet_box(page, "theme", second).check()
        page.fill("#budget_min", "10000")
        page.locator("#search button.apply").click()
        page.wait_for_url("**budget_min=10000**")
        expected = api(server, "/api/search", {"q": "city", "theme": [first, second],
                                                "budget_min": "10000"})["total"]
        assert shown_total(page) == expected
        assert facet_box(page, "theme", first).is_checked()
        assert page.locator(".chip").count() == 3
    finally:
        context.close()


# Staff: sign in, upload, review a draft, publish it, find it, sign out

STAFF_PASSWORD = "a long browser password"
DRAFT_TITLE = "Quiet streets around Lisbon night markets"


@pytest.fixture(scope="session")
def staff_user(server) -> str:
    from kb.service.knowledge_base import KnowledgeBase
    from kb.service.users import Users

    with KnowledgeBase(server.home) as kb:
        Users(kb.store).add("browser-staff", STAFF_PASSWORD)
    return "browser-staff"


def incomplete_sheet(path: Path) -> Path:
    """A Word sheet without its activities: imported as a draft when drafts are allowed."""
    import docx

    document = docx.Document()
    document.add_heading(DRAFT_TITLE, level=1)
    for label, value in (("City", "Lisbon"), ("Country", "Portugal"),
                         ("Lead organisation", "Lisbon City Council")):
        document.add_paragraph(f"{label}: {value}")
    document.add_heading("Context", level=2)
    document.add_paragraph("Residents near the night markets complained about noise and "
                           "fights after closing time, every weekend of the summer.")
    document.add_heading("Objectives", level=2)
    document.add_paragraph("Reduce noise complaints and keep the market streets calm at night.")
    document.save(path)
    return path


def test_staff_upload_review_publish_and_sign_out(demo_files, page, server, staff_user, tmp_path):
    import zipfile

    bundle = tmp_path / "sheets.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.write(incomplete_sheet(tmp_path / "lisbon.docx"), "new/lisbon.docx")
        for sample in sorted(demo_files.iterdir())[:2]:
            archive.write(sample, f"new/{sample.name}")

    page.goto("/staff/sign-in")
    page.fill("#name", staff_user)
    page.fill("#password", STAFF_PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url("**/staff/")

    page.goto("/staff/batches")
    page.set_input_files("#files", str(bundle))
    page.locator("input[name=draft]").check()
    page.locator("form.upload button[type=submit]").click()
    page.wait_for_url("**/staff/batches/*")
    # The batch page shows progress, then the per-file report (it reloads itself).
    page.wait_for_selector("table.report", timeout=90_000)
    outcomes = page.locator("table.report tbody tr").evaluate_all(
        "rows => rows.map(r => r.className)")
    assert len(outcomes) == 3
    assert "outcome-draft" in outcomes

    page.goto("/staff/review")
    page.get_by_role("link", name=DRAFT_TITLE).first.click()
    page.wait_for_url("**/staff/sheets/*")
    record_id = page.url.rstrip("/").split("/")[-1]
    page.goto(f"/staff/sheets/{record_id}/edit")
    page.fill("#field-activities", "Street mediators walk the market streets every Friday and "
                                   "Saturday night and talk with stall holders and residents.")
    page.locator("button[name=publish]").click()
    page.wait_for_load_state()
    assert api(server, f"/api/sheets/{record_id}")["status"] == "published"

    page.goto("/?q=" + "mediators market streets")
    titles = page.locator(HIT_LINKS).all_inner_texts()
    assert DRAFT_TITLE in titles

    page.locator("header.site .account button[type=submit]").click()
    page.wait_for_url("**/")
    response = page.goto("/staff/")
    assert "/staff/sign-in" in page.url and response.ok
