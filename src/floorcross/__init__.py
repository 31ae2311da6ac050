"""floorcross: a source-grounded record of elected politicians changing party."""

from floorcross.records import ArticleRecord, CompositionStatement, Event, Evidence, Quote

__version__ = "0.1.0"

__all__ = [
    "ArticleRecord",
    "CompositionStatement",
    "Event",
    "Evidence",
    "Quote",
    "__version__",
]
