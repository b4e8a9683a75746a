"""Parse metadata as people write it: budgets, periods, contacts and lists."""

from __future__ import annotations

import re
from dataclasses import dataclass

from importers.text import strip_bullet
from kb.core.money import AMBIGUOUS_SYMBOLS, CURRENCIES, to_eur
from kb.core.text import fold

# ---------------------------------------------------------------------------- budgets

# How sheets write each currency (kb.core.money.CURRENCIES), folded and without spaces: the
# key an amount's currency is looked up by. "$" and "kr" depend on the country of the sheet.
_CURRENCY_WORDS = {"".join(fold(form).split()): currency.code
                   for currency in CURRENCIES for form in currency.written}
_KRONE = r"kr\.?(?=\s|$|[,;)])"


def _written_pattern(form: str) -> str:
    """The regex of one written form: spaces optional, a word ends at a word boundary."""
    pattern = r"\s?".join(re.escape(part) for part in form.split(" "))
    return pattern + (r"\b" if form[-1].isalnum() else "")


def _currency_pattern() -> str:
    """Every written form (and its unaccented spelling), longest first so that "US$" wins
    over "$" and "euros" over "euro"; the ambiguous symbols last."""
    forms = {variant for currency in CURRENCIES for form in currency.written
             for variant in (form.casefold(), fold(form))}
    alternatives = [_written_pattern(form) for form in sorted(forms, key=lambda f: (-len(f), f))]
    return "(?:" + "|".join([*alternatives, re.escape("$"), _KRONE]) + ")"


_SCALES = {
    "k": 1e3, "thousand": 1e3, "mil": 1e3, "mille": 1e3, "tsd": 1e3, "tsd.": 1e3,
    "duizend": 1e3, "m": 1e6, "mn": 1e6, "mio": 1e6, "mio.": 1e6, "mln": 1e6, "million": 1e6,
    "millions": 1e6, "millón": 1e6, "millon": 1e6, "millones": 1e6, "milione": 1e6,
    "milioni": 1e6, "millionen": 1e6, "miljoen": 1e6, "milhão": 1e6, "milhao": 1e6,
    "milhões": 1e6, "milhoes": 1e6, "bn": 1e9, "billion": 1e9, "mrd": 1e9, "mrd.": 1e9,
    "milliard": 1e9, "milliards": 1e9, "miliardi": 1e9, "miljard": 1e9,
    # Polish and Swedish
    "tys": 1e3, "tys.": 1e3, "tysięcy": 1e3, "tysiecy": 1e3, "tusen": 1e3, "milion": 1e6,
    "miliona": 1e6, "miliony": 1e6, "milionów": 1e6, "milionow": 1e6, "miljon": 1e6, "miljoner": 1e6,
    "miliard": 1e9, "miliardy": 1e9, "miljarder": 1e9,
}

_CUR = _currency_pattern()
_NUM = r"(\d{1,3}(?:[.,'’\u00a0\u202f ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?)"
_SCALE = (r"(?:\s?(k|K|mn|Mio\.?|mio\.?|mln|Tsd\.?|m|M|bn|Mrd\.?|thousand|million[s]?|"
          r"mill[oó]n(?:es)?|milion[ei]|millionen|miljoen|milh(?:ão|ao|ões|oes)|billion|"
          r"milliards?|miliardi|miljard|"
          r"tys\.?|tysi[eę]cy|tusen|milion(?:a|y|[oó]w)?|miljon(?:er)?|miliardy?|miljarder|"
          r"mil|mille|duizend)(?!\w))?")
_SCALE_WORD_AFTER = r"(?:\s+d['’]|\s+de\s+|\s+di\s+|\s+)?"
_AMOUNT_BEFORE = re.compile("(" + _CUR + r")\s?" + _NUM + _SCALE, re.IGNORECASE)
_AMOUNT_AFTER = re.compile(_NUM + _SCALE + r"(?:,-)?" + _SCALE_WORD_AFTER + r"\s?(" + _CUR + ")",
                           re.IGNORECASE)
_TOTAL = re.compile(r"^\s*(total|totals|grand total|totale|gesamt|gesamtkosten|insgesamt|"
                    r"summe|totaal|totaal bedrag|total general|total geral)\b", re.IGNORECASE)
