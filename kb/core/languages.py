"""The languages of the network's sheets: the one declaration everyone else derives from."""

from __future__ import annotations

# ISO 639-1 codes; English first, it is the fallback of the index and of country names.
LANGUAGES: tuple[str, ...] = ("en", "fr", "es", "it", "de", "pt", "nl")
DEFAULT_LANGUAGE = LANGUAGES[0]
# The languages other than English: country names come from pycountry's catalogs in these.
TRANSLATED_LANGUAGES: tuple[str, ...] = tuple(lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE)
# Members outside the seven send sheets too: a record may be in these, the importers read them
# (sections, language, themes), while the index, the thesaurus and the interface treat them as
# the default language (a language here has no analyzer or translations of its own).
OTHER_SHEET_LANGUAGES: tuple[str, ...] = ("pl", "sv")
SHEET_LANGUAGES: tuple[str, ...] = LANGUAGES + OTHER_SHEET_LANGUAGES
