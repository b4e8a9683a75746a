"""Detect a sheet's language among the sheets' languages, from its most frequent function words.

Sheets are hundreds of words long, and the seven languages' function words barely overlap,
so counting them is exact in practice, deterministic and fast; no model needed.
"""

from __future__ import annotations

import re
from collections import Counter

STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the and of to in for is are was were with that this by on from which "
                    "their have has been it as at an be not or who they its".split()),
    "fr": frozenset("le la les et des du de un une est sont dans pour par sur qui que avec "
                    "au aux ce cette leur ont été il elle pas ou se en".split()),
    "es": frozenset("el la los las y de del en un una es son para por con que se al su sus "
                    "como más pero fue han este esta".split()),
    "it": frozenset("il lo la gli le e di del della dei delle in un una è sono per con che "
                    "nel nella al alla da dal non ha".split()),
    "de": frozenset("der die das und in zu den von mit ist sind für auf dem des ein eine "
                    "nicht auch im sich wird werden wurde bei".split()),
    "pt": frozenset("o a os as e de do da dos das em um uma é são para por com que no na "
                    "nos nas ao pelo pela foi não".split()),
    "nl": frozenset("de het een en van in is zijn voor met op dat die te door aan bij niet "
                    "ook er wordt worden werd naar om".split()),
    # Members outside the seven (kb.core.languages.OTHER_SHEET_LANGUAGES).
    # Only words no other list has ("i", "na", "do", "de", "om", "den" are shared).
    "pl": frozenset("w z się nie że jest są od przez dla oraz po jak który która które ich "
                    "jego było były został została ze we".split()),
    "sv": frozenset("och att det som på är av för med till har inte ett var från eller "
                    "vid sig hade blev kan".split()),
}
_WORD = re.compile(r"[^\W\d_]+")


def detect_language(text: str, default: str = "en") -> str:
    """The ISO 639-1 code of the language most of `text`'s function words belong to."""
    words = Counter(w.casefold() for w in _WORD.findall(text[:20000]))
    scores = {lang: sum(words[w] for w in stops) for lang, stops in STOPWORDS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] > 0 else default
