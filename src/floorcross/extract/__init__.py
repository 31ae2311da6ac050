"""Extraction: from an article's text to a grounded :class:`~floorcross.records.ArticleRecord`.

The statistical model runs only on the windows that need it: sentences with a trigger word and
their neighbours. Everything else is rules over the text, with offsets kept exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from floorcross.extract.assemble import (
    build_events,
    drop_original_memberships,
    fold_references,
    merge,
    order_and_fill,
    rejoins_as_readmissions,
)
from floorcross.extract.attributes import find_councils
from floorcross.extract.composition import find_composition
from floorcross.extract.context import ArticleContext
from floorcross.extract.events import collect_events
from floorcross.extract.people import find_people
from floorcross.extract.quotes import attach_quotes
from floorcross.extract.segment import Sentence, parse_header, quote_spans, split_sentences
from floorcross.extract.triggers import vocabulary_regex
from floorcross.nlp import Entity, entities_many
from floorcross.normalise.dates import find_dates
from floorcross.normalise.parties import find_parties
from floorcross.records import ArticleRecord

__all__ = ["extract_article", "extract_many", "nlp_windows"]


def nlp_windows(sentences: Sequence[Sentence], body_start: int) -> list[tuple[int, int]]:
    """Character windows for the NER: trigger sentences, one sentence either side, merged."""
    vocab = vocabulary_regex()
    wanted: set[int] = set()
    for s in sentences:
        if s.start >= body_start and vocab.search(s.text):
            wanted.update({s.index - 1, s.index, s.index + 1, s.index + 2})
    windows: list[tuple[int, int]] = []
    for i in sorted(i for i in wanted if 0 <= i < len(sentences)):
        s = sentences[i]
        if windows and sentences[i - 1].index in wanted and i - 1 >= 0 and windows[-1][1] >= sentences[i - 1].end:
            windows[-1] = (windows[-1][0], s.end)
        else:
            windows.append((s.start, s.end))
    return windows


class _Prepared:
    """An article split and scanned, waiting for its NER results."""

    def __init__(self, text: str, published: str | None, doc: str | None) -> None:
        header_date, body_start = parse_header(text)
        self.text = text
        self.doc = doc
        self.published = published or header_date
        self.body_start = body_start
        self.sentences = split_sentences(text, body_start)
        self.windows = nlp_windows(self.sentences, body_start)

    def finish(self, ents: list[Entity]) -> ArticleRecord:
        text = self.text
        quotes = quote_spans(text, self.body_start)
        parties = [p for p in find_parties(text, self.body_start)]
        people, mentions = find_people(text, self.body_start, ents, parties, quotes)
        dates = find_dates(text, self.published, self.body_start)
        ctx = ArticleContext(text, self.body_start, self.published, self.sentences, quotes,
                             parties, people, mentions, dates)
        councils = find_councils(ctx)
        raws, completions = collect_events(ctx)
        changes = drop_original_memberships(merge(raws, self.published))
        order_and_fill(ctx, changes, completions)
        changes = fold_references(ctx, rejoins_as_readmissions(changes))
        events = build_events(ctx, changes, councils)
        attach_quotes(ctx, events)
        composition = find_composition(ctx, councils)
        return ArticleRecord(doc=self.doc, published=self.published, relevant=bool(events),
                             events=events, composition=composition)


def extract_article(text: str, published: str | None = None, doc: str | None = None) -> ArticleRecord:
    """Extract every change of party affiliation an article reports, with evidence spans.

    ``published`` (YYYY-MM-DD) anchors relative dates; when omitted, a leading
    `` date YYYY-MM-DD`` line in the text is used. ``doc`` names the article in the record.
    """
    return extract_many([(text, published, doc)])[0]


def extract_many(items: Iterable[tuple[str, str | None, str | None]], batch_size: int = 64) -> list[ArticleRecord]:
    """:func:`extract_article` over many articles, batching the statistical model (faster)."""
    prepared = [_Prepared(text, published, doc) for text, published, doc in items]
    ents = entities_many(((p.text, p.windows) for p in prepared), batch_size=batch_size)
    return [p.finish(e) for p, e in zip(prepared, ents, strict=True)]
