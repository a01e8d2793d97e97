"""Persistence on SQLite through peewee. No Qt here: usable from the CLI and plain tests."""
