"""The languages of the network's sheets: the one declaration everyone else derives from."""

from __future__ import annotations

# ISO 639-1 codes; English first, it is the fallback of the index and of country names.
LANGUAGES: tuple[str, ...] = ("en", "fr", "es", "it", "de", "pt", "nl")
DEFAULT_LANGUAGE = LANGUAGES[0]
# The languages other than English: country names come from pycountry's catalogs in these.
TRANSLATED_LANGUAGES: tuple[str, ...] = tuple(lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE)
