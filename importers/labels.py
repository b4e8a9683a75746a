"""The labels sheets use for their fields and sections, in the network's languages.

The vocabulary is data (data/vocabulary.json): per field or section and per language, its
labels, its secondary labels (words that name a section only when the sheet has no section
under a label proper: "Results" when there is no "Evaluation") and its cues (words that make
a question or prompt name it: "3. What problem did the project address?").

Matching is on folded text (lower case, no accents), after removing numbering ("2.") and a
final colon, so "ÉVALUATION", "4. Evaluation" and "Evaluación:" all name `evaluation`.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from kb.core.text import fold


@lru_cache(maxsize=1)
def _vocabulary() -> dict:
    return json.loads(resources.files("importers").joinpath("data/vocabulary.json")
                      .read_text("utf-8"))


SECTIONS: tuple[str, ...] = tuple(_vocabulary()["sections"])
METADATA: tuple[str, ...] = tuple(key for key in _vocabulary()["keys"] if key not in SECTIONS)
# Rank of a label: a label proper, or a secondary one (see the module's docstring).
PRIMARY, SECONDARY = 1, 2

_NUMBERING = re.compile(r"^\s*(\d{1,2}(\.\d{1,2})*|[ivx]{1,4}|[a-h])[.)]\s+|^\s*\d{1,2}(\.\d{1,2})*\s+(?=\D)",
                        re.IGNORECASE)


def normalise_label(text: str) -> str:
    """The comparable form of a label: numbering, colon and case removed."""
    text = _NUMBERING.sub("", text.strip())
    text = text.strip().rstrip(":：?").strip()
    return fold(text).replace("’", "'")


def _words(phrases: dict[str, list[str]]) -> list[str]:
    return [phrase for language in phrases.values() for phrase in language]


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[str, int]]:
    index: dict[str, tuple[str, int]] = {}
    keys = _vocabulary()["keys"]
    # Sections win over metadata for a shared word ("budget"), labels over secondary ones.
    for rank, kind in ((PRIMARY, "labels"), (SECONDARY, "secondary")):
        for key in (*SECTIONS, *METADATA):
            for label in _words(keys[key].get(kind, {})):
                form = normalise_label(label)
                index.setdefault(form, (key, rank))
                # A label broken inside a word by a narrow table cell ("Partner org anisations").
                index.setdefault(form.replace(" ", ""), (key, rank))
    return index


def label_rank(text: str) -> tuple[str, int] | None:
    """(field or section, PRIMARY or SECONDARY) that a label names, or None."""
    if not text or len(text) > 60:
        return None
    form = normalise_label(text)
    return _index().get(form) or _index().get(form.replace(" ", ""))


def label_key(text: str) -> str | None:
    """The field or section a label names, or None when it is not a known label."""
    found = label_rank(text)
    return found[0] if found else None


@lru_cache(maxsize=1)
def _cues() -> tuple[dict[str, list[tuple[str, tuple[str, ...], bool]]], list]:
    """(key, folded words, last word whole) for every cue, by the first three letters of its
    first word (cues whose first word is shorter apart), in the vocabulary's key order."""
    by_start: dict[str, list[tuple[str, tuple[str, ...], bool]]] = {}
    short = []
    for key, entry in _vocabulary()["keys"].items():
        for cue in _words(entry.get("cues", {})):
            words = tuple(fold(cue).split())
            item = (key, words, cue.endswith(" "))
            if len(words[0]) >= 3:
                by_start.setdefault(words[0][:3], []).append(item)
            else:
                short.append(item)
    return by_start, short


_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")


def _matches(words: list[str], i: int, cue: tuple[str, ...], whole: bool) -> bool:
    n = len(cue)
    if i + n > len(words):
        return False
    if any(words[i + k] != cue[k] for k in range(n - 1)):
        return False
    return words[i + n - 1] == cue[-1] if whole else words[i + n - 1].startswith(cue[-1])


def cue_key(text: str, among: tuple[str, ...] | None = None) -> str | None:
    """The field or section a question or prompt asks about ("Who were the partners?"):
    the key (of `among`, default all) whose cue comes first in it."""
    words = [w.replace("’", "'") for w in _WORD.findall(fold(text))]
    by_start, short = _cues()
    order = _key_order()
    for i, word in enumerate(words):
        found = [key for key, cue, whole in by_start.get(word[:3], []) + short
                 if (among is None or key in among) and _matches(words, i, cue, whole)]
        if found:
            return min(found, key=order.index)
    return None


@lru_cache(maxsize=1)
def _key_order() -> list[str]:
    return list(_vocabulary()["keys"])


@lru_cache(maxsize=1)
def _prompts() -> tuple[dict[str, list[tuple[str, ...]]], int]:
    """The prompts' folded words by their first word, and the longest prompt's length."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    longest = 0
    for language in _vocabulary()["prompts"].values():
        for prompt in language:
            words = tuple(fold(prompt).split())
            by_first.setdefault(words[0], []).append(words)
            longest = max(longest, len(prompt))
    return by_first, longest


def is_prompt(text: str) -> bool:
    """An instruction to the applicant: "Please describe the activities", "Décrivez ..."."""
    by_first, longest = _prompts()
    # Only a paragraph's opening words can be a prompt: the rest is not folded (a sheet's
    # paragraphs are asked this one by one).
    head = _NUMBERING.sub("", text.strip())[:longest * 2 + 20]
    words = _WORD.findall(fold(head))
    return bool(words) and any(tuple(words[:len(p)]) == p for p in by_first.get(words[0], ()))


_INLINE = re.compile(r"^\s*((?:\d{1,2}[.)]\s*)?[^\W\d_][^:：]{0,45}?)\s*[:：]\s*(.*)$", re.DOTALL)


def split_inline_label(text: str) -> tuple[str, str, str] | None:
    """("Ville: Marseille") -> ("city", "Ville", "Marseille") when the text opens with a label."""
    match = _INLINE.match(text)
    if not match:
        return None
    key = label_key(match.group(1))
    if key is None:
        return None
    return key, match.group(1).strip(), match.group(2).strip()
