"""Secrets (API keys) kept out of every text the app writes: logs, errors, transcripts."""

from __future__ import annotations

import json
from collections.abc import Iterable

#: Shorter "keys" (a local server's placeholder such as "x") are not hidden: they protect
#: nothing, and replacing every "x" in the log would make it unreadable.
MIN_SECRET_CHARS = 4


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret (an API key) replaced by ``***``, also where it appears
    escaped inside JSON (a server echoing a request back)."""
    for secret in secrets:
        if len(secret) < MIN_SECRET_CHARS:
            continue
        text = text.replace(secret, "***")
        escaped = json.dumps(secret)[1:-1]
        if escaped != secret:
            text = text.replace(escaped, "***")
    return text
