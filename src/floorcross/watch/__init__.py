"""``floorcross watch``: poll feeds, store what is new, and announce the changes found.

:class:`Watcher` (in :mod:`floorcross.watch.poll`) polls; :mod:`floorcross.watch.alerts` decides
what to announce and delivers it through the outbox; :mod:`floorcross.watch.config` reads the
command line and ``watch.toml``. See ``docs/watch.md``.
"""

from floorcross.watch.alerts import (
    Announcer,
    Deliverer,
    Destination,
    Filters,
    SmtpSettings,
    list_outbox,
    requeue,
)
from floorcross.watch.poll import FeedOutcome, PollSummary, Watcher, feeds_from

__all__ = [
    "Announcer",
    "Deliverer",
    "Destination",
    "FeedOutcome",
    "Filters",
    "PollSummary",
    "SmtpSettings",
    "Watcher",
    "feeds_from",
    "list_outbox",
    "requeue",
]
