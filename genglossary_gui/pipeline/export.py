"""Glossary export: Markdown, CSV, JSON and TBX-Basic (ISO 30042:2019, DCA style)."""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import os
import re
import secrets
import stat
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from xml.sax.saxutils import escape

from genglossary_gui.vocabulary import DefinitionKind, ExportFormat, definition_kind

FORMATS = tuple(ExportFormat)
SUFFIXES: dict[str, str] = {f: f.suffix for f in ExportFormat}  # keyed by ExportFormat
FORMAT_NAMES: dict[str, str] = {f: f.label for f in ExportFormat}


@dataclass(frozen=True)
class ExportEntry:
    term: str
    language: str
    #: The entry's text: a definition, or (by ``definition_kind``) a usage example or an
    #: "Abbreviation of …" note. The writers put each where it belongs (see :meth:`parts`).
    definition: str
    #: A DefinitionKind (names of earlier versions are read as their successors).
    definition_kind: str
    confidence: float
    source_path: str = ""
    source_line: int = 0
    aliases: list[str] = field(default_factory=list)
    see_also: list[str] = field(default_factory=list)
    #: The term's category: the user's, else the one a model's judge gave it ("" if none).
    category: str = ""

    @property
    def source(self) -> str:
        return f"{self.source_path}:{self.source_line}" if self.source_path else ""

    @property
    def kind(self) -> DefinitionKind:
        return definition_kind(self.definition_kind)

    def parts(self) -> tuple[str, str, str]:
        """``(definition, usage, note)``: only a text that says what the term is goes out as
        a definition; a usage example and an abbreviation note have fields of their own, so
        that no program reading the export takes them for definitions."""
        kind = self.kind
        if kind == DefinitionKind.USAGE:
            return "", self.definition, ""
        if kind == DefinitionKind.ABBREVIATION:
            return "", "", self.definition
        return self.definition, "", ""


def export(
    entries: Sequence[ExportEntry],
    fmt: str,
    *,
    title: str = "Glossary",
    language: str = "en",
    progress: Callable[[int, int], None] | None = None,
) -> str:
    """The glossary as text in ``fmt`` (one of FORMATS)."""
    writers = {
        ExportFormat.MARKDOWN: to_markdown,
        ExportFormat.CSV: to_csv,
        ExportFormat.JSON: to_json,
        ExportFormat.TBX: to_tbx,
    }
    if fmt not in writers:
        raise ValueError(f"Unknown format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    ordered = sorted(entries, key=lambda e: _without_bidi(e.term).casefold())
    if fmt == ExportFormat.TBX:
        return to_tbx(ordered, title=title, language=language, progress=progress)
    return writers[fmt](ordered, title=title, progress=progress)  # type: ignore[operator]


# Unicode bidirectional controls: embeddings and overrides (U+202A-U+202E), isolates
# (U+2066-U+2069) and the marks (U+200E, U+200F, U+061C).
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _without_bidi(text: str) -> str:
    """``text`` without bidirectional control characters, for every export format.

    They are invisible yet reorder what is shown around them ("Trojan Source"), so a term,
    a definition or a file name carrying U+202E can display as something other than what it
    says. They are removed rather than shown as an escape like ``<U+202E>``: an escape would
    change the term itself for the terminology tools and spreadsheets that import the file
    (it would no longer match the documents), whereas removing them keeps the same letters in
    the order they are stored and read. Right-to-left text still reads right to left; only an
    explicit override of the direction is lost.
    """
    return _BIDI.sub("", text)


def _readable(e: ExportEntry) -> ExportEntry:
    """``e`` with bidirectional controls removed from every text field (see _without_bidi)."""
    return replace(
        e,
        term=_without_bidi(e.term),
        language=_without_bidi(e.language),
        definition=_without_bidi(e.definition),
        definition_kind=_without_bidi(e.definition_kind),
        source_path=_without_bidi(e.source_path),
        aliases=[_without_bidi(a) for a in e.aliases],
        see_also=[_without_bidi(t) for t in e.see_also],
        category=_without_bidi(e.category),
    )


def _tick(progress: Callable[[int, int], None] | None, i: int, total: int) -> None:
    if progress is not None and (i % 50 == 0 or i == total):
        progress(i, total)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~&])")
_MD_LINE_START = re.compile(r"^(\s*)(\d+)([.)])|^(\s*)([-+=])")
_MD_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def _md(text: str) -> str:
    """``text`` as Markdown that shows exactly its characters and never becomes markup.

    Every character Markdown or HTML reads as markup is backslash-escaped (``<`` and ``&``
    too, so no tag or entity can appear), and line breaks are joined into one line: a blank
    line would end the heading, paragraph or ``<small>`` element the text sits in, and the
    next line could start a block of its own.
    """
    flat = _MD_LINE_BREAKS.sub(" ", _without_bidi(text)).strip()
    escaped = _MD_SPECIAL.sub(r"\\\1", flat)
    # A leading "1." or "-" would start a list or a rule.
    return _MD_LINE_START.sub(
        lambda m: f"{m.group(1) or m.group(4) or ''}{m.group(2) or ''}\\{m.group(3) or m.group(5)}",
        escaped,
    )


