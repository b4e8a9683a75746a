"""Folding: the one form in which words and names are compared (no accents, case folded,
ligatures spelled out, spaces collapsed), for the importers, the vocabularies and the index."""

from __future__ import annotations

import unicodedata

# Letters that do not decompose into a base letter and an accent (NFKD leaves them whole),
# spelled as the sheets' languages spell them without the letter.
LIGATURES = {
    "ß": "ss", "ẞ": "ss", "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ĳ": "ij", "Ĳ": "ij",
    "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d",
    "þ": "th", "Þ": "th", "ı": "i", "ħ": "h", "Ħ": "h", "ŧ": "t", "Ŧ": "t",
}


def _strip_marks(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


class _FoldTable(dict):
    """A str.translate table: each character to its folded form, worked out when first met."""

    def __missing__(self, code: int) -> int | str:
        char = chr(code)
        folded = LIGATURES.get(char)
        if folded is None:
            # casefold can bring marks back ("İ" -> "i̇"): strip them on both sides of it.
            folded = _strip_marks(_strip_marks(char).casefold())
            folded = "".join(LIGATURES.get(c, c) for c in folded)   # "ǣ" -> "æ" -> "ae"
        value: int | str = code if folded == char else folded
        self[code] = value
        return value


FOLD_TABLE = _FoldTable()


def fold_word(word: str) -> str:
    """One word folded (spaces left as they are): the index folds each word it stems."""
    return word.casefold() if word.isascii() else word.translate(FOLD_TABLE)


def fold(text: str) -> str:
    """Lower case, accents removed, ligatures spelled out ("Œ" -> "oe"), spaces collapsed.

    Whole sheets go through here (near-duplicate sketches, the thesaurus): hence the
    translate table and split/join, which knows the same spaces as the regex \\s but is
    several times faster.
    """
    return " ".join(fold_word(text).split())
