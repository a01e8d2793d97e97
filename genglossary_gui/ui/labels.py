"""The window's words for the lower layers' values (run statuses, scopes, step names,
definition kinds, languages, export formats), translated where they are shown.

The lower layers know no Qt (the command line prints their English values); each value's
English label is marked here with ``QT_TRANSLATE_NOOP`` so that lupdate lists it once, and
``label()`` translates it when it is displayed.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from genglossary_gui.pipeline.context import Unit
from genglossary_gui.vocabulary import DefinitionKind, ExportFormat, Language, RunStatus, Scope

_CONTEXT = "labels"

#: QT_TRANSLATE_NOOP is typed as returning object; each value is its English str.
_LABELS: dict[str, object] = {
    # run statuses
    f"status:{RunStatus.PENDING}": QT_TRANSLATE_NOOP("labels", "pending"),
    f"status:{RunStatus.RUNNING}": QT_TRANSLATE_NOOP("labels", "running"),
    f"status:{RunStatus.COMPLETED}": QT_TRANSLATE_NOOP("labels", "completed"),
    f"status:{RunStatus.FAILED}": QT_TRANSLATE_NOOP("labels", "failed"),
    f"status:{RunStatus.CANCELLED}": QT_TRANSLATE_NOOP("labels", "cancelled"),
    "status:interrupted": QT_TRANSLATE_NOOP("labels", "failed (interrupted)"),
    # scopes, as the run history shows them
    f"scope:{Scope.FULL}": QT_TRANSLATE_NOOP("labels", "full"),
    f"scope:{Scope.IMPORT}": QT_TRANSLATE_NOOP("labels", "import"),
    f"scope:{Scope.ADD}": QT_TRANSLATE_NOOP("labels", "add"),
    f"scope:{Scope.EXTRACT}": QT_TRANSLATE_NOOP("labels", "extract"),
    f"scope:{Scope.GENERATE}": QT_TRANSLATE_NOOP("labels", "generate"),
    f"scope:{Scope.REVIEW}": QT_TRANSLATE_NOOP("labels", "review"),
    f"scope:{Scope.REFINE}": QT_TRANSLATE_NOOP("labels", "refine"),
    # what a step's progress counts (pipeline.context.Unit)
    f"unit:{Unit.CHARACTERS}": QT_TRANSLATE_NOOP("labels", "characters"),
    f"unit:{Unit.FILES}": QT_TRANSLATE_NOOP("labels", "files"),
    f"unit:{Unit.TERMS}": QT_TRANSLATE_NOOP("labels", "terms"),
    f"unit:{Unit.ENTRIES}": QT_TRANSLATE_NOOP("labels", "entries"),
    f"unit:{Unit.BATCHES}": QT_TRANSLATE_NOOP("labels", "batches"),
    f"unit:{Unit.REQUESTS}": QT_TRANSLATE_NOOP("labels", "requests"),
    # definition kinds (vocabulary.DefinitionKind.label)
    f"kind:{DefinitionKind.DEFINITION}": QT_TRANSLATE_NOOP("labels", "Definition"),
    f"kind:{DefinitionKind.ABBREVIATION}": QT_TRANSLATE_NOOP("labels", "Abbreviation"),
    f"kind:{DefinitionKind.USAGE}": QT_TRANSLATE_NOOP("labels", "Usage example"),
    f"kind:{DefinitionKind.GENERATED}": QT_TRANSLATE_NOOP("labels", "Written by the model"),
    f"kind:{DefinitionKind.EDITED}": QT_TRANSLATE_NOOP("labels", "Your definition"),
    f"kind:{DefinitionKind.NONE}": QT_TRANSLATE_NOOP("labels", "Not found"),
    # document and project languages
    f"language:{Language.JA}": QT_TRANSLATE_NOOP("labels", "Japanese"),
    f"language:{Language.EN}": QT_TRANSLATE_NOOP("labels", "English"),
    f"language:{Language.AUTO}": QT_TRANSLATE_NOOP("labels", "Automatic"),
    # export formats
    f"format:{ExportFormat.MARKDOWN}": QT_TRANSLATE_NOOP("labels", "Markdown"),
    f"format:{ExportFormat.CSV}": QT_TRANSLATE_NOOP("labels", "CSV"),
    f"format:{ExportFormat.JSON}": QT_TRANSLATE_NOOP("labels", "JSON"),
    f"format:{ExportFormat.TBX}": QT_TRANSLATE_NOOP("labels", "TBX-Basic"),
}


def label(kind: str, value: str) -> str:
    """The translated label of ``value`` of a kind ("status", "scope", "kind", "language",
    "format"); a value without a label (one from a newer version) shows as it is."""
    english = _LABELS.get(f"{kind}:{value}")
    if english is None:
        return value
    return QCoreApplication.translate(_CONTEXT, str(english))


def status_label(status: str) -> str:
    return label("status", status)


def scope_label(scope: str) -> str:
    return label("scope", scope)


def unit_label(unit: str) -> str:
    return label("unit", unit) if unit else ""


def kind_label(kind: DefinitionKind) -> str:
    return label("kind", kind)


def language_label(language: str) -> str:
    return label("language", language) if language else ""


def format_label(fmt: str) -> str:
    return label("format", fmt)
