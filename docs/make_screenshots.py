"""Take the user guide's screenshots: ``xvfb-run -s "-screen 0 1400x900x24" uv run python
docs/make_screenshots.py`` (needs fonts-noto-cjk for the Japanese text). ``--first-run`` takes
only the first start's: the empty window, and the sample project in the Japanese window.
``--server URL`` shows Settings after a real Test Connection against that OpenAI-compatible
server (the guide's shot: llama-cpp-python's, with its default flags, and the tiny model of
``../shared/llm/make_tiny_gguf.py``); without it, against Ollama's address, where nothing
listens.

Builds a demo data folder from the hand-made corpora in tests/data (plus a large synthetic
one for a long run), runs the real pipeline, and saves each page of the real window to
``docs/images/``.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QLocale, QSettings, QTimer
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from genglossary_gui.engines.config import EngineConfig, save_config  # noqa: E402
from genglossary_gui.llm.probe import check_connection, list_models  # noqa: E402
from genglossary_gui.runs.manager import RunManager  # noqa: E402
from genglossary_gui.store import repositories as repo  # noqa: E402
from genglossary_gui.store.folder import open_data_folder  # noqa: E402
from genglossary_gui.ui.main_window import MainWindow  # noqa: E402
from tests.corpus import write_corpus  # noqa: E402

OUT = Path(__file__).parent / "images"


def wait(condition, timeout_ms: int = 120_000) -> None:
    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(lambda: condition() and loop.quit())
    timer.start(50)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    timer.stop()


def settle(ms: int = 400) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def server_model(url: str) -> str:
    """The first model the server lists."""
    settings = EngineConfig("openai", url, "").settings()
    return asyncio.run(list_models(settings))[0]


def main(server_url: str = "") -> None:
    from genglossary_gui.ui import i18n

    app = QApplication(sys.argv)  # kept alive for the whole session
    assert app is not None
    # As the app starts for an English user: its catalog (plural forms) and numbers.
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    english = i18n.install("en")
    tmp = Path(tempfile.mkdtemp(prefix="gg-shots-"))
    ja = tmp / "全文検索"
    shutil.copytree(ROOT / "tests" / "data" / "glossary_ja", ja)
    (ja / "図.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    en = tmp / "storage-notes"
    shutil.copytree(ROOT / "tests" / "data" / "glossary_en", en)
    big = tmp / "archive"
    write_corpus(big, files=3, chars_per_file=3_000_000)
    data, _ = open_data_folder(tmp / "data")
    manager = RunManager()
    window = MainWindow(manager, QSettings(str(data / "window.ini"), QSettings.Format.IniFormat))
    window.resize(1280, 780)
    window.show()
    idle = lambda: not manager.active_run_ids()  # noqa: E731

    window.create_project("全文検索マニュアル", [str(ja)])
    wait(idle)
    window.start_run("full")
    wait(idle)
    window.create_project("Storage engine", [str(en)])
    wait(idle)
    window.start_run("full")
    wait(idle)
    storage = window.current_project_id() or 0
    repo.set_definition_edit(
        storage, "replication", "Replication keeps a copy of every change on other servers."
    )
    window.tabs.setCurrentWidget(window.glossary_page)
    settle()
    window.glossary_page.select_term("write-ahead log")
    settle()
    window.grab().save(str(OUT / "glossary.png"))
    window.tabs.setCurrentWidget(window.issues_page)
    settle()
    window.grab().save(str(OUT / "issues.png"))

    window.select_project(1)
    window.tabs.setCurrentWidget(window.documents_page)
    settle()
    window.grab().save(str(OUT / "documents.png"))
    window.tabs.setCurrentWidget(window.terms_page)
    settle()
    window.grab().save(str(OUT / "terms.png"))
    window.tabs.setCurrentWidget(window.glossary_page)
    settle()
    window.grab().save(str(OUT / "glossary-ja.png"))

    window.create_project("Archive", [str(big)])
    wait(idle)
    long_run = window.start_run("extract") or 0
    wait(lambda: (row := window.runs_page.model.run_at(0)) is not None and row.done > 0)
    window.runs_page.all_projects.setChecked(True)
    window.runs_page.select_run(long_run)
    settle(700)
    window.grab().save(str(OUT / "runs.png"))

    # Settings after a real Test Connection: against the model server named by --server (the
    # shot in the guide: llama-cpp-python's), else Ollama's address, where nothing listens.
    config = (
        EngineConfig("openai", server_url, server_model(server_url))
        if server_url
        else EngineConfig("ollama", "http://127.0.0.1:11434", "qwen3:8b")
    )
    save_config(storage, config)
    window.select_project(storage)
    window.tabs.setCurrentWidget(window.settings_page)
    page = window.settings_page
    report = asyncio.run(check_connection(config.settings(), page.probe_timeout_s))
    page.status.setText("\n".join(page.report_lines(report)))
    settle()
    window.grab().save(str(OUT / "settings.png"))
    # The check as you type: an address without its scheme, a number out of range.
    window.settings_page.base_url.setText("127.0.0.1:11434")
    window.settings_page.status.clear()
    settle()
    window.settings_page.grab().save(str(OUT / "settings-check.png"))

    dialog = window.open_new_project_dialog([str(ja), str(en / "storage.md")])
    dialog.name.setText("製品マニュアル")
    settle(300)
    dialog.grab().save(str(OUT / "new-project.png"))
    dialog.reject()
    window.confirm_quit_with_active_runs = lambda n: True  # type: ignore[method-assign]
    window.close()
    english.remove()
    print("saved to", OUT)


def first_run() -> None:
    """The empty window a new user sees, and the sample project's glossary in Japanese."""
    from genglossary_gui.ui import i18n
    from genglossary_gui.ui.icons import app_icon

    app = QApplication(sys.argv)
    app.setWindowIcon(app_icon())
    english = i18n.install("en")
    tmp = Path(tempfile.mkdtemp(prefix="gg-first-run-"))
    open_data_folder(tmp / "data")
    manager = RunManager()
    window = MainWindow(manager)
    window.resize(1100, 700)
    window.show()
    settle()
    window.grab().save(str(OUT / "first-run.png"))
    window.close()
    english.remove()
    japanese = i18n.install("ja")
    manager = RunManager()  # the first window's closed with it
    window = MainWindow(manager)
    window.resize(1280, 780)
    window.show()
    window.open_sample_project()
    wait(lambda: window.sample_outcome is not None)
    window.glossary_page.select_term("火入れ")
    settle(600)
    window.grab().save(str(OUT / "window-ja.png"))
    window.close()
    japanese.remove()
    print("saved to", OUT)


if __name__ == "__main__":
    if "--first-run" in sys.argv:
        first_run()
    elif "--server" in sys.argv:
        main(sys.argv[sys.argv.index("--server") + 1])
    else:
        main()
