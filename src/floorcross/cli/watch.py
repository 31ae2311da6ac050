"""``floorcross watch`` (poll feeds and announce what is found) and ``floorcross alerts``."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from floorcross.cli import app
from floorcross.cli.output import ListFormat, emit, fail, handled, say
from floorcross.cli.store import DbOption, open_db

WATCH_HELP = (
    "Poll RSS/Atom feeds and read each new article as it appears; announce every new change "
    "of party, and every change to a known one (a second source, a corrected date), to "
    "webhooks and e-mail.\n\n"
    "SOURCE is a feed URL or a file listing feed URLs (one per line, # comments). Each poll "
    "is a conditional GET (an unchanged feed costs a 304), reads only entries not read "
    "before, obeys Retry-After and backs off from a failing host. Feed state and the alert "
    "outbox live in the database, so a restart resumes and sends nothing twice. One line per "
    "poll; a failing feed is reported once an hour. SIGTERM or Ctrl-C stops after the feed in "
    "hand is stored.\n\n"
    "--council, --party, --kind and --min-confidence filter the destinations given on the "
    "command line; a --config file sets filters per destination (see docs/watch.md). The "
    "SMTP user and password come from $FLOORCROSS_SMTP_USER and $FLOORCROSS_SMTP_PASSWORD.\n\n"
    "Example: floorcross watch feeds.txt --every 15m --webhook https://hooks.example/T0/B0/x"
)


class Confidence(str, Enum):
    any = "any"
    high = "high"


def _setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("floorcross: %(asctime)s %(message)s",
                                           datefmt="%Y-%m-%dT%H:%M:%S"))
    logger = logging.getLogger("floorcross.watch")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False


def _config(config: Path | None) -> Any:
    from floorcross.watch.config import ConfigError, WatchConfig, load_toml

    if config is None:
        return WatchConfig()
    try:
        return load_toml(config)
    except ConfigError as exc:
        raise fail(str(exc)) from None


def _cli_destinations(webhooks: list[str], emails: list[str], council: list[str],
                      party: list[str], kind: list[str], confidence: Confidence) -> list[Any]:
    from floorcross.watch.alerts import Destination
    from floorcross.watch.config import ConfigError, check_target, make_filters

    try:
        filters = make_filters(council or None, party or None, kind or None, confidence.value,
                               "command line")
        out = []
        for channel, targets in (("webhook", webhooks), ("email", emails)):
            for target in targets:
                check_target(channel, target, f"--{channel}")
                out.append(Destination(channel, target.strip(), filters))
        return out
    except ConfigError as exc:
        raise fail(str(exc)) from None


def _smtp(base: Any, host: str | None, port: int | None, starttls: bool | None,
          sender: str | None) -> Any:
    changes = {k: v for k, v in (("host", host), ("port", port), ("starttls", starttls),
                                 ("sender", sender)) if v is not None}
    return replace(base, **changes)


@app.command("watch", help=WATCH_HELP)
def watch_command(
    sources: Annotated[list[str] | None, typer.Argument(
        metavar="SOURCE...", show_default=False,
        help="Feed URLs, or files listing feed URLs.")] = None,
    every: Annotated[str | None, typer.Option(
        "--every", metavar="INTERVAL", show_default="15m",
        help="Time between polls: 90s, 15m, 1h.")] = None,
    once: Annotated[bool, typer.Option(
        "--once", help="Poll once, deliver, and exit (status 1 if a feed failed, an entry was "
                       "skipped or an alert is still undelivered).")] = False,
    config: Annotated[Path | None, typer.Option(
        "--config", metavar="FILE", help="A watch.toml with sources, destinations, filters.")
    ] = None,
    webhook: Annotated[list[str] | None, typer.Option(
        "--webhook", metavar="URL", help="POST a JSON alert here (repeatable).")] = None,
    email: Annotated[list[str] | None, typer.Option(
        "--email", metavar="ADDRESS", help="E-mail an alert here (repeatable).")] = None,
    council: Annotated[list[str] | None, typer.Option(
        "--council", help="Only changes on this council (repeatable).")] = None,
    party: Annotated[list[str] | None, typer.Option(
        "--party", help="Only changes leaving or joining this party (repeatable).")] = None,
    kind: Annotated[list[str] | None, typer.Option(
        "--kind", help="Only this kind: defection, suspension, expulsion, readmission.")
    ] = None,
    min_confidence: Annotated[Confidence, typer.Option(
        "--min-confidence", help="high: leave out low-confidence changes (a guessed or "
                                 "missing fact; see docs/watch.md).")] = Confidence.any,
    smtp_host: Annotated[str | None, typer.Option(
        "--smtp-host", show_default="localhost", help="SMTP server for --email.")] = None,
    smtp_port: Annotated[int | None, typer.Option(
        "--smtp-port", show_default="25", help="SMTP port.")] = None,
    starttls: Annotated[bool | None, typer.Option(
        "--starttls/--no-starttls", show_default=False, help="Upgrade SMTP with STARTTLS.")
    ] = None,
    smtp_from: Annotated[str | None, typer.Option(
        "--smtp-from", metavar="ADDRESS", help="Sender of the e-mails.")] = None,
    site_url: Annotated[str | None, typer.Option(
        "--site-url", metavar="URL", help="Where `floorcross serve` runs: alerts link there.")
    ] = None,
    prefilter: Annotated[bool, typer.Option(
        "--prefilter/--no-prefilter", help="Pass over articles with no change vocabulary.")
    ] = True,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="A line per feed too.")
    ] = False,
    db: DbOption = None,
) -> None:
    """``floorcross watch``: see :data:`WATCH_HELP`."""
    from floorcross.watch import Watcher, feeds_from
    from floorcross.watch.config import ConfigError, parse_duration

    settings = _config(config)
    all_sources = [*settings.sources, *(sources or [])]
    if not all_sources:
        raise fail("give at least one SOURCE (a feed URL or a file of feed URLs), or "
                   "sources in --config")
    try:
        interval = parse_duration(every) if every else settings.every
    except ConfigError as exc:
        raise fail(f"--every: {exc}") from None
    destinations = [*settings.destinations,
                    *_cli_destinations(webhook or [], email or [], council or [], party or [],
                                       kind or [], min_confidence)]
    smtp = _smtp(settings.smtp, smtp_host, smtp_port, starttls, smtp_from)
    urls, problems = feeds_from(all_sources)
    for problem in problems:
        say(problem)
    if not urls:
        raise fail("no feed to watch")
    _setup_logging(verbose)
    store = open_db(db or settings.db)
    stop = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        say(f"{signal.Signals(signum).name}: stopping after the feed in hand "
            "(Ctrl-C again to stop now)")
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    failed = False
    try:
        with handled():
            watcher = Watcher(store, urls, destinations=destinations, smtp=smtp,
                              every=interval, prefilter=prefilter,
                              site_url=site_url or settings.site_url)
            if watcher.baseline:
                say(f"{watcher.baseline} changes already in the record are the baseline: only "
                    "new changes and updates are announced")
            say(f"watching {len(urls)} feed{'' if len(urls) == 1 else 's'} every "
                f"{every or _shown(interval)}, alerts to {len(destinations)} destination"
                f"{'' if len(destinations) == 1 else 's'}" + (" (once)" if once else ""))
            try:
                done = watcher.run(once=once, stop=stop)
            finally:
                watcher.close()
            last = done[-1] if done else None
            failed = last is not None and (any(o.failed for o in last.outcomes)
                                           or bool(last.skipped) or last.delivery.failed > 0
                                           or last.delivery.gave_up > 0)
            if stop.is_set():
                say(f"stopped after {watcher.polls} poll{'' if watcher.polls == 1 else 's'}")
    except KeyboardInterrupt:
        say("interrupted; what was stored is kept, and unsent alerts wait in the outbox")
        raise typer.Exit(130) from None
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        store.close()
    raise typer.Exit(1 if (once and failed) or problems else 0)


def _shown(seconds: float) -> str:
    for unit, size in (("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


# ------------------------------------------------------------------------------ alerts

ALERTS_HELP = (
    "List the alerts of floorcross watch (newest first) and whether each was delivered: "
    "pending (waiting or being retried), sent, or failed (given up after many tries).\n\n"
    "--resend ID delivers an alert again now (a sent one too); one that fails stays pending "
    "for the watcher to retry. E-mail needs the SMTP settings (--smtp-host or --config).\n\n"
    "Example: floorcross alerts --status failed; floorcross alerts --resend 12"
)
ALERT_COLUMNS = ("id", "status", "event", "destination", "target", "change", "summary",
                 "attempts", "created_at", "sent_at", "last_error")


class Status(str, Enum):
    pending = "pending"
    sent = "sent"
    failed = "failed"


@app.command("alerts", help=ALERTS_HELP)
def alerts_command(
    status: Annotated[Status | None, typer.Option("--status", help="Only these.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many.")] = 50,
    resend: Annotated[list[int] | None, typer.Option(
        "--resend", metavar="ID", help="Deliver this alert again now (repeatable).")] = None,
    config: Annotated[Path | None, typer.Option(
        "--config", metavar="FILE", help="watch.toml, for its SMTP settings.")] = None,
    smtp_host: Annotated[str | None, typer.Option("--smtp-host")] = None,
    smtp_port: Annotated[int | None, typer.Option("--smtp-port")] = None,
    starttls: Annotated[bool | None, typer.Option("--starttls/--no-starttls",
                                                  show_default=False)] = None,
    smtp_from: Annotated[str | None, typer.Option("--smtp-from")] = None,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
    db: DbOption = None,
) -> None:
    """``floorcross alerts``: see :data:`ALERTS_HELP`."""
    from floorcross.watch.alerts import (
        Deliverer,
        DeliveryCounts,
        list_outbox,
        mask_target,
        requeue,
    )

    settings = _config(config)
    store = open_db(db or settings.db)
    try:
        with handled():
            if resend:
                smtp = _smtp(settings.smtp, smtp_host, smtp_port, starttls, smtp_from)
                found = requeue(store, resend)
                if found < len(set(resend)):
                    say(f"{len(set(resend)) - found} of the ids given are not alerts")
                deliverer = Deliverer(store, [], smtp)
                counts = DeliveryCounts()
                bad = found < len(set(resend))
                try:
                    for row in deliverer.due(ids=resend):
                        ok = deliverer.deliver(row, counts)
                        bad = bad or not ok
                        say(f"alert {row.id} to {row.destination}: " + (
                            "sent" if ok else "not delivered; pending, the watcher will retry "
                            "it"))
                finally:
                    deliverer.close()
                raise typer.Exit(1 if bad else 0)
            rows = [{
                "id": r.id, "status": r.status, "event": r.event, "destination": r.destination,
                "target": mask_target(r), "change": r.change_key,
                "summary": r.payload.get("text"), "attempts": r.attempts,
                "created_at": r.created_at, "sent_at": r.sent_at, "last_error": r.last_error,
            } for r in list_outbox(store, status.value if status else None, limit)]
            if not rows and fmt is ListFormat.table:
                say("no alerts" + (f" {status.value}" if status else " yet"))
                return
            shown = ALERT_COLUMNS if fmt is not ListFormat.table else [
                c for c in ALERT_COLUMNS if c not in {"target", "created_at"}]
            emit(rows, fmt, shown)
    finally:
        store.close()
