"""An article as stored, with the sentences that report each change (and each seat count it
states) marked in its text.

Evidence offsets point into ``articles.text`` (docs/schema.md), so marking them needs no search;
a span whose text no longer matches (it should not happen) is found again by its words, and
dropped if it cannot be, so the page never marks the wrong sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import select

from floorcross.store import Store
from floorcross.store.db import read_session
from floorcross.store.errors import NotFound
from floorcross.store.models import Article, ArticleUrl, Change, ChangeSource, Composition, Person
from floorcross.store.queries import outlet_of


@dataclass(frozen=True)
class Mark:
    """A span of the article reporting one change."""

    start: int
    end: int
    source_id: int
    change_id: int
    change_key: str
    person: str
    kind: str
    review: str


@dataclass(frozen=True)
class SeatMark:
    """A span of the article stating a council's seats (one or more parties' counts)."""

    start: int
    end: int
    council: str | None
    counts: tuple[str, ...]


@dataclass(frozen=True)
class ArticleView:
    """A stored article, the places it was seen, and the spans reporting changes."""

    id: int
    title: str | None
    url: str | None
    outlet: str | None
    published: str | None
    doc: str
    text: str
    urls: list[str] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    seat_marks: list[SeatMark] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "url": self.url, "outlet": self.outlet,
            "published": self.published, "doc": self.doc, "text": self.text, "urls": self.urls,
            "evidence": [vars(m) for m in self.marks],
            "seat_evidence": [{**vars(m), "counts": list(m.counts)} for m in self.seat_marks],
        }

    def changes(self) -> list[Mark]:
        """One mark per change reported, in order of first appearance."""
        seen: dict[int, Mark] = {}
        for mark in self.marks:
            seen.setdefault(mark.change_id, mark)
        return list(seen.values())


def _locate(text: str, start: int, end: int, quoted: str) -> tuple[int, int] | None:
    if 0 <= start <= end <= len(text) and text[start:end] == quoted:
        return start, end
    found = text.find(quoted) if quoted else -1
    return (found, found + len(quoted)) if found >= 0 else None


def article_view(store: Store, article_id: int) -> ArticleView:
    """The article with every evidence span of every change it reports (rejected included,
    marked as such)."""
    with read_session(store.engine) as session:
        article = session.get(Article, article_id)
        if article is None:
            raise NotFound(f"no article with id {article_id}")
        urls = [u for u in session.execute(
            select(ArticleUrl.url).where(ArticleUrl.article_id == article_id)
            .order_by(ArticleUrl.id)).scalars() if u]
        rows = session.execute(
            select(ChangeSource.id, ChangeSource.evidence, Change.id, Change.key, Change.kind,
                   Change.review, Person.name)
            .join(Change, Change.id == ChangeSource.change_id)
            .join(Person, Person.id == Change.person_id)
            .where(ChangeSource.article_id == article_id)
            .order_by(ChangeSource.event_index)
        ).all()
        counts = session.execute(
            select(Composition.evidence_start, Composition.evidence_end, Composition.evidence_text,
                   Composition.council, Composition.party, Composition.seats)
            .where(Composition.article_id == article_id,
                   Composition.evidence_start.is_not(None))
            .order_by(Composition.id)).all()
    spans: dict[tuple[int, int], tuple[str | None, list[str]]] = {}
    for start, end, quoted, council, party, seats in counts:
        where = _locate(article.text, int(start), int(end), str(quoted or ""))
        if where:
            spans.setdefault(where, (council, []))[1].append(f"{party} {seats}")
    seat_marks = [SeatMark(a, b, council, tuple(parts))
                  for (a, b), (council, parts) in sorted(spans.items())]
    marks: list[Mark] = []
    for sid, evidence, cid, key, kind, review, person in rows:
        for span in evidence or []:
            where = _locate(article.text, int(span["start"]), int(span["end"]), str(span["text"]))
            if where:
                marks.append(Mark(*where, sid, cid, key, person, kind, review))
    return ArticleView(article.id, article.title, article.url,
                       outlet_of(article.outlet, article.url), article.published,
                       article.doc, article.text, list(dict.fromkeys(urls)),
                       sorted(marks, key=lambda m: (m.start, m.end)), seat_marks)


def marked_text(article: ArticleView, current: int | None = None, seats: bool = False) -> Markup:
    """The article text as HTML, every evidence span in a ``<mark>``; the spans of change
    ``current`` get the class ``current`` (and the first of them an id to scroll to). The
    sentences stating seat counts are marked too (class ``seats``); with ``seats`` they are
    the current ones (the council page links to them so).

    Overlapping spans (two changes stated by one sentence) are merged into one mark.
    """
    items: list[Mark | SeatMark] = sorted([*article.marks, *article.seat_marks],
                                          key=lambda m: (m.start, m.end))
    merged: list[tuple[int, int, list[Mark | SeatMark]]] = []
    for mark in items:
        if merged and mark.start < merged[-1][1]:
            start, end, group = merged[-1]
            merged[-1] = (start, max(end, mark.end), [*group, mark])
        else:
            merged.append((mark.start, mark.end, [mark]))
    out: list[str] = []
    position, anchored, seats_anchored = 0, False, False
    for start, end, group in merged:
        out.append(str(escape(article.text[position:start])))
        changes_here = [m for m in group if isinstance(m, Mark)]
        counts_here = [m for m in group if isinstance(m, SeatMark)]
        is_current = (any(m.change_id == current for m in changes_here)
                      or (seats and bool(counts_here)))
        classes = "evidence" + (" seats" if counts_here else "") + (" current" if is_current
                                                                   else "")
        anchor = ""
        if is_current and changes_here and not anchored and not seats:
            anchor, anchored = ' id="evidence"', True
        elif is_current and counts_here and seats and not seats_anchored:
            anchor, seats_anchored = ' id="seats"', True
        title = "; ".join([*(f"{m.person}: {m.kind}" for m in changes_here),
                           *(f"seats: {', '.join(m.counts)}" for m in counts_here)])
        changes = " ".join(str(m.change_id) for m in changes_here)
        out.append(f'<mark class="{classes}"{anchor} title="{escape(title)}" '
                   f'data-changes="{changes}">{escape(article.text[start:end])}</mark>')
        position = end
    out.append(str(escape(article.text[position:])))
    return Markup("".join(out))
