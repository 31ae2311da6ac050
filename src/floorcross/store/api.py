"""The :class:`Store`: the one object the CLI, the web app and scripts talk to.

A store is a database (any SQLAlchemy URL) holding articles, their extractions, and the people
and changes resolved from them. Writes go through one writer at a time (``db.write_session``);
each batch of articles, and each correction, is one transaction that also brings people and
changes up to date, so readers never see articles whose changes are missing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

from alembic.util import CommandError
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from floorcross.normalise.councils import Gazetteer, gazetteer
from floorcross.records import ArticleRecord
from floorcross.resolve import Resolver
from floorcross.sources.models import SourceArticle
from floorcross.store import queries
from floorcross.store.corrections import (
    CorrectionSpec,
    apply_corrections,
    change_anchor,
    check_value,
    person_anchor,
)
from floorcross.store.db import database_url, make_engine, read_session, upgrade, write_session
from floorcross.store.errors import CorrectionError, NotFound, StoreError
from floorcross.store.models import (
    CORE_TABLES,
    Article,
    Change,
    ChangeSource,
    Composition,
    Correction,
    IngestRun,
    Person,
)
from floorcross.store.sync import SyncCounts, next_id, sync
from floorcross.store.writer import (
    BatchResult,
    ExtractionIds,
    extraction_fingerprint,
    iter_mentions,
    known_hashes,
    put_extraction,
    store_articles,
)

ExtractFn = Callable[[Sequence[tuple[str, str | None, str | None]]], list[ArticleRecord]]


@dataclass(frozen=True)
class CorrectionView:
    """A stored correction, and whether it still finds its target."""

    id: int
    action: str
    target_key: str
    other_key: str | None
    field: str | None
    value: Any
    author: str
    note: str | None
    created_at: str
    orphaned: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """Articles, extractions, people, changes and corrections in one database.

    Open with :func:`open_store`; use as a context manager or call :meth:`close`.
    """

    def __init__(self, engine: Engine, gaz: Gazetteer | None = None) -> None:
        self.engine = engine
        self.gaz = gaz or gazetteer()
        self._resolver: Resolver | None = None
        self._fingerprint: tuple[int, int] | None = None
        self._orphans: list[int] = []

    @property
    def url(self) -> str:
        """The database URL (password hidden)."""
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # ---------------------------------------------------------------- resolution

    def _resolver_for(self, session: Session) -> Resolver:
        """The resolver, rebuilt from the database if another writer changed extractions."""
        fingerprint = extraction_fingerprint(session)
        if self._resolver is None or fingerprint != self._fingerprint:
            resolver = Resolver(self.gaz)
            resolver.add(iter_mentions(session, self.gaz))
            self._resolver, self._fingerprint = resolver, fingerprint
        return self._resolver

    @staticmethod
    def _specs(session: Session) -> list[CorrectionSpec]:
        return [
            CorrectionSpec(c.id, c.action, c.target_key, c.other_key, c.field, c.value, c.anchor)
            for c in session.execute(select(Correction).order_by(Correction.id)).scalars()
        ]

    def _resync(self, session: Session, resolver: Resolver) -> SyncCounts:
        resolution = resolver.snapshot()
        self._orphans = apply_corrections(resolution, self._specs(session), self.gaz)
        counts = sync(session, resolution)
        _mark_orphans(session, self._orphans)
        return counts

    def rebuild(self) -> SyncCounts:
        """Resolve people and changes again from every stored extraction, then corrections."""
        with write_session(self.engine) as session:
            self._resolver = None
            return self._resync(session, self._resolver_for(session))

    # ---------------------------------------------------------------- writing articles

    def known_hashes(self, hashes: Iterable[str]) -> set[str]:
        """Which of these content hashes are stored already (no need to extract them)."""
        with read_session(self.engine) as session:
            return set(known_hashes(session, list(hashes)))

    def write_batch(self, items: Sequence[tuple[SourceArticle, ArticleRecord | None]],
                    extractor_version: str) -> BatchResult:
        """Store a batch of articles with their records, and resolve them: one transaction.

        An article whose content hash is stored already (or appears earlier in the batch) is
        only recorded as seen under its origin; its record may be None.
        """
        result = BatchResult(articles=len(items))
        with write_session(self.engine) as session:
            try:
                resolver = self._resolver_for(session)
                mentions = store_articles(session, items, extractor_version, self.gaz, result)
                resolver.add(mentions)
                counts = self._resync(session, resolver)
                self._fingerprint = extraction_fingerprint(session)
            except BaseException:
                self._resolver = None
                raise
        result.changes_new, result.changes_updated = counts.changes_new, counts.changes_updated
        return result

    def article_batches(self, batch_size: int = 64
                        ) -> Iterable[list[tuple[int, str, str | None, str]]]:
        """Stored articles as (id, text, published, doc), in id order, a batch at a time."""
        last = 0
        while True:
            with read_session(self.engine) as session:
                rows = session.execute(
                    select(Article.id, Article.text, Article.published, Article.doc)
                    .where(Article.id > last).order_by(Article.id).limit(batch_size)
                ).all()
            if not rows:
                return
            last = rows[-1][0]
            yield [tuple(r) for r in rows]  # type: ignore[misc]

    def replace_extractions(self, records: Sequence[tuple[int, ArticleRecord]],
                            extractor_version: str) -> BatchResult:
        """Store new extractions of stored articles and re-resolve: one transaction."""
        result = BatchResult(articles=len(records))
        with write_session(self.engine) as session:
            self._resolver = None
            ids = ExtractionIds.after(session)
            texts = dict(session.execute(select(Article.id, Article.text).where(
                Article.id.in_([a for a, _ in records]))).all()) if records else {}
            for article_id, record in records:
                put_extraction(session, article_id, record, extractor_version, self.gaz, ids,
                               text=texts.get(article_id))
                result.relevant += int(record.relevant)
            counts = self._resync(session, self._resolver_for(session))
        result.changes_new, result.changes_updated = counts.changes_new, counts.changes_updated
        return result

    # ---------------------------------------------------------------- run log

    def start_run(self, inputs: Sequence[str]) -> int:
        """Log the start of an ingest run; return its id."""
        with write_session(self.engine) as session:
            run = IngestRun(started_at=_now(), inputs=list(inputs))
            session.add(run)
            session.flush()
            return run.id

    def finish_run(self, run_id: int, summary: dict[str, Any]) -> None:
        """Log the end of an ingest run with its summary."""
        with write_session(self.engine) as session:
            run = session.get(IngestRun, run_id)
            if run is not None:
                run.finished_at, run.summary = _now(), summary

    # ---------------------------------------------------------------- corrections

    def correct_change(self, change: int | str, field: str, value: Any, author: str,
                       note: str | None = None) -> CorrectionView:
        """Set one field of a change (kind, from_party, to_party, council, ward, office, role,
        date); the fix is re-applied after every re-resolution."""
        checked = check_value(field, value)
        return self._change_correction("correct_change", change, author, note, field, checked)

    def reject_change(self, change: int | str, author: str,
                      note: str | None = None) -> CorrectionView:
        """Mark a change as wrong: it drops out of queries and views but stays stored."""
        return self._change_correction("reject_change", change, author, note)

    def verify_change(self, change: int | str, author: str,
                      note: str | None = None) -> CorrectionView:
        """Mark a change as checked by a person against its sources."""
        return self._change_correction("verify_change", change, author, note)

    def merge_people(self, keep: int | str, other: int | str, author: str,
                     note: str | None = None) -> CorrectionView:
        """Make two people one: ``other``'s changes move to ``keep`` (and duplicate reports
        of one change become one change)."""
        with read_session(self.engine) as session:
            a, b = self._person_row(session, keep), self._person_row(session, other)
            if a.id == b.id:
                raise CorrectionError(f"{a.key} and {b.key} are the same person")
            anchor = {"target": self._person_anchor(session, a.id),
                      "other": self._person_anchor(session, b.id)}
        return self._add_correction("merge_people", a.key, author, note, anchor=anchor,
                                    other_key=b.key)

    def split_person(self, person: int | str, names_or_article_ids: Sequence[str | int],
                     author: str, note: str | None = None) -> CorrectionView:
        """Move the reports under some names, or from some articles (ids), to a new person."""
        names = [x for x in names_or_article_ids if isinstance(x, str) and not x.isdigit()]
        ids = [int(x) for x in names_or_article_ids if isinstance(x, int) or str(x).isdigit()]
        with read_session(self.engine) as session:
            row = self._person_row(session, person)
            hashes = sorted(session.execute(
                select(Article.content_hash).where(Article.id.in_(ids))).scalars())
            if len(hashes) != len(set(ids)):
                raise NotFound(f"no article with id among {sorted(set(ids))}")
            anchor = self._person_anchor(session, row.id)
        if not names and not hashes:
            raise CorrectionError("give the names or article ids to move to a new person")
        return self._add_correction(
            "split_person", row.key, author, note, anchor=anchor,
            value={"names": names, "articles": hashes},
        )

    def corrections(self, *, newest_first: bool = False, offset: int = 0,
                    limit: int | None = None) -> list[CorrectionView]:
        """Corrections made, oldest first (or newest first), with whether each still finds its
        target; ``offset`` and ``limit`` page through them in SQL.

        Whether a correction is orphaned is kept in ``corrections.orphaned`` by every
        resolution; for rows made before that column existed it is worked out here (a private
        re-resolution: reading never writes)."""
        with read_session(self.engine) as session:
            order = Correction.id.desc() if newest_first else Correction.id
            query = select(Correction).order_by(order).offset(offset)
            if limit is not None:
                query = query.limit(limit)
            rows = list(session.execute(query).scalars())
            orphans = {c.id for c in rows if c.orphaned}
            if any(c.orphaned is None for c in rows):
                resolver = Resolver(self.gaz)
                resolver.add(iter_mentions(session, self.gaz))
                orphans = set(apply_corrections(resolver.snapshot(), self._specs(session),
                                                self.gaz))
        return [
            CorrectionView(c.id, c.action, c.target_key, c.other_key, c.field, c.value, c.author,
                           c.note, c.created_at, c.id in orphans)
            for c in rows
        ]

    def count_corrections(self) -> int:
        """How many corrections there are."""
        with read_session(self.engine) as session:
            return int(session.execute(select(func.count(Correction.id))).scalar_one())

    def _change_correction(self, action: str, change: int | str, author: str,
                           note: str | None, field: str | None = None,
                           value: Any = None) -> CorrectionView:
        with read_session(self.engine) as session:
            row = self._change_row(session, change)
            sources = session.execute(
                select(Article.content_hash, ChangeSource.person_name)
                .join(Article, Article.id == ChangeSource.article_id)
                .where(ChangeSource.change_id == row.id)
            ).all()
            anchor = change_anchor((h, n, row.kind) for h, n in sources)
        return self._add_correction(action, row.key, author, note, anchor=anchor, field=field,
                                    value=value)

    def _add_correction(self, action: str, target_key: str, author: str, note: str | None,
                        *, anchor: Any, other_key: str | None = None, field: str | None = None,
                        value: Any = None) -> CorrectionView:
        if not author or not author.strip():
            raise CorrectionError("a correction needs an author")
        with write_session(self.engine) as session:
            cid = next_id(session, Correction)
            row = Correction(id=cid, action=action, target_key=target_key, other_key=other_key,
                             field=field, value=value, anchor=anchor, author=author.strip(),
                             note=note, created_at=_now())
            session.add(row)
            session.flush()
            if action == "split_person":
                before = session.execute(select(func.count(Person.id))).scalar_one()
            self._resync(session, self._resolver_for(session))
            if cid in self._orphans:
                raise CorrectionError(f"{target_key}: not found when applying the correction")
            if action == "split_person":
                after = session.execute(select(func.count(Person.id))).scalar_one()
                if after <= before:
                    raise CorrectionError(
                        "nothing to split: the names or articles given cover none, or all, "
                        "of this person's reports"
                    )
        self._orphans = [o for o in self._orphans if o != cid]
        return CorrectionView(cid, action, target_key, other_key, field, value, row.author,
                              note, row.created_at, False)

    def _person_anchor(self, session: Session, person_id: int) -> dict[str, Any]:
        rows = session.execute(
            select(Article.content_hash, ChangeSource.person_name)
            .join(Article, Article.id == ChangeSource.article_id)
            .join(Change, Change.id == ChangeSource.change_id)
            .where(Change.person_id == person_id)
        ).all()
        return person_anchor((h, n) for h, n in rows)

    @staticmethod
    def _change_row(session: Session, ref: int | str) -> Change:
        column = Change.id if isinstance(ref, int) or str(ref).isdigit() else Change.key
        value = int(ref) if column is Change.id else ref
        row = session.execute(select(Change).where(column == value)).scalar_one_or_none()
        if row is None:
            raise NotFound(f"no change with {'id' if column is Change.id else 'key'} {ref}")
        return row

    @staticmethod
    def _person_row(session: Session, ref: int | str) -> Person:
        column = Person.id if isinstance(ref, int) or str(ref).isdigit() else Person.key
        value = int(ref) if column is Person.id else ref
        row = session.execute(select(Person).where(column == value)).scalar_one_or_none()
        if row is None:
            raise NotFound(f"no person with {'id' if column is Person.id else 'key'} {ref}")
        return row

    # ---------------------------------------------------------------- queries

    def changes(self, **filters: Any) -> list[queries.ChangeView]:
        """Changes matching filters (see :func:`floorcross.store.queries.list_changes`)."""
        with read_session(self.engine) as session:
            return queries.list_changes(session, **filters)

    def change_slice(self, **options: Any) -> queries.ChangeSlice:
        """One page of changes, filtered, sorted, counted and paged in SQL (see
        :func:`floorcross.store.queries.change_page` for the options)."""
        with read_session(self.engine) as session:
            return queries.change_page(session, **options)

    def change(self, ref: int | str) -> queries.ChangeView:
        """One change by id or key (rejected ones included)."""
        with read_session(self.engine) as session:
            row = self._change_row(session, ref)
            found = [c for c in queries.list_changes(session, person=str(row.person_id),
                                                     include_rejected=True) if c.id == row.id]
            return found[0]

    def people(self, council: str | None = None) -> list[queries.PersonView]:
        """Everyone in the store, by name (on ``council`` if given)."""
        with read_session(self.engine) as session:
            return queries.list_people(session, council)

    def find_people(self, query: str) -> list[queries.PersonView]:
        """People an id, key or name refers to, best match first."""
        with read_session(self.engine) as session:
            return queries.find_people(session, query)

    def person(self, ref: int | str) -> queries.PersonView:
        """One person by id or key."""
        with read_session(self.engine) as session:
            return queries.people_views(session, [self._person_row(session, ref)])[0]

    def timeline(self, person: int | str, include_rejected: bool = False) -> queries.Timeline:
        """A person's changes in date order, each with the articles and sentences behind it."""
        with read_session(self.engine) as session:
            row = self._person_row(session, person)
            return queries.timeline(session, row.id, include_rejected)

    def sources(self, change: int | str | None = None) -> list[queries.SourceView]:
        """The reports of one change, or of every change not rejected."""
        with read_session(self.engine) as session:
            if change is None:
                return queries.all_sources(session)
            row = self._change_row(session, change)
            return queries.sources_for(session, [row.id])[row.id]

    def compositions(self, council: str | None = None) -> list[dict[str, Any]]:
        """Seat counts stated by articles, newest first."""
        with read_session(self.engine) as session:
            query = select(Composition, Article.url).join(
                Article, Article.id == Composition.article_id)
            if council:
                found = self.gaz.council_by_name(council)
                if found is None:
                    raise NotFound(f"unknown council {council!r}")
                query = query.where(Composition.council_gss.in_(self.gaz.area_codes(found)))
            query = query.order_by(func.coalesce(Composition.date, "").desc(), Composition.id)
            return [
                {"id": c.id, "council": c.council, "council_gss": c.council_gss,
                 "party": c.party, "seats": c.seats, "date": c.date,
                 "article_id": c.article_id, "url": url,
                 "evidence": ({"start": c.evidence_start, "end": c.evidence_end,
                               "text": c.evidence_text}
                              if c.evidence_start is not None else None)}
                for c, url in session.execute(query)
            ]

    def table_counts(self) -> dict[str, int]:
        """Rows in each core table (a quick health check)."""
        from sqlalchemy import table as sql_table

        with read_session(self.engine) as session:
            return {
                name: int(session.execute(
                    select(func.count()).select_from(sql_table(name))).scalar_one())
                for name in CORE_TABLES
            }


