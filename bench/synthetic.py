"""Synthetic practice sheets for benchmarks: realistic, varied, and deterministic from a seed.

Each practice is drawn once and given as a sheet dict (tests.samples.sheets format, renderable
by tests.samples.render) and as the record a perfect importer makes of that sheet. The text
comes from a bank of sentence templates per language (synthetic_text.json beside this file),
filled with the sheet's city, themes, target groups, partners and numbers.
"""

from __future__ import annotations

import json
import math
import random
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from kb.core.countries import country_name
from kb.core.money import RATES_TO_EUR, to_eur
from kb.core.themes import vocabulary

BANK = Path(__file__).with_name("synthetic_text.json")
SECTIONS = ("context", "objectives", "activities", "evaluation")
# Share of the text each section gets (evaluation's is spread over the others when absent).
SHARES = {"context": 0.30, "objectives": 0.15, "activities": 0.35, "evaluation": 0.20}
# Words over the four sections, before the last sentence's overshoot; sheets without an
# evaluation are shorter.
WORDS, WORDS_UNEVALUATED = (640, 1020), (620, 820)
# Characters a section may hold, counting each sentence ITEM_ROOM more as it may be a bullet:
# the pdf-table layout puts a section in one table cell, which cannot run past a page.
SECTION_ROOM, ITEM_ROOM = 3000, 40


@lru_cache(maxsize=1)
def bank() -> dict[str, Any]:
    return json.loads(BANK.read_text("utf-8"))


@lru_cache(maxsize=1)
def _cities() -> dict[str, list[tuple[dict, str]]]:
    """(place, city) pairs by the language sheets about them are written in; "*": all of them."""
    pairs = [(place, city) for place in bank()["places"] for city in place["cities"]]
    by_language = {lang: [(p, c) for p, c in pairs if lang in p["languages"]]
                   for lang in bank()["languages"]}
    return {**by_language, "*": pairs}


@lru_cache(maxsize=1)
def theme_order() -> list[str]:
    return list(vocabulary())


def theme_wording(theme_id: str, language: str) -> str:
    """How a sheet in `language` names a theme so that the importer finds exactly that theme."""
    override = bank()["theme_wording"].get(language, {}).get(theme_id)
    return override or vocabulary()[theme_id].label(language)


_ASCII = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "ı": "i",
                        "đ": "d", "œ": "oe"})


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_ASCII)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _lower_first(text: str) -> str:
    """ "Young people aged 12 to 18" -> "young people aged 12 to 18" (not "GGD", "LGBTI")."""
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


def _nice(value: float, rng: random.Random) -> int:
    """A round figure near `value`, as budgets are written: two or three significant digits."""
    digits = int(math.floor(math.log10(value))) - (1 if rng.random() < 0.7 else 2)
    step = 10 ** max(digits, 0)
    return max(1000, round(value / step) * step)


@lru_cache(maxsize=None)
def _orders(size: int) -> list[list[int]]:
    """A fixed pool of orders of `size` templates: one draw picks an order, instead of a shuffle."""
    rng = random.Random(size)
    return [rng.sample(range(size), size) for _ in range(1024)]


def _pick(rng: random.Random, seq: list):
    """rng.choice, a little faster (it is called a hundred times per sheet)."""
    return seq[int(rng.random() * len(seq))]


# Ranges of the number slots: small counts, people reached, thousands, percentages.
_NUMBERS = {"n0": (2, 6), "n1": (8, 40), "n2": (40, 900), "n3": (1000, 9000), "pct": (10, 45)}


