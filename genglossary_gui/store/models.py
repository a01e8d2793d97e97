"""Tables. Times are UTC epoch seconds (floats) so every process compares them the same way."""

from __future__ import annotations

import json
import time

import peewee

from genglossary_gui.store.database import db
from genglossary_gui.vocabulary import (  # noqa: F401 (the store's vocabulary, re-exported)
    ACTIVE_STATUSES,
    TERMINAL_STATUSES,
    EngineName,
    Language,
    RunStatus,
    TermStatus,
)


def now() -> float:
    return time.time()


# The schema itself is defined by store/migrations.py; these classes map onto it.
class BaseModel(peewee.Model):
    id = peewee.AutoField()

    class Meta:
        database = db
        legacy_table_names = False


class Project(BaseModel):
    name = peewee.CharField(unique=True)
    #: JSON list of the folders and files documents are imported from (absolute, local).
    sources = peewee.TextField(default="[]")
    #: "auto", "ja" or "en".
    language = peewee.CharField(default=Language.AUTO.value)
    engine = peewee.CharField(default=EngineName.BUILTIN.value)
    #: JSON: base_url, model, concurrency, timeout_s, temperature, azure_api_version,
    #: transcript. Never an API key.
    engine_settings = peewee.TextField(default="{}")
    created_at = peewee.FloatField(default=now)
    #: The run whose glossary is the project's current one (the last completed with a
    #: glossary, or one the user promoted).
    current_run = peewee.IntegerField(null=True, column_name="current_run_id")
    #: How many recurring candidates the last extraction let into the glossary (chosen from
    #: the scores; the rest are listed "below the cut-off" on the Terms page).
    term_cutoff = peewee.IntegerField(default=300)

    def source_paths(self) -> list[str]:
        return [str(p) for p in json.loads(self.sources or "[]")]


class Document(BaseModel):
    project = peewee.ForeignKeyField(Project, backref="documents", on_delete="CASCADE")
    rel_path = peewee.TextField()
    text = peewee.TextField()
    content_hash = peewee.CharField()
    encoding = peewee.CharField()
    language = peewee.CharField()
    size_bytes = peewee.IntegerField()
    imported_at = peewee.FloatField(default=now)
    #: Why the file could not be imported ("" for a readable document, which has text).
    problem = peewee.TextField(default="")
    #: ``content_hash`` when the project's terms were last extracted from this text; "" when
    #: they never were (a document added since), so an incremental extraction reads it.
    extracted_hash = peewee.CharField(default="")


class DocumentText(peewee.Model):
    """The text of a document stored as a stream (its ``Document.text`` is ""): UTF-8
    bytes, written and read a piece at a time (``repositories.projects``)."""

    document = peewee.ForeignKeyField(Document, primary_key=True, on_delete="CASCADE")
    text = peewee.BlobField()

    class Meta:
        database = db
        legacy_table_names = False


class Term(BaseModel):
    project = peewee.ForeignKeyField(Project, backref="terms", on_delete="CASCADE")
    text = peewee.TextField()
    language = peewee.CharField(default="")
    #: The category the model's judge gave it in the last extraction ("" without a model).
    category = peewee.CharField(default="")
    status = peewee.CharField(default=TermStatus.CANDIDATE.value)
    user_notes = peewee.TextField(default="")
    score = peewee.FloatField(default=0.0)
    frequency = peewee.IntegerField(default=0)
    document_count = peewee.IntegerField(default=0)
    #: Rank in the last extraction (1 = best); 0 for terms the user added by hand.
    rank = peewee.IntegerField(default=0)
    #: The user's synonym group (curation): the terms sharing a number are one entry.
    synonym_group = peewee.IntegerField(null=True)
    #: The headword of its synonym group (the entry's term; the others are its aliases).
    group_head = peewee.BooleanField(default=False)
    #: The category the user gave it (curation, kept across re-runs; wins over ``category``).
    user_category = peewee.TextField(default="")
    #: A sentence of the documents defines it: it enters the glossary however rarely it
    #: occurs or however low it ranks (unless excluded).
    defined = peewee.BooleanField(default=False)


