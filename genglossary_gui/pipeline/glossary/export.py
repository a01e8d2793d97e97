"""Glossary export: Markdown, CSV, JSON and TBX-Basic (ISO 30042:2019, DCA style)."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from xml.sax.saxutils import escape

FORMATS = ("md", "csv", "json", "tbx")
SUFFIXES = {"md": ".md", "csv": ".csv", "json": ".json", "tbx": ".tbx"}
FORMAT_NAMES = {"md": "Markdown", "csv": "CSV", "json": "JSON", "tbx": "TBX-Basic"}


@dataclass(frozen=True)
class ExportEntry:
    term: str
    language: str
    definition: str
    #: "defining", "context", "none", or "edited" (the user's own text).
    definition_kind: str
    confidence: float
    source_path: str = ""
    source_line: int = 0
    aliases: list[str] = field(default_factory=list)
    see_also: list[str] = field(default_factory=list)

    @property
    def source(self) -> str:
        return f"{self.source_path}:{self.source_line}" if self.source_path else ""


def export(
    entries: Sequence[ExportEntry],
    fmt: str,
    *,
    title: str = "Glossary",
    language: str = "en",
    progress: Callable[[int, int], None] | None = None,
) -> str:
    """The glossary as text in ``fmt`` (one of FORMATS)."""
    writers = {"md": to_markdown, "csv": to_csv, "json": to_json, "tbx": to_tbx}
    if fmt not in writers:
        raise ValueError(f"Unknown format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    ordered = sorted(entries, key=lambda e: e.term.casefold())
    if fmt == "tbx":
        return to_tbx(ordered, title=title, language=language, progress=progress)
    return writers[fmt](ordered, title=title, progress=progress)  # type: ignore[operator]


def _tick(progress: Callable[[int, int], None] | None, i: int, total: int) -> None:
    if progress is not None and (i % 50 == 0 or i == total):
        progress(i, total)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~&])")
_MD_LINE_START = re.compile(r"^(\s*)(\d+)([.)])|^(\s*)([-+=])")


def _md(text: str) -> str:
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
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
        slug = "term-" + (re.sub(r"[^\w]+", "-", term.casefold()).strip("-") or "x")
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
    lines = [f"# {_md(title)}", ""]
    anchors = _anchors([e.term for e in entries])
    for i, e in enumerate(entries, start=1):
        lines.append(f'<a id="{anchors[e.term]}"></a>')
        lines.append(f"## {_md(e.term)}")
        lines.append("")
        if e.aliases:
            lines.append(f"*Also:* {', '.join(_md(a) for a in e.aliases)}")
            lines.append("")
        lines.append(_md(e.definition) if e.definition else "*No definition found.*")
        lines.append("")
        notes = []
        if e.definition_kind == "edited":
            notes.append("edited by hand")
        elif e.definition_kind == "context":
            notes.append("no defining sentence; the most informative mention")
        if e.source:
            notes.append(f"source: `{e.source}`")
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


CSV_COLUMNS = [
    "term",
    "aliases",
    "definition",
    "definition_kind",
    "confidence",
    "source",
    "see_also",
    "language",
]


def to_csv(
    entries: Sequence[ExportEntry],
    *,
    title: str = "Glossary",
    progress: Callable[[int, int], None] | None = None,
) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for i, e in enumerate(entries, start=1):
        writer.writerow(
            [
                e.term,
                "; ".join(e.aliases),
                e.definition,
                e.definition_kind,
                f"{e.confidence:.2f}",
                e.source,
                "; ".join(e.see_also),
                e.language,
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
    payload = {
        "title": title,
        "generated": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "entries": [asdict(e) for e in entries],
    }
    if progress is not None:
        progress(len(entries), len(entries))
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


# Characters XML 1.0 forbids (text converted from PDF often carries form feeds and such).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _x(text: str) -> str:
    return escape(_NOT_XML.sub("", text), {'"': "&quot;"})


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
        for other in e.see_also:
            if other in ids:
                out.append(
                    f'        <ref type="crossReference" target="{ids[other]}">{_x(other)}</ref>'
                )
        out.append(f'        <langSec xml:lang="{_x(lang)}">')
        is_context = e.definition_kind == "context"
        if e.definition and not is_context:
            out.append(f'          <descrip type="definition">{_x(e.definition)}</descrip>')
        names = [
            (e.term, _term_type(e.term, headword=True)),
            *[(a, _term_type(a)) for a in e.aliases],
        ]
        for position, (name, term_type) in enumerate(names):
            out.append("          <termSec>")
            out.append(f"            <term>{_x(name)}</term>")
            out.append(f'            <termNote type="termType">{term_type}</termNote>')
            if position == 0 and e.definition and is_context:
                # A mere mention is a context sentence, which TBX-Basic keeps with the term.
                out.append(f'            <descrip type="context">{_x(e.definition)}</descrip>')
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
        return "md"
    raise ValueError(
        "Choose a format with --format (md, csv, json or tbx), or end the file "
        "name with .md, .csv, .json or .tbx."
    )


def entries_from_rows(rows: Sequence[dict], edits: dict[str, str]) -> list[ExportEntry]:  # type: ignore[type-arg]
    """Export entries from stored entry rows, the user's own definitions taking precedence."""
    from genglossary_gui.store.repositories import edit_for

    out = []
    for r in rows:
        edited = edit_for(edits, r["term"], r["aliases"])
        out.append(
            ExportEntry(
                term=r["term"],
                language=r["language"],
                definition=edited if edited is not None else r["definition"],
                definition_kind="edited" if edited is not None else r["kind"],
                confidence=r["confidence"],
                source_path=r["source_path"],
                source_line=r["source_line"],
                aliases=list(r["aliases"]),
                see_also=list(r["see_also"]),
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
    return entries_from_rows(repo.load_entries(run, stage), repo.definition_edits(project_id))