# A total stated inside a line ("Seeds: 120 EUR / Tools: 250 EUR / Total: 770 EUR", "a total
# of 195.000 euro"): its amount follows the word closely, with no sentence end between.
_TOTAL_WORD = re.compile(r"\b(?:total|totals|grand total|totale|gesamt|gesamtkosten|insgesamt|"
                         r"summe|totaal|total general|total geral|łącznie|razem|suma|"
                         r"totalt|summa)\b[^.,;!?\n]{0,30}?(?=\S*\d)", re.IGNORECASE)
_NOT_AVAILABLE = re.compile(r"not available|n/a|non disponible|no disponible|non disponibile|"
                            r"nicht verf[uü]gbar|n[aã]o dispon[ií]vel|niet beschikbaar|"
                            r"no separate budget|unknown|inconnu", re.IGNORECASE)

_FUNDING_CUE = re.compile(
    r"(?:co-?financed|co-?funded|funded|financed|paid|covered|sponsored|supported|subsidi[sz]ed)"
    r"(?:\s+\w+)?\s+(?:by|from|through)\s+"
    r"|(?:sponsorship|grant|subsidy|contribution|funding)\s+(?:from|of|by)\s+"
    r"|(?:co-?)?financ[ée]e?s?\s+(?:[àa]\s+\d+\s*%\s+)?(?:par|grâce à)\s+"
    r"|subvention\s+(?:de|du|des)\s+"
    r"|(?:co-?)?financiad[oa]s?\s+(?:\w+\s+)?(?:por|con)\s+|aportaci[oó]n\s+de\s+"
    r"|(?:co-?)?finanziat[oaie]\s+(?:\w+\s+)?(?:da|dal|dalla|dai|dalle)\s+"
    r"|contributo\s+(?:della|del|dello|di)\s+|a\s+carico\s+(?:del|della|dello)\s+"
    r"|(?:gefördert|finanziert|getragen)\s+(?:\w+\s+)?(?:von|vom|durch|aus)\s+|aus\s+(?:Mitteln|den\s+Haushalten)\s+(?:des|der)\s+"
    r"|financiad[oa]s?\s+pel[oa]s?\s+|cofinanciad[oa]s?\s+pel[oa]s?\s+"
    r"|(?:gefinancierd|betaald|bekostigd|gesubsidieerd)\s+(?:\w+\s+)?(?:door|uit|vanuit)\s+"
    r"|subsidie\s+van\s+",
    re.IGNORECASE)
_FUNDING_SPLIT = re.compile(r"\s*(?:,|;|\band\b|\bet\b|\by\b|\be\b|\bund\b|\ben\b|\bor\b)\s+"
                            r"(?:(?:à|a)\s+\d+\s*%\s+)?"
                            r"(?:(?:by|par|por|dalla|dallo|dalle|dagli|dal|dai|da|von|door)\b)?\s*",
                            re.IGNORECASE)
_ARTICLE = re.compile(r"^(?:(?:the|le|la|les|el|los|las|il|lo|gli|i|der|die|das|dem|den|des|"
                      r"de|het|o|os|a|as|een|an|une?)\s+|[ld]['’]\s*)", re.IGNORECASE)


@dataclass
class Money:
    amount: float
    currency: str


def parse_number(text: str) -> float | None:
    """A number as written, with thousands separators and decimal commas ("1.200.000", "1,1")."""
    text = text.strip().replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'")
    if not text:
        return None
    if re.search(r"[ ']", text):
        text = re.sub(r"[ ']", "", text)
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        decimal = "." if text.rfind(".") > text.rfind(",") else ","
        thousands = "," if decimal == "." else "."
        text = text.replace(thousands, "").replace(decimal, ".")
    elif dots + commas:
        sep = "." if dots else ","
        parts = text.split(sep)
        if len(parts) > 2 or len(parts[-1]) == 3:
            text = text.replace(sep, "")  # thousands: "250,000", "1.200.000"
        else:
            text = text.replace(sep, ".")  # decimal: "1,1", "6.5"
    try:
        return float(text)
    except ValueError:
        return None


def _currency(word: str, country: str | None) -> str:
    key = "".join(fold(word).split())
    symbol = "kr" if key in ("kr", "kr.") else key
    if symbol in AMBIGUOUS_SYMBOLS:
        default, by_country = AMBIGUOUS_SYMBOLS[symbol]
        return by_country.get(country or "", default)
    return _CURRENCY_WORDS.get(key, "EUR")


def _scale(word: str | None, number_text: str) -> float:
    if not word:
        return 1.0
    key = word.strip().casefold()
    if key == "mil" and re.search(r"\d{4}", number_text):
        return 1.0
    return _SCALES.get(key, _SCALES.get(fold(key), 1.0))


