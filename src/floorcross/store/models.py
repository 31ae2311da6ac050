"""The database schema as SQLAlchemy models: plain tables with named, commented columns.

The schema is meant to be read by people as well as code (``datasette floorcross.db``), so it
keeps to text, integers and JSON, with dates as ISO strings at the precision the news gave
(``2023``, ``2023-09``, ``2023-09-12``). Wall-clock times live only in ``corrections`` (when a
person made the correction) and ``ingest_runs``; everything else is a pure function of the
articles ingested and the corrections made, so two databases built from the same inputs are
equal row for row.

Every id is assigned by the single writer as ``max(id) + 1`` (see ``store.writer``) rather than
by a sequence, so a transaction rolled back after a crash leaves no gaps. ``docs/schema.md``
documents every table; the migration in ``store/migrations/versions`` creates them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _id() -> Mapped[int]:
    return mapped_column(Integer, primary_key=True, autoincrement=False, comment="Row id")


class Article(Base):
    """One news story, however many URLs or files it was seen under."""

    __tablename__ = "articles"
    __table_args__ = ({"comment": "One row per distinct article text (syndicated copies are one)."},)

    id: Mapped[int] = _id()
    content_hash: Mapped[str] = mapped_column(
        String(64), unique=True,
        comment="sha256 of the normalised text; equal for syndicated copies",
    )
    doc: Mapped[str] = mapped_column(Text, comment="Short name of the first copy seen")
    url: Mapped[str | None] = mapped_column(Text, comment="Canonical URL: the first one seen")
    title: Mapped[str | None] = mapped_column(Text, comment="Headline, when the source gave one")
    outlet: Mapped[str | None] = mapped_column(Text, comment="Publisher or host name")
    published: Mapped[str | None] = mapped_column(
        String(10), index=True, comment="Publication date YYYY-MM-DD, when known"
    )
    text: Mapped[str] = mapped_column(Text, comment="Article text exactly as extracted")


class ArticleUrl(Base):
    """Every place an article was seen: a URL, a file, a feed entry, a WARC record."""

    __tablename__ = "article_urls"
    __table_args__ = (
        UniqueConstraint("article_id", "origin"),
        {"comment": "Every URL or file an article was seen under."},
    )

    id: Mapped[int] = _id()
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True, comment="The article"
    )
    url: Mapped[str | None] = mapped_column(Text, index=True, comment="URL of this copy, if any")
    origin: Mapped[str] = mapped_column(
        Text, comment="Where the reader found it: file path, feed#entry-N, WARC record, URL"
    )
    doc: Mapped[str] = mapped_column(Text, comment="Short name the reader gave this copy")


class Extraction(Base):
    """What the extractor took from one article: the FORMAT.md record, evidence included."""

    __tablename__ = "extractions"
    __table_args__ = ({"comment": "The current extractor output for each article."},)

    id: Mapped[int] = _id()
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), unique=True, comment="The article"
    )
    extractor_version: Mapped[str] = mapped_column(
        Text, comment="floorcross version and a digest of the extraction rules"
    )
    relevant: Mapped[int] = mapped_column(
        Integer, index=True, comment="1 when the article reports at least one change, else 0"
    )
    events: Mapped[int] = mapped_column(Integer, comment="Number of events extracted")
    record: Mapped[Any] = mapped_column(
        JSON, comment="The ArticleRecord as JSON (events, evidence, quotes, composition)"
    )


class Person(Base):
    """One elected representative, resolved across all articles."""

    __tablename__ = "people"
    __table_args__ = ({"comment": "One row per person, resolved across articles."},)

    id: Mapped[int] = _id()
    key: Mapped[str] = mapped_column(
        Text, unique=True, comment="Stable readable key, e.g. luton/dana-whitlock"
    )
    name: Mapped[str] = mapped_column(Text, index=True, comment="Fullest form of the name seen")
    council: Mapped[str | None] = mapped_column(Text, comment="Council (official name)")
    council_gss: Mapped[str | None] = mapped_column(
        String(9), index=True, comment="ONS GSS code of the council"
    )
    ward: Mapped[str | None] = mapped_column(Text, comment="Ward or division")
    office: Mapped[str | None] = mapped_column(Text, comment="councillor, mayor, mp, ...")


class PersonName(Base):
    """Each form of a person's name that an article used."""

    __tablename__ = "person_names"
    __table_args__ = (
        UniqueConstraint("person_id", "name"),
        {"comment": "Names (aliases) each person appears under."},
    )

    id: Mapped[int] = _id()
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True, comment="The person"
    )
    name: Mapped[str] = mapped_column(Text, index=True, comment="The name as an article gave it")
    folded: Mapped[str | None] = mapped_column(
        Text, comment="The name folded (no accents, case or punctuation), for search (derived)"
    )


