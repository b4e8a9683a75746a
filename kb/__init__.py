"""The domain: record schema, theme vocabulary, money, countries, and the `kb` command line."""
