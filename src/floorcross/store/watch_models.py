"""Tables of ``floorcross watch``: the feeds it polls, the entries it has read, and the alerts.

Kept apart from ``models.py`` because nothing in the extraction or resolution pipeline reads
them; ``models.py`` imports this module (one line at its end) so that Alembic and the tests see
one metadata. Created by the migration ``0004_watch``. Like ``ingest_runs`` these tables hold
wall-clock times (UTC, ISO 8601): they are a log of what the watcher did, not part of the record.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from floorcross.store.models import Base


def _id() -> Mapped[int]:
    return mapped_column(Integer, primary_key=True, autoincrement=False, comment="Row id")


class WatchFeed(Base):
    """A feed ``floorcross watch`` polls, with its HTTP validators and its health."""

    __tablename__ = "watch_feeds"
    __table_args__ = ({"comment": "Feeds polled by floorcross watch, and how each last went."},)

    id: Mapped[int] = _id()
    url: Mapped[str] = mapped_column(Text, unique=True, comment="The feed URL as given")
    etag: Mapped[str | None] = mapped_column(Text, comment="ETag of the last full response")
    last_modified: Mapped[str | None] = mapped_column(
        Text, comment="Last-Modified of the last full response")
    last_polled_at: Mapped[str | None] = mapped_column(String(32), comment="Last poll (UTC)")
    last_status: Mapped[str | None] = mapped_column(
        String(16), comment="HTTP status of the last poll, or 'error' with no answer")
    last_result: Mapped[str | None] = mapped_column(
        Text, comment="What the last poll found, in words")
    last_error: Mapped[str | None] = mapped_column(Text, comment="Why the last poll failed")
    last_new_at: Mapped[str | None] = mapped_column(
        String(32), comment="Last poll that found an entry not read before")
    entries_read: Mapped[int] = mapped_column(Integer, default=0,
                                              comment="Entries read from this feed in all")
    changes_found: Mapped[int] = mapped_column(
        Integer, default=0, comment="Changes of party new or updated by its entries in all")
    failures: Mapped[int] = mapped_column(Integer, default=0,
                                          comment="Failed polls in a row (0 when healthy)")
    failing_since: Mapped[str | None] = mapped_column(
        String(32), comment="First failed poll of the current run of failures")
    reported_at: Mapped[str | None] = mapped_column(
        String(32), comment="When the current failure was last reported in the log")
    next_poll_at: Mapped[str | None] = mapped_column(
        String(32), comment="Not before (backoff after errors, or Retry-After)")


class WatchEntry(Base):
    """An entry of a watched feed already read (or given up on), so it is never fetched again."""

    __tablename__ = "watch_entries"
    __table_args__ = (
        UniqueConstraint("feed_id", "entry_key"),
        {"comment": "Feed entries floorcross watch has read."},
    )

    id: Mapped[int] = _id()
    feed_id: Mapped[int] = mapped_column(
        ForeignKey("watch_feeds.id", ondelete="CASCADE"), index=True, comment="The feed")
    entry_key: Mapped[str] = mapped_column(Text, comment="The entry's id, else its link")
    url: Mapped[str | None] = mapped_column(Text, comment="The entry's link")
    status: Mapped[str] = mapped_column(
        String(10), comment="stored (read into the record) or failed (retried, then given up)")
    attempts: Mapped[int] = mapped_column(Integer, default=1, comment="Times it was read")
    error: Mapped[str | None] = mapped_column(Text, comment="Why reading it failed")
    seen_at: Mapped[str] = mapped_column(String(32), comment="First read (UTC)")


class AlertState(Base):
    """The facts of each change as last announced, to tell a new change from an update."""

    __tablename__ = "alert_changes"
    __table_args__ = ({"comment": "Each change's facts as floorcross watch last announced them."},)

    change_key: Mapped[str] = mapped_column(Text, primary_key=True, comment="changes.key")
    revision: Mapped[str] = mapped_column(String(16), comment="Digest of the announced facts")
    facts: Mapped[Any] = mapped_column(JSON, comment="The announced facts")
    updated_at: Mapped[str] = mapped_column(String(32), comment="When announced (UTC)")


class Outbox(Base):
    """One alert for one destination: written before it is sent, so none is lost or doubled."""

    __tablename__ = "alert_outbox"
    __table_args__ = (
        UniqueConstraint("change_key", "revision", "destination"),
        {"comment": "Alerts to deliver: one row per change revision and destination."},
    )

    id: Mapped[int] = _id()
    change_key: Mapped[str] = mapped_column(Text, index=True, comment="changes.key")
    revision: Mapped[str] = mapped_column(String(16), comment="alert_changes.revision announced")
    destination: Mapped[str] = mapped_column(
        Text, index=True, comment="Name of the destination (webhook or e-mail)")
    channel: Mapped[str] = mapped_column(String(8), comment="webhook or email")
    target: Mapped[str] = mapped_column(Text, comment="Webhook URL or e-mail address")
    event: Mapped[str] = mapped_column(String(8), comment="new or updated")
    payload: Mapped[Any] = mapped_column(JSON, comment="The JSON body sent")
    status: Mapped[str] = mapped_column(
        String(8), index=True, comment="pending, sent or failed (gave up; can be resent)")
    attempts: Mapped[int] = mapped_column(Integer, default=0, comment="Delivery attempts")
    last_error: Mapped[str | None] = mapped_column(Text, comment="Why the last attempt failed")
    created_at: Mapped[str] = mapped_column(String(32), comment="When queued (UTC)")
    next_attempt_at: Mapped[str | None] = mapped_column(
        String(32), comment="Not retried before (UTC)")
    sent_at: Mapped[str | None] = mapped_column(String(32), comment="When delivered (UTC)")


WATCH_TABLES: tuple[str, ...] = ("watch_feeds", "watch_entries", "alert_changes", "alert_outbox")
