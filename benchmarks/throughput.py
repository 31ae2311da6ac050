#!/usr/bin/env python3
"""End-to-end ingest throughput on a synthetic news stream, against a naive pipeline.

Builds a stream of N articles (default 20,000) as a JSON Lines export, written to disk a line
at a time: a share of them (default 2%) report a councillor changing party, the rest are the
news around them (sport, business, courts, weather, culture, Westminster politics and council
business, some of it using the same words: "left", "joined", "resigned", "suspended"). Every
article is made from our own templates with names, places and numbers varied; no corpus text.

It then runs ``floorcross ingest`` on that file into a fresh SQLite database, as a separate
process, sampling the memory of it and its workers, and prints articles/s, relevant
articles/s, peak RSS and the same stream through a naive pipeline (spaCy's full pipeline over
every whole article), measured on a sample and extrapolated to the whole stream and all
workers. Targets are read from this report; no test asserts them.

    .venv/bin/python benchmarks/throughput.py                     # or: make throughput
    .venv/bin/python benchmarks/throughput.py --n 100000 --workers 2
    .venv/bin/python benchmarks/throughput.py --n 2000 --relevant-share 1.0 --workers 1
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FIRST = ("Alys", "Bram", "Corin", "Delphine", "Eamon", "Fenella", "Gideon", "Hester", "Ifan",
         "Jocasta", "Kit", "Lowri", "Marek", "Nerys", "Osric", "Perpetua", "Quentin", "Rhona",
         "Silas", "Tamsin", "Ulric", "Verity", "Wystan", "Yolande")
LAST = ("Ashgrove", "Brindley", "Callender", "Dunmore", "Elphick", "Fairweather", "Garside",
        "Hollinrake", "Ingleby", "Jessop", "Kershaw", "Lumsden", "Mottram", "Nettleship",
        "Oddie", "Pilkington", "Quarmby", "Rushworth", "Scrimshaw", "Thwaite", "Umpleby")
COUNCILS = ("Kent County Council", "Leeds City Council", "Bristol City Council",
            "Cornwall Council", "Norfolk County Council", "Sheffield City Council",
            "Derby City Council", "Medway Council", "Luton Borough Council", "Wigan Council",
            "Calderdale Council", "Swindon Borough Council")
WARDS = ("Abbey", "Castle", "Riverside", "Northfield", "Westgate", "Hillside", "Priory",
         "St Mark's", "Brookvale", "Oldfield")
PARTIES = ("Labour", "the Conservatives", "the Liberal Democrats", "the Green Party",
           "Reform UK")
TOWNS = ("Harnby", "Eastwell", "Marlow Vale", "Copperton", "Saltings", "Brackwater")
DAYS = ("on Monday", "on Tuesday", "yesterday", "last night", "this week", "on Friday")

RELEVANT = (
    ("{cllr} {name}, who represents {ward} ward on {council}, has quit {p1} to sit as an "
    "independent.\n{last} said {day} that the decision had not been taken lightly. \"I can no "
    "longer support the direction the group has taken on housing,\" {last} said.\nA spokesperson "
    "for {p1} said the party thanked {last} for their work and would continue to serve "
    "residents of {ward}.\nThe council's next full meeting is on {date}."),
    ("{cllr} {name} has defected from {p1} to {p2}, the latest in a string of changes on "
    "{council}.\nThe {ward} ward member announced the move {day}, saying {p2} offered "
    "\"a real alternative\" for {town}.\nLocal party officials said they were disappointed. The "
    "change leaves the ruling group with a majority of {n}.\n{last} was first elected in {year}."),
    ("{cllr} {name} has been suspended by {p1} pending an investigation into comments made "
    "online.\nA party spokesperson confirmed {day} that the {council} member for {ward} had "
    "been suspended while the complaint was looked into.\n{last} will sit as an independent "
    "during the investigation and has not commented.\nOpposition councillors called for an "
    "apology at the next meeting."),
    ("{cllr} {name} has been expelled from {p1} after standing against an official candidate.\n"
    "The {ward} councillor on {council} was told of the decision {day}. {last} said the "
    "expulsion was \"a badge of honour\" and would carry on representing {town}.\nThe party "
    "said its rules were clear and had been applied fairly."),
    ("{cllr} {name} has had the {p1s} whip restored, {n} months after it was withdrawn.\n"
    "The {council} member for {ward} rejoins the group {day} after completing training, a "
    "spokesperson said.\n{last} said: \"I am pleased to be back and to get on with the job.\""),
)
IRRELEVANT = (
    ("sport", ("{town} Rovers came from behind to beat {town2} {n}-{m} on Saturday, with {name} "
     "scoring twice in the second half.\nThe striker, who joined from {town2} in the summer, "
     "left the pitch to a standing ovation. Manager {name2} said the squad had shown real "
     "character.\nRovers are now {n} points clear at the top of the league with {m} games left. "
     "They return to action on Tuesday night at home to {town3}.\nTickets remain on sale from "
     "the club shop.")),
    ("business", ("Shares in {town} Foods fell {n}% after the company warned on profits, blaming "
     "higher energy costs.\nChief executive {name} said the board had moved quickly to cut "
     "costs and expected trading to return to growth next year. The firm employs {m}00 people "
     "across the region.\nAnalysts said the warning had been expected after a difficult "
     "quarter for food producers.\nThe company will publish its full results in March.")),
    ("courts", ("A {n}-year-old man from {town} has been given a suspended sentence after "
     "admitting dangerous driving.\n{town2} Crown Court heard that {name} had driven at more "
     "than {m}0mph on the bypass before crashing into a fence.\nThe judge said he had shown "
     "genuine remorse. He was banned from driving for two years and ordered to do {m}0 hours of "
     "unpaid work.\nPolice welcomed the sentence.")),
    ("weather", ("Heavy rain is expected across {town} and {town2} this weekend, with the Met "
     "Office issuing a yellow warning.\nUp to {n}0mm could fall on higher ground, and drivers "
     "are advised to allow extra time for journeys.\nForecasters said temperatures would stay "
     "mild for the time of year, with brighter weather arriving on Monday.\nThe Environment "
     "Agency said it was monitoring river levels.")),
    ("culture", ("The {town} Players open their new season next week with a production of "
     "a classic comedy at the Corn Exchange.\nDirector {name} said the cast of {n} had been "
     "rehearsing since the summer. The company, founded in 19{m}0, stages three shows a year.\n"
     "Tickets cost £{n}2 and are available from the box office.\nA matinee has been added for "
     "Saturday afternoon.")),
    ("westminster", ("The MP for {town} has called on the government to do more to support "
     "bus routes in rural areas.\n{name}, speaking in a Commons debate, said {n} services had "
     "been cut in the past year. The transport minister said funding had been increased.\nThe "
     "debate was secured by a group of {m} MPs from across the House.\nA report on rural "
     "transport is due later this year.")),
    ("council", ("{council} has approved plans for {n}00 new homes on the edge of {town} "
     "despite objections from residents.\nCouncillor {name}, the cabinet member for planning, "
     "said the scheme would bring much-needed affordable housing. Opposition members said the "
     "roads could not cope.\nThe developer has agreed to pay £{m} million towards a new school. "
     "Work is expected to start next spring.")),
    ("council", ("{cllr} {name} has been named chair of {council}'s scrutiny committee.\nThe "
     "{ward} councillor said she wanted to look closely at waiting times for adult social "
     "care. The committee meets {n} times a year.\nThe previous chair stood down after {m} "
     "years in the role to spend more time with family.\nResidents can watch meetings online.")),
)


def _fill(template: str, rng: random.Random) -> str:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    p1, p2 = rng.sample(PARTIES, 2)
    town, town2, town3 = rng.sample(TOWNS, 3)
    values = {
        "cllr": rng.choice(("Councillor", "Cllr")), "name": f"{first} {last}", "last": last,
        "name2": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "ward": rng.choice(WARDS),
        "council": rng.choice(COUNCILS), "p1": p1, "p2": p2,
        "p1s": re.sub(r"^the ", "", p1).rstrip("s") if p1 != "Reform UK" else p1,
        "day": rng.choice(DAYS), "town": town, "town2": town2, "town3": town3,
        "n": rng.randint(2, 9), "m": rng.randint(2, 9), "year": rng.randint(2012, 2022),
        "date": f"{rng.randint(1, 28)} {rng.choice(('March', 'June', 'October'))}",
    }
    return template.format(**values)


FILLER = (("{town} has a long history as a market town, and its high street still draws "
          "visitors from across the county on weekends."),
          "Readers can send their views to the newsdesk by email or by post.",
          "The story will be updated as more information becomes available.",
          "Figures published last month showed the number of visitors rose by {n}%.",
          ("Traders on the high street said footfall had picked up since the new car park "
           "opened, although several units are still empty after the closure of a bank branch."),
          ("The town's library will open later on Thursdays from next month, and a new "
           "reading group for teenagers starts in the spring."),
          ("Volunteers from a local charity spent the weekend clearing litter from the river "
           "path between the mill and the old railway bridge."),
          ("A spokesperson for the bus operator said timetables on the number {n} route would "
           "change in the new year to improve reliability at peak times."),
          ("Parents at the primary school have raised more than £{m},000 for new playground "
           "equipment through a series of quiz nights and a sponsored walk."),
          ("The farmers' market returns to the square on the first Saturday of every month, "
           "with stalls selling bread, cheese, cider and plants."),
          ("Police have reminded drivers to take care on the bypass after a run of minor "
           "collisions near the roundabout in recent weeks."),
          ("A public meeting about plans for the former hospital site will be held in the "
           "community centre, where residents can look at drawings and ask questions."),
          ("The museum's new exhibition looks at {n} centuries of the town's history, from its "
           "medieval charter to the closure of the last shoe factory."),
          ("Organisers of the summer festival are looking for stewards and first aiders and "
           "say anyone interested should get in touch before the end of the month."))


def stream(n: int, share: float, seed: int = 7) -> Iterator[dict[str, object]]:
    """N articles, ``share`` of them relevant (spread evenly), generated one at a time."""
    rng = random.Random(seed)
    relevant_every = 1 / share if share > 0 else 0
    next_relevant = relevant_every / 2 if relevant_every else n + 1
    for i in range(n):
        if relevant_every and i >= next_relevant - 1:
            next_relevant += relevant_every
            kind, template = "relevant", rng.choice(RELEVANT)
        else:
            kind, template = rng.choice(IRRELEVANT)
        body = _fill(template, rng)
        # Real stories run to a few kilobytes: pad with the stream's filler paragraphs.
        extra = "\n".join(_fill(rng.choice(FILLER), rng) for _ in range(rng.randint(6, 18)))
        day = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        yield {"url": f"https://news.example/{kind}/{i}", "title": body.split("\n", 1)[0][:80],
               "published": day, "text": f"{body}\n{extra}\n", "id": f"{kind}-{i}"}


def write_stream(path: Path, n: int, share: float) -> tuple[int, int]:
    """Write the stream as JSON Lines; return (articles, bytes)."""
    with path.open("w", encoding="utf-8") as fh:
        for article in stream(n, share):
            fh.write(json.dumps(article) + "\n")
    return n, path.stat().st_size


def run_ingest(path: Path, db: Path, workers: int, relevant_only: bool,
               batch_size: int) -> dict[str, object]:
    """``floorcross ingest`` in its own process; wall time, summary and memory samples."""
    import psutil

    args = [sys.executable, "-c", "from floorcross.cli import main; main()", "ingest",
            str(path), "--db", str(db), "--workers", str(workers), "--batch-size",
            str(batch_size), "--relevant-only" if relevant_only else "--keep-irrelevant"]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    parent = psutil.Process(proc.pid)
    samples: list[tuple[float, int, int]] = []  # (seconds, tree RSS, largest process RSS)
    while proc.poll() is None:
        try:
            procs = [parent, *parent.children(recursive=True)]
            rss = [p.memory_info().rss for p in procs if p.is_running()]
        except psutil.Error:
            rss = []
        if rss:
            samples.append((time.perf_counter() - started, sum(rss), max(rss)))
        time.sleep(0.2)
    _out, err = proc.communicate()
    seconds = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"ingest failed ({proc.returncode}):\n{err}")
    summary = [line for line in err.splitlines() if " read: " in line]
    return {"seconds": seconds, "summary": summary[-1] if summary else err.strip(),
            "samples": samples}


def naive_rate(sample: int, share: float) -> dict[str, object]:
    """spaCy's full pipeline over whole articles on one core: articles/s on a sample."""
    import spacy

    from floorcross.nlp import MODEL

    nlp = spacy.load(MODEL)
    texts = [str(a["text"]) for a in stream(sample + 8, share, seed=11)]
    list(nlp.pipe(texts[:8]))
    started = time.perf_counter()
    for _ in nlp.pipe(texts[8:], batch_size=64):
        pass
    seconds = time.perf_counter() - started
    return {"articles": sample, "seconds": seconds, "articles_per_s": sample / seconds,
            "pipeline": ",".join(nlp.pipe_names)}


