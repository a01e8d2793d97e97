"""Display helpers shared by models and pages."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale


def format_time(t: float | None, locale: QLocale | None = None) -> str:
    """A moment in the system locale's short format: the time only if it is today, else the
    date and the time."""
    if not t:
        return ""
    locale = locale if locale is not None else QLocale()
    moment = QDateTime.fromMSecsSinceEpoch(round(t * 1000))  # local time
    short = QLocale.FormatType.ShortFormat
    if moment.date() == QDate.currentDate():
        return locale.toString(moment.time(), short)
    return locale.toString(moment, short)


def format_number(n: int | float) -> str:
    """A count in the display locale (``QLocale()``, which the Language setting may set):
    "12,345" in English, also "12,345" in Japanese, "12.345" in German."""
    if isinstance(n, int):
        return QLocale().toString(n)
    return QLocale().toString(n, "f", 1)


def format_duration(seconds: float | None) -> str:
    """A run's duration: "4.2 s", "42 s", "3 min 07 s", "2 h 05 min" (units translated,
    numbers in the display locale)."""
    if seconds is None:
        return ""
    if seconds < 10:
        return QCoreApplication.translate("formatting", "{seconds} s").format(
            seconds=format_number(float(seconds))
        )
    if seconds < 60:
        return QCoreApplication.translate("formatting", "{seconds} s").format(
            seconds=format_number(int(seconds))
        )
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return QCoreApplication.translate("formatting", "{minutes} min {seconds} s").format(
            minutes=format_number(minutes), seconds=f"{secs:02d}"
        )
    hours, minutes = divmod(minutes, 60)
    return QCoreApplication.translate("formatting", "{hours} h {minutes} min").format(
        hours=format_number(hours), minutes=f"{minutes:02d}"
    )


def format_size(size: int) -> str:
    """A file size in the display locale, in units of 1024 bytes: "512 bytes", "1.5 kB"
    (English), "1.5 KB" (Japanese), "1,5 kB" (German)."""
    return QLocale().formattedDataSize(size, 1, QLocale.DataSizeFormat.DataSizeTraditionalFormat)
