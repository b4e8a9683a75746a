"""Whoosh full-text index with facets (issue 3)."""
