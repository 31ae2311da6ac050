"""Initial schema: articles, extractions, people, changes, sources, compositions, corrections.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False, comment="Row id")


def _fk(name: str, table: str, comment: str, ondelete: str | None = None,
        **kw: object) -> sa.Column:
    return sa.Column(name, sa.Integer(), sa.ForeignKey(f"{table}.id", ondelete=ondelete),
                     nullable=False, comment=comment, **kw)


def _text(name: str, comment: str, nullable: bool = True, length: int | None = None,
          **kw: object) -> sa.Column:
    kind = sa.String(length) if length else sa.Text()
    return sa.Column(name, kind, nullable=nullable, comment=comment, **kw)


def upgrade() -> None:
    op.create_table(
        "articles", _id(),
        _text("content_hash", "sha256 of the normalised text; equal for syndicated copies",
              nullable=False, length=64, unique=True),
        _text("doc", "Short name of the first copy seen", nullable=False),
        _text("url", "Canonical URL: the first one seen"),
        _text("title", "Headline, when the source gave one"),
        _text("outlet", "Publisher or host name"),
        _text("published", "Publication date YYYY-MM-DD, when known", length=10, index=True),
        _text("text", "Article text exactly as extracted", nullable=False),
        comment="One row per distinct article text (syndicated copies are one).",
    )
    op.create_table(
        "article_urls", _id(),
        _fk("article_id", "articles", "The article", ondelete="CASCADE", index=True),
        _text("url", "URL of this copy, if any", index=True),
        _text("origin", "Where the reader found it: file path, feed#entry-N, WARC record, URL",
              nullable=False),
        _text("doc", "Short name the reader gave this copy", nullable=False),
        sa.UniqueConstraint("article_id", "origin"),
        comment="Every URL or file an article was seen under.",
    )
    op.create_table(
        "extractions", _id(),
        _fk("article_id", "articles", "The article", ondelete="CASCADE", unique=True),
        _text("extractor_version", "floorcross version and a digest of the extraction rules",
              nullable=False),
        sa.Column("relevant", sa.Integer(), nullable=False, index=True,
                  comment="1 when the article reports at least one change, else 0"),
        sa.Column("events", sa.Integer(), nullable=False, comment="Number of events extracted"),
        sa.Column("record", sa.JSON(), nullable=False,
                  comment="The ArticleRecord as JSON (events, evidence, quotes, composition)"),
        comment="The current extractor output for each article.",
    )
    op.create_table(
        "people", _id(),
        _text("key", "Stable readable key, e.g. luton/dana-whitlock", nullable=False, unique=True),
        _text("name", "Fullest form of the name seen", nullable=False, index=True),
        _text("council", "Council (official name)"),
        _text("council_gss", "ONS GSS code of the council", length=9, index=True),
        _text("ward", "Ward or division"),
        _text("office", "councillor, mayor, mp, ..."),
        comment="One row per person, resolved across articles.",
    )
    op.create_table(
        "person_names", _id(),
        _fk("person_id", "people", "The person", ondelete="CASCADE", index=True),
        _text("name", "The name as an article gave it", nullable=False, index=True),
        sa.UniqueConstraint("person_id", "name"),
        comment="Names (aliases) each person appears under.",
    )
    op.create_table(
        "changes", _id(),
        _text("key", "Stable readable key, e.g. luton/dana-whitlock/2023-09-defection",
              nullable=False, unique=True),
        _fk("person_id", "people", "Who changed", index=True),
        _text("kind", "defection, suspension, expulsion or readmission", nullable=False,
              length=16, index=True),
        _text("from_party", "Party left", index=True),
        _text("to_party", "Party joined", index=True),
        _text("council", "Council (official name)"),
        _text("council_gss", "ONS GSS code of the council", length=9, index=True),
        _text("ward", "Ward or division"),
        _text("office", "Office held"),
        _text("role", "Position held at the time"),
        _text("date", "When it happened: YYYY, YYYY-MM or YYYY-MM-DD", length=10),
        _text("date_start", "First day the date can mean (for sorting and filters)", length=10,
              index=True),
        _text("date_end", "Last day the date can mean", length=10),
        _text("reported", "Publication date of the first article reporting it", length=10,
              index=True),
        _text("review", "unreviewed, verified or rejected (by a person)", nullable=False,
              length=10, index=True),
        _text("corrected", "Fields a person corrected, comma separated"),
        comment="One row per change of affiliation, deduplicated across articles.",
    )
    op.create_index("ix_changes_person_date", "changes", ["person_id", "date_start"])
    op.create_table(
        "change_sources", _id(),
        _fk("change_id", "changes", "The change reported", index=True),
        _fk("article_id", "articles", "The article reporting it", index=True),
        _fk("extraction_id", "extractions", "The extraction it came from", ondelete="CASCADE"),
        sa.Column("event_index", sa.Integer(), nullable=False,
                  comment="Position in the record's events"),
        _text("status", "new (the article's news) or background (mentioned for context)",
              nullable=False, length=10),
        _text("person_name", "The name as this article gave it", nullable=False),
        _text("date", "The date this article gave", length=10),
        _text("evidence_text", "The sentences stating the change", nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False,
                  comment="Evidence spans [{start, end, text}]"),
        sa.Column("quotes", sa.JSON(), nullable=False,
                  comment="Quotes [{speaker, text, start, end}]"),
        sa.UniqueConstraint("extraction_id", "event_index"),
        comment="Which articles (and sentences) report each change.",
    )
    op.create_table(
        "compositions", _id(),
        _fk("article_id", "articles", "The article stating it", index=True),
        _fk("extraction_id", "extractions", "The extraction it came from", ondelete="CASCADE",
            index=True),
        _text("council", "Council (official name)"),
        _text("council_gss", "GSS code", length=9, index=True),
        _text("party", "Party", nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False, comment="Seats held"),
        _text("date", "Date of the count", length=10),
        comment="Seat counts stated by articles.",
    )
    op.create_table(
        "corrections", _id(),
        _text("action",
              "correct_change, reject_change, verify_change, merge_people or split_person",
              nullable=False, length=16),
        _text("target_key", "Key of the change or person corrected (kept person in a merge)",
              nullable=False, index=True),
        _text("other_key", "Merge: the person merged into target"),
        _text("field", "correct_change: the field fixed"),
        sa.Column("value", sa.JSON(), nullable=True,
                  comment="correct_change: new value; split_person: names and article hashes moved"),
        sa.Column("anchor", sa.JSON(), nullable=True,
                  comment="Articles and names of the target when corrected, to find it if its key changes"),
        _text("author", "Who made the correction", nullable=False),
        _text("note", "Why"),
        _text("created_at", "When (UTC, ISO 8601)", nullable=False, length=32),
        comment="Human corrections, applied in id order after each resolution.",
    )
    op.create_table(
        "ingest_runs",
        sa.Column("id", sa.Integer(), primary_key=True, comment="Run id"),
        _text("started_at", "Start (UTC, ISO 8601)", nullable=False, length=32),
        _text("finished_at", "End, if it finished", length=32),
        sa.Column("inputs", sa.JSON(), nullable=False, comment="Paths and URLs given"),
        sa.Column("summary", sa.JSON(), nullable=True,
                  comment="Counts: read, new, duplicates, skipped"),
        comment="One row per ingest or re-extract run (a log).",
    )
    for sql in VIEWS.values():
        op.execute(sql)


def downgrade() -> None:
    for name in reversed(list(VIEWS)):
        op.execute(f"DROP VIEW IF EXISTS {name}")
    for table in ("ingest_runs", "corrections", "compositions", "change_sources", "changes",
                  "person_names", "people", "extractions", "article_urls", "articles"):
        op.drop_table(table)


# Plain SQL that runs unchanged on SQLite and PostgreSQL. Rejected changes are left out.
VIEWS: dict[str, str] = {
    "changes_view": """
