"""Alerts: which changes to announce, to whom, and delivering them through an outbox.

What is announced, defined. Each change not rejected has *announced facts*: its kind, the party
left and the party joined, its council, ward and date, and the set of articles reporting it.
A change whose key was never announced is **new**; a change whose announced facts differ from
those last announced is **updated** (a second source reported it, a later article or an editor
corrected its date, its parties, kind, council or ward). Nothing else is an update: a change
being verified, a fix to its office or role, a reworded evidence sentence. A rejected change is
never announced, and its rejection is not announced either. The changes in the record when the
watcher first finds no announcement state (``floorcross ingest`` run before ``watch``) are the
baseline: taken as announced, without an alert.

Each announcement becomes one row of the outbox per destination whose filters it passes, before
anything is sent (unique on change, revision and destination), so a restart or a retry never
sends it twice and a failed delivery is never lost: it is retried on the next poll, with a
growing pause, and given up (``failed``, resendable) only after :data:`MAX_ATTEMPTS` tries. A
destination gets ``new`` for the first alert it receives about a change and ``updated`` after.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import smtplib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import httpx
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from floorcross import __version__
from floorcross.store import Store
from floorcross.store.db import read_session, write_session
from floorcross.store.models import Change, Correction, Extraction
from floorcross.store.sync import next_id
from floorcross.store.watch_models import AlertState, Outbox

ANNOUNCED = ("kind", "from_party", "to_party", "council", "ward", "date")
CONFIDENCE_LEVELS = ("any", "high")
# Tries of one delivery within a poll, and the pauses between them (seconds).
IMMEDIATE_TRIES = 3
RETRY_PAUSES = (0.5, 1.0)
# Deliveries that still fail are retried on later polls: after 1, 2, 4 ... minutes (at most an
# hour), and given up after this many attempts in all (about a day of trying).
MAX_ATTEMPTS = 30
RETRY_BASE_S = 60.0
RETRY_CAP_S = 3600.0
SMTP_USER_ENV = "FLOORCROSS_SMTP_USER"
SMTP_PASSWORD_ENV = "FLOORCROSS_SMTP_PASSWORD"
USER_AGENT = f"floorcross/{__version__} (alerts)"
log = logging.getLogger("floorcross.watch")


def now_iso(clock: Callable[[], float] = time.time) -> str:
    return datetime.fromtimestamp(clock(), UTC).isoformat(timespec="milliseconds")


# ------------------------------------------------------------------------------ destinations


@dataclass(frozen=True)
class Filters:
    """Which changes a destination hears of; an empty tuple lets everything through."""

    councils: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    min_confidence: str = "any"

    def passes(self, facts: dict[str, Any]) -> bool:
        if self.kinds and facts["kind"] not in self.kinds:
            return False
        if self.min_confidence == "high" and facts["low_confidence"]:
            return False
        if self.parties:
            from floorcross.normalise.parties import canonical_party

            held = {(p or "").lower() for p in (facts["from_party"], facts["to_party"])} - {""}
            if not any((canonical_party(p) or p).lower() in held for p in self.parties):
                return False
        return not self.councils or any(_council_matches(c, facts) for c in self.councils)


def _council_matches(wanted: str, facts: dict[str, Any]) -> bool:
    from floorcross.normalise.councils import gazetteer

    gaz = gazetteer()
    found = gaz.council_by_name(wanted)
    if found is not None and facts.get("council_gss"):
        return bool(gaz.current(found).gss == facts["council_gss"])
    return wanted.strip().lower() in (facts.get("council") or "").lower()


@dataclass(frozen=True)
class Destination:
    """Where alerts go: a webhook URL or an e-mail address, with its filters.

    ``name`` identifies it in the outbox (so a restart knows what it already sent there);
    by default it is the channel and target, the URL shortened to its host and a digest.
    """

    channel: str  # "webhook" or "email"
    target: str
    filters: Filters = field(default_factory=Filters)
    label: str | None = None

    @property
    def name(self) -> str:
        if self.label:
            return self.label
        if self.channel == "email":
            return f"email:{self.target}"
        host = httpx.URL(self.target).host
        digest = hashlib.sha256(self.target.encode()).hexdigest()[:8]
        return f"webhook:{host}:{digest}"


@dataclass(frozen=True)
class SmtpSettings:
    """How e-mail alerts are sent; the user name and password come from the environment
    (:data:`SMTP_USER_ENV`, :data:`SMTP_PASSWORD_ENV`), never a file or the command line."""

    host: str = "localhost"
    port: int = 25
    starttls: bool = False
    sender: str = "floorcross@localhost"
    timeout: float = 10.0

    def credentials(self) -> tuple[str, str] | None:
        user = os.environ.get(SMTP_USER_ENV)
        return (user, os.environ.get(SMTP_PASSWORD_ENV, "")) if user else None


# ------------------------------------------------------------------------------ what to announce


def revision_of(facts: dict[str, Any]) -> str:
    """A digest of the announced facts of a change (see the module docstring)."""
    chosen = {k: facts[k] for k in ANNOUNCED}
    chosen["articles"] = sorted(facts["article_ids"])
    blob = json.dumps(chosen, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def record_fingerprint(store: Store) -> tuple[int, ...]:
    """Changes whenever a change, extraction or correction does: the check before the diff."""
    with read_session(store.engine) as session:
        row = session.execute(select(
            select(func.count(Change.id)).scalar_subquery(),
            select(func.coalesce(func.max(Change.id), 0)).scalar_subquery(),
            select(func.count(Extraction.id)).scalar_subquery(),
            select(func.coalesce(func.max(Extraction.id), 0)).scalar_subquery(),
            select(func.coalesce(func.max(Correction.id), 0)).scalar_subquery(),
        )).one()
    return tuple(int(x) for x in row)


def current_facts(store: Store, keys: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    """The announced facts (and what an alert shows) of every change not rejected."""
    from floorcross.store.queries import sources_for
    from floorcross.web.changelist import rows_for

    changes = store.changes()
    if keys is not None:
        wanted = set(keys)
        changes = [c for c in changes if c.key in wanted]
    rows = rows_for(store, changes)
    with read_session(store.engine) as session:
        sources = sources_for(session, [c.id for c in changes]) if changes else {}
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        c = row.change
        reports = sources.get(c.id, [])
        urls = list(dict.fromkeys(s.url for s in reports if s.url))
        out[c.key] = {
            "id": c.id, "key": c.key, "kind": c.kind, "person": c.person,
            "person_id": c.person_id, "from_party": c.from_party, "to_party": c.to_party,
            "council": c.council, "council_gss": c.council_gss, "ward": c.ward,
            "office": c.office, "role": c.role, "date": c.date, "reported": c.reported,
            "review": c.review, "flags": list(row.flags), "low_confidence": row.low_confidence,
            "evidence": row.first.evidence_text if row.first else None,
            "article_ids": sorted({s.article_id for s in reports}),
            "sources": [{"url": s.url, "title": s.title, "outlet": s.outlet,
                         "published": s.published} for s in _unique_articles(reports)],
            "source_urls": urls,
        }
    return out


def _unique_articles(reports: Sequence[Any]) -> list[Any]:
    seen: dict[int, Any] = {}
    for s in reports:
        seen.setdefault(s.article_id, s)
    return list(seen.values())


@dataclass(frozen=True)
class Announcement:
    """A change to announce: new, or updated in the facts listed in ``changed``."""

    key: str
    revision: str
    event: str
    changed: tuple[str, ...]
    facts: dict[str, Any]


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> tuple[str, ...]:
    fields = [k for k in ANNOUNCED if old.get(k) != new.get(k)]
    if sorted(old.get("article_ids") or []) != sorted(new.get("article_ids") or []):
        fields.append("sources")
    return tuple(fields)


def summary_text(facts: dict[str, Any], event: str = "new",
                 changed: Sequence[str] = ()) -> str:
    """One line for a chat message or an e-mail subject."""
    from floorcross.web.present import describe, nice_date

    view = _Facts(facts)
    where = f" ({facts['council']})" if facts.get("council") else ""
    when = f" on {nice_date(facts['date'])}" if facts.get("date") else ""
    head = "Updated" if event == "updated" else "New"
    line = f"{head}: {facts['person']}{where} {describe(view)}{when}"
    if event == "updated" and changed:
        line += f" [changed: {', '.join(changed)}]"
    return line


class _Facts:
    def __init__(self, facts: dict[str, Any]) -> None:
        self.kind, self.from_party, self.to_party = (facts["kind"], facts["from_party"],
                                                     facts["to_party"])


def payload_for(a: Announcement, event: str, site_url: str | None = None) -> dict[str, Any]:
    """The JSON body of a webhook alert (also the data an e-mail is written from).

    ``text`` (Slack, Mattermost, Teams) and ``content`` (Discord) carry the one-line summary,
    so chat tools show something useful with no formatting of their own.
    """
    f = a.facts
    text = summary_text(f, event, a.changed)
    link = f"{site_url.rstrip('/')}/changes/{f['key']}" if site_url else None
    if link:
        text += f" {link}"
    return {
        "alert_id": f"{a.key}@{a.revision}",
        "event": event,
        "changed": list(a.changed) if event == "updated" else [],
        "text": text,
        "content": text,
        "change": {"id": f["id"], "key": f["key"], "kind": f["kind"], "date": f["date"],
                   "reported": f["reported"], "review": f["review"], "flags": f["flags"],
                   "low_confidence": f["low_confidence"], "url": link},
        "person": {"id": f["person_id"], "name": f["person"], "ward": f["ward"],
                   "office": f["office"], "role": f["role"]},
        "council": {"name": f["council"], "gss": f["council_gss"]},
        "parties": {"from": f["from_party"], "to": f["to_party"]},
        "date": f["date"],
        "evidence": f["evidence"],
        "sources": f["sources"],
        "source_urls": f["source_urls"],
    }


class Announcer:
    """Finds what to announce after each poll and queues it in the outbox, one transaction."""

    def __init__(self, store: Store, destinations: Sequence[Destination], *,
                 site_url: str | None = None, clock: Callable[[], float] = time.time) -> None:
        self.store, self.destinations, self.site_url = store, list(destinations), site_url
        self.clock = clock
        self._fingerprint: tuple[int, ...] | None = None

    def seed_baseline(self) -> int:
        """Take the changes in the record as announced when there is no announcement state
        yet (see the module docstring); return how many."""
        with read_session(self.store.engine) as session:
            if session.execute(select(func.count()).select_from(AlertState)).scalar_one():
                return 0
        facts = current_facts(self.store)
        if not facts:
            return 0
        with write_session(self.store.engine) as session:
            if session.execute(select(func.count()).select_from(AlertState)).scalar_one():
                return 0
            stamp = now_iso(self.clock)
            session.add_all(AlertState(change_key=k, revision=revision_of(f), facts=f,
                                       updated_at=stamp) for k, f in facts.items())
        return len(facts)

    def queue(self) -> list[Announcement]:
        """Queue an alert per destination for every new or updated change; return them."""
        fingerprint = record_fingerprint(self.store)
        if fingerprint == self._fingerprint:
            return []
        facts = current_facts(self.store)
        with write_session(self.store.engine) as session:
            known = {s.change_key: s for s in session.execute(select(AlertState)).scalars()}
            found: list[Announcement] = []
            for key, f in facts.items():
                revision = revision_of(f)
                old = known.get(key)
                if old is not None and old.revision == revision:
                    continue
                if old is None:
                    found.append(Announcement(key, revision, "new", (), f))
                else:
                    found.append(Announcement(key, revision, "updated",
                                              changed_fields(old.facts, f), f))
            self._write(session, found, known)
        self._fingerprint = fingerprint
        return found

    def _write(self, session: Session, found: Sequence[Announcement],
               known: dict[str, AlertState]) -> None:
        stamp = now_iso(self.clock)
        nid = next_id(session, Outbox)
        for a in found:
            state = known.get(a.key)
            if state is None:
                session.add(AlertState(change_key=a.key, revision=a.revision, facts=a.facts,
                                       updated_at=stamp))
            else:
                state.revision, state.facts, state.updated_at = a.revision, a.facts, stamp
            for d in self.destinations:
                if not d.filters.passes(a.facts):
                    continue
                earlier = session.execute(
                    select(Outbox.id, Outbox.revision).where(
                        Outbox.change_key == a.key, Outbox.destination == d.name)).all()
                if any(r.revision == a.revision for r in earlier):
                    continue
                event = "updated" if earlier else "new"
                session.add(Outbox(
                    id=nid, change_key=a.key, revision=a.revision, destination=d.name,
                    channel=d.channel, target=d.target, event=event,
                    payload=payload_for(a, event, self.site_url), status="pending", attempts=0,
                    created_at=stamp, next_attempt_at=stamp))
                nid += 1


# ------------------------------------------------------------------------------ delivery


@dataclass
class DeliveryCounts:
    sent: int = 0
    failed: int = 0  # attempts that failed this time (the alert stays pending)
    gave_up: int = 0

    def line(self) -> str:
        text = f"{self.sent} alert{'' if self.sent == 1 else 's'} sent"
        if self.failed:
            text += f", {self.failed} to retry"
        if self.gave_up:
            text += f", {self.gave_up} given up"
        return text


class Deliverer:
    """Sends pending outbox rows to the destinations configured now."""

    def __init__(self, store: Store, destinations: Sequence[Destination],
                 smtp: SmtpSettings | None = None, *, timeout: float = 10.0,
                 clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep,
                 transport: httpx.BaseTransport | None = None,
                 retry_base: float = RETRY_BASE_S) -> None:
        self.store, self.smtp = store, smtp or SmtpSettings()
        self.retry_base = retry_base
        self.by_name = {d.name: d for d in destinations}
        self.clock, self.sleep = clock, sleep
        self._client = httpx.Client(timeout=timeout, transport=transport,
                                    headers={"User-Agent": USER_AGENT})

    def close(self) -> None:
        self._client.close()

    def due(self, *, ids: Sequence[int] | None = None) -> list[Outbox]:
        with read_session(self.store.engine) as session:
            query = select(Outbox)
            if ids is not None:
                query = query.where(Outbox.id.in_(list(ids)))
            else:
                query = query.where(Outbox.status == "pending",
                                    Outbox.destination.in_(list(self.by_name)),
                                    func.coalesce(Outbox.next_attempt_at, "") <= now_iso(
                                        self.clock))
            return list(session.execute(query.order_by(Outbox.id)).scalars())

    def deliver_due(self, stop: Callable[[], bool] = lambda: False) -> DeliveryCounts:
        counts = DeliveryCounts()
        for row in self.due():
            if stop():
                break
            self.deliver(row, counts)
        return counts

    def deliver(self, row: Outbox, counts: DeliveryCounts) -> bool:
        """Try one alert (a few times, pausing between); record the outcome; True if sent."""
        error = None
        for attempt in range(IMMEDIATE_TRIES):
            if attempt:
                self.sleep(RETRY_PAUSES[min(attempt - 1, len(RETRY_PAUSES) - 1)])
            error = self._send(row)
            if error is None:
                break
        with write_session(self.store.engine) as session:
            attempts = row.attempts + 1
            values: dict[str, Any] = {"attempts": attempts, "last_error": error}
            if error is None:
                values.update(status="sent", sent_at=now_iso(self.clock), next_attempt_at=None)
                counts.sent += 1
            elif attempts >= MAX_ATTEMPTS:
                values.update(status="failed", next_attempt_at=None)
                counts.gave_up += 1
                log.warning("alert %d to %s: %s; given up after %d attempts (floorcross alerts "
                            "--resend %d sends it again)", row.id, row.destination, error,
                            attempts, row.id)
            else:
                pause = min(RETRY_CAP_S, self.retry_base * 2 ** (attempts - 1))
                values["next_attempt_at"] = now_iso(lambda: self.clock() + pause)
                counts.failed += 1
                log.warning("alert %d to %s: %s; trying again in %s", row.id, row.destination,
                            error, _pause_words(pause))
            session.execute(update(Outbox).where(Outbox.id == row.id).values(**values))
        return error is None

    def _send(self, row: Outbox) -> str | None:
        try:
            if row.channel == "webhook":
                return self._post(row)
            if row.channel == "email":
                return self._mail(row)
            return f"unknown channel {row.channel!r}"
        except Exception as exc:  # noqa: BLE001  (any failure is recorded, then retried)
            return f"{type(exc).__name__}: {exc}"

    def _post(self, row: Outbox) -> str | None:
        try:
            response = self._client.post(row.target, json=row.payload,
                                         headers={"Idempotency-Key": row.payload["alert_id"]})
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {exc}"
        if 200 <= response.status_code < 300:
            return None
        return f"HTTP {response.status_code} {response.reason_phrase}".strip()

    def _mail(self, row: Outbox) -> str | None:
        message = email_message(row.payload, self.smtp.sender, row.target)
        with smtplib.SMTP(self.smtp.host, self.smtp.port, timeout=self.smtp.timeout) as smtp:
            if self.smtp.starttls:
                smtp.starttls()
            credentials = self.smtp.credentials()
            if credentials:
                smtp.login(*credentials)
            smtp.send_message(message)
        return None


def _pause_words(seconds: float) -> str:
    if seconds >= 60:
        return f"{seconds / 60:g} min"
    return f"{seconds:g} s"


def email_message(payload: dict[str, Any], sender: str, to: str) -> EmailMessage:
    """A plain-text e-mail for an alert; its Message-ID is derived from the alert id."""
    message = EmailMessage()
    message["Subject"] = f"floorcross: {payload['text']}"
    message["From"] = sender
    message["To"] = to
    digest = hashlib.sha256(payload["alert_id"].encode()).hexdigest()[:24]
    message["Message-ID"] = make_msgid(idstring=digest, domain="floorcross.alerts")
    message["X-Floorcross-Alert"] = payload["alert_id"]
    lines = [payload["text"], ""]
    if payload.get("evidence"):
        lines += ["Reported as:", f"  {payload['evidence']}", ""]
    facts = [("Person", payload["person"]["name"]), ("Council", payload["council"]["name"]),
             ("Ward", payload["person"]["ward"]), ("Kind", payload["change"]["kind"]),
             ("From", payload["parties"]["from"]), ("To", payload["parties"]["to"]),
             ("Date", payload["date"])]
    lines += [f"{k}: {v}" for k, v in facts if v]
    if payload["source_urls"]:
        lines += ["", "Sources:"] + [f"  {u}" for u in payload["source_urls"]]
    if payload["change"].get("url"):
        lines += ["", f"In floorcross: {payload['change']['url']}"]
    message.set_content("\n".join(lines) + "\n")
    return message


# ------------------------------------------------------------------------------ listing


def list_outbox(store: Store, status: str | None = None, limit: int = 100) -> list[Outbox]:
    """Deliveries, newest first (``status``: pending, sent or failed)."""
    with read_session(store.engine) as session:
        query = select(Outbox)
        if status:
            query = query.where(Outbox.status == status)
        return list(session.execute(query.order_by(Outbox.id.desc()).limit(limit)).scalars())


def requeue(store: Store, ids: Sequence[int], clock: Callable[[], float] = time.time) -> int:
    """Make alerts pending again, due now, with a fresh count of attempts; return how many."""
    with write_session(store.engine) as session:
        result = session.execute(update(Outbox).where(Outbox.id.in_(list(ids))).values(
            status="pending", attempts=0, next_attempt_at=now_iso(clock)))
        return int(result.rowcount or 0)


def mask_target(row: Outbox) -> str:
    """A webhook URL without its secret path (hooks carry their key in the path)."""
    if row.channel != "webhook":
        return row.target
    url = httpx.URL(row.target)
    return f"{url.scheme}://{url.host}{':' + str(url.port) if url.port else ''}/…"

