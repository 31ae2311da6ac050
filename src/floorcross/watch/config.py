"""The settings of a watch run: the command line merged over a small TOML file.

``watch.toml`` (every key optional)::

    sources = ["https://www.heatonherald.example/politics.rss", "feeds.txt"]
    every = "15m"
    db = "/var/lib/floorcross/floorcross.db"
    site_url = "https://floorcross.example.org"   # links in alerts

    [smtp]
    host = "smtp.example.org"
    port = 587
    starttls = true
    from = "floorcross@example.org"              # user and password: environment only

    [[webhook]]
    url = "https://hooks.slack.com/services/..."
    council = ["Stockport", "Rotherham"]          # filters: a string or a list
    party = "Labour"
    kind = ["defection", "suspension"]
    min_confidence = "high"

    [[email]]
    to = "newsdesk@example.org"

Options given on the command line come first: its SOURCEs and destinations are added to the
file's, and its ``--every``, ``--db``, ``--site-url`` and SMTP options win. Its filters apply to
the destinations given on the command line only.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from floorcross.records import KINDS
from floorcross.watch.alerts import CONFIDENCE_LEVELS, Destination, Filters, SmtpSettings

DEFAULT_EVERY_S = 900.0
_TOP_KEYS = {"sources", "every", "db", "site_url", "smtp", "webhook", "email"}
_FILTER_KEYS = {"council", "party", "kind", "min_confidence", "name"}
_SMTP_KEYS = {"host", "port", "starttls", "from", "timeout"}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?", re.IGNORECASE)
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


class ConfigError(ValueError):
    """A setting that cannot be used, in one line naming it."""


def parse_duration(text: str | float) -> float:
    """Seconds in ``"15m"``, ``"90s"``, ``"1h30m"``, ``"2h"`` or a bare number of seconds."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        seconds = float(text)
    else:
        value = str(text).strip().replace(" ", "")
        pos, seconds = 0, 0.0
        for match in _DURATION.finditer(value):
            if match.start() != pos:
                break
            seconds += float(match.group(1)) * _UNITS[(match.group(2) or "s").lower()]
            pos = match.end()
        if not value or pos != len(value):
            raise ConfigError(f"cannot read the interval {text!r}: write e.g. 15m, 90s or 1h")
    if seconds <= 0:
        raise ConfigError(f"the interval must be more than nothing, not {text!r}")
    return seconds


@dataclass
class WatchConfig:
    sources: list[str] = field(default_factory=list)
    every: float = DEFAULT_EVERY_S
    db: str | None = None
    site_url: str | None = None
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    destinations: list[Destination] = field(default_factory=list)


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"{where}: expected a string or a list of strings")


def make_filters(council: Any = None, party: Any = None, kind: Any = None,
                 min_confidence: str | None = None, where: str = "filters") -> Filters:
    kinds = _strings(kind, f"{where}: kind")
    for k in kinds:
        if k not in KINDS:
            raise ConfigError(f"{where}: unknown kind {k!r} (choose from {', '.join(KINDS)})")
    level = min_confidence or "any"
    if level not in CONFIDENCE_LEVELS:
        raise ConfigError(f"{where}: min_confidence must be one of "
                          f"{', '.join(CONFIDENCE_LEVELS)}, not {level!r}")
    return Filters(_strings(council, f"{where}: council"), _strings(party, f"{where}: party"),
                   kinds, level)


def _destination(channel: str, table: Any, number: int, path: Path) -> Destination:
    where = f"{path}: [[{channel}]] number {number}"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table")
    target_key = "url" if channel == "webhook" else "to"
    unknown = set(table) - _FILTER_KEYS - {target_key}
    if unknown:
        raise ConfigError(f"{where}: unknown setting {min(unknown)!r}")
    target = table.get(target_key)
    if not isinstance(target, str) or not target.strip():
        raise ConfigError(f"{where}: needs {target_key} = \"...\"")
    check_target(channel, target, where)
    filters = make_filters(table.get("council"), table.get("party"), table.get("kind"),
                           table.get("min_confidence"), where)
    label = table.get("name")
    return Destination(channel, target.strip(), filters, str(label) if label else None)


def check_target(channel: str, target: str, where: str) -> None:
    if channel == "webhook" and not re.match(r"https?://[^/\s]+", target.strip()):
        raise ConfigError(f"{where}: the webhook must be an http(s) URL, not {target!r}")
    if channel == "email" and not re.fullmatch(r"[^@\s]+@[^@\s]+", target.strip()):
        raise ConfigError(f"{where}: not an e-mail address: {target!r}")


def load_toml(path: Path) -> WatchConfig:
    """Read ``watch.toml``; a missing file or a wrong setting is a :class:`ConfigError`."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown setting {min(unknown)!r}")
    config = WatchConfig(sources=list(_strings(data.get("sources"), f"{path}: sources")))
    if "every" in data:
        config.every = parse_duration(data["every"])
    config.db = data.get("db")
    config.site_url = data.get("site_url")
    smtp = data.get("smtp") or {}
    if not isinstance(smtp, dict) or set(smtp) - _SMTP_KEYS:
        raise ConfigError(f"{path}: [smtp] takes only {', '.join(sorted(_SMTP_KEYS))}")
    config.smtp = SmtpSettings(host=str(smtp.get("host", "localhost")),
                               port=int(smtp.get("port", 25)),
                               starttls=bool(smtp.get("starttls", False)),
                               sender=str(smtp.get("from", "floorcross@localhost")),
                               timeout=float(smtp.get("timeout", 10.0)))
    for channel in ("webhook", "email"):
        tables = data.get(channel) or []
        if isinstance(tables, dict):
            tables = [tables]
        config.destinations += [_destination(channel, t, n, path)
                                for n, t in enumerate(tables, 1)]
    return config