CREATE VIEW changes_view AS
SELECT c.id AS change_id, c.key AS change_key, p.id AS person_id, p.name AS person,
       c.kind, c.from_party, c.to_party, c.date, c.council, c.council_gss, c.ward,
       c.office, c.role, c.reported, c.review, c.corrected,
       (SELECT COUNT(DISTINCT s.article_id) FROM change_sources s
         WHERE s.change_id = c.id) AS sources,
       (SELECT a.url FROM change_sources s JOIN articles a ON a.id = s.article_id
         WHERE s.change_id = c.id ORDER BY COALESCE(a.published, '9999'), a.id LIMIT 1)
         AS first_url,
       c.date_start
FROM changes c JOIN people p ON p.id = c.person_id
WHERE c.review <> 'rejected'
""",
    "sources_view": """
CREATE VIEW sources_view AS
SELECT s.id AS source_id, c.id AS change_id, c.key AS change_key, p.name AS person,
       c.kind, c.from_party, c.to_party, c.date, s.status, s.person_name AS name_in_article,
       a.id AS article_id, a.published, a.outlet, a.title, a.url, s.evidence_text
FROM change_sources s
JOIN changes c ON c.id = s.change_id
JOIN people p ON p.id = c.person_id
JOIN articles a ON a.id = s.article_id
WHERE c.review <> 'rejected'
""",
    "people_view": """
CREATE VIEW people_view AS
SELECT p.id AS person_id, p.key AS person_key, p.name, p.council, p.council_gss, p.ward,
       p.office,
       (SELECT COUNT(*) FROM changes c
         WHERE c.person_id = p.id AND c.review <> 'rejected') AS changes,
       (SELECT c.to_party FROM changes c
         WHERE c.person_id = p.id AND c.review <> 'rejected' AND c.kind = 'defection'
         ORDER BY COALESCE(c.date_start, c.reported, '') DESC, c.id DESC LIMIT 1)
         AS latest_party,
       (SELECT MAX(c.date) FROM changes c
         WHERE c.person_id = p.id AND c.review <> 'rejected') AS last_change
FROM people p
""",
}
