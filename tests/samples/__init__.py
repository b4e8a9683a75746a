"""Demo practice sheets (`sheets`) and their rendering as Word or PDF files (`render`).

Nothing is imported here: `render` needs reportlab, which is a test/development dependency,
while the sheet data in `sheets` must stay importable without it.
"""
