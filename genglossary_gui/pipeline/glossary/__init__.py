"""The built-in glossary engine: occurrences, definitions from the documents, review, refine."""
