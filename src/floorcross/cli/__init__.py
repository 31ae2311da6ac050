"""The ``floorcross`` command line: a thin layer over the library.

Each command lives in its own module under ``floorcross.cli`` and registers itself on ``app``;
the modules listed in ``COMMAND_MODULES`` are imported when the CLI starts.
"""

from __future__ import annotations

import atexit
import importlib
import os
import sys
from typing import NoReturn

import typer

app = typer.Typer(
    name="floorcross",
    help="Source-grounded records of elected politicians changing party, from local news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# One line per command module; each module defines its commands with @app.command().
COMMAND_MODULES: list[str] = [
    "floorcross.cli.extract",
    "floorcross.cli.store",
    "floorcross.cli.ledger",
    "floorcross.cli.web",
    "floorcross.cli.watch",
]


def _register() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name)


def main() -> None:
    """Entry point of the ``floorcross`` script: runs the command, then ends the process.

    Once the command is done (its output flushed, the ``atexit`` handlers run: logging, the
    workers' pools), the process ends with :func:`os._exit` rather than by tearing down every
    module and object it built: the gazetteer, the resolver and the compiled rules are a few
    hundred thousand objects, a quarter of a second to free, for nothing. Set
    ``FLOORCROSS_SLOW_EXIT=1`` to leave the normal way (e.g. under a leak checker).
    """
    _register()
    try:
        app()
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    if os.environ.get("FLOORCROSS_SLOW_EXIT"):
        sys.exit(code)
    _fast_exit(code)


def _fast_exit(code: object) -> NoReturn:
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): the message on stderr, status 1
        print(code, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (floorcross ... | head): nothing to lose
            if stream is sys.stdout and status == 0:
                status = 1
    os._exit(status)
