"""The record: a database of articles, people, changes and the sources behind every fact.

``open_store()`` gives a :class:`Store`; see ``docs/schema.md`` for the tables and views and
``docs/ingest.md`` for how articles get in.
"""

from floorcross.store.api import BatchResult, CorrectionView, ExtractFn, Store, open_store
from floorcross.store.db import DEFAULT_URL, ENV_VAR, database_url
from floorcross.store.errors import CorrectionError, NotFound, QueryError, StoreError
from floorcross.store.queries import (
    ChangeView,
    PersonView,
    SourceView,
    Timeline,
    TimelineEntry,
    parse_when,
)

__all__ = [
    "DEFAULT_URL",
    "ENV_VAR",
    "BatchResult",
    "ChangeView",
    "CorrectionError",
    "CorrectionView",
    "ExtractFn",
    "NotFound",
    "PersonView",
    "QueryError",
    "SourceView",
    "Store",
    "StoreError",
    "Timeline",
    "TimelineEntry",
    "database_url",
    "open_store",
    "parse_when",
]
