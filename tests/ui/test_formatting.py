"""Numbers, sizes and durations in the display locale (``QLocale()``): English, the test
session's default (tests/conftest.py), and Japanese."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QLocale

from genglossary_gui.ui.formatting import format_duration, format_number, format_size


@pytest.fixture
def japanese() -> Iterator[QLocale]:
    """Japanese as the display locale for one test; the session's locale afterwards."""
    before = QLocale()
    locale = QLocale(QLocale.Language.Japanese, QLocale.Country.Japan)
    QLocale.setDefault(locale)
    try:
        yield locale
    finally:
        QLocale.setDefault(before)


def test_numbers_sizes_and_durations_in_english() -> None:
    assert format_number(0) == "0"
    assert format_number(1234) == "1,234"
    assert format_number(12_345_678) == "12,345,678"
    assert format_number(2.46) == "2.5"  # a float: one decimal
    assert format_number(4.0) == "4.0"

    assert format_size(0) == "0 bytes"
    assert format_size(512) == "512 bytes"
    assert format_size(1023) == "1,023 bytes"
    assert format_size(1536) == "1.5 kB"  # units of 1024 bytes, as before
    assert format_size(10 * 1024) == "10.0 kB"
    assert format_size(5 * 1024 * 1024 + 300_000) == "5.3 MB"
    assert format_size(3 * 1024**3) == "3.0 GB"

    assert format_duration(None) == ""
    assert format_duration(0) == "0.0 s"
    assert format_duration(4.24) == "4.2 s"
    assert format_duration(42.9) == "42 s"
    assert format_duration(187) == "3 min 07 s"
    assert format_duration(2 * 3600 + 5 * 60 + 30) == "2 h 05 min"
    assert format_duration(1500 * 3600) == "1,500 h 00 min"


def test_numbers_sizes_and_durations_in_japanese(japanese: QLocale) -> None:
    assert QLocale().language() == QLocale.Language.Japanese
    assert format_number(1234) == japanese.toString(1234) == "1,234"
    assert format_number(4.25) == japanese.toString(4.25, "f", 1)

    traditional = QLocale.DataSizeFormat.DataSizeTraditionalFormat
    for size in (0, 512, 1536, 5 * 1024 * 1024 + 300_000):
        assert format_size(size) == japanese.formattedDataSize(size, 1, traditional)
    assert format_size(512) == "512 バイト"
    assert format_size(1536) == "1.5 KB"
    assert format_size(5 * 1024 * 1024 + 300_000) == "5.3 MB"

    # The units' translation (秒, 分, 時間) needs a translator; the numbers are the locale's.
    assert format_duration(4.24).startswith(japanese.toString(4.24, "f", 1))
    assert format_duration(1500 * 3600).startswith("1,500")


def test_the_session_locale_is_back_after_the_japanese_test() -> None:
    assert QLocale().language() == QLocale.Language.English
    assert format_size(1536) == "1.5 kB"
