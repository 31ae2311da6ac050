#!/usr/bin/env python3
"""The web app at newsroom scale: p50/p95 per route on a database of 50,000 changes.

Builds (once, then reuses) a SQLite database of N changes (default 50,000) made from our own
templates: people on real councils (the gazetteer's GSS codes), articles with a headline,
outlet and date, one or two reports per change, seat counts articles stated, baselines for a
share of the councils, a few hundred corrections and one editor. Rows go in with bulk inserts
straight into the tables, as ``store.sync`` would have written them, so building takes seconds
rather than the hours an ingest of 50,000 articles would.

It then drives the ASGI app in-process (Starlette's TestClient: no network, no server) and
prints, for every route, the median and 95th percentile over ``--repeat`` requests, then the
resident memory of the process before and after ``--memory-requests`` more requests spread
over all the routes (a flat line means no per-request leak). No test asserts these figures.

    .venv/bin/python benchmarks/web.py                       # 50,000 changes, 30 requests each
    .venv/bin/python benchmarks/web.py --changes 5000 --repeat 10
    .venv/bin/python benchmarks/web.py --db postgresql+psycopg://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, os.environ.get("FLOORCROSS_SRC", str(ROOT / "src")))

FIRST = ("Alys", "Bram", "Corin", "Delphine", "Eamon", "Fenella", "Gideon", "Hester", "Ifan",
         "Jocasta", "Kit", "Lowri", "Marek", "Nerys", "Osric", "Perpetua", "Quentin", "Rhona",
         "Silas", "Tamsin", "Ulric", "Verity", "Wystan", "Yolande", "Zofia", "Anwen", "Bartholomew",
         "Cerys", "Dorian", "Elspeth")
LAST = ("Ashgrove", "Brindley", "Callender", "Dunmore", "Elphick", "Fairweather", "Garside",
        "Hollinrake", "Ingleby", "Jessop", "Kettlewell", "Lomax", "Marchbank", "Nettleship",
        "Oldroyd", "Pickersgill", "Quarmby", "Rawcliffe", "Sowerby", "Thistlethwaite",
        "Umpleby", "Varley", "Wadsworth", "Yeadon", "Ackroyd", "Birtwistle", "Cowgill",
        "Dewhirst", "Entwistle", "Fothergill", "Greenhalgh", "Haworth", "Illingworth")
PARTIES = ("Labour", "Conservative", "Liberal Democrats", "Green", "Reform UK", "Independent",
           "Plaid Cymru", "SNP")
OUTLETS = (("Northgate Gazette", "www.northgate-gazette.example"),
           ("Vale Courier", "www.valecourier.example"),
           ("The Borough Echo", "boroughecho.example"),
           ("Riverside Post", "news.riversidepost.example"),
           (None, "www.localnewswire.example"))
KINDS = (("defection", 0.7), ("suspension", 0.15), ("expulsion", 0.05), ("readmission", 0.1))
VERBS = {"defection": "has left {a} to join {b}", "suspension": "has been suspended by {a}",
         "expulsion": "has been expelled by {a}", "readmission": "has been readmitted to {b}"}


def _pick_kind(rng: random.Random) -> str:
    x, total = rng.random(), 0.0
    for kind, share in KINDS:
        total += share
        if x < total:
            return kind
    return "defection"


def build(url: str, n_changes: int, seed: int = 17) -> None:
    """Fill an empty store at ``url`` with ``n_changes`` changes and everything around them."""
    from sqlalchemy import insert

    from floorcross.normalise.councils import gazetteer
    from floorcross.resolve import describe_date, slug
    from floorcross.store import open_store
    from floorcross.store.db import write_session
    from floorcross.store.ledger_models import CouncilBaseline
    from floorcross.store.models import (
        Article,
        ArticleUrl,
        Change,
        ChangeSource,
        Composition,
        Correction,
        Extraction,
        Person,
        PersonName,
    )

    rng = random.Random(seed)
    councils = [c for c in gazetteer().current_councils() if c.gss][:320]
    start_day = date(2019, 1, 1)
    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in (
        "articles", "article_urls", "extractions", "people", "person_names", "changes",
        "change_sources", "compositions", "corrections", "council_baselines")}
    n_people = int(n_changes * 0.8)
    people = []
    for pid in range(1, n_people + 1):
        council = councils[pid % len(councils)]
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name = f"{first} {last}"
        key = f"{slug(council.nice_name or council.official_name)}/{slug(name)}-{pid}"
        ward = f"{rng.choice(LAST)} {rng.choice(('North', 'South', 'Central', 'Park', 'Hill'))}"
        people.append((pid, name, council, ward, first, last))
        rows["people"].append({"id": pid, "key": key, "name": name,
                               "council": council.official_name, "council_gss": council.gss,
                               "ward": ward, "office": "councillor"})
    name_id = 1
    for pid, name, _c, _w, first, last in people:
        for form in ((name, f"{first[0]} {last}") if pid % 3 == 0 else (name,)):
            rows["person_names"].append({"id": name_id, "person_id": pid, "name": form})
            name_id += 1

    source_id = 1
    article_id = 0
    party_of: dict[int, str] = {}
    for cid in range(1, n_changes + 1):
        pid = cid if cid <= n_people else rng.randint(1, n_people)
        _, name, council, ward, _first, last = people[pid - 1]
        kind = _pick_kind(rng)
        old = party_of.get(pid) or rng.choice(PARTIES[:6])
        new = rng.choice([p for p in PARTIES[:6] if p != old])
        from_party, to_party = {
            "defection": (old, new), "suspension": (old, None), "expulsion": (old, None),
            "readmission": (None, old)}[kind]
        if kind == "defection" and rng.random() < 0.03:
            from_party = None  # a party unknown: low confidence
        if to_party:
            party_of[pid] = to_party
        day = start_day + timedelta(days=rng.randint(0, 7 * 365))
        precision = rng.random()
        when = (None if precision < 0.04 else day.isoformat()[:7] if precision < 0.2
                else day.isoformat())
        start, end = describe_date(when)
        reported = (day + timedelta(days=rng.randint(0, 6))).isoformat()
        review = rng.choices(("unreviewed", "verified", "rejected"), (88, 10, 2))[0]
        verb = VERBS[kind].format(a=from_party or "the party", b=to_party or "the party")
        reports = 2 if rng.random() < 0.15 else 1
        for r in range(reports):
            article_id += 1
            outlet, host = OUTLETS[(cid + r) % len(OUTLETS)]
            published = (day + timedelta(days=rng.randint(0, 6) + r)).isoformat()
            sentence = f"Councillor {name}, who represents {ward}, {verb}."
            text = (f"{sentence} The {council.nice_name or council.official_name} councillor "
                    f"said the decision had not been easy. Colleagues were told at a meeting on "
                    f"{published}. Story {article_id}.")
            link = f"https://{host}/news/{article_id}-{slug(last)}-{kind}"
            title = f"{last} {verb.split(' to ')[0].replace('has ', '')}" if r == 0 else None
            event = {"kind": kind, "status": "new" if r == 0 or rng.random() < 0.5
                     else "background", "person": name, "council": council.official_name,
                     "council_inferred": rng.random() < 0.05, "ward": ward,
                     "from_party": from_party, "to_party": to_party, "date": when,
                     "evidence": [{"start": 0, "end": len(sentence), "text": sentence}],
                     "quotes": []}
            rows["articles"].append({
                "id": article_id, "content_hash": f"{article_id:064x}", "doc": f"a{article_id}",
                "url": link, "title": title, "outlet": outlet, "published": published,
                "text": text})
            rows["article_urls"].append({"id": article_id, "article_id": article_id, "url": link,
                                         "origin": link, "doc": f"a{article_id}"})
            rows["extractions"].append({
                "id": article_id, "article_id": article_id, "extractor_version": "bench",
                "relevant": 1, "events": 1,
                "record": {"doc": f"a{article_id}", "published": published, "relevant": True,
                           "events": [event]}})
            rows["change_sources"].append({
                "id": source_id, "change_id": cid, "article_id": article_id,
                "extraction_id": article_id, "event_index": 0, "status": event["status"],
                "person_name": name, "date": when, "evidence_text": sentence,
                "evidence": event["evidence"], "quotes": []})
            source_id += 1
        rows["changes"].append({
            "id": cid, "key": f"{people[pid - 1][2].gss}/{pid}/{cid}-{kind}", "person_id": pid,
            "kind": kind, "from_party": from_party, "to_party": to_party,
            "council": council.official_name, "council_gss": council.gss, "ward": ward,
            "office": "councillor", "role": None, "date": when, "date_start": start,
            "date_end": end, "reported": reported, "review": review, "corrected": None})
    for i in range(1, n_changes // 25 + 1):
        council = councils[i % len(councils)]
        rows["compositions"].append({
            "id": i, "article_id": rng.randint(1, article_id), "extraction_id": 1,
            "council": council.official_name, "council_gss": council.gss,
            "party": rng.choice(PARTIES[:5]), "seats": rng.randint(3, 40),
            "date": (start_day + timedelta(days=rng.randint(0, 7 * 365))).isoformat()})
    bid = 1
    for council in councils[:120]:
        for party in PARTIES[:5]:
            rows["council_baselines"].append({
                "id": bid, "council_key": council.gss, "council": council.official_name,
                "council_gss": council.gss, "party": party, "seats": rng.randint(5, 30),
                "date": "2019-05-02", "source": "bench"})
            bid += 1
    for i in range(1, min(600, n_changes // 80) + 1):
        change = rows["changes"][rng.randint(0, n_changes - 1)]
        action = rng.choice(("verify_change", "correct_change"))
        rows["corrections"].append({
            "id": i, "action": action, "target_key": change["key"], "other_key": None,
            "field": "ward" if action == "correct_change" else None,
            "value": change["ward"] if action == "correct_change" else None,
            "anchor": None, "author": "editor", "note": "checked against the source",
            "created_at": f"2026-0{1 + i % 9}-1{i % 10}T10:00:00+00:00",
            **({"orphaned": 0} if hasattr(Correction, "orphaned") else {})})

    tables = {"articles": Article, "article_urls": ArticleUrl, "extractions": Extraction,
              "people": Person, "person_names": PersonName, "changes": Change,
              "change_sources": ChangeSource, "compositions": Composition,
              "corrections": Correction, "council_baselines": CouncilBaseline}
    store = open_store(url)
    try:
        with write_session(store.engine) as session:
            for name, model in tables.items():
                data = rows[name]
                for i in range(0, len(data), 5000):
                    session.execute(insert(model), data[i:i + 5000])
            try:  # the derived columns of later versions (flags, counts), when there are any
                from floorcross.store.derived import refresh_all
            except ImportError:
                pass
            else:
                refresh_all(session)
        from floorcross.web.users import add_user

        add_user(store, "editor", "correct horse battery staple")
    finally:
        store.close()


def routes(client: Any) -> list[tuple[str, str]]:
    """(label, path) for every page and API route measured."""
    some = client.get("/api/changes", params={"limit": 1}).json()["items"][0]
    council = client.get("/api/councils").json()["items"][0]["gss"]
    person = some["person_id"]
    return [
        ("home", "/"),
        ("home low confidence", "/?confidence=low"),
        ("home page 40", "/?page=40"),
        ("home by council", f"/?council={council}"),
        ("home by party", "/?party=Green&since=2023"),
        ("councils", "/councils"),
        ("council page", f"/councils/{council}"),
        ("flows", "/flows"),
        ("search Labour", "/search?q=Labour"),
        ("search a name", "/search?q=Tamsin+Lomax"),
        ("people", "/people"),
        ("person", f"/people/{person}"),
        ("change", f"/changes/{some['id']}"),
        ("article", f"/articles/{some['article_id']}"),
        ("review low confidence", "/review?confidence=low"),
        ("review conflicts", "/review?conflicts=1"),
        ("corrections", "/corrections"),
        ("feed.atom", "/feed.atom"),
        ("api changes", "/api/changes"),
        ("api changes low", "/api/changes?confidence=low&limit=100"),
        ("api change", f"/api/changes/{some['id']}"),
        ("api people", "/api/people"),
        ("api people q", "/api/people?q=Lomax"),
        ("api person", f"/api/people/{person}"),
        ("api councils", "/api/councils"),
        ("api council", f"/api/councils/{council}"),
        ("api council history", f"/api/councils/{council}/history"),
        ("api conflicts", "/api/conflicts"),
        ("api compositions", "/api/compositions"),
        ("api flows", "/api/flows"),
        ("api search", "/api/search?q=Labour"),
        ("api corrections", "/api/corrections"),
    ]


def rss_mb() -> float:
    import psutil

    return psutil.Process(os.getpid()).memory_info().rss / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=30, help="requests per route")
    parser.add_argument("--memory-requests", type=int, default=1000)
    parser.add_argument("--db", help="database URL or SQLite file (default: benchmarks/out/"
                                     "web-N.db, built if missing)")
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument("--only", help="only routes whose label contains this")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args(argv)

    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    url = args.db or f"sqlite:///{out / f'web-{args.changes}.db'}"
    if "://" not in url:
        url = f"sqlite:///{url}"
    path = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None
    if path is not None and args.rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    if path is None or not path.exists():
        t0 = time.perf_counter()
        build(url, args.changes)
        print(f"built {args.changes} changes in {time.perf_counter() - t0:.1f} s: {url}")

    from fastapi.testclient import TestClient

    from floorcross.web import create_app

    app = create_app(url, secret_key="bench")
    figures: dict[str, dict[str, float]] = {}
    with TestClient(app) as client:
        page = client.get("/login").text
        token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        client.post("/login", data={"name": "editor", "password": "correct horse battery staple",
                                    "csrf_token": token, "next": "/review"},
                    follow_redirects=False)
        measured = [r for r in routes(client) if not args.only or args.only in r[0]]
        print(f"{'route':<24} {'first':>8} {'p50 ms':>8} {'p95 ms':>8}  status")
        for label, target in measured:
            times = []
            status = 0
            for _ in range(args.repeat + 1):
                t0 = time.perf_counter()
                response = client.get(target)
                times.append((time.perf_counter() - t0) * 1000)
                status = response.status_code
            first, rest = times[0], sorted(times[1:])
            p50 = statistics.median(rest)
            p95 = rest[min(len(rest) - 1, round(0.95 * (len(rest) - 1)))]
            figures[label] = {"first": round(first, 1), "p50": round(p50, 1),
                              "p95": round(p95, 1), "status": status}
            print(f"{label:<24} {first:8.1f} {p50:8.1f} {p95:8.1f}  {status}  {target}",
                  flush=True)
        if args.memory_requests:
            gc.collect()
            before = rss_mb()
            marks = []
            for i in range(args.memory_requests):
                client.get(measured[i % len(measured)][1])
                if (i + 1) % max(1, args.memory_requests // 4) == 0:
                    marks.append(round(rss_mb(), 1))
            gc.collect()
            after = rss_mb()
            print(f"memory (RSS) over {args.memory_requests} requests: {before:.1f} MB before, "
                  f"{' -> '.join(map(str, marks))} MB at each quarter, {after:.1f} MB after")
            figures["_memory"] = {"before_mb": round(before, 1), "after_mb": round(after, 1)}
    worst = max((v["p95"], k) for k, v in figures.items() if not k.startswith("_"))
    print(f"worst p95: {worst[0]:.1f} ms ({worst[1]})")
    if args.json:
        print(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