def _mark_orphans(session: Session, orphans: Sequence[int]) -> None:
    """Keep ``corrections.orphaned`` equal to what the last resolution found."""
    from sqlalchemy import or_, update

    wanted = sorted(set(orphans))
    for i in range(0, max(len(wanted), 1), 500):
        part = wanted[i:i + 500]
        if part:
            session.execute(update(Correction).where(Correction.id.in_(part),
                                                     or_(Correction.orphaned.is_(None),
                                                         Correction.orphaned != 1))
                            .values(orphaned=1))
    stale = select(Correction.id).where(or_(Correction.orphaned.is_(None),
                                            Correction.orphaned != 0))
    ids = [i for i in session.execute(stale).scalars() if i not in set(wanted)]
    for i in range(0, len(ids), 500):
        session.execute(update(Correction).where(Correction.id.in_(ids[i:i + 500]))
                        .values(orphaned=0))


def open_store(url: str | None = None, *, migrate: bool = True) -> Store:
    """Open (creating or upgrading if needed) the store at ``url``.

    ``url`` is any SQLAlchemy URL or a SQLite file path; without one, ``$FLOORCROSS_DB``, then
    ``sqlite:///./floorcross.db``.
    """
    chosen = database_url(url)
    engine = make_engine(chosen)
    if migrate:
        shown = make_url(chosen).render_as_string(hide_password=True)
        try:
            upgrade(engine)
        except OperationalError as exc:
            engine.dispose()
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise StoreError(f"cannot open database {shown}: {reason}") from exc
        except CommandError as exc:  # e.g. a revision this version of floorcross does not know
            engine.dispose()
            raise StoreError(f"cannot upgrade database {shown}: {exc} (is it from a newer "
                             "floorcross?)") from exc
    return Store(engine)