def find_amounts(text: str, country: str | None = None) -> list[tuple[int, Money]]:
    """Every money amount in `text` with its position, in order."""
    found: dict[int, tuple[int, Money]] = {}
    for match in _AMOUNT_AFTER.finditer(text):
        number, scale, currency = match.group(1), match.group(2), match.group(3)
        value = parse_number(number)
        if value is not None:
            found[match.start()] = (match.end(), Money(value * _scale(scale, number),
                                                       _currency(currency, country)))
    for match in _AMOUNT_BEFORE.finditer(text):
        currency, number, scale = match.group(1), match.group(2), match.group(3)
        value = parse_number(number)
        if value is None or any(start <= match.start(2) < end for start, (end, _) in found.items()):
            continue
        found[match.start()] = (match.end(), Money(value * _scale(scale, number),
                                                   _currency(currency, country)))
    return [(start, money) for start, (_, money) in sorted(found.items())]


def parse_budget(text: str | None, country: str | None = None) -> dict | None:
    """The budget record from a budget section: the stated total, else the first amount."""
    if not text or not text.strip():
        return None
    chosen: Money | None = None
    for line in text.splitlines():
        if _TOTAL.match(line):
            amounts = find_amounts(line, country)
            if amounts:
                chosen = amounts[-1][1]
                break
    if chosen is None:
        amounts = find_amounts(text, country)
        for total in _TOTAL_WORD.finditer(text):
            after = [money for start, money in amounts if total.start() < start <= total.end() + 12]
            if after:
                chosen = after[0]
                break
        if chosen is None and amounts:
            chosen = amounts[0][1]
    if chosen is None:
        return None
    amount = round(chosen.amount, 2)
    if amount == int(amount):
        amount = int(amount)
    return {
        "amount": amount,
        "currency": chosen.currency,
        "amount_eur": to_eur(amount, chosen.currency),
        "text": text.strip(),
        "funding": parse_funding(text),
    }


def parse_funding(text: str) -> list[str]:
    """Funding sources named after "funded by", "financé par", "gefördert von"..."""
    sources: list[str] = []
    consumed = 0
    for match in _FUNDING_CUE.finditer(text):
        if match.start() < consumed:
            continue  # a cue inside a source already read ("covered by sponsorship from ...")
        rest = text[match.end():]
        rest = re.split(r"[.;:\n]|\(|\s[-–]\s|\bwhile\b|\bwhereas\b|\btandis\b|\bmentre\b", rest)[0]
        consumed = match.end() + len(rest)
        for part in _FUNDING_SPLIT.split(rest):
            name = _source_name(part)
            if name and name not in sources:
                sources.append(name)
    return sources


def _source_name(part: str) -> str | None:
    """ "een subsidie van de gemeente Den Haag" -> "Gemeente Den Haag" """
    previous = None
    while part != previous:
        previous = part
        part = part.strip(" ,")
        part = _ARTICLE.sub("", part)
        part = re.sub(r"^\d+\s*%\s*", "", part)
        cue = _FUNDING_CUE.match(part)
        if cue:
            part = part[cue.end():]
    if not 2 < len(part) < 80 or re.match(r"^(the\s+)?rest\b|^\d", part, re.IGNORECASE):
        return None
    return part[0].upper() + part[1:]


def budget_not_available(text: str | None) -> bool:
    return bool(text) and bool(_NOT_AVAILABLE.search(text or ""))


# ---------------------------------------------------------------------------- periods

_YEAR = r"(19\d\d|20\d\d)"
_SINCE = re.compile(r"\b(since|from|started|starting|launched|began|beginning|depuis|lanc[ée]e?|"
                    r"d[ée]but|desde|iniciad[oa]|dal|dall['’]|avviat[oa]|seit|ab|begonnen|"
                    r"sinds|vanaf|gestart|sin[dc]e|desde|iniciado|lançad[oa])\b",
                    re.IGNORECASE)
_ONGOING = re.compile(r"\b(ongoing|present|today|now|en cours|aujourd['’]hui|actualidad|"
                      r"en curso|in corso|oggi|laufend|heute|fortlaufend|lopend|heden|"
                      r"em curso|atualidade|permanent|unbefristet)\b", re.IGNORECASE)
_DURATION = re.compile(r"(\d{1,2})\s*(years?|ans?|années|años|anni|jahre?n?|jaar|jaren|anos?)\b"
                       r".{0,20}?(?:from|à partir de|de|desde|a partire da|dal|ab|seit|vanaf|van)"
                       r"\s+(?:\w+\s+)?" + _YEAR, re.IGNORECASE)
