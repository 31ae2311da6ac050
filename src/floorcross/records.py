"""Typed records passed between pipeline stages.

These pydantic models serialise to exactly the JSON shape defined by the corpus format
(``FORMAT.md``): one :class:`ArticleRecord` per article, with its events, evidence spans and
seat-count statements.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal["defection", "suspension", "expulsion", "readmission"]
Status = Literal["new", "background"]
Office = Literal[
    "councillor", "mayor", "mp", "msp", "ms", "mla", "peer", "mep", "candidate", "other"
]

KINDS: tuple[str, ...] = ("defection", "suspension", "expulsion", "readmission")
STATUSES: tuple[str, ...] = ("new", "background")
OFFICES: tuple[str, ...] = (
    "councillor", "mayor", "mp", "msp", "ms", "mla", "peer", "mep", "candidate", "other",
)


class Span(BaseModel):
    """A slice of the article text: ``text == article[start:end]``."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Evidence(Span):
    """A sentence that states a change."""


class Quote(BaseModel):
    """Words inside quotation marks about a change, with their speaker."""

    speaker: str | None
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Event(BaseModel):
    """One change of party affiliation of one person."""

    kind: Kind
    status: Status
    person: str
    office: Office = "councillor"
    council: str | None = None
    # True when the text names only the ward and the council comes from the gazetteer
    # (an extension to FORMAT.md; scorers ignore it).
    council_inferred: bool = False
    ward: str | None = None
    from_party: str | None = None
    to_party: str | None = None
    date: str | None = None
    role: str | None = None
    quotes: list[Quote] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)


class CompositionStatement(BaseModel):
    """A seat count an article states for one party on one council."""

    council: str | None
    party: str
    seats: int = Field(ge=0)
    date: str | None = None
    evidence: list[Evidence] = Field(default_factory=list, exclude=True)


class ArticleRecord(BaseModel):
    """Everything extracted from one article."""

    doc: str | None = None
    published: str | None = None
    relevant: bool = False
    events: list[Event] = Field(default_factory=list)
    composition: list[CompositionStatement] = Field(default_factory=list)

    def to_json_dict(self) -> dict:
        """The FORMAT.md JSON object for this article."""
        return self.model_dump(mode="json")