class _Draw(dict):
    """One practice's template slots: fixed values (city, years...) are stored, the others
    (topic, target, numbers...) are drawn afresh each time a template names them."""

    def __init__(self, rng: random.Random, text: dict, themes: list[str], targets: list[str],
                 partners: list[str], fixed: dict):
        super().__init__(fixed)
        self.rng, self.text, self.themes = rng, text, themes
        self.targets, self.partners = targets, partners
        self.pct = 30

    def topic(self, main: bool = True) -> str:
        # The first theme is what the sheet is mostly about.
        theme = self.themes[0] if main and self.rng.random() < 0.6 else _pick(self.rng, self.themes)
        return _pick(self.rng, self.text["topics"][theme])

    def __missing__(self, key: str) -> str:
        rng = self.rng
        if key == "topic":
            return self.topic()
        if key == "topic2":
            return self.topic(main=False)
        if key in ("target", "target2"):
            return _pick(rng, self.targets)
        if key in ("partner", "partner2"):
            return _pick(rng, self.partners)
        if key == "pct2":  # "rose from {pct}% to {pct2}%"
            return str(self.pct + rng.randint(8, 30))
        low, high = _NUMBERS[key]
        value = low + int(rng.random() * (high - low + 1))
        if key == "pct":
            self.pct = value
        return str(value)

    def sentences(self, section: str, words: int, room: int = 0) -> tuple[list[str], int, int]:
        """Sentences of a section in random order until they hold `words` words, the bank runs
        out (a sheet never says the same thing twice) or they would overflow `room`; with
        the words they hold and the room left."""
        templates = self.text["sections"][section]
        out: list[str] = []
        count = 0
        room = room or SECTION_ROOM
        for index in _orders(len(templates))[self.rng.getrandbits(10)]:
            if count >= words:
                break
            template = templates[index]
            sentence = template.format_map(self)
            if len(sentence) + ITEM_ROOM > room:
                break
            if template[0] == "{":
                sentence = sentence[0].upper() + sentence[1:]
            out.append(sentence)
            count += sentence.count(" ") + 1
            room -= len(sentence) + ITEM_ROOM
        return out, count, room


def _paragraphs(sentences: list[str], rng: random.Random) -> list[str]:
    items = []
    while sentences:
        size = rng.randint(2, 4)
        items.append(" ".join(sentences[:size]))
        sentences = sentences[size:]
    return items


def _money(amount: int, currency: str, text: dict, choice: float) -> str:
    """An amount written the way of the sheet's language; `choice` in [0, 1) picks the form."""
    money = text["money"]

    def pick(forms: list[str]) -> str:
        return forms[int(choice * len(forms))]

    if currency == "EUR" and amount >= 2_000_000 and amount % 100_000 == 0 and choice < 0.5:
        return pick(money["million"]).format(m=f"{amount / 1e6:g}".replace(".", money["dec"]))
    number = f"{amount:,}".replace(",", money["sep"])
    if currency == "EUR":
        return pick(money["eur"]).format(n=number)
    if currency == "GBP":
        return pick(money["gbp"]).format(n=number)
    return pick(money["code"]).format(n=number, cur=currency)


def _funding(text: dict, city: str, rng: random.Random) -> tuple[list[str], str]:
    """Funding sources (as the importer names them) and the sentence naming them."""
    chosen = rng.sample(text["funders"], rng.choices((0, 1, 2), (30, 45, 25))[0])
    if rng.random() < 0.28:
        chosen.append(rng.choice(text["eu_funders"]))
    if not chosen:
        return [], ""
    names = [name.format(city=city) for _, name in chosen]
    written = [(prefix if prefix.endswith("'") else f"{prefix} " if prefix else "") + name
               for (prefix, _), name in zip(chosen, names)]
    joined = written[0] if len(written) == 1 else (
        ", ".join(written[:-1]) + f" {text['and']} " + written[-1])
    sentence = f"{rng.choice(text['funding_cues'])} {joined}."
    return [name[0].upper() + name[1:] for name in names], sentence


