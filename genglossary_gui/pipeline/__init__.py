"""The glossary pipeline. No Qt: runs inside a RunWorker, from the CLI, or in plain tests."""
