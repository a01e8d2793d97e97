"""The window in Japanese: every string translated (a new one without a translation fails
here), translations that keep their placeholders, the language that follows the system or
View ▸ Language, and plurals done by Qt."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QSettings
from pytestqt.qtbot import QtBot

from genglossary_gui.ui import i18n
from genglossary_gui.ui.main_window import MainWindow

CATALOGS = sorted(Path(i18n.source_catalog("ja")).parent.glob("genglossary_*.ts"))
PLACEHOLDER = re.compile(r"\{\w*\}|%L?n|%\d")


def test_the_catalogs_exist_for_both_languages() -> None:
    assert {ts.stem for ts in CATALOGS} == {"genglossary_en", "genglossary_ja"}


@pytest.mark.parametrize("ts", CATALOGS, ids=lambda p: p.stem)
def test_every_source_string_has_a_translation(ts: Path) -> None:
    missing = i18n.untranslated(ts)
    assert missing == [], "\n".join(
        f"[{m.context}] {m.source!r} — run `uv run python -m genglossary_gui.ui.i18n update`"
        " and translate it"
        for m in missing
    )


@pytest.mark.parametrize("ts", CATALOGS, ids=lambda p: p.stem)
def test_translations_keep_the_placeholders_of_their_source(ts: Path) -> None:
    wrong = []
    for m in i18n.messages(ts):
        forms = m.translation.split(" | ") if m.plural else [m.translation]
        for form in forms:
            if sorted(PLACEHOLDER.findall(form)) != sorted(PLACEHOLDER.findall(m.source)):
                wrong.append(f"[{m.context}] {m.source!r} -> {form!r}")
    assert wrong == []


def test_the_japanese_catalog_has_no_untranslated_english_left() -> None:
    """A translation that is the English source again is a string someone forgot (names
    and symbols aside)."""
    same = [
        m.source
        for m in i18n.messages(i18n.source_catalog("ja"))
        if m.translation == m.source and re.search(r"[a-z]{4,}", PLACEHOLDER.sub("", m.source))
    ]
    allowed = {
        "Qt / PySide6",
        "Python",
        "Markdown",
        "TBX-Basic",
        "Ollama",
        "{project} — GenGlossary",
    }
    assert set(same) <= allowed


@pytest.mark.parametrize(
    ("choice", "system", "expected"),
    [
        (i18n.SYSTEM, "ja_JP", "ja"),
        (i18n.SYSTEM, "en_GB", "en"),
        (i18n.SYSTEM, "de_DE", "en"),  # a language the window does not speak: English
        ("en", "ja_JP", "en"),  # the user's choice wins over the system's
        ("ja", "en_US", "ja"),
    ],
)
def test_the_language_follows_the_system_unless_chosen(
    choice: str, system: str, expected: str
) -> None:
    assert i18n.resolve_language(choice, QLocale(system)) == expected


@pytest.fixture
def japanese() -> Iterator[i18n.Installed]:
    before = QLocale()
    installed = i18n.install("ja", system=QLocale("en_US"))
    yield installed
    installed.remove()
    QLocale.setDefault(before)
    i18n._current = "en"


def test_the_window_speaks_japanese(qtbot: QtBot, japanese: i18n.Installed, data_dir: Path) -> None:
    assert len(japanese.translators) == 2  # Qt's own (standard buttons) and the window's
    from genglossary_gui.runs.manager import RunManager

    manager = RunManager()
    window = MainWindow(manager)
    qtbot.addWidget(window)
    try:
        menus = [a.text() for a in window.menuBar().actions()]
        assert menus == ["ファイル(&F)", "編集(&E)", "実行(&R)", "表示(&V)", "ヘルプ(&H)"]
        assert window.active_label.text() == "実行中の処理はありません"
        assert window.sample_button.text() == "サンプルプロジェクトを開く"
        assert [window.tabs.tabText(i) for i in range(3)] == ["文書(&D)", "用語(&T)", "用語集(&G)"]
        # Numbers and dates follow the language chosen.
        assert QLocale().language() == QLocale.Language.Japanese
    finally:
        window.close()
        manager.shutdown(5000)


def test_plurals_are_qt_s_in_both_languages(japanese: i18n.Installed) -> None:
    text = QCoreApplication.translate("MainWindow", "%n active run(s)", None, 3)
    assert text == "実行中 3 件"
    japanese.remove()
    assert QCoreApplication.translate("MainWindow", "%n active run(s)", None, 1) == "1 active run"
    assert QCoreApplication.translate("MainWindow", "%n active run(s)", None, 2) == "2 active runs"


def test_view_language_keeps_the_choice_and_offers_a_restart(
    qtbot: QtBot, data_dir: Path, tmp_path: Path
) -> None:
    from genglossary_gui.runs.manager import RunManager

    preferences = QSettings(str(tmp_path / "preferences.ini"), QSettings.Format.IniFormat)
    manager = RunManager()
    window = MainWindow(manager, preferences=preferences)
    qtbot.addWidget(window)
    window.show()
    answers = [False, True]
    asked: list[str] = []

    def ask(language: str) -> bool:
        asked.append(language)
        return answers.pop(0)

    window.ask_restart_for_language = ask  # type: ignore[method-assign]
    try:
        assert window.language_actions[i18n.SYSTEM].isChecked()
        window.language_actions["ja"].trigger()
        assert i18n.chosen_language(preferences) == "ja"
        assert asked == ["日本語"] and window.isVisible() and not window.restart_requested
        window.language_actions["en"].trigger()  # already English: nothing to restart for
        assert asked == ["日本語"] and "saved" in window.statusBar().currentMessage()
        window.language_actions["ja"].trigger()  # this time: Restart Now
        assert window.restart_requested
        qtbot.waitUntil(lambda: not window.isVisible())
        reread = QSettings(str(tmp_path / "preferences.ini"), QSettings.Format.IniFormat)
        assert i18n.chosen_language(reread) == "ja"  # what the next start reads
    finally:
        window.close()
        manager.shutdown(5000)
