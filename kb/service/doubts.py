"""Fields of a record that look misread, for staff to check: an e-mail address that is not one
(or whose top-level domain is none, as when an address is cut at a line break), a contact name that is a label word or holds stray marks, a city without its country.

A doubt is a warning by field. A *broken* field (an e-mail that is not an address) is never
published: the import keeps such a sheet as a draft, and publishing waits until it is fixed.
Doubts are worked out from the record each time, so fixing the field removes its doubt.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

from importers.labels import label_key, normalise_label
from kb.core.messages import Message, say

# One address: a local part, an @, a domain of dotted labels ending in a name of letters.
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{2,59})")
# What no person's or team's name holds: brackets, an @, slashes, digits.
_NOT_IN_A_NAME = re.compile(r"[<>\[\]{}()@/\\|0-9]")
# Words sheets print beside a contact that are not names (folded, any of their languages);
# a label of the importers' vocabulary counts too.
_CONTACT_WORDS = frozenset({"mail", "email", "e-mail", "tel", "tel.", "phone", "telephone",
                            "name", "nom", "nombre", "nome", "web", "website", "fax",
                            "mobile", "gsm", "n/a", "na", "-", "tbc", "tbd"})
BROKEN = frozenset({"contact-email-broken", "contact-email-domain-unknown"})
# Reserved for documentation and tests by RFC 2606, and used so by the sample sheets: not in
# the root zone, yet no sign of a misread address.
_DOCUMENTATION_DOMAINS = frozenset({"example", "test"})


@lru_cache(maxsize=1)
def top_level_domains() -> frozenset[str]:
    """The top-level domains of the DNS root zone, lower case (IANA's list, shipped as
    kb/core/data/tlds.txt: see the README there), with the documentation ones."""
    text = resources.files("kb.core").joinpath("data/tlds.txt").read_text("ascii")
    return frozenset(line.strip().lower() for line in text.splitlines()
                     if line.strip() and not line.startswith("#")) | _DOCUMENTATION_DOMAINS


def doubts(record: dict[str, Any]) -> dict[str, Message]:
    """The doubtful fields of a record, by field path ("contact.email"), with why."""
    found: dict[str, Message] = {}
    contact = record.get("contact") or {}
    email = (contact.get("email") or "").strip()
    if email and not _EMAIL.fullmatch(email):
        found["contact.email"] = say("contact-email-broken", email=email)
    elif email and (ending := email.rsplit(".", 1)[-1].lower()) not in top_level_domains():
        # "...@fightforpeace.exampl": the rest of the address went to the next line.
        found["contact.email"] = say("contact-email-domain-unknown", email=email, ending=ending)
    name = " ".join((contact.get("name") or "").split())
    if name:
        folded = normalise_label(name)
        if folded in _CONTACT_WORDS or label_key(name) is not None:
            found["contact.name"] = say("contact-name-label", name=name)
        elif _NOT_IN_A_NAME.search(name) or not re.search(r"[^\W\d_]{2}", name):
            found["contact.name"] = say("contact-name-marks", name=name)
    if record.get("city") and not record.get("country"):
        found["country"] = say("city-without-country", city=record["city"])
    return found


def broken(record: dict[str, Any]) -> dict[str, Message]:
    """The doubts that keep a sheet from being published."""
    return {name: message for name, message in doubts(record).items()
            if message.code in BROKEN}
