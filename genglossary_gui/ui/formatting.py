"""Display helpers shared by models and pages."""

from __future__ import annotations

from PySide6.QtCore import QDate, QDateTime, QLocale

from genglossary_gui.vocabulary import Language


def format_time(t: float | None, locale: QLocale | None = None) -> str:
    """A moment in the system locale's short format: the time only if it is today, else the
    date and the time."""
    if not t:
        return ""
    locale = locale if locale is not None else QLocale.system()
    moment = QDateTime.fromMSecsSinceEpoch(round(t * 1000))  # local time
    short = QLocale.FormatType.ShortFormat
    if moment.date() == QDate.currentDate():
        return locale.toString(moment.time(), short)
    return locale.toString(moment, short)


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{int(seconds)} s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def format_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


LANGUAGE_NAMES = {
    Language.JA: "Japanese",
    Language.EN: "English",
    Language.AUTO: "Automatic",
    "": "",
}
