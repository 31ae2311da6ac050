"""Builders for the store and resolver tests: events, records, articles and a fake extractor.

The fake extractor returns hand-made records for known texts, so store tests do not depend on
how the real extractor is tuned; the ingest tests use the real one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from floorcross.records import ArticleRecord, Event, Evidence
from floorcross.resolve import Mention, mentions_from_record
from floorcross.sources import SourceArticle, content_hash


def event(person: str, kind: str = "defection", *, status: str = "new", council: str | None = None,
          ward: str | None = None, from_party: str | None = None, to_party: str | None = None,
          date: str | None = None, office: str = "councillor", sentence: str | None = None
          ) -> Event:
    """An event whose evidence is ``sentence`` (default: a made-up one) at offset 0."""
    sentence = sentence or f"{person} changed party."
    return Event(kind=kind, status=status, person=person, office=office, council=council,
                 ward=ward, from_party=from_party, to_party=to_party, date=date,
                 evidence=[Evidence(start=0, end=len(sentence), text=sentence)])


def record(*events: Event, published: str | None = None, doc: str | None = None) -> ArticleRecord:
    return ArticleRecord(doc=doc, published=published, relevant=bool(events), events=list(events))


def article(text: str, origin: str, *, url: str | None = None, published: str | None = None,
            doc: str | None = None) -> SourceArticle:
    return SourceArticle(doc=doc or origin.rsplit("/", 1)[-1], text=text, url=url,
                         published=published, origin=origin)


class FakeExtractor:
    """An extractor over a batch that answers from a dict of text -> record."""

    def __init__(self, records: dict[str, ArticleRecord]) -> None:
        self.records = records
        self.calls: list[int] = []

    def __call__(self, items: Sequence[tuple[str, str | None, str | None]]) -> list[ArticleRecord]:
        self.calls.append(len(items))
        out = []
        for text, published, doc in items:
            found = self.records.get(text)
            if found is None:
                found = ArticleRecord(doc=doc, published=published)
            out.append(found.model_copy(update={"doc": doc}))
        return out


def mentions(article_id: int, rec: ArticleRecord, published: str | None = None) -> list[Mention]:
    """The mentions of a record as if stored as article ``article_id`` (extraction id equal)."""
    return mentions_from_record(article_id, article_id, content_hash(f"article {article_id}"),
                                published or rec.published, rec)


def table_rows(url: str, table: str, exclude: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
    """Every row of ``table`` ordered by id, without the ``exclude`` columns."""
    import json

    from sqlalchemy import MetaData, create_engine, select

    engine = create_engine(url)
    try:
        meta = MetaData()
        meta.reflect(engine, only=[table])
        t = meta.tables[table]
        cols = [c for c in t.columns if c.name not in exclude]
        with engine.connect() as conn:
            rows = conn.execute(select(*cols).order_by(t.c.id)).all()
    finally:
        engine.dispose()
    return [tuple(json.dumps(v, sort_keys=True) if isinstance(v, (dict, list)) else v
                  for v in row) for row in rows]
