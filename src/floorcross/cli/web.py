"""``floorcross serve`` (the web app) and ``floorcross user add|list|remove`` (its editors).

``serve`` runs the FastAPI app of ``floorcross.web`` under uvicorn over the same database as
the other commands (``--db``); it binds 127.0.0.1 unless ``--host`` says otherwise. Editors are
kept in the database's ``users`` table with argon2id password hashes.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from floorcross.cli import app
from floorcross.cli.output import ListFormat, emit, fail, handled, say
from floorcross.cli.store import DbOption, FormatOption, open_db

user_app = typer.Typer(help="Add, list and remove the editors who may review changes in the web "
                            "app.\n\nExample: floorcross user add alice", no_args_is_help=True)
app.add_typer(user_app, name="user")

SERVE_HELP = (
    "Run the web app over the database: the latest changes with their evidence, a page per "
    "person and per council, party flows, search, CSV/JSON downloads, an Atom feed, the JSON "
    "API under /api/ (reference at /docs) and the review queue for signed-in editors.\n\n"
    "It listens on 127.0.0.1 (this computer only) unless --host says otherwise. Set "
    "--secret-key (or $FLOORCROSS_SECRET_KEY) so that sign-ins survive a restart.\n\n"
    "Example: floorcross serve --db demo-out/floorcross.db --port 8000"
)


@app.command("serve", help=SERVE_HELP)
def serve_command(
    db: DbOption = None,
    host: Annotated[str, typer.Option(
        "--host", help="Address to listen on; 0.0.0.0 for every network interface.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")
                    ] = 8000,
    secret_key: Annotated[str | None, typer.Option(
        "--secret-key", envvar="FLOORCROSS_SECRET_KEY", show_default=False,
        help="Key that signs session cookies (default: a random one per run).")] = None,
) -> None:
    import uvicorn

    from floorcross.web import create_app

    with handled():
        web_app = create_app(db, secret_key=secret_key)
    shown = "localhost" if host in {"127.0.0.1", "::1"} else host
    say(f"serving {web_app.state.web.store.engine.url.render_as_string(hide_password=True)} "
        f"at http://{shown}:{port}/ (Ctrl-C to stop)")
    uvicorn.run(web_app, host=host, port=port, log_level="info", proxy_headers=False)


def _read_password(name: str, from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise fail("no password on standard input")
        return line.rstrip("\r\n")
    return str(typer.prompt(f"Password for {name}", hide_input=True,
                            confirmation_prompt=True))


@user_app.command("add", help="Add an editor (the password is asked for, never an argument).\n\n"
                              "Example: floorcross user add alice")
def user_add_command(
    name: Annotated[str, typer.Argument(help="Sign-in name (recorded as author of reviews).")],
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from the first line of standard input.")
    ] = False,
    reset: Annotated[bool, typer.Option(
        "--reset", help="Set a new password for an existing editor.")] = False,
    db: DbOption = None,
) -> None:
    from floorcross.web.users import add_user, check_name

    store = open_db(db)
    with handled():
        check_name(name)
        user = add_user(store, name, _read_password(name, password_stdin), replace=reset)
    say(f"{'password set for' if reset else 'added editor'} {user.name}")
    store.close()


@user_app.command("list", help="List the editors.\n\nExample: floorcross user list")
def user_list_command(fmt: FormatOption = ListFormat.table, db: DbOption = None) -> None:
    from floorcross.web.users import list_users

    store = open_db(db)
    with handled():
        rows = [{"id": u.id, "name": u.name, "created_at": u.created_at}
                for u in list_users(store)]
    emit(rows, fmt, ("id", "name", "created_at"), title="Editors")
    store.close()


@user_app.command("remove", help="Remove an editor; their past reviews keep their name.\n\n"
                                 "Example: floorcross user remove alice")
def user_remove_command(name: Annotated[str, typer.Argument(help="Sign-in name.")],
                        db: DbOption = None) -> None:
    from floorcross.web.users import remove_user

    store = open_db(db)
    with handled():
        remove_user(store, name)
    say(f"removed editor {name}")
    store.close()
