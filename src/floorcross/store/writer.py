"""The single writer's row-level work: articles, the URLs they were seen under, extractions.

Everything here runs inside one write transaction (``db.write_session``) opened by the store;
nothing commits on its own, so a batch is all written or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from floorcross.normalise.councils import Gazetteer
from floorcross.records import ArticleRecord
from floorcross.resolve import Mention, mentions_from_record, resolve_council
from floorcross.sources.models import SourceArticle
from floorcross.store.models import (
    Article,
    ArticleUrl,
    ChangeSource,
    Composition,
    Extraction,
)
from floorcross.store.sync import next_id


@dataclass
class BatchResult:
    """What one written batch did."""

    articles: int = 0
    new: int = 0
    duplicates: int = 0
    relevant: int = 0
    changes_new: int = 0
    changes_updated: int = 0


@dataclass
class IdCounter:
    """Hands out ``max(id) + 1``, ``+ 2``, ... for one table within one transaction."""

    value: int

    def take(self) -> int:
        self.value += 1
        return self.value - 1


def known_hashes(session: Session, hashes: Sequence[str]) -> dict[str, int]:
    """The article ids of those content hashes already stored."""
    found: dict[str, int] = {}
    unique = sorted(set(hashes))
    for i in range(0, len(unique), 500):
        part = unique[i : i + 500]
        for h, aid in session.execute(
            select(Article.content_hash, Article.id).where(Article.content_hash.in_(part))
        ):
            found[h] = aid
    return found


def add_article(session: Session, src: SourceArticle, published: str | None,
                ids: IdCounter) -> int:
    """Insert a new article and the place it was seen; return its id."""
    article = Article(
        id=ids.take(), content_hash=src.content_hash, doc=src.doc, url=src.url,
        title=src.title, outlet=src.outlet, published=published, text=src.text,
    )
    session.add(article)
    return article.id


def add_seen(session: Session, article_id: int, src: SourceArticle, ids: IdCounter,
             *, new: bool = False) -> bool:
    """Record that an article was seen at ``src.origin`` (False when already recorded).

    The first URL, title and outlet an article is seen with fill any it lacks, so a story
    first read from a text file gains its URL when a feed later links it. ``new`` says the
    article was added in this transaction, so there is nothing to look up.
    """
    if new:
        session.add(ArticleUrl(id=ids.take(), article_id=article_id, url=src.url,
                               origin=src.origin, doc=src.doc))
        return True
    exists = session.execute(
        select(ArticleUrl.id).where(ArticleUrl.article_id == article_id,
                                    ArticleUrl.origin == src.origin)
    ).first()
    if exists is not None:
        return False
    session.add(ArticleUrl(id=ids.take(), article_id=article_id, url=src.url,
                           origin=src.origin, doc=src.doc))
    article = session.get(Article, article_id)
    if article is not None:
        article.url = article.url or src.url
        article.title = article.title or src.title
        article.outlet = article.outlet or src.outlet
    return True


def put_extraction(session: Session, article_id: int, record: ArticleRecord, version: str,
                   gaz: Gazetteer, ids: ExtractionIds, *, replace: bool = True,
                   text: str | None = None) -> int:
    """Store ``record`` as the article's extraction, replacing any earlier one; return its id.

    ``replace=False`` is for an article added in this transaction (it has no extraction yet).
    """
    if replace:
        old = session.execute(
            select(Extraction.id).where(Extraction.article_id == article_id)
        ).scalar_one_or_none()
        if old is not None:
            session.execute(delete(ChangeSource).where(ChangeSource.extraction_id == old))
            session.execute(delete(Composition).where(Composition.extraction_id == old))
            session.execute(delete(Extraction).where(Extraction.id == old))
    extraction_id = ids.extractions.take()
    session.add(Extraction(
        id=extraction_id, article_id=article_id, extractor_version=version,
        relevant=int(record.relevant), events=len(record.events),
        record=record.to_json_dict(),
    ))
    if record.composition:
        session.flush()  # the ORM knows no relationships, so rows referring to rows go later
    for statement in record.composition:
        council, gss, _ = resolve_council(statement.council, None, None, gaz,
                                          on=statement.date or record.published, text=text)
        span = statement.evidence[0] if statement.evidence else None
        session.add(Composition(
            id=ids.compositions.take(), article_id=article_id, extraction_id=extraction_id,
            council=council, council_gss=gss, party=statement.party, seats=statement.seats,
            date=statement.date, evidence_start=span.start if span else None,
            evidence_end=span.end if span else None, evidence_text=span.text if span else None,
        ))
    return extraction_id


@dataclass
class ExtractionIds:
    """Id counters for the rows an extraction adds."""

    extractions: IdCounter
    compositions: IdCounter

    @classmethod
    def after(cls, session: Session) -> ExtractionIds:
        return cls(IdCounter(next_id(session, Extraction)),
                   IdCounter(next_id(session, Composition)))


def counter(session: Session, model: type[Article | ArticleUrl]) -> IdCounter:
    """An :class:`IdCounter` for ``model`` starting after its largest id."""
    return IdCounter(next_id(session, model))


def store_articles(session: Session, items: Sequence[tuple[SourceArticle, ArticleRecord | None]],
                   version: str, gaz: Gazetteer, result: BatchResult) -> list[Mention]:
    """Add a batch's new articles (with extractions) and the origins of all; count them in
    ``result``; return the new articles' mentions for the resolver, in article order.

    An article whose content hash is stored (or came earlier in the batch) is only recorded
    as seen under its origin; its record may be None.
    """
    article_ids, url_ids = counter(session, Article), counter(session, ArticleUrl)
    ext_ids = ExtractionIds.after(session)
    known = known_hashes(session, [src.content_hash for src, _ in items])
    # Articles first, flushed on their own: the rows below refer to them, and the ORM (with no
    # relationships declared) would not order the inserts by itself.
    fresh: dict[int, int] = {}
    for i, (src, record) in enumerate(items):
        if src.content_hash in known:
            continue
        if record is None:
            raise ValueError(f"{src.origin}: new article without an extraction")
        published = src.published or record.published
        known[src.content_hash] = fresh[i] = add_article(session, src, published, article_ids)
    session.flush()
    mentions: list[Mention] = []
    for i, (src, record) in enumerate(items):
        if i not in fresh or record is None:
            add_seen(session, known[src.content_hash], src, url_ids)
            result.duplicates += 1
            continue
        aid = fresh[i]
        add_seen(session, aid, src, url_ids, new=True)
        ext_id = put_extraction(session, aid, record, version, gaz, ext_ids, replace=False,
                                text=src.text)
        mentions.extend(mentions_from_record(ext_id, aid, src.content_hash,
                                             src.published or record.published, record, gaz,
                                             src.text))
        result.new += 1
        result.relevant += int(record.relevant)
    return mentions


def iter_mentions(session: Session, gaz: Gazetteer, after_article: int = 0
                  ) -> Iterator[Mention]:
    """Mentions of every stored extraction with events, in article order."""
    rows = session.execute(
        select(Extraction.id, Extraction.article_id, Extraction.record, Article.content_hash,
               Article.published, Article.text)
        .join(Article, Article.id == Extraction.article_id)
        .where(Extraction.events > 0, Extraction.article_id > after_article)
        .order_by(Extraction.article_id)
    )
    for ext_id, article_id, record, content_hash, published, text in rows:
        parsed = ArticleRecord.model_validate(record)
        yield from mentions_from_record(ext_id, article_id, content_hash, published, parsed, gaz,
                                        text)


def extraction_fingerprint(session: Session) -> tuple[int, int]:
    """(count, max id) of extractions: changes whenever any writer adds or replaces one."""
    count, top = session.execute(
        select(func.count(Extraction.id), func.coalesce(func.max(Extraction.id), 0))
    ).one()
    return int(count), int(top)