def _budget(text: dict, place: dict, city: str, rng: random.Random
            ) -> tuple[list | None, dict | None]:
    """The budget section's items and the record's budget (None when the sheet gives no amount)."""
    if rng.random() < 0.10:
        if rng.random() < 0.5:
            return None, None
        return [rng.choice(text["no_budget"])], None
    currency = place["currency"] if place["currency"] != "EUR" and rng.random() < 0.75 else "EUR"
    eur = math.exp(rng.uniform(math.log(2_000), math.log(5_000_000)))
    amount = _nice(eur / RATES_TO_EUR[currency], rng)
    funding, funding_sentence = _funding(text, city, rng)
    if rng.random() < 0.2:  # a breakdown table with a total row
        table = text["budget_table"]
        labels = rng.sample(table["items"], rng.randint(2, 4))
        step = 10 ** max(int(math.log10(amount)) - 2, 0)
        parts = [round(amount * rng.uniform(0.1, 0.7 / len(labels)) / step) * step
                 for _ in labels[1:]]
        parts.insert(0, amount - sum(parts))
        form = rng.random()
        rows = [table["head"]] + [[label, _money(part, currency, text, form)]
                                  for label, part in zip(labels, parts)]
        rows.append([table["total"], _money(amount, currency, text, form)])
        items: list = [("table", rows)]
        if funding_sentence:
            items.append(funding_sentence)
        lines = [" ".join(row) for row in rows] + ([funding_sentence] if funding_sentence else [])
    else:
        sentence = rng.choice(text["budget"]).format(
            amount=_money(amount, currency, text, rng.random()), pct=rng.randint(40, 80))
        paragraph = (sentence[0].upper() + sentence[1:] + " " + funding_sentence).strip()
        items, lines = [paragraph], [paragraph]
    budget = {"amount": float(amount), "currency": currency, "amount_eur": to_eur(amount, currency),
              "text": "\n".join(lines), "funding": funding,
              "basis": "total"}   # every sentence of the bank states the whole period's cost
    return items, budget


def _local_name(text: dict, rng: random.Random) -> str:
    """An invented local name ("Marlbrook", "Rosenhain"): the long tail of rare words that
    street, venue and association names give real sheets."""
    name = "".join(_pick(rng, text["syllables"]) for _ in range(2 + (rng.random() < 0.5)))
    return name[0].upper() + name[1:]


def _period(text: dict, rng: random.Random) -> tuple[int, int, str]:
    start = rng.randint(2000, 2025)
    end = start + rng.choices(range(6), (10, 20, 25, 20, 15, 10))[0]
    if end > start:
        return start, end, rng.choice(text["periods"]).format(start=start, end=end)
    first = rng.randint(0, 6)  # "March – November 2019"
    months = text["months"][first], text["months"][rng.randint(first + 3, 11)]
    return start, end, text["period_same"].format(m1=months[0], m2=months[1], start=start)


