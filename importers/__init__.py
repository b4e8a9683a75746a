"""Turn submitted practice sheets (PDF, Word) into validated records."""
