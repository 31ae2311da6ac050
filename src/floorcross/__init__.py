"""floorcross: a source-grounded record of elected politicians changing party."""

from floorcross.records import ArticleRecord, CompositionStatement, Event, Evidence, Quote

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    # ``open_store`` pulls in SQLAlchemy and the readers, ``extract_article`` spaCy: imported on
    # first use, so that ``import floorcross`` (and every CLI --help) stays fast.
    if name == "open_store":
        from floorcross.store import open_store

        return open_store
    if name in {"extract_article", "extract_many"}:
        from floorcross import extract

        return getattr(extract, name)
    raise AttributeError(f"module 'floorcross' has no attribute {name!r}")


__all__ = [
    "ArticleRecord",
    "CompositionStatement",
    "Event",
    "Evidence",
    "Quote",
    "__version__",
    "extract_article",
    "extract_many",
    "open_store",
]
