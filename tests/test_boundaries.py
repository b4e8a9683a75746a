"""Who may import whom (STYLE.md): importers/ uses neither Whoosh nor Flask."""

import subprocess
import sys


def imported_modules(module: str) -> set[str]:
    code = f"import sys, {module}; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return {name.split(".")[0] for name in out.stdout.split()}


def test_importers_use_neither_whoosh_nor_flask():
    loaded = imported_modules("importers.parse")
    assert "whoosh" not in loaded and "flask" not in loaded


def test_kb_domain_does_not_load_pdf_or_word_libraries():
    loaded = imported_modules("kb.core.record")
    assert not {"pypdf", "docx", "flask", "whoosh"} & loaded


def test_bulk_import_parts_of_importers_use_neither_whoosh_nor_flask():
    for module in ("importers.submissions", "importers.report", "importers.batch"):
        loaded = imported_modules(module)
        assert "whoosh" not in loaded and "flask" not in loaded, module


def test_index_uses_neither_flask_nor_the_document_readers():
    loaded = imported_modules("index.searching")
    assert not {"flask", "pypdf", "docx"} & loaded
