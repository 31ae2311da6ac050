"""The store's exceptions: each message is one line a user can act on.

The CLI turns any of these into ``floorcross: <message>`` and exit code 2.
"""

from __future__ import annotations


class StoreError(Exception):
    """Base class: a store that cannot be opened, read or written as asked."""


class NotFound(StoreError, LookupError):
    """No person, change or correction with the id or key given."""


class QueryError(StoreError, ValueError):
    """A filter the store cannot understand (a date, a kind); the message says what to give."""


class CorrectionError(StoreError, ValueError):
    """A correction that cannot be made: unknown field, bad value, nothing to split."""
