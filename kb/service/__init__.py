"""The knowledge-base service: the store, the archive of originals, import, review, backups."""
