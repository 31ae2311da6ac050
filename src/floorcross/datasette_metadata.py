"""Datasette metadata for a floorcross database: what each table and column means, where the
data come from, under what terms, and canned queries a newsroom asks first.

``metadata(db_name)`` builds the dictionary; ``write_metadata(db_path)`` writes it as
``metadata.json`` beside the database, so that::

    datasette floorcross.db --metadata metadata.json

serves the record with every table and column described (from the schema's own comments, the
same text as ``docs/schema.md``) and three canned queries: ``changes_this_month``,
``net_seats_by_party_per_council`` and ``people_with_more_than_one_change``. Datasette reads
SQLite only; the queries are SQLite's dialect.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from floorcross.store.models import Base

TITLE = "floorcross: UK councillors changing party"
DESCRIPTION = (
    "Changes of party affiliation by UK councillors (defections, suspensions, expulsions and "
    "readmissions) extracted from local news by floorcross. Every change links to the articles "
    "reporting it and the sentences that state it (change_sources). Rejected changes are kept "
    "with review = 'rejected'; the canned queries leave them out. The quoted sentences "
    "remain their publishers' work, quoted for reporting; the source of every fact is listed."
)
# The publisher of a database chooses its licence (``--licence``); none is claimed for them.
LICENCE = "Not chosen: set one with floorcross datasette-metadata --licence ... --licence-url ..."
LICENCE_URL: str | None = None
SOURCE = "Local news articles (see the articles table: outlet, URL and date of each)"

VIEW_DESCRIPTIONS = {
    "changes_view": "Changes with the person's name, one row per change (rejected included).",
    "sources_view": "Each report of each change with its article's outlet, title, URL and date.",
    "people_view": "People with their aliases and number of changes.",
}

QUERIES: dict[str, dict[str, str]] = {
    "changes_this_month": {
        "title": "Changes this month",
        "description": "Changes (not rejected) that happened, or were first reported, since the "
                       "first day of the current month, newest first.",
        "sql": """select c.id, c.key, p.name as person, c.kind, c.from_party, c.to_party,
  c.council, c.council_gss, c.ward, c.date, c.reported, c.review, c.sources
from changes c join people p on p.id = c.person_id
where c.review != 'rejected'
  and coalesce(c.date_end, c.reported) >= date('now', 'start of month')
order by coalesce(c.reported, c.date) desc, c.id desc""",
    },
    "net_seats_by_party_per_council": {
        "title": "Net seats by party per council",
        "description": "For each council and party: changes joining it (gained), leaving it "
                       "(lost) and the net. Counts changes as recorded; the composition ledger "
                       "(floorcross council) also applies baselines and its rules for "
                       "suspensions.",
        "sql": """with moves as (
  select council, council_gss, to_party as party, 1 as delta from changes
  where review != 'rejected' and to_party is not null
  union all
  select council, council_gss, from_party as party, -1 as delta from changes
  where review != 'rejected' and from_party is not null
)
select council, council_gss, party,
  sum(delta > 0) as gained, sum(delta < 0) as lost, sum(delta) as net
from moves
group by council, council_gss, party
order by council, net desc, party""",
    },
    "people_with_more_than_one_change": {
        "title": "People with more than one change",
        "description": "People with two or more changes not rejected, most changes first, with "
                       "the parties they went through in date order.",
        "sql": """select p.id, p.key, p.name, p.council, count(c.id) as changes,
  group_concat(c.kind || ': ' || coalesce(c.from_party, '?') || ' -> '
               || coalesce(c.to_party, '?'), '; ') as path
from people p
join (select * from changes where review != 'rejected'
      order by person_id, coalesce(date_start, reported), id) c on c.person_id = p.id
group by p.id
having count(c.id) > 1
order by changes desc, p.name""",
    },
}


def table_metadata() -> dict[str, dict[str, Any]]:
    """Every table's description and its columns', from the models' comments, and the views'."""
    tables: dict[str, dict[str, Any]] = {}
    for table in Base.metadata.sorted_tables:
        tables[table.name] = {
            "description": table.comment or "",
            "columns": {c.name: c.comment or "" for c in table.columns},
        }
    if "users" in tables:  # password hashes are nobody's business
        tables["users"]["hidden"] = True
    for name, text in VIEW_DESCRIPTIONS.items():
        tables[name] = {"description": text}
    return tables


def metadata(db_name: str, *, title: str = TITLE, licence: str = LICENCE,
             licence_url: str | None = LICENCE_URL, source: str = SOURCE,
             source_url: str | None = None) -> dict[str, Any]:
    """Datasette's metadata for a database served under the name ``db_name``."""
    data: dict[str, Any] = {
        "title": title, "description": DESCRIPTION, "license": licence, "source": source,
        "databases": {db_name: {
            "description": DESCRIPTION, "tables": table_metadata(),
            "queries": {name: dict(q) for name, q in QUERIES.items()},
        }},
    }
    if licence_url:
        data["license_url"] = licence_url
    if source_url:
        data["source_url"] = source_url
    return data


def write_metadata(db_path: str | Path, output: str | Path | None = None,
                   **options: Any) -> Path:
    """Write ``metadata.json`` beside the SQLite file ``db_path`` (or to ``output``)."""
    db = Path(db_path)
    target = Path(output) if output else db.parent / "metadata.json"
    text = json.dumps(metadata(db.stem, **options), indent=2, ensure_ascii=False) + "\n"
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    return target


__all__ = ["QUERIES", "metadata", "table_metadata", "write_metadata"]