class Change(Base):
    """One change of party affiliation, however many articles report it."""

    __tablename__ = "changes"
    __table_args__ = ({"comment": "One row per change of affiliation, deduplicated across articles."},)

    id: Mapped[int] = _id()
    key: Mapped[str] = mapped_column(
        Text, unique=True, comment="Stable readable key, e.g. luton/dana-whitlock/2023-09-defection"
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id"), index=True, comment="Who changed"
    )
    kind: Mapped[str] = mapped_column(
        String(16), index=True, comment="defection, suspension, expulsion or readmission"
    )
    from_party: Mapped[str | None] = mapped_column(Text, index=True, comment="Party left")
    to_party: Mapped[str | None] = mapped_column(Text, index=True, comment="Party joined")
    council: Mapped[str | None] = mapped_column(Text, comment="Council (official name)")
    council_gss: Mapped[str | None] = mapped_column(
        String(9), index=True, comment="ONS GSS code of the council"
    )
    ward: Mapped[str | None] = mapped_column(Text, comment="Ward or division")
    office: Mapped[str | None] = mapped_column(Text, comment="Office held")
    role: Mapped[str | None] = mapped_column(Text, comment="Position held at the time")
    date: Mapped[str | None] = mapped_column(
        String(10), comment="When it happened: YYYY, YYYY-MM or YYYY-MM-DD"
    )
    date_start: Mapped[str | None] = mapped_column(
        String(10), index=True, comment="First day the date can mean (for sorting and filters)"
    )
    date_end: Mapped[str | None] = mapped_column(
        String(10), comment="Last day the date can mean"
    )
    reported: Mapped[str | None] = mapped_column(
        String(10), index=True, comment="Publication date of the first article reporting it"
    )
    review: Mapped[str] = mapped_column(
        String(10), index=True, comment="unreviewed, verified or rejected (by a person)"
    )
    corrected: Mapped[str | None] = mapped_column(
        Text, comment="Fields a person corrected, comma separated"
    )
    sources: Mapped[int | None] = mapped_column(
        Integer, comment="Number of distinct articles reporting it (derived)"
    )
    flags: Mapped[str | None] = mapped_column(
        Text, comment="Review flags, comma separated: why an editor might doubt it (derived)"
    )
    low_confidence: Mapped[int | None] = mapped_column(
        Integer, comment="1 when a fact was guessed or is missing (see docs/web.md), else 0 (derived)"
    )
    sort_reported: Mapped[str | None] = mapped_column(
        String(10), comment="First reported, else the change's date: the feed's order (derived)"
    )
    sort_date: Mapped[str | None] = mapped_column(
        String(10), comment="The change's date, else first reported: order by date (derived)"
    )


class ChangeSource(Base):
    """One article's report of a change: the event, its evidence and quotes."""

    __tablename__ = "change_sources"
    __table_args__ = (
        UniqueConstraint("extraction_id", "event_index"),
        {"comment": "Which articles (and sentences) report each change."},
    )

    id: Mapped[int] = _id()
    change_id: Mapped[int] = mapped_column(
        ForeignKey("changes.id"), index=True, comment="The change reported"
    )
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id"), index=True, comment="The article reporting it"
    )
    extraction_id: Mapped[int] = mapped_column(
        ForeignKey("extractions.id", ondelete="CASCADE"), comment="The extraction it came from"
    )
    event_index: Mapped[int] = mapped_column(Integer, comment="Position in the record's events")
    status: Mapped[str] = mapped_column(
        String(10), comment="new (the article's news) or background (mentioned for context)"
    )
    person_name: Mapped[str] = mapped_column(Text, comment="The name as this article gave it")
    date: Mapped[str | None] = mapped_column(String(10), comment="The date this article gave")
    evidence_text: Mapped[str] = mapped_column(Text, comment="The sentences stating the change")
    evidence: Mapped[Any] = mapped_column(JSON, comment="Evidence spans [{start, end, text}]")
    quotes: Mapped[Any] = mapped_column(JSON, comment="Quotes [{speaker, text, start, end}]")


