"""Colours and text formats of the viewer: the four highlight states (for a light and a dark
palette, each readable with the palette's own text colour), headings, code, emphasis."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontDatabase,
    QPalette,
    QTextBlockFormat,
    QTextCharFormat,
)

from genglossary_gui.ui.viewer.render import BOLD, CODE, ITALIC, LINK, MUTED, Kind, Line
from genglossary_gui.ui.viewer.terms import State

#: Highlight backgrounds: (light palette, dark palette).
_BACKGROUNDS = {
    State.ENTRY: ("#c6ecd0", "#1e5631"),
    State.CANDIDATE: ("#fcefb4", "#5b4a0e"),
    State.REQUIRED: ("#cddcff", "#27407a"),
    State.EXCLUDED: ("#e2e2e2", "#454545"),
}
#: Each state's name, for the legend (English; ``state_label`` translates it).
STATE_LABELS = {
    State.ENTRY: QT_TRANSLATE_NOOP("DocumentViewer", "Glossary entry"),
    State.CANDIDATE: QT_TRANSLATE_NOOP("DocumentViewer", "Candidate"),
    State.REQUIRED: QT_TRANSLATE_NOOP("DocumentViewer", "Required"),
    State.EXCLUDED: QT_TRANSLATE_NOOP("DocumentViewer", "Excluded"),
}
#: What each state means, for the legend's tooltips (``state_tip`` translates it).
STATE_TIPS = {
    State.ENTRY: QT_TRANSLATE_NOOP(
        "DocumentViewer", "A term or variant with an entry in the current glossary"
    ),
    State.CANDIDATE: QT_TRANSLATE_NOOP(
        "DocumentViewer", "A term found in the documents, not (yet) in the glossary"
    ),
    State.REQUIRED: QT_TRANSLATE_NOOP(
        "DocumentViewer", "A term you marked required: the next run defines it"
    ),
    State.EXCLUDED: QT_TRANSLATE_NOOP(
        "DocumentViewer", "A term you excluded: no run puts it in the glossary"
    ),
}
#: Heading sizes relative to the text's (h1 … h6).
_HEADING_SCALE = (1.8, 1.5, 1.3, 1.15, 1.05, 1.0)


def state_label(state: State) -> str:
    """The state's name in the legend, translated."""
    return QCoreApplication.translate("DocumentViewer", str(STATE_LABELS[state]))


def state_tip(state: State) -> str:
    """What the state means, translated."""
    return QCoreApplication.translate("DocumentViewer", str(STATE_TIPS[state]))


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def state_color(state: State, palette: QPalette) -> QColor:
    light, dark = _BACKGROUNDS[state]
    return QColor(dark if is_dark(palette) else light)


def contrast(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""

    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())
        )

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def highlight_format(state: State, palette: QPalette) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setBackground(QBrush(state_color(state, palette)))
    fmt.setForeground(QBrush(palette.color(QPalette.ColorRole.Text)))
    if state == State.EXCLUDED:
        fmt.setFontStrikeOut(True)
    return fmt


def muted_color(palette: QPalette) -> QColor:
    text = palette.color(QPalette.ColorRole.Text)
    base = palette.color(QPalette.ColorRole.Base)
    return QColor(
        (text.red() * 3 + base.red() * 2) // 5,
        (text.green() * 3 + base.green() * 2) // 5,
        (text.blue() * 3 + base.blue() * 2) // 5,
    )


def code_background(palette: QPalette) -> QColor:
    return palette.color(QPalette.ColorRole.AlternateBase)


class Formats:
    """Char and block formats for the lines, made once per style and palette."""

    def __init__(self, palette: QPalette, font: QFont) -> None:
        self.palette = palette
        self.font = font
        self.fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.fixed.setPointSizeF(font.pointSizeF() if font.pointSizeF() > 0 else 10)
        self.fixed.setFixedPitch(True)
        self._chars: dict[tuple[int, int], QTextCharFormat] = {}
        self._blocks: dict[tuple[str, int], QTextBlockFormat] = {}
        self.highlights = {state: highlight_format(state, palette) for state in State}

    def char(self, level: int, flags: int) -> QTextCharFormat:
        """The format of text of a heading ``level`` (0: none) with inline ``flags``."""
        key = (level, flags)
        fmt = self._chars.get(key)
        if fmt is None:
            fmt = self._chars[key] = self._make_char(level, flags)
        return fmt

    def _make_char(self, level: int, flags: int) -> QTextCharFormat:
        fmt = QTextCharFormat()
        if flags & CODE:
            fmt.setFont(self.fixed)
            fmt.setFontFixedPitch(True)
        if level:
            size = self.font.pointSizeF() if self.font.pointSizeF() > 0 else 10.0
            fmt.setFontPointSize(size * _HEADING_SCALE[min(level, 6) - 1])
        if flags & BOLD:
            fmt.setFontWeight(QFont.Weight.Bold)
        if flags & ITALIC:
            fmt.setFontItalic(True)
        if flags & LINK:
            fmt.setForeground(QBrush(self.palette.color(QPalette.ColorRole.Link)))
            fmt.setFontUnderline(True)
        if flags & MUTED:
            fmt.setForeground(QBrush(muted_color(self.palette)))
        return fmt

    def block(self, line: Line) -> QTextBlockFormat:
        key = (line.kind, line.level)
        fmt = self._blocks.get(key)
        if fmt is None:
            fmt = QTextBlockFormat()
            if line.kind == Kind.HEADING:
                fmt.setHeadingLevel(line.level)
            elif line.kind in (Kind.CODE, Kind.TABLE):
                fmt.setBackground(QBrush(code_background(self.palette)))
            self._blocks[key] = fmt
        return fmt
