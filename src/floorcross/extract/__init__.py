"""Extraction: from an article's text to a grounded :class:`~floorcross.records.ArticleRecord`.

The statistical model runs only on the windows that need it: sentences with a trigger word and
their neighbours. Everything else is rules over the text, with offsets kept exact.
"""

from __future__ import annotations

from bisect import bisect_left
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
from floorcross.extract.composition import (
    find_composition,
    may_state_seats,
    seat_candidate,
    table_lead,
)
from floorcross.extract.context import ArticleContext
from floorcross.extract.crowds import member_list_sentences
from floorcross.extract.events import collect_events
from floorcross.extract.people import find_people
from floorcross.extract.quotes import attach_quotes
from floorcross.extract.segment import (
    Sentence,
    paragraph_quotes,
    paragraph_sentences,
    paragraphs,
    parse_header,
    quote_spans,
    split_sentences,
)
from floorcross.extract.subjects import group_phrase_regex
from floorcross.extract.triggers import find_atoms
from floorcross.nlp import Entity, entities_many
from floorcross.normalise.dates import find_dates
from floorcross.normalise.parties import PartyMention, discover_local_groups, find_parties
from floorcross.prefilter import COMPLETING_ROLES, prefilter
from floorcross.records import ArticleRecord

__all__ = ["extract_article", "extract_many", "nlp_windows"]


def nlp_windows(text: str, sentences: Sequence[Sentence], body_start: int,
                parties: list[PartyMention], quotes: list[tuple[int, int]],
                after: int = 0) -> list[tuple[int, int]]:
    """Character windows for the NER: sentences that state a change (trigger patterns matched
    with parties masked) and the ``after`` sentences that follow them (where the names of "six
    councillors" usually come), merged where they touch."""
    probe = ArticleContext(text, body_start, None, list(sentences), quotes, parties, [], [], [])
    wanted: set[int] = set()
    for s in sentences:
        if s.start >= body_start and any(not probe.in_quote(a.start, a.end) for a in find_atoms(probe, s)):
            # "Eleven councillors have resigned": their names may come a few sentences on.
            counted = group_phrase_regex().search(s.text)
            reach = 4 if counted else after
            wanted.update(range(s.index - (2 if counted else 0), s.index + reach + 1))
    if wanted:
        # Member lists anywhere ("These councillors are A, B and C") name a group's members.
        wanted.update(member_list_sentences(list(sentences), body_start))
    windows: list[tuple[int, int]] = []
    for i in sorted(i for i in wanted if 0 <= i < len(sentences)):
        s = sentences[i]
        if windows and i - 1 in wanted and windows[-1][1] >= sentences[i - 1].end:
            windows[-1] = (windows[-1][0], s.end)
        else:
            windows.append((s.start, s.end))
    return windows


def _may_state_change(text: str, sentences: Sequence[Sentence], body_start: int,
                      parties: list[PartyMention], quotes: list[tuple[int, int]],
                      hits: list[int] | None = None) -> bool:
    """Whether a trigger that makes a change (not one that only completes it, such as "sits as
    an independent") matches outside quotes: tried only in the sentences holding one of the
    prefilter's trigger words, which every such match contains."""
    if hits is None:
        hits = prefilter().trigger_positions(text)
    probe = ArticleContext(text, body_start, None, list(sentences), quotes, parties, [], [], [])
    for s in sentences:
        if s.start < body_start:
            continue
        if hits is not None:
            first = bisect_left(hits, s.start)
            if first == len(hits) or hits[first] >= s.end:
                continue
        if any(a.role not in COMPLETING_ROLES and not probe.in_quote(a.start, a.end)
               for a in find_atoms(probe, s)):
            return True
    return False