class Composition(Base):
    """A seat count an article states for one party on one council."""

    __tablename__ = "compositions"
    __table_args__ = ({"comment": "Seat counts stated by articles."},)

    id: Mapped[int] = _id()
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id"), index=True, comment="The article stating it"
    )
    extraction_id: Mapped[int] = mapped_column(
        ForeignKey("extractions.id", ondelete="CASCADE"), index=True,
        comment="The extraction it came from",
    )
    council: Mapped[str | None] = mapped_column(Text, comment="Council (official name)")
    council_gss: Mapped[str | None] = mapped_column(String(9), index=True, comment="GSS code")
    party: Mapped[str] = mapped_column(Text, comment="Party")
    seats: Mapped[int] = mapped_column(Integer, comment="Seats held")
    date: Mapped[str | None] = mapped_column(String(10), comment="Date of the count")
    evidence_start: Mapped[int | None] = mapped_column(
        Integer, comment="Start offset of the sentence stating the count (into the article text)")
    evidence_end: Mapped[int | None] = mapped_column(
        Integer, comment="End offset (exclusive) of that sentence")
    evidence_text: Mapped[str | None] = mapped_column(Text, comment="The sentence stating the count")


class Correction(Base):
    """A person's correction, re-applied after every re-resolution."""

    __tablename__ = "corrections"
    __table_args__ = ({"comment": "Human corrections, applied in id order after each resolution."},)

    id: Mapped[int] = _id()
    action: Mapped[str] = mapped_column(
        String(16),
        comment="correct_change, reject_change, verify_change, merge_people or split_person",
    )
    target_key: Mapped[str] = mapped_column(
        Text, index=True, comment="Key of the change or person corrected (kept person in a merge)"
    )
    other_key: Mapped[str | None] = mapped_column(
        Text, comment="Merge: the person merged into target"
    )
    field: Mapped[str | None] = mapped_column(Text, comment="correct_change: the field fixed")
    value: Mapped[Any] = mapped_column(
        JSON, nullable=True, comment="correct_change: new value; split_person: names and article hashes moved"
    )
    anchor: Mapped[Any] = mapped_column(
        JSON, nullable=True, comment="Articles and names of the target when corrected, to find it if its key changes"
    )
    author: Mapped[str] = mapped_column(Text, comment="Who made the correction")
    note: Mapped[str | None] = mapped_column(Text, comment="Why")
    created_at: Mapped[str] = mapped_column(String(32), comment="When (UTC, ISO 8601)")
    orphaned: Mapped[int | None] = mapped_column(
        Integer, comment="1 when it no longer finds its target, as of the last resolution"
    )


class IngestRun(Base):
    """A log of ingest runs: the only table (with corrections) that holds wall-clock times."""

    __tablename__ = "ingest_runs"
    __table_args__ = ({"comment": "One row per ingest or re-extract run (a log)."},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, comment="Run id")
    started_at: Mapped[str] = mapped_column(String(32), comment="Start (UTC, ISO 8601)")
    finished_at: Mapped[str | None] = mapped_column(String(32), comment="End, if it finished")
    inputs: Mapped[Any] = mapped_column(JSON, comment="Paths and URLs given")
    summary: Mapped[Any] = mapped_column(JSON, nullable=True, comment="Counts: read, new, duplicates, skipped")


Index("ix_changes_person_date", Change.person_id, Change.date_start)
# The web app's listings (migration 0006_web_scale): newest first, by date, low confidence.
Index("ix_changes_sort_reported", Change.sort_reported, Change.id)
Index("ix_changes_sort_date", Change.sort_date, Change.id)
Index("ix_changes_low_confidence", Change.low_confidence, Change.id)
Index("ix_changes_council_sort_date", Change.council_gss, Change.sort_date)

CORE_TABLES: tuple[str, ...] = (
    "articles", "article_urls", "extractions", "people", "person_names", "changes",
    "change_sources", "compositions", "corrections",
)
VIEWS: tuple[str, ...] = ("changes_view", "sources_view", "people_view")

# Tables of later stages, registered on the same metadata (see each module's docstring).
from floorcross.store import ledger_models as _ledger_models  # noqa: F401
from floorcross.store import watch_models as _watch_models  # noqa: F401
from floorcross.store import web_models as _web_models  # noqa: F401
