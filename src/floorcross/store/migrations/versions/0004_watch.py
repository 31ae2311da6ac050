"""floorcross watch: feed state, entries read, announced changes and the alert outbox.

Revision ID: 0004_watch
Revises: 0003_web
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_watch"
down_revision: str | None = "0003_web"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False, comment="Row id")


def _col(name: str, kind: sa.types.TypeEngine, comment: str, nullable: bool = True,
         **kw: object) -> sa.Column:
    return sa.Column(name, kind, nullable=nullable, comment=comment, **kw)


def _time(name: str, comment: str, nullable: bool = True) -> sa.Column:
    return _col(name, sa.String(32), comment, nullable)


def _count(name: str, comment: str) -> sa.Column:
    return _col(name, sa.Integer(), comment, nullable=False)


def upgrade() -> None:
    op.create_table(
        "watch_feeds", _id(),
        _col("url", sa.Text(), "The feed URL as given", nullable=False),
        _col("etag", sa.Text(), "ETag of the last full response"),
        _col("last_modified", sa.Text(), "Last-Modified of the last full response"),
        _time("last_polled_at", "Last poll (UTC)"),
        _col("last_status", sa.String(16),
             "HTTP status of the last poll, or 'error' with no answer"),
        _col("last_result", sa.Text(), "What the last poll found, in words"),
        _col("last_error", sa.Text(), "Why the last poll failed"),
        _time("last_new_at", "Last poll that found an entry not read before"),
        _count("entries_read", "Entries read from this feed in all"),
        _count("changes_found", "Changes of party new or updated by its entries in all"),
        _count("failures", "Failed polls in a row (0 when healthy)"),
        _time("failing_since", "First failed poll of the current run of failures"),
        _time("reported_at", "When the current failure was last reported in the log"),
        _time("next_poll_at", "Not before (backoff after errors, or Retry-After)"),
        sa.UniqueConstraint("url", name="uq_watch_feeds_url"),
        comment="Feeds polled by floorcross watch, and how each last went.",
    )
    op.create_table(
        "watch_entries", _id(),
        sa.Column("feed_id", sa.Integer(), sa.ForeignKey("watch_feeds.id", ondelete="CASCADE",
                  name="fk_watch_entries_feed_id_watch_feeds"), nullable=False,
                  comment="The feed"),
        _col("entry_key", sa.Text(), "The entry's id, else its link", nullable=False),
        _col("url", sa.Text(), "The entry's link"),
        _col("status", sa.String(10),
             "stored (read into the record) or failed (retried, then given up)", nullable=False),
        _count("attempts", "Times it was read"),
        _col("error", sa.Text(), "Why reading it failed"),
        _time("seen_at", "First read (UTC)", nullable=False),
        sa.UniqueConstraint("feed_id", "entry_key", name="uq_watch_entries_feed_id_entry_key"),
        comment="Feed entries floorcross watch has read.",
    )
    op.create_index("ix_watch_entries_feed_id", "watch_entries", ["feed_id"])
    op.create_table(
        "alert_changes",
        sa.Column("change_key", sa.Text(), primary_key=True, comment="changes.key"),
        _col("revision", sa.String(16), "Digest of the announced facts", nullable=False),
        _col("facts", sa.JSON(), "The announced facts", nullable=False),
        _time("updated_at", "When announced (UTC)", nullable=False),
        comment="Each change's facts as floorcross watch last announced them.",
    )
    op.create_table(
        "alert_outbox", _id(),
        _col("change_key", sa.Text(), "changes.key", nullable=False),
        _col("revision", sa.String(16), "alert_changes.revision announced", nullable=False),
        _col("destination", sa.Text(), "Name of the destination (webhook or e-mail)",
             nullable=False),
        _col("channel", sa.String(8), "webhook or email", nullable=False),
        _col("target", sa.Text(), "Webhook URL or e-mail address", nullable=False),
        _col("event", sa.String(8), "new or updated", nullable=False),
        _col("payload", sa.JSON(), "The JSON body sent", nullable=False),
        _col("status", sa.String(8), "pending, sent or failed (gave up; can be resent)",
             nullable=False),
        _count("attempts", "Delivery attempts"),
        _col("last_error", sa.Text(), "Why the last attempt failed"),
        _time("created_at", "When queued (UTC)", nullable=False),
        _time("next_attempt_at", "Not retried before (UTC)"),
        _time("sent_at", "When delivered (UTC)"),
        sa.UniqueConstraint("change_key", "revision", "destination",
                            name="uq_alert_outbox_change_key_revision_destination"),
        comment="Alerts to deliver: one row per change revision and destination.",
    )
    op.create_index("ix_alert_outbox_change_key", "alert_outbox", ["change_key"])
    op.create_index("ix_alert_outbox_destination", "alert_outbox", ["destination"])
    op.create_index("ix_alert_outbox_status", "alert_outbox", ["status"])


def downgrade() -> None:
    op.drop_table("alert_outbox")
    op.drop_table("alert_changes")
    op.drop_table("watch_entries")
    op.drop_table("watch_feeds")