def _sections(draw: _Draw, evaluated: bool) -> dict[str, list]:
    """The four sections' items: paragraphs of sentences, objectives as bullets, activities
    as an opening paragraph then bullets."""
    rng = draw.rng
    shares = {k: v for k, v in SHARES.items() if evaluated or k != "evaluation"}
    total = rng.randint(*(WORDS if evaluated else WORDS_UNEVALUATED)) / sum(shares.values())
    sections: dict[str, list] = {}
    missing = 0  # words a section's bank could not give, asked of the next section
    for key, share in shares.items():
        wanted = int(total * share) + missing
        if key == "activities":
            intro, got, room = draw.sentences("activities_intro", 1)
            rest, more, _ = draw.sentences(key, wanted - got, room)
            split = rng.randint(0, len(rest) // 2)
            sections[key] = [" ".join(intro + rest[:split])] + [("bullet", s) for s in rest[split:]]
            got += more
        else:
            sentences, got, _ = draw.sentences(key, wanted)
            sections[key] = ([("bullet", s) for s in sentences] if key == "objectives"
                             else _paragraphs(sentences, rng))
        missing = max(0, wanted - got)
    return sections


def _contact(text: dict, city: str, rng: random.Random) -> tuple[dict | None, str | None]:
    """The record's contact and how the sheet writes it; an invented person, example domain."""
    if rng.random() < 0.1:
        return None, None
    first, last = rng.choice(text["first_names"]), rng.choice(text["last_names"])
    domain = rng.choice(("{c}.example.org", "{c}-safety.example.org", "prevention-{c}.example.eu",
                         "{c}.example.net")).format(c=slug(city))
    contact = {"name": f"{first} {last}",
               "email": f"{slug(first)}.{slug(last).replace('-', '')}@{domain}"}
    written = rng.choice(("{name} – {email}", "{name} ({email})", "{name}, {email}"))
    return contact, written.format(**contact)


def section_text(items: list) -> str:
    """A section's text as the importer gives it: one line per paragraph, "- " before bullets."""
    return "\n".join(item if isinstance(item, str) else f"- {item[1]}" for item in items)


# The record fields a sheet's "expected" repeats, as in tests.samples.sheets.
_EXPECTED = ("title", "city", "country", "organisation", "language", "themes", "start_year",
             "end_year", "partners", "target_groups", "contact")


def _practice(number: int, rng: random.Random) -> tuple[dict, dict]:
    """One synthetic practice: its sheet and its record."""
    data = bank()
    weights = data["language_weights"]
    language = rng.choices(list(weights), list(weights.values()))[0]
    text = data["languages"][language]
    # English is the network's common language: some sheets from anywhere are written in it.
    anywhere = language == "en" and rng.random() < 0.2
    place, city = rng.choice(_cities()["*" if anywhere else language])
    themes = rng.sample(theme_order(), rng.choices((1, 2, 3), (35, 45, 20))[0])
    targets = rng.sample(text["targets"], rng.randint(1, 3))
    partners = [p.format(city=city) for p in rng.sample(text["partners"], rng.randint(1, 5))]
    mentioned = partners + [p.format(city=city) for p in rng.sample(text["partners"], 3)]
    start, end, period = _period(text, rng)
    organisation = rng.choice(text["orgs"]).format(city=city)
    name = rng.choice(text["names"])
    # Target groups in running text: "for young people aged 12 to 18" (German nouns keep capitals).
    in_text = targets if language == "de" else [_lower_first(t) for t in targets]
    draw = _Draw(rng, text, themes, in_text, mentioned, {
        "city": city, "district": rng.choice(text["districts"]), "org": organisation,
        "name": name, "year": str(start), "prev": str(start - 1), "year_end": str(end),
        "street": rng.choice(text["streets"]).format(X=_local_name(text, rng)),
        "venue": rng.choice(text["venues"]).format(X=_local_name(text, rng))})
    title = rng.choice(text["titles"]).format_map(draw)
    title = title[0].upper() + title[1:]
    sections = _sections(draw, evaluated=rng.random() < 0.7)
    budget_items, budget = _budget(text, place, city, rng)
    contact, contact_text = _contact(text, city, rng)
    country = place["country"]
    record = {
        "title": title, "city": city, "country": country, "organisation": organisation,
        "language": language, "themes": sorted(themes, key=theme_order().index),
        "themes_inferred": False, "keywords": [], "start_year": start, "end_year": end,
        **{key: section_text(sections[key]) if key in sections else None for key in SECTIONS},
        "extra_sections": {}, "budget": budget, "partners": partners, "target_groups": targets,
        "contact": contact, "source": None,
    }
    if budget_items:  # before the evaluation, as sheets print it
        evaluation = sections.pop("evaluation", None)
        sections["budget"] = budget_items
        if evaluation:
            sections["evaluation"] = evaluation
    # Country names as the sheet's language writes them, sometimes in English.
    country_text = country_name(country, "en" if rng.random() < 0.2 else language)
    meta = {"city": city, "country": country_text, "organisation": organisation,
            "themes": "; ".join(theme_wording(t, language) for t in themes), "period": period,
            "partners": partners, "target_groups": targets, "contact": contact_text}
    expected = {key: record[key] for key in _EXPECTED}
    expected["budget"] = budget and {"amount": budget["amount"], "currency": budget["currency"]}
    expected["extra_sections"] = []
    sheet = {"id": f"syn{number:06d}", "slug": slug(f"{name} {city}"), "language": language,
             "title": title, "meta": meta, "sections": sections, "expected": expected}
    return sheet, record


def practices(count: int, seed: int = 1) -> Iterator[tuple[dict, dict]]:
    """(sheet, record) of the first `count` practices of `seed`: the n-th is the same whatever
    the count."""
    rng = random.Random(seed)
    for number in range(1, count + 1):
        yield _practice(number, rng)


def sheets(count: int, seed: int = 1) -> Iterator[dict]:
    """Sheet dicts in the tests.samples.sheets format, renderable by tests.samples.render.render."""
    return (sheet for sheet, _ in practices(count, seed))


def records(count: int, seed: int = 1) -> Iterator[dict]:
    """The records the sheets of the same seed describe, as RecordSchema().dump() gives them."""
    return (record for _, record in practices(count, seed))


def write_files(count: int, outdir: Path, seed: int = 1) -> list[Path]:
    """Render sheets(count) as "<n>-<slug>.<ext>" files in outdir, cycling through the layouts."""
    from tests.samples.render import LAYOUTS, extension, render  # reportlab and python-docx

    outdir.mkdir(parents=True, exist_ok=True)
    width = max(4, len(str(count)))
    paths = []
    for number, sheet in enumerate(sheets(count, seed), 1):
        layout = LAYOUTS[(number - 1) % len(LAYOUTS)]
        path = outdir / f"{number:0{width}d}-{sheet['slug']}{extension(layout)}"
        path.write_bytes(render(sheet, layout))
        paths.append(path)
    return paths


_TOKEN = re.compile(r"[^\W\d_]+")
# Kinds of query and how often each comes: "topical" words are the themes' own.
_QUERY_KINDS = {"topical": 42, "common": 15, "cities": 10, "pairs": 15, "topical city": 6,
                "triples": 9, "absent": 3}


@lru_cache(maxsize=1)
def _query_terms() -> dict[str, dict[str, list]]:
    """Per language: topical words (topics, target groups, districts), other words of the
    templates, runs of two or three topical words, the cities sheets in it are about, and
    words no sheet contains."""
    from importers.language import STOPWORDS

    stop = set().union(*STOPWORDS.values()) | set(bank()["queries"]["not_queried"])

    def content(text: str, least: int) -> set[str]:
        return {w for w in _TOKEN.findall(re.sub(r"\{\w+\}", " ", text).casefold())
                if len(w) >= least and w not in stop}

    terms = {}
    for language, text in bank()["languages"].items():
        phrases = [t for topics in text["topics"].values() for t in topics]
        phrases += text["targets"] + text["districts"]
        topical = set().union(*map(lambda p: content(p, 4), phrases))
        runs = set()
        for words in (p.casefold().split() for p in phrases):
            for size, i in ((s, i) for s in (2, 3) for i in range(len(words) - s + 1)):
                # consecutive plain words: "street lighting", not "multi-agency"
                if all(w.isalpha() and len(w) >= 4 and w not in stop for w in words[i:i + size]):
                    runs.add(" ".join(words[i:i + size]))
        terms[language] = {
            "topical": sorted(topical), "pairs": sorted(r for r in runs if r.count(" ") == 1),
            "common": sorted(set().union(*(content(s, 6) for ss in text["sections"].values()
                                           for s in ss)) - topical),
            "triples": sorted(r for r in runs if r.count(" ") == 2),
            "cities": sorted({c.casefold() for _, c in _cities()[language]}),
            "absent": bank()["queries"]["absent"]}
    return terms


def queries(count: int, seed: int = 2) -> list[str]:
    """`count` distinct 1-3 word queries in the sheets' languages: mostly words the sheets
    use (topical ones often, common ones less), city names, a few runs of two or three words
    and a few words no sheet contains."""
    rng = random.Random(seed)
    weights = bank()["language_weights"]
    out: dict[str, None] = {}
    for _ in range(count * 50):
        if len(out) == count:
            return list(out)
        terms = _query_terms()[rng.choices(list(weights), list(weights.values()))[0]]
        kind = rng.choices(list(_QUERY_KINDS), list(_QUERY_KINDS.values()))[0]
        if kind == "topical city":
            city = rng.choice(terms["cities"]).split()[0]
            out.setdefault(f"{rng.choice(terms['topical'])} {city}")
        else:
            out.setdefault(rng.choice(terms[kind]))
    if len(out) < count:
        raise ValueError(f"Only {len(out)} distinct queries can be drawn; ask for fewer.")
    return list(out)
