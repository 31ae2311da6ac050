"""Corrections on the CLI: ``floorcross change reject|verify|correct|show``,
``floorcross people merge|split`` and ``floorcross corrections``.

Each is one call to the store's correction API; corrections are stored with their author and
note and survive re-extraction (see ``docs/schema.md``, "Corrections").
"""

from __future__ import annotations

import getpass
import os
from typing import Annotated, Any

import typer

from floorcross.cli import app
from floorcross.cli.output import ListFormat, emit, handled, say
from floorcross.cli.store import (
    CHANGE_COLUMNS,
    DbOption,
    FormatOption,
    change_app,
    change_dict,
    open_db,
    people_app,
)


def default_author() -> str:
    """``$FLOORCROSS_AUTHOR``, else the login name."""
    try:
        return os.environ.get("FLOORCROSS_AUTHOR") or getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "unknown"


AuthorOption = Annotated[str | None, typer.Option(
    "--author", help="Who makes the correction (default: $FLOORCROSS_AUTHOR or your login).")]
NoteOption = Annotated[str | None, typer.Option("--note", help="Why (kept with the correction).")]
ChangeArg = Annotated[str, typer.Argument(metavar="CHANGE", help="Change id or key.")]


def _done(correction: Any) -> None:
    target = correction.target_key
    if correction.other_key:
        target = f"{correction.other_key} into {target}"
    say(f"correction {correction.id}: {correction.action} {target}")


@change_app.command("show", help="Show one change with its sources.\n\n"
                                 "Example: floorcross change show 12")
def change_show_command(change: ChangeArg, fmt: FormatOption = ListFormat.table,
                        db: DbOption = None) -> None:
    store = open_db(db)
    with handled():
        found = store.change(change)
        emit([change_dict(found)], fmt, CHANGE_COLUMNS if fmt is ListFormat.table
             else tuple(change_dict(found)), headers={"change": "from → to"})
        sources = [s.as_dict() for s in store.sources(found.id)]
        if fmt is ListFormat.table:
            emit(sources, fmt, ("article_id", "published", "outlet", "status", "url",
                                "evidence_text"), title="Sources")
    store.close()


@change_app.command("reject", help="Mark a change as wrong: it leaves listings and exports but "
                                   "stays in the database.\n\n"
                                   "Example: floorcross change reject 12 --note 'misread'")
def change_reject_command(change: ChangeArg, author: AuthorOption = None,
                          note: NoteOption = None, db: DbOption = None) -> None:
    store = open_db(db)
    with handled():
        _done(store.reject_change(change, author or default_author(), note))
    store.close()


@change_app.command("verify", help="Mark a change as checked against its sources.\n\n"
                                   "Example: floorcross change verify 12")
def change_verify_command(change: ChangeArg, author: AuthorOption = None,
                          note: NoteOption = None, db: DbOption = None) -> None:
    store = open_db(db)
    with handled():
        _done(store.verify_change(change, author or default_author(), note))
    store.close()


@change_app.command("correct", help="Fix one field of a change: kind, from_party, to_party, "
                                    "council, ward, office, role or date (give '' to clear).\n\n"
                                    "Example: floorcross change correct 12 date 2023-09-14")
def change_correct_command(
    change: ChangeArg,
    field: Annotated[str, typer.Argument(metavar="FIELD", help="The field to fix.")],
    value: Annotated[str, typer.Argument(metavar="VALUE", help="Its right value.")],
    author: AuthorOption = None, note: NoteOption = None, db: DbOption = None,
) -> None:
    store = open_db(db)
    with handled():
        _done(store.correct_change(change, field, value, author or default_author(), note))
    store.close()


@people_app.command("merge", help="Make two people one: the second's changes move to the first "
                                  "(reports of the same change become one change).\n\n"
                                  "Example: floorcross people merge 3 7")
def people_merge_command(
    keep: Annotated[str, typer.Argument(metavar="KEEP", help="Person id or key to keep.")],
    other: Annotated[str, typer.Argument(metavar="OTHER", help="Person id or key merged in.")],
    author: AuthorOption = None, note: NoteOption = None, db: DbOption = None,
) -> None:
    store = open_db(db)
    with handled():
        _done(store.merge_people(keep, other, author or default_author(), note))
    store.close()


@people_app.command("split", help="Move some of a person's reports to a new person: those under "
                                  "the names given, or from the articles given (ids).\n\n"
                                  "Example: floorcross people split 3 --name 'J Smith' "
                                  "--article 41")
def people_split_command(
    person: Annotated[str, typer.Argument(metavar="PERSON", help="Person id or key.")],
    names: Annotated[list[str] | None, typer.Option(
        "--name", help="A name whose reports move (repeatable).")] = None,
    articles: Annotated[list[int] | None, typer.Option(
        "--article", help="An article id whose reports move (repeatable).")] = None,
    author: AuthorOption = None, note: NoteOption = None, db: DbOption = None,
) -> None:
    store = open_db(db)
    with handled():
        moved: list[str | int] = [*(names or []), *(articles or [])]
        _done(store.split_person(person, moved, author or default_author(), note))
    store.close()


@app.command("corrections", help="List every correction made, oldest first; 'orphaned' ones "
                                 "no longer find their change or person.\n\n"
                                 "Example: floorcross corrections --format csv")
def corrections_command(fmt: FormatOption = ListFormat.table, db: DbOption = None) -> None:
    store = open_db(db)
    with handled():
        rows = [c.as_dict() for c in store.corrections()]
        emit(rows, fmt, ("id", "created_at", "author", "action", "target_key", "other_key",
                         "field", "value", "note", "orphaned"),
             title="Corrections", caption=f"{len(rows)} corrections")
    store.close()
