"""Small text helpers shared by the readers and the extractors: bullets, line joining (folding is
kb.core.text's)."""

from __future__ import annotations

import re


# Typed and drawn bullet glyphs, including the private-use glyphs Word's Symbol font leaves
# in PDFs (U+F0B7, U+F0A7 ...).
BULLET_CHARS = {"•", "◦", "▪", "▫", "■", "□", "●", "○", "‣", "∙", "·", "⁃", "–", "—", "-", "*",
                "", "", "", "", "", "\x7f", "➢", "►", "✓", "✔"}
_BULLET = re.compile(r"^\s*([•◦▪▫■□●○‣∙·⁃*➢►✓✔\x7f\uf000-\uf0ff]|[-–—](?=\s))\s*")
SOFT_BREAK = "\u00ad"
_SOFT = re.compile(r"(\w+)\u00ad(\w+)")
_EMAIL_TAIL = re.compile(r"[\w.+-]+@[\w.-]*-$")
# The rest of an e-mail's domain on the next line of a narrow cell: ".de", "mple.es".
_EMAIL_REST = re.compile(r"^[a-z0-9-]*\.[a-z0-9.-]*[a-z]{2,}(?=$|[\s,;)])")


def is_bullet_line(text: str) -> bool:
    return bool(_BULLET.match(text)) and bool(_BULLET.sub("", text, count=1).strip())


def strip_bullet(text: str) -> str:
    return _BULLET.sub("", text, count=1).strip()


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines: spaces between, hyphenated line ends rejoined ("preven-" "tion")."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if not out:
            out = line
        elif out.endswith("-") and len(out) > 1 and out[-2].isalpha():
            last_word = out.split()[-1]
            if line[:1].islower() and not _EMAIL_TAIL.search(last_word) and "@" not in last_word:
                # "preven-" "tion" or "well-" "run": which one is decided per document
                # (resolve_hyphens), when all its words are known.
                out = out[:-1] + SOFT_BREAK + line
            else:
                out = out + line  # a real hyphen ("Amsterdam-" "West", "vadercentrum-" "adam.nl")
        elif "@" in out.split()[-1] and (out.endswith((".", "-", "_"))
                                         or _EMAIL_REST.match(line)):
            out = out + line  # an e-mail address broken inside a table cell
        else:
            out = out + " " + line
    return out


_SPACE_RUN = re.compile(r"[ \t]+")


def clean(text: str) -> str:
    """Normalise spaces (non-breaking, thin), drop soft hyphens, and strip."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ")
    return _SPACE_RUN.sub(" ", text.replace("\u00ad", "")).strip()


def resolve_hyphens(texts: list[str]) -> list[str]:
    """Decide each line-end hyphen: a compound ("well-run") keeps it, a split word loses it.

    A compound is one the document also writes with its hyphen on one line, or whose joined
    form it never uses while both halves are words of its own.
    """
    whole = "\n".join(texts)
    if SOFT_BREAK not in whole:
        return texts
    plain = _SOFT.sub(" ", whole).casefold()
    words = set(re.findall(r"\w+", plain))
    compounds = set(re.findall(r"\w+-\w+", plain))

    def choose(match: re.Match) -> str:
        left, right = match.group(1), match.group(2)
        key = f"{left}-{right}".casefold()
        if key in compounds:
            return f"{left}-{right}"
        if f"{left}{right}".casefold() in words:
            return left + right
        if left.casefold() in words and right.casefold() in words and len(left) > 2:
            return f"{left}-{right}"
        return left + right

    return [_SOFT.sub(choose, text).replace(SOFT_BREAK, "") for text in texts]
