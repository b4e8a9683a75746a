"""practice-kb's own package: core (the ground), service (the knowledge base), cli (the `kb` command)."""
