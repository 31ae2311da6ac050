"""The records every reader yields: an article, a problem, or a warning."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

# The optional `` date YYYY-MM-DD`` that opens a corpus ``.txt`` file, on its own line or
# before the headline; it is metadata, so it must not make two copies of a story hash apart.
DATE_LINE = re.compile(r"\A date (\d{4}-\d{2}-\d{2})(?=\s|\Z)")


def normalise_for_hash(text: str) -> str:
    """Return ``text`` without a leading date line, whitespace collapsed and lowercased."""
    return " ".join(DATE_LINE.sub("", text, count=1).split()).lower()


def _safe_fields(data: Any) -> Any:
    """The string fields of a record made printable and storable (see ``safe_text``)."""
    if not isinstance(data, dict):
        return data
    from floorcross.sources.common import safe_text

    return {k: safe_text(v) if isinstance(v, str) else v for k, v in data.items()}


def content_hash(text: str) -> str:
    """Return the sha256 hex digest of the normalised text (equal for syndicated copies)."""
    return hashlib.sha256(normalise_for_hash(text).encode("utf-8")).hexdigest()


class SourceArticle(BaseModel):
    """One article, with its text exactly as the extractor will see it.

    ``content_hash`` is computed from ``text`` when not given. ``screened`` says the reader's
    ``text_filter`` (the prefilter's text scan) passed it already, so it need not run again.
    """

    model_config = ConfigDict(frozen=True)

    doc: str
    text: str
    published: str | None = None
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    origin: str
    content_hash: str
    screened: bool = False

    @model_validator(mode="before")
    @classmethod
    def _fill_hash(cls, data: Any) -> Any:
        data = _safe_fields(data)
        if isinstance(data, dict) and not data.get("content_hash") and "text" in data:
            data = {**data, "content_hash": content_hash(str(data["text"]))}
        return data


class SourceProblem(BaseModel):
    """An input (or part of one) that could not be read; the run goes on without it."""

    model_config = ConfigDict(frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _safe(cls, data: Any) -> Any:
        return _safe_fields(data)

    origin: str
    reason: str

    def message(self) -> str:
        """Return the one-line message for the user: ``"origin: reason"``."""
        return f"{self.origin}: {self.reason}"


class SourceWarning(BaseModel):
    """An input that was processed, but with something the user should know about."""

    model_config = ConfigDict(frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _safe(cls, data: Any) -> Any:
        return _safe_fields(data)

    origin: str
    reason: str

    def message(self) -> str:
        """Return the one-line message for the user: ``"origin: reason"``."""
        return f"{self.origin}: {self.reason}"


class SourcePassedOver(BaseModel):
    """A page (or JSON Lines record) the prefilter passed over as it was read: never made into
    an article.

    Readers yield these only when given a ``raw_filter`` or ``text_filter`` (see
    :mod:`floorcross.prefilter`).
    """

    model_config = ConfigDict(frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _safe(cls, data: Any) -> Any:
        return _safe_fields(data)

    origin: str
    url: str | None = None
    count: int = 1  # pages it stands for (a worker sends one for a run of rejected pages)


SourceItem = SourceArticle | SourceProblem | SourceWarning | SourcePassedOver
# A test on a page's raw bytes: False means no article in it can be relevant.
RawFilter = Callable[[bytes], bool]
# The same test on an article's text, for readers that have the text without parsing HTML.
TextFilter = Callable[[str], bool]