def _anchors(terms: Sequence[str]) -> dict[str, str]:
    """A distinct HTML id per term (C++, C# and C would all slug to "term-c")."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for term in terms:
        # Only word characters and "-": nothing that could end the id="..." attribute.
        words = re.sub(r"[^\w]+", "-", _without_bidi(term).casefold()).strip("-")
        slug = "term-" + (words or "x")
        anchor, n = slug, 2
        while anchor in used:
            anchor, n = f"{slug}-{n}", n + 1
        used.add(anchor)
        out[term] = anchor
    return out


def to_markdown(
    entries: Sequence[ExportEntry],
    *,
    title: str = "Glossary",
    progress: Callable[[int, int], None] | None = None,
) -> str:
    """One section per term. Every field goes through _md, the source too: a code span
    inside the ``<small>`` element would let a file name with a backtick end the span and
    have the rest read as HTML."""
    lines = [f"# {_md(title)}", ""]
    anchors = _anchors([e.term for e in entries])
    for i, e in enumerate(entries, start=1):
        lines.append(f'<a id="{anchors[e.term]}"></a>')
        lines.append(f"## {_md(e.term)}")
        lines.append("")
        lines += _md_names(e)
        definition, usage, note = e.parts()
        if definition:
            lines.append(_md(definition))
        elif note:
            lines.append(f"*{_md(note)}.*")
        elif usage:
            lines.append(f"*Usage:* {_md(usage)}")
        else:
            lines.append("*No definition found.*")
        lines.append("")
        notes = []
        if e.kind == DefinitionKind.EDITED:
            notes.append("edited by hand")
        elif e.kind == DefinitionKind.GENERATED:
            notes.append("written by the model")
        elif e.kind == DefinitionKind.USAGE:
            notes.append("no defining sentence; an example of its use")
        elif e.kind == DefinitionKind.ABBREVIATION:
            notes.append("no defining sentence")
        if e.source:
            notes.append(f"source: {_md(e.source)}")
        notes.append(f"confidence {e.confidence:.2f}")
        lines.append(f"<small>{'; '.join(notes)}</small>")
        lines.append("")
        if e.see_also:
            links = ", ".join(
                f"[{_md(t)}](#{anchors[t]})" if t in anchors else _md(t) for t in e.see_also
            )
            lines.append(f"*See also:* {links}")
            lines.append("")
        _tick(progress, i, len(entries))
    return "\n".join(lines).rstrip() + "\n"


def _md_names(e: ExportEntry) -> list[str]:
    """The lines under a Markdown heading: the aliases and the category, if any."""
    lines = []
    if e.aliases:
        lines += [f"*Also:* {', '.join(_md(a) for a in e.aliases)}", ""]
    if e.category:
        lines += [f"*Category:* {_md(e.category)}", ""]
    return lines


CSV_COLUMNS = [
    "term",
    "aliases",
    "definition",
    "definition_kind",
    "usage",
    "note",
    "confidence",
    "source",
    "see_also",
    "language",
    "category",
]


#: What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(text: str) -> str:
    """A text cell that a spreadsheet shows rather than runs.

    Terms, definitions and file names come from documents or a model, so a cell could be
    ``=HYPERLINK(...)`` or ``@SUM(...)``. As OWASP recommends, a cell starting with = + - @,
    a tab or a carriage return gets a leading apostrophe, which makes Excel and LibreOffice
    take it as text. A term that really starts so ("-x", "+1 rule") gets it as well: the
    apostrophe stays visible there, and a program that reads the CSV back may drop it.
    Only CSV does this; the other formats keep the text as it is. Our own numbers (the
    confidence) never go through here.
    """
    text = _without_bidi(text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(
    entries: Sequence[ExportEntry],
    *,
    title: str = "Glossary",
    progress: Callable[[int, int], None] | None = None,
) -> str:
    """One row per entry; text cells guarded against formulas (see _csv_text)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for i, e in enumerate(entries, start=1):
        definition, usage, note = e.parts()
        writer.writerow(
            [
                _csv_text(e.term),
                _csv_text("; ".join(e.aliases)),
                _csv_text(definition),
                _csv_text(e.kind.value),
                _csv_text(usage),
                _csv_text(note),
                f"{e.confidence:.2f}",
                _csv_text(e.source),
                _csv_text("; ".join(e.see_also)),
                _csv_text(e.language),
                _csv_text(e.category),
            ]
        )
        _tick(progress, i, len(entries))
    return out.getvalue()