_MONTHS = {m: i + 1 for i, ms in enumerate([
    "january janvier enero gennaio januar januari janeiro jan",
    "february fevrier février febrero febbraio februar februari fevereiro feb",
    "march mars marzo marzo märz maerz maart março marco mar",
    "april avril abril aprile april april abril apr",
    "may mai mayo maggio mai mei maio",
    "june juin junio giugno juni juni junho jun",
    "july juillet julio luglio juli juli julho jul",
    "august août aout agosto agosto august augustus agosto aug",
    "september septembre septiembre settembre september september setembro sep sept",
    "october octobre octubre ottobre oktober oktober outubro oct okt",
    "november novembre noviembre novembre november november novembro nov",
    "december décembre decembre diciembre dicembre dezember december dezembro dec dez",
]) for m in ms.split()}


def parse_period(text: str | None) -> tuple[int | None, int | None]:
    """(start_year, end_year) from "2016 – 2019", "since 2012", "3 years from March 2018"..."""
    if not text:
        return None, None
    duration = _DURATION.search(text)
    if duration:
        years, start = int(duration.group(1)), int(duration.group(3))
        month_word = re.search(r"(\w+)\s+" + duration.group(3), text[duration.start():])
        month = _MONTHS.get(fold(month_word.group(1))) if month_word else None
        return start, start + years - (0 if month and month > 1 else 1)
    years = [int(y) for y in re.findall(_YEAR + r"(?!\d)", text)]
    short_end = re.search(_YEAR + r"\s*[/–-]\s*(\d\d)(?!\d)", text)
    if short_end and len(years) == 1:
        years.append(int(years[0] // 100 * 100 + int(short_end.group(2))))
    if not years:
        return None, None
    start = years[0]
    first_year_at = re.search(_YEAR, text).start()
    if _SINCE.search(text[:first_year_at]) and len(years) == 1 or _ONGOING.search(text):
        return start, None
    if len(years) >= 2:
        return start, max(years[1:]) if max(years[1:]) >= start else None
    if re.search(r"[–—-]|\bto\b|\bau\b|\bal\b|\bbis\b|\btot\b|\ba\b", text):
        return start, start  # "giugno – dicembre 2021": within one year
    return start, None


# ---------------------------------------------------------------------------- contacts, lists

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_SPACED_EMAIL = re.compile(r"([\w.+'-]+)(?: @ ?| ?@ )([\w-]+(?:\.[\w-]+)+)", re.UNICODE)


def parse_contact(text: str | None) -> dict | None:
    """{name, email} from "Name – e-mail", "Name, e-mail", "Name (e-mail)" or either alone."""
    if not text or not text.strip():
        return None
    text = re.sub(r"\s+", " ", text).strip()
    # "eva.claes @gent.be": a space beside the "@" (OCR splits a word there, people type it)
    # is no part of the address.
    text = _SPACED_EMAIL.sub(r"\1@\2", text)
    email_match = _EMAIL.search(text)
    email = email_match.group(0).rstrip(".") if email_match else None
    rest = text.replace(email_match.group(0), " ") if email_match else text
    rest = re.sub(r"\((?:[^()]*)\)", " ", rest)  # "(project archive)", "()" left by the e-mail
    rest = re.sub(r"(?i)\b(e-?mail|courriel|correo|tel\.?|phone|t[ée]l[ée]phone)\s*:?", " ", rest)
    rest = re.sub(r"\+?\d[\d ()./-]{6,}", " ", rest)  # phone numbers
    name = re.sub(r"\s+", " ", rest).strip(" ,;:–—-|/")
    name = name or None
    if name and len(name) > 80:
        name = name[:80].rsplit(" ", 1)[0]
    if not name and not email:
        return None
    return {"name": name, "email": email}


def split_list(text: str | None) -> list[str]:
    """Items of a "Partners: a; b; c" line, or of one item per line (bullets removed)."""
    if not text or not text.strip():
        return []
    lines = [strip_bullet(line) for line in text.splitlines() if line.strip()]
    if len(lines) > 1 and not any(";" in line for line in lines):
        items = lines
    else:
        items = [part for line in (" ".join(lines),) for part in line.split(";")]
    out = []
    for item in items:
        item = item.strip().strip(" .;")
        if item and item not in out:
            out.append(item)
    return out
