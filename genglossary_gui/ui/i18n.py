"""The window's language: Qt translators for the chosen (or the system's) language, and the
translation files' tooling.

The window's strings are in Qt's translation system (``self.tr``, ``QCoreApplication.translate``,
``QT_TRANSLATE_NOOP``); ``resources/i18n/genglossary_<lang>.ts`` holds their translations and is
compiled to ``.qm`` (what Qt loads) by the bundle's build and by::

    uv run python -m genglossary_gui.ui.i18n compile   # .ts -> .qm
    uv run python -m genglossary_gui.ui.i18n update    # sources -> .ts, translations kept
    uv run python -m genglossary_gui.ui.i18n check     # lists every string without a translation

A checkout has no ``.qm`` until one of those runs: the window then compiles the ``.ts`` into the
user's cache folder itself (with the ``pyside6-lrelease`` PySide6 ships), so ``uv run
genglossary-gui`` speaks Japanese on a fresh clone too.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from genglossary_gui.resources import resource

log = logging.getLogger(__name__)

#: The QSettings key of the language chosen in View ▸ Language.
LANGUAGE_KEY = "ui/language"
#: Follow the system's language.
SYSTEM = "system"
#: The languages the window speaks (code -> name in that language; English is the source).
LANGUAGES: dict[str, str] = {"en": "English", "ja": "日本語"}
#: The translation files' base name: resources/i18n/genglossary_ja.ts.
CATALOG = "genglossary"

_PACKAGE = Path(__file__).resolve().parents[1]
#: What lupdate reads: the window and the composition root (the lower layers have no UI).
SOURCES = (_PACKAGE / "ui", _PACKAGE / "app.py")


#: The language install() gave the window (English until it is called: the source strings).
_current = "en"


def current_language() -> str:
    return _current


def chosen_language(settings: QSettings) -> str:
    value = settings.value(LANGUAGE_KEY, SYSTEM)
    return value if isinstance(value, str) and (value in LANGUAGES or value == SYSTEM) else SYSTEM


def resolve_language(choice: str, system: QLocale | None = None) -> str:
    """The language code to show: the choice, or the first of the system's UI languages the
    window speaks, else English."""
    if choice in LANGUAGES:
        return choice
    system = system if system is not None else QLocale.system()
    for name in system.uiLanguages():
        code = name.replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return "en"


@dataclass
class Installed:
    """What :func:`install` put on the application (kept alive: Qt does not own them)."""

    language: str
    translators: list[QTranslator]

    def remove(self) -> None:
        for translator in self.translators:
            QCoreApplication.removeTranslator(translator)
        self.translators.clear()


def install(choice: str, *, system: QLocale | None = None) -> Installed:
    """Install the translators of ``choice`` (a code of LANGUAGES or SYSTEM): the window's own
    catalog and Qt's (standard buttons, file dialogs), and make numbers and dates follow the
    language chosen. A missing catalog leaves the window in English, logged, never fails."""
    system = system if system is not None else QLocale.system()
    language = resolve_language(choice, system)
    if choice in LANGUAGES and not system.name().startswith(language):
        QLocale.setDefault(QLocale(language))  # chosen apart from the system: its formats too
    elif system.language() == QLocale.Language.C:
        # No locale at all (LANG=C): English formats, with digit grouping, not C's bare digits.
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    global _current  # noqa: PLW0603 - one language per application
    _current = language
    installed = Installed(language, [])
    # English is the source language, but its plural forms ("1 run", "2 runs") come from a
    # catalog of its own, like every other language's.
    catalogs = (
        []
        if language == "en"
        else [(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    )
    own = compiled_catalog(language)
    catalogs.append((own.stem if own else CATALOG, str(own.parent) if own else ""))
    for name, folder in catalogs:
        translator = QTranslator()
        if folder and translator.load(name, folder):
            QCoreApplication.installTranslator(translator)
            installed.translators.append(translator)
        else:
            log.warning("No %s translation %r in %s", language, name, folder or "(none)")
    return installed


def source_catalog(language: str) -> Path:
    return resource("i18n", f"{CATALOG}_{language}.ts")


def compiled_catalog(language: str) -> Path | None:
    """The ``.qm`` of ``language``: the bundled one, else one compiled now from the ``.ts``
    into the user's cache folder (a checkout). None when neither can be had."""
    ts = source_catalog(language)
    qm = ts.with_suffix(".qm")
    if qm.is_file() and (not ts.is_file() or qm.stat().st_mtime >= ts.stat().st_mtime):
        return qm
    if not ts.is_file():
        return qm if qm.is_file() else None
    import platformdirs

    cached = Path(platformdirs.user_cache_dir("GenGlossary")) / "i18n" / qm.name
    if cached.is_file() and cached.stat().st_mtime >= ts.stat().st_mtime:
        return cached
    try:
        compile_catalog(ts, cached)
    except (OSError, subprocess.CalledProcessError, FileNotFoundError) as exc:
        log.warning("Could not compile %s: %s", ts.name, exc)
        return qm if qm.is_file() else None
    return cached