def to_json(
    entries: Sequence[ExportEntry],
    *,
    title: str = "Glossary",
    progress: Callable[[int, int], None] | None = None,
) -> str:
    """The entries as JSON objects, text as it is but for bidi controls (see _without_bidi)."""
    payload = {
        "title": _without_bidi(title),
        "generated": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "entries": [_json_entry(_readable(e)) for e in entries],
    }
    if progress is not None:
        progress(len(entries), len(entries))
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def _json_entry(e: ExportEntry) -> dict[str, object]:
    definition, usage, note = e.parts()
    return {
        "term": e.term,
        "language": e.language,
        "definition": definition,
        "definition_kind": e.kind.value,
        "usage": usage,
        "note": note,
        "confidence": e.confidence,
        "source_path": e.source_path,
        "source_line": e.source_line,
        "aliases": e.aliases,
        "see_also": e.see_also,
        "category": e.category,
    }


# Characters XML 1.0 forbids (text converted from PDF often carries form feeds and such).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _x(text: str) -> str:
    """``text`` for XML content or a double-quoted attribute, without bidi controls."""
    return escape(_NOT_XML.sub("", _without_bidi(text)), {'"': "&quot;"})


def to_tbx(
    entries: Sequence[ExportEntry],
    *,
    title: str = "Glossary",
    language: str = "en",
    progress: Callable[[int, int], None] | None = None,
) -> str:
    """TBX-Basic in the DCA style: one conceptEntry per entry, a langSec per language, the
    definition as a descrip, the term and each alias as a termSec, see-also as crossReference."""
    ids = {e.term: f"c{i}" for i, e in enumerate(entries, start=1)}
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml-model href="https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/'
        'master/DCA/TBXcoreStructV03_TBX-Basic_integrated.rng" type="application/xml" '
        'schematypens="http://relaxng.org/ns/structure/1.0"?>',
        f'<tbx type="TBX-Basic" style="dca" xml:lang="{_x(language)}" '
        'xmlns="urn:iso:std:iso:30042:ed-2">',
        "  <tbxHeader>",
        "    <fileDesc>",
        f"      <titleStmt><title>{_x(title)}</title></titleStmt>",
        "      <sourceDesc><p>Generated by GenGlossary from the project's documents.</p>"
        "</sourceDesc>",
        "    </fileDesc>",
        "  </tbxHeader>",
        "  <text>",
        "    <body>",
    ]
    for i, e in enumerate(entries, start=1):
        lang = e.language or language
        out.append(f'      <conceptEntry id="{ids[e.term]}">')
        if e.category:
            # TBX-Basic's data category for what a concept belongs to.
            out.append(f'        <descrip type="subjectField">{_x(e.category)}</descrip>')
        for other in e.see_also:
            if other in ids:
                out.append(
                    f'        <ref type="crossReference" target="{ids[other]}">{_x(other)}</ref>'
                )
        out.append(f'        <langSec xml:lang="{_x(lang)}">')
        definition, usage, note = e.parts()
        if definition:
            out.append(f'          <descrip type="definition">{_x(definition)}</descrip>')
        if note:
            out.append(f"          <note>{_x(note)}</note>")
        names = [
            (e.term, _term_type(e.term, headword=True)),
            *[(a, _term_type(a)) for a in e.aliases],
        ]
        for position, (name, term_type) in enumerate(names):
            out.append("          <termSec>")
            out.append(f"            <term>{_x(name)}</term>")
            out.append(f'            <termNote type="termType">{term_type}</termNote>')
            if position == 0 and usage:
                # A usage example is a context sentence, which TBX-Basic keeps with the term.
                out.append(f'            <descrip type="context">{_x(usage)}</descrip>')
            if position == 0 and e.source:
                out.append(f'            <admin type="source">{_x(e.source)}</admin>')
            out.append("          </termSec>")
        out.append("        </langSec>")
        out.append("      </conceptEntry>")
        _tick(progress, i, len(entries))
    out += ["    </body>", "  </text>", "</tbx>"]
    return "\n".join(out) + "\n"


def _term_type(name: str, headword: bool = False) -> str:
    if re.fullmatch(r"[A-Z][A-Z0-9]{1,7}s?", name):
        return "acronym"
    return "fullForm" if headword else "variant"


def format_for(path: str, fmt: str | None = None) -> str:
    """The format to write: the one asked for, else the one the file name ends with."""
    if fmt:
        return fmt
    for name, suffix in SUFFIXES.items():
        if path.lower().endswith(suffix):
            return name
    if path.lower().endswith(".markdown"):
        return ExportFormat.MARKDOWN
    raise ValueError(
        "Choose a format with --format (md, csv, json or tbx), or end the file "
        "name with .md, .csv, .json or .tbx."
    )


