"""GenGlossary Desktop: turn a folder of documents into a reviewed glossary."""

__version__ = "0.1.0"