# -- tooling (the build, `python -m genglossary_gui.ui.i18n`, the tests) ----------------------


def _tool(name: str) -> str:
    """A Qt Linguist tool PySide6 ships (pyside6-lupdate, pyside6-lrelease)."""
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} (from PySide6) is not installed")
    return found


def compile_catalog(ts: Path, qm: Path) -> None:
    qm.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)],
        check=True,
        capture_output=True,
        timeout=60,
    )


def extract(ts: Path, sources: Iterable[Path] = SOURCES, *, plural_only: bool = False) -> None:
    """Write (or update, keeping its translations) ``ts`` with every translatable string of
    ``sources``; strings the sources no longer have are dropped. Without source locations:
    the context (a class) says where a string is, and the file does not change with every
    edit of the code around it."""
    args = [_tool("pyside6-lupdate"), "-no-obsolete", "-locations", "none"]
    if plural_only:  # the source language's catalog: only its plural forms
        args.append("-pluralonly")
    files = [str(p) for source in sources for p in _python_files(source)]
    subprocess.run([*args, *files, "-ts", str(ts)], check=True, capture_output=True, timeout=120)


def _python_files(source: Path) -> list[Path]:
    return sorted(source.rglob("*.py")) if source.is_dir() else [source]


@dataclass(frozen=True)
class Message:
    context: str
    source: str
    translation: str
    plural: bool
    finished: bool


def messages(ts: Path) -> list[Message]:
    """The messages of a ``.ts`` file."""
    out = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            element = message.find("translation")
            plural = message.get("numerus") == "yes"
            if element is None:
                text, finished = "", False
            else:
                forms = [f.text or "" for f in element.iter("numerusform")]
                text = " | ".join(forms) if plural else element.text or ""
                finished = element.get("type") not in ("unfinished", "vanished", "obsolete")
            out.append(Message(name, message.findtext("source") or "", text, plural, finished))
    return out


def untranslated(ts: Path, sources: Iterable[Path] = SOURCES) -> list[Message]:
    """Every string of ``sources`` that ``ts`` does not translate (missing, unfinished or
    empty), by extracting the sources afresh into a copy of ``ts``. The English catalog
    holds plural forms only: only its plurals count."""
    plural_only = ts.stem.endswith("_en")
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / ts.name
        shutil.copyfile(ts, fresh)
        extract(fresh, sources, plural_only=plural_only)
        return [m for m in messages(fresh) if not _translated(m)]


def _translated(message: Message) -> bool:
    forms = message.translation.split(" | ") if message.plural else [message.translation]
    return message.finished and all(form.strip() for form in forms)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m genglossary_gui.ui.i18n")
    parser.add_argument("command", choices=("update", "compile", "check"))
    args = parser.parse_args(argv)
    catalogs = sorted(resource("i18n").glob(f"{CATALOG}_*.ts"))
    for ts in catalogs:
        if args.command == "update":
            extract(ts, plural_only=ts.stem.endswith("_en"))
            print(f"updated {ts.name}: {len(messages(ts))} strings")
        elif args.command == "compile":
            compile_catalog(ts, ts.with_suffix(".qm"))
            print(f"compiled {ts.with_suffix('.qm').name}")
        else:
            missing = untranslated(ts)
            for m in missing:
                print(f"{ts.name}: [{m.context}] {m.source!r} has no translation")
            if missing:
                return 1
            print(f"{ts.name}: every string is translated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