def write_export_file(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` so that afterwards the file is either the whole new
    export or, if anything failed (a full disk, a lost network drive), the old file as it was.

    Writing in place would empty the old file first and leave it truncated on failure. So the
    text goes to a temporary file in the same folder, is flushed to the disk, and is renamed
    over the target in one step (``os.replace``); on failure the temporary file is removed.
    The new file keeps the old one's permission bits; a new file gets the usual ones (0o666
    less the umask). The temporary file is readable by its owner only until it is complete,
    so a private export is never exposed meanwhile. A file the user may not write (read-only)
    is refused, as writing it in place would be. A symbolic link is followed: the file it
    points to is replaced.
    Raises OSError whose strerror says in plain words what went wrong ("the disk is full").
    """
    target = Path(os.path.realpath(os.fspath(path)))
    try:
        _replace_atomically(target, text.encode("utf-8"))
    except OSError as exc:
        raise OSError(exc.errno, _plain_reason(exc), os.fspath(path)) from exc


def _replace_atomically(target: Path, data: bytes) -> None:
    mode = _mode_of(target)
    if mode is not None and not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, "Permission denied", str(target))
    fd, temp = _open_temp_beside(target)
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(temp, mode if mode is not None else 0o666 & ~_umask())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _sync_folder(target.parent)


def _mode_of(target: Path) -> int | None:
    """The permission bits of the file being replaced; None if there is none yet."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        return None


def _umask() -> int:
    """The process's umask, read without changing it (``os.umask`` sets it process-wide,
    which other threads would see); 0o022 where the system does not tell."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def _open_temp_beside(target: Path) -> tuple[int, Path]:
    """A new, empty temporary file in ``target``'s folder (a rename never crosses disks),
    readable by its owner only until it is complete; the name is short so a long target
    name still fits."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temp = target.with_name(f".genglossary-{secrets.token_hex(6)}.tmp")
        try:
            return os.open(temp, flags, 0o600), temp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", str(target.parent))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _sync_folder(folder: Path) -> None:
    """Make the rename itself last through a power cut (POSIX). The new file is in place
    already, so a failure here is not reported."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


_PLAIN_REASONS = {
    "ENOSPC": "the disk is full",
    "EDQUOT": "the disk quota is used up",
    "EFBIG": "the file is too large for the disk",
    "EROFS": "the disk is read-only",
    "EACCES": "permission denied (the file or folder is read-only, or open in another program)",
    "EPERM": "permission denied (the file or folder is read-only, or open in another program)",
    "ENOENT": "the folder does not exist",
    "ENOTDIR": "the folder does not exist",
    "EISDIR": "it is a folder",
    "ENAMETOOLONG": "the file name is too long",
    "EIO": "the disk could not be written (input/output error)",
}
_REASON_BY_ERRNO = {
    getattr(errno, name): reason for name, reason in _PLAIN_REASONS.items() if hasattr(errno, name)
}


def _plain_reason(exc: OSError) -> str:
    """What went wrong in plain words; the system's own text for anything unusual."""
    return _REASON_BY_ERRNO.get(exc.errno or 0) or exc.strerror or str(exc)


def entries_from_rows(
    rows: Sequence[dict],  # type: ignore[type-arg]
    edits: dict[str, str],
    categories: dict[str, str] | None = None,
) -> list[ExportEntry]:
    """Export entries from stored entry rows, the user's own definitions taking precedence;
    ``categories`` (term -> category) gives each entry its term's, or an alias's."""
    from genglossary_gui.store.repositories import edit_for

    folded = {t.casefold(): c for t, c in (categories or {}).items()}
    out = []
    for r in rows:
        edited = edit_for(edits, r["term"], r["aliases"])
        names = (n.casefold() for n in (r["term"], *r["aliases"]))
        category = next((folded[n] for n in names if n in folded), "")
        out.append(
            ExportEntry(
                term=r["term"],
                language=r["language"],
                definition=edited if edited is not None else r["definition"],
                definition_kind=DefinitionKind.EDITED if edited is not None else r["kind"],
                confidence=r["confidence"],
                source_path=r["source_path"],
                source_line=r["source_line"],
                aliases=list(r["aliases"]),
                see_also=list(r["see_also"]),
                category=category,
            )
        )
    return out


def project_glossary(project_id: int, run_id: int | None = None) -> list[ExportEntry]:
    """A project's current glossary (or one run's output), with the user's edits applied."""
    from genglossary_gui.store import repositories as repo

    run = run_id if run_id is not None else repo.current_run(project_id)
    if run is None:
        return []
    stage = repo.final_stage(run)
    if stage is None:
        return []
    return entries_from_rows(
        repo.load_entries(run, stage),
        repo.definition_edits(project_id),
        repo.term_categories(project_id),
    )
