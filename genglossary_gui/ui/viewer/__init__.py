"""The document viewer of the Documents page: a document rendered, the project's terms
highlighted by state, a term card, find in document."""
