"""An index built with other vocabularies is rebuilt: a change to the thesaurus or the theme
vocabulary changes each sheet's concepts field, so it must come with a new SCHEMA_VERSION."""

from __future__ import annotations

import hashlib
from importlib import resources

from index.schema import SCHEMA_VERSION, VOCABULARY_DIGEST


def test_the_vocabularies_are_those_the_schema_version_was_set_for():
    data = b"".join(resources.files("kb.core").joinpath(f"data/{name}").read_bytes()
                    for name in ("thesaurus.json", "themes.json"))
    digest = hashlib.sha256(data).hexdigest()[:16]
    assert digest == VOCABULARY_DIGEST, (
        f"kb/core/data/thesaurus.json or themes.json changed: raise SCHEMA_VERSION in "
        f"index/schema.py (now {SCHEMA_VERSION}) so that every index is rebuilt, and set "
        f"VOCABULARY_DIGEST to {digest!r}")
