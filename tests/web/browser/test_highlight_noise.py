"""Highlighting in a real browser (issue 14), at desktop and phone widths, in English and
French, with screenshots: a search whose thesaurus expansion holds a term of two words
("vie nocturne" finds "night life") marks those words where they stand together in a
result's snippet, not a piece of an unrelated hyphenated word ("life" in "real-life")."""

from __future__ import annotations

from tests.web.browser.test_browser import BOTH, no_horizontal_scroll
from tests.web.browser.test_staff_tools import save

QUERY = "vie nocturne"
# A country no other sheet of the browser tests' knowledge base has: its filter shows ours.
COUNTRY = "EE"
# The hit's place, in the page's language.
PLACE = {"en": "Tartu, Estonia", "fr": "Tartu, Estonie"}


@BOTH
def test_a_translated_term_is_marked_only_where_its_words_stand_together(ui, server, shoot):
    from tests.samples.records import make_record

    page, language = ui, ui.language
    title = f"Storytelling volunteers in Tartu schools {page.size} {language}"
    save(server, (make_record(
        title, city="Tartu", country=COUNTRY, themes=["youth"],
        context="Volunteers share real-life stories of the night life of the old town with "
                "pupils.",
        objectives="Pupils learn how to stay safe.", activities="Talks in classrooms.",
        evaluation=None), "published", []))
    page.goto(f"/?q={QUERY.replace(' ', '+')}&country={COUNTRY}")
    hit = page.locator(".hits .hit", has=page.locator("h3 a", has_text=title))
    assert hit.count() == 1
    snippet = hit.locator("p.snippet")
    marks = snippet.locator("mark")
    assert marks.all_inner_texts() == ["night", "life"]           # the term's words only
    # Each mark stands after a space, never inside a hyphenated word.
    before = marks.evaluate_all(
        "ms => ms.map(m => (m.previousSibling && m.previousSibling.textContent || '').slice(-1))")
    assert before == [" ", " "], before
    seen = snippet.inner_text()
    assert "real-life stories of the night life" in seen
    # The marks are what a person sees highlighted: a background the plain text lacks.
    backgrounds = marks.evaluate_all("ms => ms.map(m => getComputedStyle(m).backgroundColor)")
    plain = snippet.evaluate("p => getComputedStyle(p).backgroundColor")
    assert all(colour not in (plain, "rgba(0, 0, 0, 0)") for colour in backgrounds)
    assert PLACE[language] in hit.locator("p.meta").inner_text()
    if page.size == "phone":
        no_horizontal_scroll(page)
    shoot(page, f"highlight-noise-{page.size}-{language}")