def _surely_empty(text: str, body_start: int) -> bool:
    """Whether an article can be seen to hold no change and no seat count by looking only at
    the paragraphs that could state one (those with a trigger word or a seat-count cue), with
    the paragraph either side of each for the party mentions that reach across a line end.

    It asks exactly what :func:`_may_state_change` and :func:`may_state_seats` ask of the whole
    article: sentences, quotes and trigger matches never cross a paragraph, and a party
    mention inside a paragraph is found the same from its neighbours as from the whole text.
    Most articles that pass the prefilter without reporting a change end here, at a fraction
    of the cost of splitting and scanning all of them.
    """
    hits = prefilter().trigger_positions(text)
    if hits is None:
        return False
    spans = paragraphs(text, body_start)
    wanted: list[int] = []
    for i, (start, end) in enumerate(spans):
        first = bisect_left(hits, start)
        if (first < len(hits) and hits[first] < end) or seat_candidate(text[start:end]) or table_lead(text[start:end]):
            wanted.append(i)
    if not wanted:
        return True
    sentences: list[Sentence] = []
    quotes: list[tuple[int, int]] = []
    for i in wanted:
        start, end = spans[i]
        paragraph_sentences(sentences, text, start, end, i)
        paragraph_quotes(quotes, text, start, end)
    # Party mentions over each run of wanted paragraphs widened by one either side.
    runs: list[list[int]] = []
    for i in wanted:
        low, high = max(0, i - 1), min(len(spans) - 1, i + 1)
        if runs and low <= runs[-1][1] + 1:
            runs[-1][1] = high
        else:
            runs.append([low, high])
    groups = discover_local_groups(text)
    parties = [m for low, high in runs for m in find_parties(text, spans[low][0], spans[high][1], groups)]
    return not (_may_state_change(text, sentences, body_start, parties, quotes, hits)
                or may_state_seats(sentences, parties, body_start, all_parties_known=False))


def _widen(windows: list[tuple[int, int]], sentences: Sequence[Sentence], after: int) -> list[tuple[int, int]]:
    """The windows stretched over the ``after`` sentences that follow each, merged."""
    wanted: set[int] = set()
    for start, end in windows:
        inside = [s.index for s in sentences if start <= s.start < end]
        if inside:
            wanted.update(range(min(inside), max(inside) + after + 1))
    spans: list[tuple[int, int]] = []
    for i in sorted(i for i in wanted if i < len(sentences)):
        s = sentences[i]
        if spans and i - 1 in wanted:
            spans[-1] = (spans[-1][0], s.end)
        else:
            spans.append((s.start, s.end))
    return spans


class _Prepared:
    """An article split and scanned, waiting for its NER results."""

    def __init__(self, text: str, published: str | None, doc: str | None) -> None:
        header_date, body_start = parse_header(text)
        self.text = text
        self.doc = doc
        self.published = published or header_date
        self.body_start = body_start
        if _surely_empty(text, body_start):
            self.empty, self.windows, self.date_windows = True, [], []
            return
        self.sentences = split_sentences(text, body_start)
        self.quotes = quote_spans(text, body_start)
        self.parties = find_parties(text, body_start, known_groups=discover_local_groups(text))
        # Nothing to find in an article with no sentence that could state a change and none
        # that could hold a seat count: skip the rest (the record is empty either way).
        self.empty = not (_may_state_change(text, self.sentences, body_start, self.parties, self.quotes)
                          or may_state_seats(self.sentences, self.parties, body_start))
        self.windows = [] if self.empty else \
            nlp_windows(text, self.sentences, body_start, self.parties, self.quotes)
        self.date_windows = _widen(self.windows, self.sentences, 2)

    def finish(self, ents: list[Entity]) -> ArticleRecord:
        if self.empty or (not self.windows and not may_state_seats(self.sentences, self.parties, self.body_start)):
            # No sentence states a change (the windows are where they do) and none can hold a
            # seat count: nothing to find, so skip finding people, councils and events.
            return ArticleRecord(doc=self.doc, published=self.published, relevant=False,
                                 events=[], composition=[])
        text = self.text
        quotes, parties = self.quotes, self.parties
        people, mentions = find_people(text, self.body_start, ents, parties, quotes)
        # Dates matter only where changes are stated and in the sentences that follow them
        # ("... said last night that she had lost patience").
        dates = [d for start, end in self.date_windows for d in find_dates(text, self.published, start, end)]
        ctx = ArticleContext(text, self.body_start, self.published, self.sentences, quotes,
                             parties, people, mentions, dates)
        councils = find_councils(ctx)
        raws, completions = collect_events(ctx)
        changes = drop_original_memberships(merge(raws, self.published))
        order_and_fill(ctx, changes, completions)
        changes = fold_references(ctx, rejoins_as_readmissions(changes))
        events = build_events(ctx, changes, councils)
        attach_quotes(ctx, events)
        event_councils = [e.council for e in events if e.council and e.status == "new"] or \
            [e.council for e in events if e.council]
        default = max(set(event_councils), key=event_councils.count) if event_councils else None
        composition = find_composition(ctx, councils, default)
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
