"""Exporting a glossary off the GUI thread (reading the store and writing the file)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Signal

from genglossary_gui.pipeline.export import (
    export,
    project_glossary,
    write_export_file,
)
from genglossary_gui.store.database import db


class ExportSignals(QObject):
    progress = Signal(int, int)
    finished = Signal(str, int)  # path, entries written
    failed = Signal(str)


class ExportTask(QRunnable):
    """Kept referenced (with its signals) by the window until ``finished`` or ``failed``."""

    def __init__(
        self, project_id: int, run_id: int | None, path: str, fmt: str, title: str
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.signals = ExportSignals()
        self._args = (project_id, run_id, path, fmt, title)

    def run(self) -> None:
        project_id, run_id, path, fmt, title = self._args
        try:
            with db.connection_context():
                entries = project_glossary(project_id, run_id)
            if not entries:
                self.signals.failed.emit(
                    QCoreApplication.translate(
                        "ExportTask", "There is no glossary to export yet. Run Full first."
                    )
                )
                return
            language = Counter(e.language for e in entries).most_common(1)[0][0]
            text = export(
                entries, fmt, title=title, language=language, progress=self.signals.progress.emit
            )
            write_export_file(path, text)  # all or nothing: a failure keeps the old file
        except OSError as exc:
            self.signals.failed.emit(
                QCoreApplication.translate("ExportTask", "Cannot write {file}: {reason}").format(
                    file=Path(path).name, reason=exc.strerror or exc
                )
            )
        except Exception as exc:  # reported to the user, never raised into Qt
            self.signals.failed.emit(
                QCoreApplication.translate("ExportTask", "Export failed: {reason}").format(
                    reason=exc
                )
            )
        else:
            self.signals.finished.emit(path, len(entries))