class Run(BaseModel):
    project = peewee.ForeignKeyField(Project, backref="runs", on_delete="CASCADE")
    scope = peewee.CharField()
    status = peewee.CharField(default=RunStatus.PENDING.value, index=True)
    triggered_by = peewee.CharField(default="user")
    created_at = peewee.FloatField(default=now)
    started_at = peewee.FloatField(null=True)
    finished_at = peewee.FloatField(null=True)
    #: Short, human, free of absolute paths and secrets. Tracebacks go to the run log.
    error = peewee.TextField(default="")
    summary = peewee.TextField(default="")
    step = peewee.CharField(default="")
    progress_done = peewee.IntegerField(default=0)
    progress_total = peewee.IntegerField(default=0)
    # Owner: the process executing (or about to execute) the run.
    owner_host = peewee.CharField(default="")
    owner_pid = peewee.IntegerField(default=0)
    owner_started = peewee.FloatField(default=0.0)
    heartbeat_at = peewee.FloatField(null=True)
    #: Set by any process to ask the owner to cancel; the owner polls for it.
    cancel_requested_at = peewee.FloatField(null=True)


class RunLog(BaseModel):
    run = peewee.ForeignKeyField(Run, backref="logs", on_delete="CASCADE")
    created_at = peewee.FloatField(default=now)
    level = peewee.CharField(default="info")
    step = peewee.CharField(default="")
    message = peewee.TextField()


class GlossaryEntry(BaseModel):
    project = peewee.ForeignKeyField(Project, on_delete="CASCADE")
    run = peewee.ForeignKeyField(Run, on_delete="CASCADE")
    #: "provisional" (generate) or "refined" (refine).
    stage = peewee.CharField()
    term = peewee.TextField()
    language = peewee.CharField()
    aliases = peewee.TextField(default="[]")  # JSON list of str
    #: The entry's text: a defining sentence verbatim, a usage example, an "Abbreviation of
    #: …" note, or a model's definition (see ``definition_kind``).
    definition = peewee.TextField()
    #: A ``vocabulary.DefinitionKind`` value; rows written before schema 5 say "defining" or
    #: "context", read as "definition" and "usage".
    definition_kind = peewee.CharField()
    source_path = peewee.TextField(default="")
    source_line = peewee.IntegerField(default=0)
    confidence = peewee.FloatField()
    occurrences = peewee.TextField(default="[]")  # JSON list of [path, line, sentence]
    see_also = peewee.TextField(default="[]")  # JSON list of terms
    #: Other defining sentences, JSON list of [sentence, path, line, strength].
    alternatives = peewee.TextField(default="[]")


class Issue(BaseModel):
    project = peewee.ForeignKeyField(Project, on_delete="CASCADE")
    run = peewee.ForeignKeyField(Run, on_delete="CASCADE")
    term = peewee.TextField()
    #: unclear, circular, duplicate, contradiction, unnecessary
    type = peewee.CharField()
    description = peewee.TextField()
    #: The other term of a duplicate pair, if any.
    related = peewee.TextField(default="")
    should_exclude = peewee.BooleanField(default=False)


class DefinitionEdit(BaseModel):
    project = peewee.ForeignKeyField(Project, on_delete="CASCADE")
    term = peewee.TextField()
    definition = peewee.TextField()
    edited_at = peewee.FloatField(default=now)


class KeptApart(BaseModel):
    """Two terms the user says are not the same (an automatic merge undone): no run merges or
    links them as duplicates again. ``first`` < ``second``, both term keys."""

    project = peewee.ForeignKeyField(Project, on_delete="CASCADE")
    first = peewee.TextField()
    second = peewee.TextField()
    created_at = peewee.FloatField(default=now)


class AppSetting(BaseModel):
    """A setting of the whole data folder (the engine new projects start with): JSON."""

    key = peewee.CharField(primary_key=True)
    value = peewee.TextField()


ALL_MODELS: list[type[BaseModel]] = [
    Project,
    Document,
    Term,
    Run,
    RunLog,
    GlossaryEntry,
    Issue,
    DefinitionEdit,
    KeptApart,
    AppSetting,
]
