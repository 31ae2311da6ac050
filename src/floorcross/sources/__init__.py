"""Readers that turn any news input into articles, robust to bad input.

``iter_sources`` is the one call most code needs: give it paths, folders, URLs or ``-`` and it
yields :class:`SourceArticle` for each article, :class:`SourceProblem` for each input (or part
of one) that could not be read, and :class:`SourceWarning` for inputs read with a caveat.
"""

from floorcross.sources.core import file_kind, input_units, iter_sources, walk_folder
from floorcross.sources.feeds import articles_from_feed, read_feed_file
from floorcross.sources.html import article_from_html, html_to_text, read_html_file
from floorcross.sources.jsonl import read_jsonl
from floorcross.sources.models import (
    RawFilter,
    SourceArticle,
    SourceItem,
    SourcePassedOver,
    SourceProblem,
    SourceWarning,
    content_hash,
)
from floorcross.sources.text import read_stdin, read_text_file
from floorcross.sources.warc import read_warc
from floorcross.sources.web import USER_AGENT, Fetcher, FetchResult

__all__ = [
    "USER_AGENT",
    "FetchResult",
    "Fetcher",
    "RawFilter",
    "SourceArticle",
    "SourceItem",
    "SourcePassedOver",
    "SourceProblem",
    "SourceWarning",
    "article_from_html",
    "articles_from_feed",
    "content_hash",
    "file_kind",
    "html_to_text",
    "input_units",
    "iter_sources",
    "read_feed_file",
    "read_html_file",
    "read_jsonl",
    "read_stdin",
    "read_text_file",
    "read_warc",
    "walk_folder",
]
