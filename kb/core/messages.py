"""What practice-kb tells a user, as data: a code, its parameters, and the English wording.

An import error or warning is made once, as a `Message`, and worded where it is shown: in
English by the CLI and the reports, in the user's language by the web (`worded` with the
request's gettext). The table `MESSAGES` gives each code its English msgid; `pybabel extract`
finds them by `N_` (README "Translations"). Stored messages (record warnings, batch reports)
keep the code and parameters (`as_data`), so a French staff page words them in French;
warnings stored as plain English text by older versions are shown as they are.

A parameter may itself be a Message (a field's label) or a list of them (the problems of an
incomplete sheet, joined by spaces), so every part of a sentence is translated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def N_(message: str) -> str:
    """Marks an English message the web translates (gettext_noop): the text itself."""
    return message


class Message(str):
    """An English message that remembers its code, msgid and parameters (to be translated).

    It is a str, so the CLI, logs and reports use it as the English sentence it is.
    """

    code: str | None
    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, *, code: str | None = None, **params: Any) -> Message:
        text = super().__new__(cls, _fill(msgid, params, str))
        text.code, text.msgid, text.params = code, msgid, params
        return text

    def format(self, *args: Any, **kwargs: Any) -> str:
        # marshmallow calls str.format on error messages; a msgid has no {} fields, so the
        # Message stays itself (and keeps its code) rather than becoming a plain str.
        return self

    def __reduce__(self) -> tuple:
        # Messages cross to the parser processes and back (importers.batch).
        return (_rebuilt, (self.msgid, self.code, self.params))


def _rebuilt(msgid: str, code: str | None, params: dict[str, Any]) -> Message:
    return Message(msgid, code=code, **params)


def _fill(msgid: str, params: Mapping[str, Any], word: Callable[[Any], str]) -> str:
    if not params:
        return msgid
    return msgid % {name: " ".join(map(word, value)) if isinstance(value, list) else word(value)
                    for name, value in params.items()}


def say(code: str, **params: Any) -> Message:
    """The message of `code` from the table, with its parameters."""
    return Message(MESSAGES[code], code=code, **params)


def worded(message: Any, translate: Callable[[str], str]) -> str:
    """`message` in the language of `translate` (a gettext); plain text stays as it is."""
    if not isinstance(message, Message):
        return str(message)
    try:
        return _fill(translate(message.msgid), message.params,
                     lambda value: worded(value, translate))
    except (KeyError, TypeError, ValueError):
        return str(message)   # a translation whose placeholders do not fit: the English


def as_data(message: Any) -> Any:
    """A message as JSON data: {"code", "msgid", "params"}; plain text stays text."""
    if not isinstance(message, Message):
        return str(message)
    return {"code": message.code, "msgid": message.msgid,
            "params": {name: [as_data(item) for item in value] if isinstance(value, list)
                       else as_data(value) if isinstance(value, Message) else value
                       for name, value in message.params.items()}}


def from_data(data: Any) -> Any:
    """The Message `as_data` wrote, worded by today's table when its code is known (so a
    message reworded since still reads as the code now says); text stays text."""
    if not isinstance(data, dict) or "msgid" not in data:
        return data if isinstance(data, str) else str(data)
    params = {name: [from_data(item) for item in value] if isinstance(value, list)
              else from_data(value) if isinstance(value, dict) else value
              for name, value in (data.get("params") or {}).items()}
    code = data.get("code")
    msgid = MESSAGES.get(code, data["msgid"]) if code else data["msgid"]
    try:
        return Message(msgid, code=code, **params)
    except (KeyError, TypeError, ValueError):
        # Today's wording wants parameters the stored message lacks: keep the stored one.
        return Message(data["msgid"], code=code, **params)


# The labels of the record's fields, as messages name them.
FIELD_LABELS = {
    "title": N_("Title"), "context": N_("Context"), "objectives": N_("Objectives"),
    "activities": N_("Activities"), "language": N_("Language"), "start_year": N_("Start year"),
    "end_year": N_("End year"),
}


def field_label(name: str) -> Message:
    return Message(FIELD_LABELS[name], code=f"field-{name}")


MESSAGES: dict[str, str] = {
    **{f"field-{name}": label for name, label in FIELD_LABELS.items()},

    # Warnings of an import, for staff review
    "country-unknown": N_("Country %(country)s is not a known country name; set it by hand."),
    "country-missing": N_("The sheet names no country."),
    "themes-inferred": N_("The sheet states no theme; themes were inferred from its text."),
    "themes-missing": N_("The sheet states no theme and none could be inferred."),
    "budget-missing": N_("No budget figure was found."),
    "budget-unreadable": N_("The budget section gives no amount that could be read."),
    "evaluation-missing": N_("The sheet has no evaluation section."),
    "ocr-read": N_("The text of the scanned page(s) %(pages)s was read by OCR; check every "
                   "field against the original, names, figures and e-mail addresses above all."),
    "ocr-scans-unread": N_("Page(s) %(pages)s are scans and were not read, as Tesseract, which "
                           "reads scans, is not installed; install tesseract-ocr (see Scanned "
                           "sheets in the README), or type their text into the sheet by hand."),
    "row-unread": N_("The row %(label)s names no field of the sheet and was not read; copy its "
                     "value into the right field by hand."),
    "near-duplicate": N_("Near-duplicate of sheet %(other)s: most of the wording is the same; "
                         "check whether both should be kept."),
    "name-shortened": N_("The file name was %(length)s characters long, too long to store; "
                         "it is kept as %(name)s."),

    # Why a file is not a (complete) record
    "already-rejected": N_("Already submitted and rejected: %(message)s"),
    "original-missing": N_("The original of sheet %(id)s is not in the archive; import the file "
                           "again to re-parse it."),
    "reparse-failed": N_("%(message)s The stored record was kept as it was."),
    "incomplete-sheet": N_("%(name)s is not a complete practice sheet: %(problems)s"),
    "cannot-publish": N_("Sheet %(id)s cannot be published yet: %(problems)s"),
    "not-a-sheet": N_("%(name)s does not look like a practice sheet: no sections such as "
                      "Context, Objectives or Activities were found; check the file, or label "
                      "its sections."),
    "no-text": N_("%(name)s contains no text; check that it is the practice sheet and not an "
                  "empty template."),
    "file-too-large": N_("%(name)s is %(size)s MB, over the limit of %(limit)s MB; split it or "
                         "raise --max-size."),
    "file-unreadable": N_("%(name)s cannot be read (%(reason)s); check the path and "
                          "permissions."),
    "file-empty": N_("%(name)s is empty (0 bytes); check that the upload finished and submit "
                     "the file again."),
    "pdf-encrypted": N_("%(name)s is protected by a password; remove the password (or export "
                        "an unprotected PDF) and submit it again."),
    "pdf-too-many-pages": N_("%(name)s has %(count)s pages, over the limit of %(limit)s; a "
                             "practice sheet is a few pages, split the document."),
    "pdf-damaged": N_("%(name)s is damaged and cannot be read as a PDF (%(reason)s); export it "
                      "again from the original document."),
    "pdf-too-many-fields": N_("%(name)s is a form with %(count)s fields, over the limit of "
                              "%(limit)s for a practice sheet; submit the filled sheet as a PDF "
                              "printed from the form, or as .docx."),
    "pdf-no-pages": N_("%(name)s has no pages; export it again from the original document."),
    "pdf-scanned": N_("%(name)s has no text layer (it seems to be scanned) and Tesseract, which "
                      "reads scans, is not installed; install tesseract-ocr (see Scanned "
                      "sheets in the README), or submit the original Word file."),
    "ocr-no-text": N_("%(name)s has no text layer and OCR found no text on its pages; check "
                      "that it is the practice sheet, or submit the original Word file."),
    "ocr-too-many-pages": N_("%(name)s has %(count)s scanned pages, over the limit of "
                             "%(limit)s pages read by OCR; split it, or submit the original "
                             "document."),
    "ocr-timeout": N_("%(name)s is a scan and reading it by OCR took longer than %(seconds)s s, "
                      "so it was stopped; submit the original document, or a scan of fewer "
                      "pages."),
    "ocr-failed": N_("%(name)s is a scan and Tesseract could not read its page %(page)s "
                     "(%(reason)s); scan it again, or submit the original document."),
    "word-damaged": N_("%(name)s is damaged and cannot be read as a Word document (%(reason)s); "
                       "open it in Word, save it again as .docx and resubmit."),
    "odt-damaged": N_("%(name)s is damaged and cannot be read as an OpenDocument text (%(reason)s); "
                      "save it again in LibreOffice, or as .docx or PDF, and submit it again."),
    "odt-entities": N_("%(name)s declares XML entities, which no office suite writes; save it "
                       "again in LibreOffice, or as .docx or PDF, and submit it again."),
    "word-damaged-zip": N_("%(name)s is a damaged zip archive; save the document again from "
                           "Word and submit it again."),
    "word-no-main-part": N_("%(name)s is a Word package whose main document part is missing; "
                            "save the document again from Word and submit it again."),
    "word-too-many-parts": N_("%(name)s holds %(count)s files inside, more than the %(limit)s a "
                              "Word document can need; save the document again from Word and "
                              "submit it again."),
    "word-unpacks-too-large": N_("%(name)s unpacks to %(size)s MB, over the limit of %(limit)s "
                                 "MB; remove large pictures or embedded files and submit it "
                                 "again."),
    "word-zip-bomb": N_("%(name)s contains a part that expands %(ratio)s times when unpacked (a "
                        "zip bomb), so it was refused; save the document again from Word and "
                        "submit it again."),
    "word-duplicate-entries": N_("%(name)s is a zip archive with duplicate entry names; save "
                                 "the document again from Word and submit it again."),
    "word-encrypted": N_("%(name)s is a password-protected zip archive; remove the password and "
                         "submit it again."),
    "word-two-names": N_("%(name)s is a zip archive whose entries carry two different names, "
                         "which readers disagree on; save the document again from Word and "
                         "submit it again."),
    "zip-damaged": N_("%(name)s is a damaged or incomplete zip archive; create it again and "
                      "submit it again."),
    "zip-size-mismatch": N_("%(name)s holds a different amount of data than its zip header "
                            "declares; create the zip again and submit it again."),
    "zip-compression": N_("%(name)s is packed with a compression method that cannot be read; "
                          "create the zip again with standard compression."),
    "zip-entry-damaged": N_("%(name)s is damaged inside the archive; create the zip again and "
                            "submit it again."),
    "zip-extract-failed": N_("%(name)s could not be extracted (%(reason)s); check that the zip "
                             "is complete and the work folder has free space."),
    "zip-damaged-word": N_("%(name)s is a damaged or incomplete zip archive; save the document "
                           "again from Word and submit it again."),
    "zip-too-many-entries": N_("%(name)s holds %(count)s entries, over the limit of %(limit)s "
                               "for one archive and the zips in it; split it into smaller zips."),
    "zip-tree-too-large": N_("%(name)s was not extracted because its archive unpacks to more "
                             "than %(limit)s MB in all; split the zip into smaller ones and "
                             "submit them one by one."),
    "zip-bomb": N_("%(name)s expands more than %(ratio)s times when unpacked, so it looks like a "
                   "zip bomb and was not extracted; submit the file itself."),
    "zip-path-escapes": N_("%(name)s has a path that leaves the archive; it was not extracted — "
                           "rebuild the zip with relative paths."),
    "zip-symlink": N_("%(name)s is a symbolic link, not a file; it was not extracted — put the "
                      "file itself in the zip."),
    "zip-encrypted": N_("%(name)s is protected by a password; remove the password from the zip "
                        "and submit it again."),
    "zip-too-deep": N_("%(name)s is a zip nested more than %(depth)s archives deep; it was not "
                       "opened — put its files in the outer zip."),
    "path-not-a-file": N_("%(name)s is not a regular file or folder; check the path."),
    "path-missing": N_("%(name)s does not exist; check the path."),
    "folder-unreadable": N_("%(name)s cannot be read (%(reason)s); check the folder's "
                            "permissions."),

    # A file that is not a PDF or a Word document
    "office-encrypted": N_("%(name)s is protected by a password; remove the password in Word "
                           "and submit it again."),
    "word-97": N_("%(name)s is an old Word 97-2003 document (.doc) and neither antiword nor "
                  "LibreOffice, which read them, is installed; install antiword or LibreOffice "
                  "(see Legacy Word files in the README), or save it as .docx or PDF and submit "
                  "it again."),
    "doc-unreadable": N_("%(name)s is an old Word 97-2003 document (.doc) that antiword could "
                         "not read (%(reason)s); save it as .docx or PDF and submit it again."),
    "doc-office-unreadable": N_("%(name)s is an old Word 97-2003 document (.doc) that "
                                "LibreOffice could not convert (%(reason)s); open it in Word "
                                "or LibreOffice, save it as .docx or PDF and submit it again."),
    "doc-both-unreadable": N_("%(name)s is an old Word 97-2003 document (.doc) that neither "
                              "antiword (%(antiword)s) nor LibreOffice (%(office)s) could "
                              "read; open it in Word or LibreOffice, save it as .docx or PDF "
                              "and submit it again."),
    "office-binary": N_("%(name)s is an old binary Office file, not a Word document; save it as "
                        ".docx or PDF and submit it again."),
    "opendocument-text": N_("%(name)s is an OpenDocument text file (.odt); save it as .docx or "
                            "PDF and submit it again."),
    "opendocument-other": N_("%(name)s is an OpenDocument file, not a text document; submit "
                             "the sheet as .docx or PDF."),
    "zip-not-word": N_("%(name)s is a zip archive, not a Word document; submit the sheet as "
                       ".docx or PDF."),
    "excel": N_("%(name)s is an Excel workbook, not a Word document; submit the sheet as .docx "
                "or PDF."),
    "powerpoint": N_("%(name)s is a PowerPoint presentation, not a Word document; submit the "
                     "sheet as .docx or PDF."),
    "office-not-word": N_("%(name)s is an Office file, not a Word document; submit the sheet as "
                          ".docx or PDF."),
    "word-strict": N_("%(name)s is saved as Strict Open XML, which cannot be read; save it in "
                      "Word as a normal Word Document (.docx) or PDF and submit it again."),
    "rtf": N_("%(name)s is a Rich Text (RTF) file; save it as .docx or PDF and submit it again."),
    "image": N_("%(name)s is a %(kind)s image, not a document with text; submit the sheet as "
                ".docx or PDF."),
    "html": N_("%(name)s is a web page (HTML); open it in Word, save it as .docx or PDF and "
               "submit it again."),
    "word-xml": N_("%(name)s is a Word XML file; open it in Word, save it as a Word Document "
                   "(.docx) or PDF and submit it again."),
    "pdf-no-header": N_("%(name)s looks like a damaged PDF (it has no %%PDF- header); export it "
                        "again as PDF and submit it again."),
    "plain-text": N_("%(name)s is a plain text file; paste it into the sheet template and "
                     "submit it as .docx or PDF."),
    "not-pdf-or-word": N_("%(name)s is not a PDF or Word (.docx) file; submit the sheet as "
                          ".docx or PDF."),

    # When the parser itself fails on a file
    "parser-failed": N_("%(name)s could not be read: %(reason)s; the file may be damaged, so "
                        "save or export it again and submit it again, or report it to the site "
                        "team."),
    "parser-timeout": N_("%(name)s took longer than %(seconds)s s to parse and was stopped; the "
                         "file is probably damaged or unusually complex, so save or export it "
                         "again, or split it, and submit it again."),
    "parser-memory": N_("%(name)s needed more than %(limit)s MB of memory to parse and was "
                        "stopped; remove large pictures or split the document and submit it "
                        "again."),
    "parser-killed": N_("%(name)s could not be read: the parser process was killed by signal "
                        "%(signal)s while reading it; the file is probably damaged, so save or "
                        "export it again and submit it again."),
    "parser-exited": N_("%(name)s could not be read: the parser process exited with code "
                        "%(code)s while reading it; the file is probably damaged, so save or "
                        "export it again and submit it again."),

    # What the record schema finds wrong in a field
    "field-missing": N_("%(field)s is missing."),
    "field-empty": N_("%(field)s must not be empty."),
    "language-unknown": N_("Language must be one of %(languages)s."),
    "country-not-a-code": N_("Country %(value)s is not an ISO 3166-1 alpha-2 code."),
    "themes-unknown": N_("Themes %(themes)s are not in the theme vocabulary."),
    "year-implausible": N_("%(field)s %(value)s is not plausible (expected %(low)s-%(high)s)."),
    "period-reversed": N_("End year %(end)s is before start year %(start)s."),
    "budget-negative": N_("Budget amount must not be negative."),
    "budget-currency-unknown": N_("Budget currency %(value)s is not a supported ISO 4217 code."),
    "budget-currency-missing": N_("Budget amount needs a currency."),
    "budget-basis-unknown": N_("Budget basis must be one of %(choices)s."),
    "contact-email-invalid": N_("Contact e-mail is not a valid address."),
    "contact-empty": N_("Contact needs a name or an e-mail; use null for no contact."),

    # Fields that look misread (kb.service.doubts), for staff to check
    "contact-email-broken": N_("Contact e-mail %(email)s is not a whole address; correct it "
                               "from the original or empty it before publishing."),
    "contact-email-domain-unknown": N_("Contact e-mail %(email)s ends in .%(ending)s, which is "
                                       "not a top-level domain (the address was probably cut "
                                       "at a line break); correct it from the original or "
                                       "empty it before publishing."),
    "contact-name-label": N_("Contact name %(name)s is a label word, not a name; put the "
                             "person or team from the original, or empty it."),
    "contact-name-marks": N_("Contact name %(name)s holds marks a name does not have; check "
                             "it against the original."),
    "city-without-country": N_("City %(city)s is given without its country; set the country."),
    "new-version-waiting": N_("A new version of this sheet, from %(file)s (%(uploaded)s), waits "
                              "for review: the public sees the published version until staff "
                              "apply the new one with “Review the new version”."),
    "new-version-pending": N_("Sheet %(id)s is published: this new version waits beside it for "
                              "staff review, and the public sees the published one until staff "
                              "apply it."),
    "staff-edits-kept": N_("Kept as staff edited them: %(fields)s (the importers read them "
                           "differently); `kb reimport --overwrite-edits` takes the importers' "
                           "reading instead."),
    "import-edits-invalid": N_("The fields staff edited in sheet %(id)s and what the importers "
                               "read in this file do not make a valid sheet together: "
                               "%(problems)s The sheet was kept as it was (the file is in the "
                               "archive): take its changes by hand on the sheet's edit page."),
    "reimport-edits-invalid": N_("The fields staff edited in sheet %(id)s and what the importers "
                                 "read now do not make a valid sheet together: %(problems)s It "
                                 "was kept as it was: edit it by hand, or run `kb reimport "
                                 "--overwrite-edits %(id)s`."),
    "reparse-invalid": N_("The changes ticked for sheet %(id)s do not make a valid sheet "
                          "together: %(problems)s Tick the fields that go together, or edit "
                          "the sheet."),
}
