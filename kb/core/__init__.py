"""The ground every layer uses: the record and its schema, the vocabularies, countries,
money, errors."""