def _mib(n: float) -> float:
    return round(n / 2**20, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20_000, help="articles (default 20000)")
    parser.add_argument("--relevant-share", type=float, default=0.02,
                        help="share reporting a change (default 0.02)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--batch-size", type=int, default=64, help="articles per batch (64)")
    parser.add_argument("--keep-irrelevant", action="store_true",
                        help="store every article (default: --relevant-only, as for archives)")
    parser.add_argument("--naive-sample", type=int, default=300,
                        help="articles for the naive pipeline's rate (default 300; 0 skips)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.n < 1 or not 0 <= args.relevant_share <= 1 or args.workers < 1:
        parser.error("--n and --workers must be at least 1, --relevant-share within 0..1")

    with tempfile.TemporaryDirectory(prefix="floorcross-throughput-") as tmp:
        path, db = Path(tmp) / "stream.jsonl", Path(tmp) / "floorcross.db"
        started = time.perf_counter()
        _, size = write_stream(path, args.n, args.relevant_share)
        build_seconds = time.perf_counter() - started
        run = run_ingest(path, db, args.workers, not args.keep_irrelevant, args.batch_size)
        db_bytes = db.stat().st_size if db.exists() else 0
    seconds = float(run["seconds"])  # type: ignore[arg-type]
    relevant = round(args.n * args.relevant_share)
    match = re.search(r"(\d+) relevant", str(run["summary"]))
    found_relevant = int(match.group(1)) if match else 0
    samples: list[tuple[float, int, int]] = run["samples"]  # type: ignore[assignment]
    peak_tree = max((s[1] for s in samples), default=0)
    peak_one = max((s[2] for s in samples), default=0)
    quarters = [_mib(samples[min(len(samples) - 1, int(len(samples) * q))][1])
                for q in (0.25, 0.5, 0.75, 0.99)] if samples else []
    figures: dict[str, object] = {
        "articles": args.n, "relevant_share": args.relevant_share, "relevant_generated": relevant,
        "relevant_found": found_relevant, "workers": args.workers,
        "mode": "keep-irrelevant" if args.keep_irrelevant else "relevant-only",
        "stream_mib": _mib(size), "stream_build_seconds": round(build_seconds, 1),
        "seconds": round(seconds, 2), "articles_per_s": round(args.n / seconds, 1),
        "relevant_articles_per_s": round(found_relevant / seconds, 2),
        "relevant_articles_per_s_per_core": round(found_relevant / seconds / args.workers, 2),
        "peak_rss_mib_all_processes": _mib(peak_tree), "peak_rss_mib_largest_process": _mib(
            peak_one), "rss_mib_at_quarters_of_the_run": quarters, "database_mib": _mib(db_bytes),
        "summary": run["summary"], "cpus_available": len(os.sched_getaffinity(0)),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    if args.naive_sample:
        naive = naive_rate(args.naive_sample, args.relevant_share)
        rate = float(naive["articles_per_s"]) * args.workers  # type: ignore[arg-type]
        figures["naive"] = {**naive, "extrapolated_articles_per_s": round(rate, 1),
                            "extrapolated_seconds": round(args.n / rate, 1)}
        figures["speedup_over_naive"] = round(args.n / seconds / rate, 1)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"floorcross ingest, {args.n} synthetic articles ({args.relevant_share:.0%} relevant, "
          f"{figures['stream_mib']} MiB JSONL) -> fresh SQLite, --workers {args.workers}, "
          f"{figures['mode']}")
    print(f"  {run['summary']}")
    print(f"  seconds end to end          {seconds:>10.1f}")
    print(f"  articles/s                  {figures['articles_per_s']:>10}")
    print(f"  relevant articles/s         {figures['relevant_articles_per_s']:>10}   "
          f"({figures['relevant_articles_per_s_per_core']} per worker)")
    print(f"  peak RSS, all processes     {figures['peak_rss_mib_all_processes']:>10} MiB   "
          f"(largest one {figures['peak_rss_mib_largest_process']} MiB)")
    print(f"  RSS at 1/4, 1/2, 3/4, end   {quarters} MiB")
    print(f"  database                    {figures['database_mib']:>10} MiB")
    if args.naive_sample:
        nv = figures["naive"]
        print(f"naive: spaCy's full pipeline ({nv['pipeline']}) over every whole article, measured "  # type: ignore[index]
              f"on a sample of {nv['articles']} articles of the same stream on one core, "  # type: ignore[index]
              f"extrapolated to {args.n} articles on {args.workers} cores")
        print(f"  articles/s (extrapolated)   {nv['extrapolated_articles_per_s']:>10}   "  # type: ignore[index]
              f"({nv['extrapolated_seconds']} s for the stream)")  # type: ignore[index]
        print(f"  speed-up over naive         {figures['speedup_over_naive']:>10}x")
    print(f"  (CPUs available: {figures['cpus_available']}, 1-minute load average at the end: "
          f"{figures['load_average_1min']}; other work on the machine lowers these figures)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
