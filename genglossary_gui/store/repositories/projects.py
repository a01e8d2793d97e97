"""Projects and their documents: creation, settings, imports, and their rows for the views."""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import peewee

from genglossary_gui.store import notify
from genglossary_gui.store.database import data_folder, db, patient
from genglossary_gui.store.models import AppSetting, Document, DocumentText, Project, now
from genglossary_gui.store.repositories._common import _tuples
from genglossary_gui.vocabulary import Topic


class ProjectExists(ValueError):
    pass


class UnknownProject(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(f"There is no project named {name!r}.")


# -- projects ---------------------------------------------------------------------------------


# Control characters and bidi controls: a name with them could forge lines or reorder text
# wherever it is shown (a terminal, a table, an export).
_NAME_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def check_project_name(name: str) -> str:
    """The name, stripped; ValueError with the reason when it cannot be a project's name."""
    name = name.strip()
    if not name:
        raise ValueError("A project needs a name.")
    if _NAME_UNSAFE.search(name):
        raise ValueError(
            "A project name cannot contain control characters (line breaks, tabs, escapes) "
            "or text-direction marks."
        )
    return name


@patient
def create_project(name: str, sources: Sequence[str] = (), language: str = "auto") -> int:
    """A new project, with the engine and settings of the data folder's default (the
    built-in engine unless the user chose another for new projects)."""
    name = check_project_name(name)
    engine, settings = default_engine_settings()
    try:
        project = Project.create(
            name=name,
            sources=json.dumps(list(sources)),
            language=language,
            engine=engine,
            engine_settings=settings,
        )
    except peewee.IntegrityError as exc:
        raise ProjectExists(f"A project named {name!r} already exists.") from exc
    notify.publish(Topic.PROJECT, project.id)
    return int(project.id)


def project_by_name(name: str) -> Project:
    project = Project.get_or_none(Project.name == name)
    if project is None:
        raise UnknownProject(name)
    return project


def list_projects() -> list[Project]:
    return list(Project.select().order_by(Project.name))


def engine_settings(project_id: int) -> tuple[str, str]:
    """The project's engine name and its settings (JSON)."""
    project = Project.get_by_id(project_id)
    return project.engine, project.engine_settings


#: The app_setting key of the engine new projects start with: {"engine": …, "settings": …}.
DEFAULT_ENGINE_KEY = "default_engine"


def default_engine_settings() -> tuple[str, str]:
    """The engine name and settings (JSON) new projects start with; ("", "{}") when the
    user never chose (the built-in engine)."""
    row = AppSetting.get_or_none(AppSetting.key == DEFAULT_ENGINE_KEY)
    if row is None:
        return Project.engine.default, "{}"
    try:
        data = json.loads(row.value)
        return str(data["engine"]), str(data["settings"])
    except (ValueError, KeyError, TypeError):
        return Project.engine.default, "{}"  # unreadable: the built-in engine, as never set


@patient
def save_default_engine_settings(engine: str | None, settings: str = "{}") -> None:
    """What new projects start with; ``None`` is back to the built-in engine."""
    if engine is None:
        AppSetting.delete().where(AppSetting.key == DEFAULT_ENGINE_KEY).execute()
        return
    value = json.dumps({"engine": engine, "settings": settings})
    AppSetting.insert(key=DEFAULT_ENGINE_KEY, value=value).on_conflict_replace().execute()


@patient
def save_engine_settings(project_id: int, engine: str, settings: str) -> None:
    Project.update(engine=engine, engine_settings=settings).where(
        Project.id == project_id
    ).execute()
    notify.publish(Topic.PROJECT, project_id)


# -- documents --------------------------------------------------------------------------------


class TextStream(Protocol):
    """A document's text too large to hold whole (a large file's, decoded): its length in
    UTF-8 bytes, and those bytes in pieces, from the start each time :meth:`chunks` is
    called."""

    size: int

    def chunks(self) -> Iterator[bytes]: ...


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    rel_path: str
    #: The text, or a stream of it: such a document is written a piece at a time, and read
    #: back in pieces (:func:`document_chunks`), never whole.
    text: str | TextStream
    content_hash: str
    encoding: str
    language: str
    size_bytes: int
    problem: str = ""


def spool_folder() -> Path:
    """Where a large file's decoded text waits to be written: the data folder, on the disk
    it goes to anyway (a temporary folder may be memory)."""
    return data_folder()


def existing_hashes(project_id: int) -> dict[str, str]:
    query = Document.select(Document.rel_path, Document.content_hash).where(
        Document.project == project_id
    )
    return {d.rel_path: d.content_hash for d in query}


@patient
def save_documents(
    project_id: int, upserts: Sequence[DocumentRecord], removed: Iterable[str] = ()
) -> None:
    """Insert or replace documents and remove the ones whose files are gone, in one
    transaction. A text given as a :class:`TextStream` is written a piece at a time into a
    ``document_text`` row (UTF-8 bytes, a BLOB in the table's last column: SQLite makes a
    value of a given size there without holding it); the document's own text is then "".
    """
    removed = list(removed)
    if not upserts and not removed:
        return
    with db.atomic("IMMEDIATE"):
        for rec in upserts:
            text = rec.text
            Document.insert(
                project=project_id,
                rel_path=rec.rel_path,
                text=text if isinstance(text, str) else "",
                content_hash=rec.content_hash,
                encoding=rec.encoding,
                language=rec.language,
                size_bytes=rec.size_bytes,
                problem=rec.problem,
                imported_at=now(),
            ).on_conflict(
                conflict_target=[Document.project, Document.rel_path],
                preserve=[
                    Document.text,
                    Document.content_hash,
                    Document.encoding,
                    Document.language,
                    Document.size_bytes,
                    Document.problem,
                    Document.imported_at,
                ],
            ).execute()
            _write_stream(project_id, rec.rel_path, None if isinstance(text, str) else text)
        if removed:
            Document.delete().where(
                (Document.project == project_id) & Document.rel_path.in_(removed)
            ).execute()
    notify.publish(Topic.DOCUMENT)


def _write_stream(project_id: int, rel_path: str, text: TextStream | None) -> None:
    """The document's text stored as a stream, or (None) no longer."""
    row_id = (
        Document.select(Document.id)
        .where((Document.project == project_id) & (Document.rel_path == rel_path))
        .scalar()
    )
    DocumentText.delete().where(DocumentText.document == row_id).execute()
    if text is None:
        return
    DocumentText.insert(document=row_id, text=peewee.fn.zeroblob(text.size)).execute()
    written = 0
    with db.connection().blobopen(_TEXT_TABLE, "text", row_id) as blob:
        for data in text.chunks():
            blob.write(data)
            written += len(data)
    if written != text.size:
        raise ValueError(f"{rel_path}: {written} bytes of text written, not {text.size}")


_TEXT_TABLE: str = DocumentText._meta.table_name  # type: ignore[attr-defined]
#: Pieces a document stored as a stream is read back in, and how much of it one opening reads.
_READ_BYTES = 1024 * 1024
_OPEN_BYTES = 16 * _READ_BYTES


def _streamed(where: peewee.Expression) -> peewee.Expression:
    """Only the documents stored as a stream (with a ``document_text`` row)."""
    return where & Document.id.in_(DocumentText.select(DocumentText.document))


def document_chars(project_id: int, ids: Sequence[int] | None = None) -> int:
    """Characters of text in the project's readable documents, or in those of ``ids`` (a
    step's progress total)."""
    readable = (Document.project == project_id) & (Document.problem == "")
    if ids is None:
        return _chars(readable)
    ids = list(ids)
    return sum(
        _chars(readable & Document.id.in_(ids[i : i + 500])) for i in range(0, len(ids), 500)
    )


def _chars(where: peewee.Expression) -> int:
    # (A document stored as a stream has "" here.)
    whole = Document.select(peewee.fn.SUM(peewee.fn.LENGTH(Document.text))).where(where)
    chars = int(whole.scalar() or 0)
    for (doc_id,) in _tuples(Document.select(Document.id).where(_streamed(where))):
        # Its bytes are UTF-8: its characters are counted a piece at a time (an
        # ASCII piece has as many as bytes; no character is cut before one).
        decoder = codecs.getincrementaldecoder("utf-8")()
        for data in _blob_pieces(doc_id):
            chars += len(data) if data.isascii() else len(decoder.decode(data))
    return chars


def _blob_pieces(document_id: int) -> Iterator[bytes]:
    """The bytes of a document's text in pieces of _READ_BYTES, read _OPEN_BYTES at a time:
    no handle (and so no read transaction) is left open while the pieces are used, however
    long that takes, and each opening walks the value's pages from its start only a few
    times per document (one opening per piece made reading 70 MB take 1.8 s)."""
    offset = 0
    while True:
        pieces = []
        with db.connection().blobopen(_TEXT_TABLE, "text", document_id, readonly=True) as b:
            b.seek(offset)
            for _ in range(_OPEN_BYTES // _READ_BYTES):
                data = b.read(_READ_BYTES)
                if not data:
                    break
                pieces.append(data)
        if not pieces:
            return
        offset += sum(map(len, pieces))
        yield from pieces


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """A document as a step reads it."""

    rel_path: str
    language: str
    #: The whole text; None for a document stored as a stream, which
    #: :func:`document_chunks` reads a piece at a time.
    text: str | None


def stored_document(document_id: int) -> StoredDocument:
    """The document, with its text unless it is stored as a stream."""
    streamed = Document.id.in_(DocumentText.select(DocumentText.document))
    query = Document.select(
        Document.rel_path,
        Document.language,
        peewee.Case(None, ((streamed, None),), Document.text),
    ).where(Document.id == document_id)
    return StoredDocument(*_tuples(query)[0])


def document_chunks(document_id: int) -> Iterator[str]:
    """The text of a document stored as a stream, in pieces of about a MiB."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    for data in _blob_pieces(document_id):
        text = decoder.decode(data)
        if text:
            yield text
    rest = decoder.decode(b"", final=True)
    if rest:
        yield rest


def project_language(project_id: int) -> str:
    """The project's document language setting ("auto", "en" or "ja")."""
    return Project.get_by_id(project_id).language


def project_sources(project_id: int) -> list[str]:
    """The folders and files the project imports from."""
    return Project.get_by_id(project_id).source_paths()


def document_ids(project_id: int) -> list[int]:
    """Readable documents (with text) of the project, by path."""
    query = (
        Document.select(Document.id)
        .where((Document.project == project_id) & (Document.problem == ""))
        .order_by(Document.rel_path)
    )
    return [d.id for d in query]


def load_document(document_id: int) -> Document:
    return Document.get_by_id(document_id)


# -- rows for the views (plain data, no ORM objects) -----------------------------------------


@dataclass(frozen=True, slots=True)
class DocumentRow:
    id: int
    rel_path: str
    size_bytes: int
    language: str
    encoding: str
    problem: str


def document_rows(project_id: int) -> list[DocumentRow]:
    query = (
        Document.select(
            Document.id,
            Document.rel_path,
            Document.size_bytes,
            Document.language,
            Document.encoding,
            Document.problem,
        )
        .where(Document.project == project_id)
        .order_by(Document.rel_path)
    )
    return [DocumentRow(*values) for values in _tuples(query)]


@dataclass(frozen=True, slots=True)
class ProjectRow:
    id: int
    name: str
    language: str
    sources: str


def project_rows() -> list[ProjectRow]:
    query = Project.select(Project.id, Project.name, Project.language, Project.sources).order_by(
        Project.name
    )
    return [ProjectRow(*values) for values in _tuples(query)]
